-- RPT-01 annual program report, complaints and actions (PI-01, PI-03, PI-04): complaints
-- received in the reporting year, by outcome, most severe action, appeal and outcome, and
-- timeliness, statewide and by the county where the complaint arose; mean days to resolve
-- alongside. Public: counts pass suppress_counts (RPT-03).
{%- set state_fips = "'06'" %}

with

report_period as (

    select * from {{ ref('int_annual_report_period') }}

),

counties as (

    select county_fips
    from {{ ref('counties') }}

),

complaints as (

    select fct_complaints.*
    from {{ ref('fct_complaints') }} as fct_complaints
    cross join report_period
    where fct_complaints.received_date between report_period.period_start and report_period.period_end

),

facts as (

    select
        complaint_id,
        county_fips,
        'received' as breakdown,
        'all' as category,
        days_to_resolve
    from complaints
    union all
    select
        complaint_id,
        county_fips,
        'outcome' as breakdown,
        outcome as category,
        days_to_resolve
    from complaints
    union all
    select
        complaint_id,
        county_fips,
        'most_severe_action' as breakdown,
        most_severe_action as category,
        days_to_resolve
    from complaints
    union all
    select
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

placed as (

    select
        facts.*,
        counties.county_fips as known_county_fips
    from facts
    left join counties
        on facts.county_fips = counties.county_fips

),

counted as (

    select
        'state' as geography_level,
        {{ state_fips }} as geography_code,
        breakdown,
        category,
        count(distinct complaint_id) as complaints,
        avg(days_to_resolve) as mean_days_to_resolve
    from placed
    group by
        breakdown,
        category

    union all

    select
        'county' as geography_level,
        known_county_fips as geography_code,
        breakdown,
        category,
        count(distinct complaint_id) as complaints,
        avg(days_to_resolve) as mean_days_to_resolve
    from placed
    where known_county_fips is not null
    group by
        known_county_fips,
        breakdown,
        category

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

geographies as (

    select
        'state' as geography_level,
        {{ state_fips }} as geography_code

    union all

    select
        'county' as geography_level,
        county_fips as geography_code
    from counties

),

cells as (

    select
        geographies.geography_level,
        geographies.geography_code,
        categories.breakdown,
        categories.category,
        counted.mean_days_to_resolve,
        coalesce(counted.complaints, 0) as complaints
    from geographies
    cross join categories
    left join counted
        on
            geographies.geography_level = counted.geography_level
            and geographies.geography_code = counted.geography_code
            and categories.breakdown = counted.breakdown
            and categories.category = counted.category

),

suppressed as (

    {{ suppress_counts(
        relation='cells',
        key_columns=['breakdown', 'category', 'geography_level', 'geography_code'],
        count_columns=['complaints'],
        complement_groups=[
            ['breakdown', 'category', 'geography_level'],
            ['breakdown', 'geography_level', 'geography_code'],
        ],
        derived_columns={'mean_days_to_resolve': ['complaints']},
    ) }}

),

final as (

    select
        cast(report_period.report_period_label as {{ dbt.type_string() }}) as report_period_label,
        cast(report_period.period_type as {{ dbt.type_string() }}) as period_type,
        cast(report_period.period_start as date) as period_start,
        cast(report_period.period_end as date) as period_end,
        cast(suppressed.geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(suppressed.geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(suppressed.breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(suppressed.category as {{ dbt.type_string() }}) as category,
        cast(suppressed.complaints as bigint) as complaints,
        cast(round(suppressed.mean_days_to_resolve, 1) as decimal(10, 1)) as mean_days_to_resolve,
        cast(suppressed.is_suppressed as boolean) as is_suppressed
    from suppressed
    cross join report_period

)

select * from final
