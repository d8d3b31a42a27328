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
