-- RPT-01: every reporting year of the annual program report the data covers, both kinds:
-- the state fiscal year July-June, named by the year it ends in (2024 = SFY 2023-24), and the
-- calendar year. Built from the same period grid as the waiver metrics (int_reporting_periods)
-- so the two publications agree on where a year starts, ends and whether it is complete, and
-- count a year's events over the same months: those of the reporting grid (from the benefit's
-- launch, 2022-07, through the data month), so that a count both publish is one number (RPT-03).
with

years as (

    select
        period_type as year_type,
        period_start,
        period_end,
        is_partial_period,
        cast(extract(year from period_start) as integer) as start_year,
        cast(extract(year from period_end) as integer) as end_year,
        min(month_start) as first_month_start,
        max(month_start) as last_month_start
    from {{ ref('int_reporting_periods') }}
    where period_type in ('state_fiscal_year', 'calendar_year')
    group by
        period_type,
        period_start,
        period_end,
        is_partial_period

),

final as (

    select
        end_year as report_year,
        cast(year_type as {{ dbt.type_string() }}) as year_type,
        cast(
            case
                when year_type = 'calendar_year'
                    then {{ dbt.concat(["'CY '", dbt.cast('end_year', dbt.type_string())]) }}
                else {{ dbt.concat([
                    "'SFY '",
                    dbt.cast('start_year', dbt.type_string()),
                    "'-'",
                    dbt.right(dbt.cast('end_year', dbt.type_string()), '2'),
                ]) }}
            end
            as {{ dbt.type_string() }}
        ) as report_period_label,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(not is_partial_period as boolean) as is_complete_year,
        cast(first_month_start as date) as counted_from,
        cast({{ dbt.last_day('last_month_start', 'month') }} as date) as counted_through
    from years

)

select * from final
