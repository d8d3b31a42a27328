-- RPT-01 annual program report, complaints and actions (PI-01, PI-03, PI-04), before
-- suppression (internal edition; state analysts only, never published): for every reporting
-- year, complaints received in the year, by outcome, most severe action, appeal and outcome,
-- and timeliness, statewide and by the county where the complaint arose; mean days
-- to resolve alongside. rpt_annual_program_report__complaints is this table suppressed.
{{ config(materialized='table') }}

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
        report_periods.report_year,
        report_periods.year_type,
        fct_complaints.*
    from {{ ref('fct_complaints') }} as fct_complaints
    inner join report_periods
        on fct_complaints.received_date between report_periods.period_start and report_periods.period_end

),

facts as (

    select
        report_year,
        year_type,
        complaint_id,
        county_fips,
        'received' as breakdown,
        'all' as category,
        days_to_resolve
    from complaints
    union all
    select
        report_year,
        year_type,
        complaint_id,
        county_fips,
        'outcome' as breakdown,
        outcome as category,
        days_to_resolve
    from complaints
    union all
    select
        report_year,
        year_type,
        complaint_id,
        county_fips,
        'most_severe_action' as breakdown,
        most_severe_action as category,
        days_to_resolve
    from complaints
    union all
    select
        report_year,
        year_type,
        complaint_id,
        county_fips,
        'appeal' as breakdown,
        case
            when appeal_filed_date is null then 'none'
            else coalesce(appeal_outcome, 'pending')
        end as category,
        days_to_resolve
    from complaints
    union all
    select
        report_year,
        year_type,
        complaint_id,
        county_fips,
        'acknowledged_on_time' as breakdown,
        case
            when acknowledged_on_time then 'yes'
            when not acknowledged_on_time then 'no'
            else 'not_yet_due'
        end as category,
        days_to_resolve
    from complaints
    union all
    select
        report_year,
        year_type,
        complaint_id,
        county_fips,
        'resolved_on_time' as breakdown,
        case
            when resolved_on_time then 'yes'
            when not resolved_on_time then 'no'
            else 'not_yet_due'
        end as category,
        days_to_resolve
    from complaints

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

    -- Every category of each breakdown, so that a zero is shown rather than missing.
    select
        breakdown,
        category
    from (
        select
            'received' as breakdown,
            'all' as category
        union all
        select
            'outcome' as breakdown,
            'substantiated' as category
        union all
        select
            'outcome' as breakdown,
            'dismissed' as category
        union all
        select
            'outcome' as breakdown,
            'closed_no_finding' as category
        union all
        select
            'outcome' as breakdown,
            'pending' as category
        union all
        select
            'most_severe_action' as breakdown,
            'revocation' as category
        union all
        select
            'most_severe_action' as breakdown,
            'suspension' as category
        union all
        select
            'most_severe_action' as breakdown,
            'corrective_action' as category
        union all
        select
            'most_severe_action' as breakdown,
            'none' as category
        union all
        select
            'appeal' as breakdown,
            'none' as category
        union all
        select
            'appeal' as breakdown,
            'pending' as category
        union all
        select
            'appeal' as breakdown,
            'upheld' as category
        union all
        select
            'appeal' as breakdown,
            'overturned' as category
        union all
        select
            'appeal' as breakdown,
            'modified' as category
        union all
        select
            'acknowledged_on_time' as breakdown,
            'yes' as category
        union all
        select
            'acknowledged_on_time' as breakdown,
            'no' as category
        union all
        select
            'acknowledged_on_time' as breakdown,
            'not_yet_due' as category
        union all
        select
            'resolved_on_time' as breakdown,
            'yes' as category
        union all
        select
            'resolved_on_time' as breakdown,
            'no' as category
        union all
        select
            'resolved_on_time' as breakdown,
            'not_yet_due' as category
    ) as listed

),

cells as (

    select
        report_periods.report_year,
        report_periods.year_type,
        report_periods.report_period_label,
        report_periods.period_start,
        report_periods.period_end,
        report_periods.is_complete_year,
        listed_geographies.geography_level,
        listed_geographies.geography_code,
        listed_geographies.geography_name,
        categories.breakdown,
        categories.category,
        coalesce(counted.complaints, 0) as complaints,
        counted.mean_days_to_resolve
    from report_periods
    cross join (
        select distinct
            geography_level,
            geography_code,
            geography_name
        from geographies
    ) as listed_geographies
    cross join categories
    left join counted
        on
            report_periods.report_year = counted.report_year
            and report_periods.year_type = counted.year_type
            and listed_geographies.geography_level = counted.geography_level
            and listed_geographies.geography_code = counted.geography_code
            and categories.breakdown = counted.breakdown
            and categories.category = counted.category

),

final as (

    select
        cast(report_year as integer) as report_year,
        cast(year_type as {{ dbt.type_string() }}) as year_type,
        cast(report_period_label as {{ dbt.type_string() }}) as report_period_label,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(is_complete_year as boolean) as is_complete_year,
        cast(geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(geography_name as {{ dbt.type_string() }}) as geography_name,
        cast(breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(complaints as bigint) as complaints,
        cast(round(mean_days_to_resolve, 1) as decimal(10, 1)) as mean_days_to_resolve
    from cells

)

select * from final
