-- RPT-01 annual program report, complaints and actions (PI-01, PI-03, PI-04), before
-- suppression (internal edition; state analysts only, never published): for every reporting
-- year, complaints received in the year, by outcome, most severe action, appeal and outcome,
-- and timeliness, statewide and by the county where the complaint arose; mean days
-- to resolve alongside. Complaints are counted over the year's months of the reporting grid,
-- as PI-01 counts them. rpt_annual_program_report__complaints is this table with the disclosure
-- control's pattern applied (int_annual_program_report_cells, RPT-03).
{#- Each breakdown: the expression giving a complaint's category, and every category, so a
    zero is shown rather than missing. #}
{%- set breakdowns = [
    ('received', "'all'", ['all']),
    ('outcome', 'outcome', ['substantiated', 'dismissed', 'closed_no_finding', 'pending']),
    ('most_severe_action', 'most_severe_action', ['revocation', 'suspension', 'corrective_action', 'none']),
    (
        'appeal',
        "case when appeal_filed_date is null then 'none' else coalesce(appeal_outcome, 'pending') end",
        ['none', 'pending', 'upheld', 'overturned', 'modified'],
    ),
    (
        'acknowledged_on_time',
        "case when acknowledged_on_time then 'yes' when not acknowledged_on_time then 'no' else 'not_yet_due' end",
        ['yes', 'no', 'not_yet_due'],
    ),
    (
        'resolved_on_time',
        "case when resolved_on_time then 'yes' when not resolved_on_time then 'no' else 'not_yet_due' end",
        ['yes', 'no', 'not_yet_due'],
    ),
] %}

with

report_periods as (

    select * from {{ ref('int_annual_report_periods') }}

),

geographies as (

    select * from {{ ref('int_report_geographies') }}
    where geography_level in ('state', 'county')

),

complaints as (

    select
        fct_complaints.*,
        report_periods.report_year,
        report_periods.year_type
    from {{ ref('fct_complaints') }} as fct_complaints
    inner join report_periods
        on fct_complaints.received_date between report_periods.counted_from and report_periods.counted_through

),

facts as (
    {%- for breakdown, category, _ in breakdowns %}

        select
            report_year,
            year_type,
            complaint_id,
            county_fips,
            '{{ breakdown }}' as breakdown,
            {{ category }} as category,
            days_to_resolve
        from complaints
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

counted as (

    select
        facts.report_year,
        facts.year_type,
        geographies.geography_level,
        geographies.geography_code,
        facts.breakdown,
        facts.category,
        count(distinct facts.complaint_id) as complaints,
        avg(facts.days_to_resolve) as mean_days_to_resolve
    from facts
    left join {{ ref('counties') }} as counties
        on facts.county_fips = counties.county_fips
    inner join geographies
        on geographies.member_county_fips is not distinct from counties.county_fips
    group by
        facts.report_year,
        facts.year_type,
        geographies.geography_level,
        geographies.geography_code,
        facts.breakdown,
        facts.category

),

categories as (
    {%- for breakdown, _, categories in breakdowns %}
        {%- for category in categories %}

            select
                '{{ breakdown }}' as breakdown,
                '{{ category }}' as category
            {%- if not loop.last %}

                union all
            {%- endif %}
        {%- endfor %}
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        {{ annual_report_columns('cells') }},
        cast(categories.breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(categories.category as {{ dbt.type_string() }}) as category,
        cast(coalesce(counted.complaints, 0) as bigint) as complaints,
        cast(round(counted.mean_days_to_resolve, 1) as decimal(10, 1)) as mean_days_to_resolve
    {{ annual_report_grid('geographies', 'counted', 'categories') }}

)

select * from final
