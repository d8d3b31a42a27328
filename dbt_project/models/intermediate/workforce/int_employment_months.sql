-- One row per employment spell (peer support specialist or peer supervisor) and month the
-- spell overlaps: hired on or before the month's last day and not separated before its
-- first day (no separation date = still employed). Flags whether the spell covers the
-- month's first and last day (headcounts for turnover) and whether it ended in the month.
-- person_name (PII) is not selected.
with

months as (

    select distinct
        month_start,
        month_end
    from {{ ref('int_county_months') }}

),

employment as (

    select
        employment_id,
        certificant_id,
        county_fips,
        role,
        hire_date,
        separation_date,
        fte
    from {{ ref('stg_county__employment') }}

),

final as (

    select
        employment.employment_id,
        employment.certificant_id,
        employment.county_fips,
        employment.role,
        months.month_start,
        employment.fte,
        (
            employment.hire_date <= months.month_start
            and (employment.separation_date is null or employment.separation_date >= months.month_start)
        ) as is_employed_on_month_start,
        (
            employment.hire_date <= months.month_end
            and (employment.separation_date is null or employment.separation_date >= months.month_end)
        ) as is_employed_on_month_end,
        coalesce(employment.separation_date <= months.month_end, false) as is_separated_in_month
    from employment
    inner join months
        on
            employment.hire_date <= months.month_end
            and (employment.separation_date is null or employment.separation_date >= months.month_start)

)

select * from final
