-- RPT-01 annual program report, certification data, before suppression (internal edition;
-- state analysts only, never published): for every reporting year, peers by status at the end
-- of the year, by pathway and by specialization (peers active during the year), and
-- certification activity in the year (new, renewed, reinstated, lapsed), statewide and by
-- county of residence. rpt_annual_program_report__certification is this table with the
-- disclosure control's pattern applied (int_annual_program_report_cells, RPT-03).

with

report_periods as (

    select * from {{ ref('int_annual_report_periods') }}

),

geographies as (

    select * from {{ ref('int_report_geographies') }}
    where geography_level in ('state', 'county')

),

peers as (

    select
        dim_peers.certificant_id,
        counties.county_fips,
        coalesce(dim_peers.pathway, 'unknown') as pathway
    from {{ ref('dim_peers') }} as dim_peers
    left join {{ ref('counties') }} as counties
        on dim_peers.county_fips = counties.county_fips

),

active_in_year as (

    select distinct
        report_periods.report_year,
        report_periods.year_type,
        active_months.certificant_id
    from {{ ref('int_peer_active_months') }} as active_months
    inner join report_periods
        on active_months.month_start between report_periods.period_start and report_periods.period_end

),

status_at_end as (

    -- CERT-05, CERT-06, PI-02: the status span covering the last day of the year.
    select
        report_periods.report_year,
        report_periods.year_type,
        spans.certificant_id,
        'status_at_period_end' as breakdown,
        spans.status as category,
        spans.certificant_id as unit_key
    from {{ ref('fct_certification_status_spans') }} as spans
    inner join report_periods
        on
            spans.valid_from <= report_periods.period_end
            and (spans.valid_to is null or spans.valid_to > report_periods.period_end)

),

by_pathway as (

    -- CERT-03, CERT-08, CERT-09: peers active on some day of the year, by the pathway of
    -- their latest application.
    select
        active_in_year.report_year,
        active_in_year.year_type,
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
        active_in_year.report_year,
        active_in_year.year_type,
        events.certificant_id,
        'specialization_of_active_peers' as breakdown,
        events.specialization as category,
        events.certificant_id as unit_key
    from {{ ref('stg_peer_certification__certification_events') }} as events
    inner join active_in_year
        on events.certificant_id = active_in_year.certificant_id
    inner join report_periods
        on
            active_in_year.report_year = report_periods.report_year
            and active_in_year.year_type = report_periods.year_type
    where
        events.event_type = 'specialization_completed'
        and events.specialization is not null
        and events.event_date <= report_periods.period_end

),

activity as (

    -- CERT-03/04/05/06: new certifications, renewals, reinstatements and lapses in the year,
    -- counted over its months of the reporting grid, as WF-02 counts new certifications.
    select
        report_periods.report_year,
        report_periods.year_type,
        activity.certificant_id,
        'activity' as breakdown,
        activity.activity as category,
        {{ dbt.concat(['activity.certificant_id', "':'", 'activity.event_id', "':'", 'activity.activity']) }}
            as unit_key
    from {{ ref('int_certification_activity') }} as activity
    inner join report_periods
        on activity.activity_date between report_periods.counted_from and report_periods.counted_through

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

counted as (

    select
        facts.report_year,
        facts.year_type,
        geographies.geography_level,
        geographies.geography_code,
        facts.breakdown,
        facts.category,
        count(distinct facts.unit_key) as peers
    from facts
    left join peers
        on facts.certificant_id = peers.certificant_id
    inner join geographies
        on geographies.member_county_fips is not distinct from peers.county_fips
    group by
        facts.report_year,
        facts.year_type,
        geographies.geography_level,
        geographies.geography_code,
        facts.breakdown,
        facts.category

),

categories as (

    -- Every category seen, plus the fixed lists, so that a zero is shown rather than missing.
    select
        breakdown,
        category
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

final as (

    select
        {{ annual_report_columns('cells') }},
        cast(categories.breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(categories.category as {{ dbt.type_string() }}) as category,
        cast(coalesce(counted.peers, 0) as bigint) as peers
    {{ annual_report_grid('geographies', 'counted', 'categories') }}

)

select * from final
