-- RPT-01 annual program report, certification data: peers by status at the end of the
-- reporting year, by pathway and by specialization (peers active during the year), and
-- certification activity in the year (new, renewed, reinstated, lapsed), statewide and by
-- county of residence. Public: counts pass suppress_counts (RPT-03).
{%- set state_fips = "'06'" %}

with

report_period as (

    select * from {{ ref('int_annual_report_period') }}

),

counties as (

    select county_fips
    from {{ ref('counties') }}

),

peers as (

    select
        certificant_id,
        county_fips,
        coalesce(pathway, 'unknown') as pathway
    from {{ ref('dim_peers') }}

),

active_in_year as (

    select distinct active_months.certificant_id
    from {{ ref('int_peer_active_months') }} as active_months
    cross join report_period
    where active_months.month_start between report_period.period_start and report_period.period_end

),

status_at_end as (

    -- CERT-05, CERT-06, PI-02: the status span covering the last day of the year.
    select
        spans.certificant_id,
        'status_at_period_end' as breakdown,
        spans.status as category,
        spans.certificant_id as unit_key
    from {{ ref('fct_certification_status_spans') }} as spans
    cross join report_period
    where
        spans.valid_from <= report_period.period_end
        and (spans.valid_to is null or spans.valid_to > report_period.period_end)

),

by_pathway as (

    -- CERT-03, CERT-08, CERT-09: peers active on some day of the year, by the pathway of
    -- their latest application.
    select
        peers.certificant_id,
        'pathway_of_active_peers' as breakdown,
        peers.pathway as category,
        peers.certificant_id as unit_key
    from active_in_year
    inner join peers
        on active_in_year.certificant_id = peers.certificant_id

),

by_specialization as (

    -- CERT-07: peers active on some day of the year holding a specialization completed by
    -- the year's end (a peer may hold several).
    select distinct
        events.certificant_id,
        'specialization_of_active_peers' as breakdown,
        events.specialization as category,
        events.certificant_id as unit_key
    from {{ ref('stg_peer_certification__certification_events') }} as events
    inner join active_in_year
        on events.certificant_id = active_in_year.certificant_id
    cross join report_period
    where
        events.event_type = 'specialization_completed'
        and events.specialization is not null
        and events.event_date <= report_period.period_end

),

activity as (

    -- CERT-03/04/05/06: new certifications, renewals, reinstatements and lapses in the year.
    select
        activity.certificant_id,
        'activity' as breakdown,
        activity.activity as category,
        {{ dbt.concat(['activity.certificant_id', "':'", 'activity.event_id', "':'", 'activity.activity']) }}
            as unit_key
    from {{ ref('int_certification_activity') }} as activity
    cross join report_period
    where activity.activity_date between report_period.period_start and report_period.period_end

),

facts as (

    select * from status_at_end
    union all
    select * from by_pathway
    union all
    select * from by_specialization
    union all
    select * from activity

),

placed as (

    select
        facts.breakdown,
        facts.category,
        facts.unit_key,
        counties.county_fips
    from facts
    left join peers
        on facts.certificant_id = peers.certificant_id
    left join counties
        on peers.county_fips = counties.county_fips

),

counted as (

    select
        'state' as geography_level,
        {{ state_fips }} as geography_code,
        breakdown,
        category,
        count(distinct unit_key) as peers
    from placed
    group by
        breakdown,
        category

    union all

    select
        'county' as geography_level,
        county_fips as geography_code,
        breakdown,
        category,
        count(distinct unit_key) as peers
    from placed
    where county_fips is not null
    group by
        county_fips,
        breakdown,
        category

),

categories as (

    -- Every category seen, plus the fixed lists, so that a zero is shown rather than missing.
    select
        breakdown,
        category,
        -- Complementary suppression across categories only where they add up to a total
        -- published elsewhere (statuses; pathways of active peers = WF-01 for the year). A
        -- peer may hold several specializations, and activities are separate events.
        case
            when breakdown in ('status_at_period_end', 'pathway_of_active_peers') then breakdown
            else {{ dbt.concat(['breakdown', "':'", 'category']) }}
        end as complement_set
    from (
        select
            breakdown,
            category
        from counted
        union
        select
            'status_at_period_end' as breakdown,
            status as category
        from (
            select 'applicant' as status
            union all
            select 'active' as status
            union all
            select 'lapsed' as status
            union all
            select 'vacated' as status
            union all
            select 'suspended' as status
            union all
            select 'revoked' as status
        ) as statuses
        union
        select
            'activity' as breakdown,
            activity as category
        from (
            select 'new_certification' as activity
            union all
            select 'renewal' as activity
            union all
            select 'reinstatement' as activity
            union all
            select 'lapse' as activity
        ) as activities
        union
        select
            'specialization_of_active_peers' as breakdown,
            specialization as category
        from {{ ref('specializations') }}
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
        categories.complement_set,
        coalesce(counted.peers, 0) as peers
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
        key_columns=['breakdown', 'category', 'complement_set', 'geography_level', 'geography_code'],
        count_columns=['peers'],
        complement_groups=[
            ['breakdown', 'category', 'geography_level'],
            ['complement_set', 'geography_level', 'geography_code'],
        ],
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
        cast(suppressed.peers as bigint) as peers,
        cast(suppressed.is_suppressed as boolean) as is_suppressed
    from suppressed
    cross join report_period

)

select * from final
