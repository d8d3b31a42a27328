{#
    annual_report_columns(alias): the columns every annual program report table (RPT-01)
    starts with, cast to the types of the models' contracts: the reporting year (report_year,
    year_type, report_period_label, period_start, period_end, is_complete_year) and the
    geography (geography_level, geography_code, geography_name). `alias` qualifies them.
#}
{% macro annual_report_columns(alias) -%}
    cast({{ alias }}.report_year as integer) as report_year,
    cast({{ alias }}.year_type as {{ dbt.type_string() }}) as year_type,
    cast({{ alias }}.report_period_label as {{ dbt.type_string() }}) as report_period_label,
    cast({{ alias }}.period_start as date) as period_start,
    cast({{ alias }}.period_end as date) as period_end,
    cast({{ alias }}.is_complete_year as boolean) as is_complete_year,
    cast({{ alias }}.geography_level as {{ dbt.type_string() }}) as geography_level,
    cast({{ alias }}.geography_code as {{ dbt.type_string() }}) as geography_code,
    cast({{ alias }}.geography_name as {{ dbt.type_string() }}) as geography_name
{%- endmacro %}


{#
    annual_report_grid(geographies, counted, categories=none): the from-clause of the cells of
    an annual program report table: every reporting year of int_annual_report_periods (alias
    report_periods) x every geography of `geographies` (a CTE over int_report_geographies;
    alias listed_geographies) [x every row of `categories` (breakdown, category)], left-joined
    to `counted` (alias counted), so a cell without facts is there, with NULL counts to
    coalesce to 0. Select annual_report_columns('cells') of it.
#}
{% macro annual_report_grid(geographies, counted, categories=none) -%}
    from (
        select
            report_periods.*,
            listed_geographies.geography_level,
            listed_geographies.geography_code,
            listed_geographies.geography_name,
            listed_geographies.parent_geography_code
        from {{ ref('int_annual_report_periods') }} as report_periods
        cross join (
            select distinct
                geography_level,
                geography_code,
                geography_name,
                parent_geography_code
            from {{ geographies }}
        ) as listed_geographies
    ) as cells
    {%- if categories %}
    cross join {{ categories }} as categories
    {%- endif %}
    left join {{ counted }} as counted
        on
            cells.report_year = counted.report_year
            and cells.year_type = counted.year_type
            and cells.geography_level = counted.geography_level
            and cells.geography_code = counted.geography_code
            {%- if categories %}
            and categories.breakdown = counted.breakdown
            and categories.category = counted.category
            {%- endif %}
{%- endmacro %}


{#
    annual_report_disclosed_counts(report_table): a select of the counts of one public annual
    program report table (`certification`, `employment` or `complaints`) as the disclosure
    control's pattern lets them be shown (RPT-03): the row keys of int_annual_program_report_cells
    (report_year, year_type, geography_level, geography_code, breakdown, category), count_column
    and `value`, the count where the pattern shows its cell with the same value, NULL otherwise
    (fails closed, macros/disclosure.sql). Join it to the table's rows with annual_report_same_row.
#}
{% macro annual_report_disclosed_counts(report_table) -%}
    select
        cells.report_year,
        cells.year_type,
        cells.geography_level,
        cells.geography_code,
        cells.breakdown,
        cells.category,
        cells.count_column,
        {{ disclosed('pattern', 'cells.value') }} as value
    from {{ ref('int_annual_program_report_cells') }} as cells
    left join {{ ref('stg_disclosure__suppression') }} as pattern
        on {{ disclosure_cell_matches('pattern', 'cells', 'cells.quantity') }}
    where cells.output_name = 'rpt_annual_program_report__{{ report_table }}'
{%- endmacro %}


{#
    annual_report_same_row(counts, report_rows, by_category=true): the join condition between
    a count of int_annual_program_report_cells (alias `counts`) and the report row it belongs to
    (alias `report_rows`): the same reporting year and geography, and for the tables in tidy form
    (by_category) the same breakdown and category.
#}
{% macro annual_report_same_row(counts, report_rows, by_category=true) -%}
    {{ counts }}.report_year = {{ report_rows }}.report_year
    and {{ counts }}.year_type = {{ report_rows }}.year_type
    and {{ counts }}.geography_level = {{ report_rows }}.geography_level
    and {{ counts }}.geography_code = {{ report_rows }}.geography_code
    {%- if by_category %}
    and {{ counts }}.breakdown = {{ report_rows }}.breakdown
    and {{ counts }}.category = {{ report_rows }}.category
    {%- endif %}
{%- endmacro %}


{#
    annual_report_employment_counts(): the counts of the employment table, each a quantity of
    its own (disclosure_quantities): [(column, quantity), ...].
#}
{% macro annual_report_employment_counts() -%}
    {{ return([
        ('employed_peers', 'employed_peers'),
        ('employed_peers_on_period_end', 'employed_peers_at_period_end'),
        ('supervisors_on_period_end', 'supervisors_at_period_end'),
        ('hires', 'hires'),
        ('separations', 'separations'),
    ]) }}
{%- endmacro %}


{#
    annual_report_counts(edition): a select of every count of the annual program report's
    tables, one row per table row and count column, from the `internal` edition
    (int_annual_program_report__*) or the `public` one (rpt_annual_program_report__*, NULL where
    suppressed): output_name (the public model), report_year, year_type, period_start,
    period_end, geography_level, geography_code, breakdown, category (`all` for the employment
    table, which has none), count_column, value.
#}
{% macro annual_report_counts(edition) -%}
    {%- set prefix = 'int' if edition == 'internal' else 'rpt' %}
    {%- set tables = [('certification', ['peers']), ('complaints', ['complaints'])] %}
    {%- do tables.append(('employment', annual_report_employment_counts() | map(attribute=0) | list)) %}
    {%- for report_table, count_columns in tables %}
        {%- set last_table = loop.last %}
        {%- for column in count_columns %}
    select
        'rpt_annual_program_report__{{ report_table }}' as output_name,
        report_year,
        year_type,
        period_start,
        period_end,
        geography_level,
        geography_code,
        {{ "'all' as breakdown" if report_table == 'employment' else 'breakdown' }},
        {{ "'all' as category" if report_table == 'employment' else 'category' }},
        '{{ column }}' as count_column,
        {{ column }} as value
    from {{ ref(prefix ~ '_annual_program_report__' ~ report_table) }}
            {%- if not (last_table and loop.last) %}
    union all
            {%- endif %}
        {%- endfor %}
    {%- endfor %}
{%- endmacro %}
