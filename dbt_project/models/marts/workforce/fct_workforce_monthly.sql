-- Peer support workforce by county and month (thin first version): how many peers held an
-- active certification (by county of residence) and how many were employed as peer support
-- specialists (by employing county). Every county appears every month, zero where none.
with

county_months as (

    select * from {{ ref('int_county_months') }}

),

months as (

    select distinct
        month_start,
        month_end
    from county_months

),

certification_periods as (

    select * from {{ ref('int_certification_periods') }}

),

certificants as (

    select
        certificant_id,
        county_fips
    from {{ ref('stg_peer_certification__certificants') }}

),

peer_employment as (

    select
        certificant_id,
        county_fips,
        hire_date,
        separation_date
    from {{ ref('stg_county__employment') }}
    where role = 'peer_support_specialist'

),

active_certified as (

    -- A period covers a month when it starts on or before the month's last day and
    -- expires on or after its first day.
    select
        months.month_start,
        certificants.county_fips,
        count(distinct certification_periods.certificant_id) as active_certified_peers
    from certification_periods
    inner join months
        on
            certification_periods.valid_from <= months.month_end
            and certification_periods.valid_through >= months.month_start
    inner join certificants
        on certification_periods.certificant_id = certificants.certificant_id
    group by
        months.month_start,
        certificants.county_fips

),

employed as (

    -- An employment spell overlaps a month when hired on or before its last day and not
    -- separated before its first day (no separation date = still employed).
    select
        months.month_start,
        peer_employment.county_fips,
        count(distinct peer_employment.certificant_id) as employed_peers
    from peer_employment
    inner join months
        on
            peer_employment.hire_date <= months.month_end
            and (
                peer_employment.separation_date is null
                or peer_employment.separation_date >= months.month_start
            )
    group by
        months.month_start,
        peer_employment.county_fips

),

final as (

    select
        county_months.month_start,
        county_months.county_fips,
        county_months.county_name,
        county_months.region,
        cast(coalesce(active_certified.active_certified_peers, 0) as bigint) as active_certified_peers,
        cast(coalesce(employed.employed_peers, 0) as bigint) as employed_peers
    from county_months
    left join active_certified
        on
            county_months.month_start = active_certified.month_start
            and county_months.county_fips = active_certified.county_fips
    left join employed
        on
            county_months.month_start = employed.month_start
            and county_months.county_fips = employed.county_fips

)

select * from final
