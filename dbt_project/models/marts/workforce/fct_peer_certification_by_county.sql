-- Certified peers by county of residence on the as-of date (dim_peers: the latest extract
-- date of the certification feeds, never the wall clock), for the county workforce page:
-- renewals coming due (CERT-04: a two-year term; CERT-05: not renewed by its expiration, a
-- certification lapses), specializations held by active peers (CERT-07) and peers by
-- current status (CERT-04/05/06, PI-02). Counts of distinct peers; internal (unsuppressed).
{%- set renewal_windows_days = [30, 60, 90] %}

with

peers as (

    select
        certificant_id,
        county_fips,
        current_status,
        current_expiration_date,
        as_of_date
    from {{ ref('dim_peers') }}
    where county_fips is not null

),

as_of as (

    select max(as_of_date) as as_of_date
    from peers

),

counties as (

    select
        county_fips,
        county_name
    from {{ ref('counties') }}

),

renewal_windows as (

    {% for days in renewal_windows_days -%}
        select {{ days }} as window_days
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

renewals_due as (

    -- An active peer whose certification expires on or after the as-of date and within the
    -- window: due to renew (CERT-04) before it lapses (CERT-05).
    select
        peers.certificant_id,
        peers.county_fips,
        'renewal_due_within_days' as breakdown,
        cast(renewal_windows.window_days as {{ dbt.type_string() }}) as category
    from peers
    cross join renewal_windows
    where
        peers.current_status = 'active'
        and peers.current_expiration_date >= peers.as_of_date
        and peers.current_expiration_date
        <= {{ dbt.dateadd('day', 'renewal_windows.window_days', 'peers.as_of_date') }}

),

specializations as (

    select distinct
        events.certificant_id,
        peers.county_fips,
        'specialization_of_active_peers' as breakdown,
        events.specialization as category
    from {{ ref('stg_peer_certification__certification_events') }} as events
    inner join peers
        on events.certificant_id = peers.certificant_id
    where
        events.event_type = 'specialization_completed'
        and events.specialization is not null
        and events.event_date <= peers.as_of_date
        and peers.current_status = 'active'

),

statuses as (

    select
        certificant_id,
        county_fips,
        'current_status' as breakdown,
        current_status as category
    from peers
    where current_status is not null

),

facts as (

    select * from renewals_due
    union all
    select * from specializations
    union all
    select * from statuses

),

counted as (

    select
        county_fips,
        breakdown,
        category,
        count(distinct certificant_id) as peers
    from facts
    group by
        county_fips,
        breakdown,
        category

),

-- Every county gets every renewal window, zero where none is due, so that a county without
-- renewals reads 0 rather than no data.
grid as (

    select
        counties.county_fips,
        'renewal_due_within_days' as breakdown,
        cast(renewal_windows.window_days as {{ dbt.type_string() }}) as category
    from counties
    cross join renewal_windows
    union
    select
        county_fips,
        breakdown,
        category
    from counted

),

final as (

    select
        cast(as_of.as_of_date as date) as as_of_date,
        cast(grid.county_fips as {{ dbt.type_string() }}) as county_fips,
        cast(counties.county_name as {{ dbt.type_string() }}) as county_name,
        cast(grid.breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(grid.category as {{ dbt.type_string() }}) as category,
        cast(coalesce(counted.peers, 0) as bigint) as peers
    from grid
    cross join as_of
    left join counties
        on grid.county_fips = counties.county_fips
    left join counted
        on
            grid.county_fips = counted.county_fips
            and grid.breakdown = counted.breakdown
            and grid.category = counted.category

)

select * from final
