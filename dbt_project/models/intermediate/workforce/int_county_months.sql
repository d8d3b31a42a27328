-- The county x month reporting grid: every one of the 58 counties for every month from
-- the launch of the Medi-Cal peer support benefit (2022-07) through the warehouse's data
-- month (the month of the latest extract date delivered in any feed). Marts left join
-- their measures onto this grid so that counties with none show zero.
{%- set data_month = latest_extract_month([
    ref('stg_peer_certification__certificants'),
    ref('stg_peer_certification__certification_events'),
    ref('stg_county__employment'),
    ref('stg_sdmc__claim_lines'),
    ref('stg_medi_cal__eligibility_months'),
    ref('stg_medi_cal__member_counts'),
    ref('stg_peer_certification__complaint_events'),
    ref('stg_dhcs__suspended_ineligible_providers'),
]) %}

with

months as (

    {{ month_spine("cast('2022-07-01' as date)", data_month) }}

),

counties as (

    select
        county_fips,
        county_name,
        region
    from {{ ref('counties') }}

),

county_months as (

    select
        months.month_start,
        {{ dbt.last_day('months.month_start', 'month') }} as month_end,
        counties.county_fips,
        counties.county_name,
        counties.region
    from months
    cross join counties

)

select * from county_months
