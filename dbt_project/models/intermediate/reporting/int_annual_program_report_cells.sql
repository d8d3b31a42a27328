-- RPT-01, RPT-03: every count the public edition of the annual program report shows, as a cell
-- of the disclosure control (int_disclosure_cells): one row per table, reporting year,
-- geography, breakdown and category, and count column, with the quantity
-- (disclosure_quantities), period span and stratum it is. A count another output also shows is
-- the same cell there: pathways of active peers are strata of WF-01's active peers, complaints
-- received are PI-01's complaints and those resolved on time PI-02's numerator. The
-- rpt_annual_program_report__* models show a count only where the pattern shows its cell.
-- Internal: holds the counts before suppression; never published.
{#- How a count becomes a cell: (table, breakdown, category, count column, quantity, stratum).
    A breakdown that splits a quantity is its stratum, each category (none: every one) a
    stratum value; `received` is the `all` stratum of complaints. A category that is a quantity
    of its own (an activity; a timeliness class, which adds up with PI-02's counts) is that
    quantity's `all` stratum, and so is each employment count (the table has no breakdown). #}
{%- set cell_mappings = [
    ('certification', 'status_at_period_end', none, 'peers', 'peers_at_period_end', 'status'),
    ('certification', 'pathway_of_active_peers', none, 'peers', 'active_peers', 'pathway'),
    ('certification', 'specialization_of_active_peers', none, 'peers', 'active_peers_with_specialization', 'specialization'),
    ('certification', 'activity', 'new_certification', 'peers', 'new_certifications', 'all'),
    ('certification', 'activity', 'renewal', 'peers', 'renewals', 'all'),
    ('certification', 'activity', 'reinstatement', 'peers', 'reinstatements', 'all'),
    ('certification', 'activity', 'lapse', 'peers', 'lapses', 'all'),
    ('complaints', 'received', 'all', 'complaints', 'complaints', 'all'),
    ('complaints', 'outcome', none, 'complaints', 'complaints', 'outcome'),
    ('complaints', 'most_severe_action', none, 'complaints', 'complaints', 'most_severe_action'),
    ('complaints', 'appeal', none, 'complaints', 'complaints', 'appeal'),
    ('complaints', 'acknowledged_on_time', none, 'complaints', 'complaints', 'acknowledged_on_time'),
    ('complaints', 'resolved_on_time', 'yes', 'complaints', 'complaints_resolved_on_time', 'all'),
    ('complaints', 'resolved_on_time', 'no', 'complaints', 'complaints_resolved_late', 'all'),
    ('complaints', 'resolved_on_time', 'not_yet_due', 'complaints', 'complaints_not_yet_due', 'all'),
] %}
{%- for column, quantity in annual_report_employment_counts() %}
    {%- do cell_mappings.append(('employment', 'all', 'all', column, quantity, 'all')) %}
{%- endfor %}
with

counts as (

    {{ annual_report_counts('internal') }}

),

quantities as (
    {%- for report_table, breakdown, category, count_column, quantity, stratum_name in cell_mappings %}

        select
            'rpt_annual_program_report__{{ report_table }}' as output_name,
            '{{ breakdown }}' as breakdown,
            {%- if category %}
                '{{ category }}' as category,
            {%- else %}
                cast(null as {{ dbt.type_string() }}) as category,
            {%- endif %}
            '{{ count_column }}' as count_column,
            '{{ quantity }}' as quantity,
            '{{ stratum_name }}' as stratum_name
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

geographies as (

    select distinct
        geography_level,
        geography_code,
        parent_geography_code
    from {{ ref('int_report_geographies') }}

),

final as (

    select
        cast(counts.output_name as {{ dbt.type_string() }}) as output_name,
        cast(counts.report_year as integer) as report_year,
        cast(counts.year_type as {{ dbt.type_string() }}) as year_type,
        cast(counts.breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(counts.category as {{ dbt.type_string() }}) as category,
        cast(counts.count_column as {{ dbt.type_string() }}) as count_column,
        cast(quantities.quantity as {{ dbt.type_string() }}) as quantity,
        cast(counts.period_start as date) as period_start,
        cast(counts.period_end as date) as period_end,
        cast(counts.geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(counts.geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(geographies.parent_geography_code as {{ dbt.type_string() }}) as parent_geography_code,
        cast(quantities.stratum_name as {{ dbt.type_string() }}) as stratum_name,
        cast(
            case when quantities.stratum_name = 'all' then 'all' else counts.category end
            as {{ dbt.type_string() }}
        ) as stratum_value,
        cast(counts.value as bigint) as value
    from counts
    inner join geographies
        on
            counts.geography_level = geographies.geography_level
            and counts.geography_code = geographies.geography_code
    -- A count without a mapping keeps a NULL quantity, which its test fails on: it has no cell,
    -- and the public table would suppress it. A NULL category maps every category.
    left join quantities
        on
            counts.output_name = quantities.output_name
            and counts.breakdown = quantities.breakdown
            and counts.count_column = quantities.count_column
            and (quantities.category is null or counts.category = quantities.category)

)

select * from final
