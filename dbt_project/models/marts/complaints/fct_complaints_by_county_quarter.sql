-- Complaints received and substantiated per county and calendar quarter (PI-03), unsuppressed:
-- the internal view for authorised DHCS staff. Every county appears in every quarter from
-- the launch of the benefit (2022-Q3) through the warehouse's data month, zero where none.
-- Public outputs use fct_complaints_by_county_quarter_public (RPT-03 suppression).
with

county_months as (

    select * from {{ ref('int_county_months') }}

),

complaints as (

    select
        complaint_id,
        county_fips,
        outcome,
        cast({{ dbt.date_trunc('quarter', 'received_date') }} as date) as quarter_start
    from {{ ref('fct_complaints') }}
    where received_date is not null

),

county_quarters as (

    select distinct
        cast({{ dbt.date_trunc('quarter', 'month_start') }} as date) as quarter_start,
        county_fips,
        county_name
    from county_months

),

counted as (

    select
        quarter_start,
        county_fips,
        count(*) as complaints_received,
        sum(case when outcome = 'substantiated' then 1 else 0 end) as complaints_substantiated
    from complaints
    group by
        quarter_start,
        county_fips

),

final as (

    select
        county_quarters.quarter_start,
        county_quarters.county_fips,
        county_quarters.county_name,
        cast(coalesce(counted.complaints_received, 0) as bigint) as complaints_received,
        cast(coalesce(counted.complaints_substantiated, 0) as bigint) as complaints_substantiated,
        cast(
            round(100.0 * counted.complaints_substantiated / nullif(counted.complaints_received, 0), 1)
            as decimal(5, 1)
        ) as substantiated_pct
    from county_quarters
    left join counted
        on
            county_quarters.quarter_start = counted.quarter_start
            and county_quarters.county_fips = counted.county_fips

)

select * from final
