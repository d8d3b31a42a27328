-- The reporting periods of the published metrics (RPT-01, RPT-02), one row per period and
-- month of the reporting grid it contains: months, calendar quarters, state fiscal years
-- (July-June), calendar years and demonstration years. Demonstration years follow the
-- CalAIM demonstration (effective 2022-01-01) as calendar years: the CalAIM STCs' own DY
-- calendar was not found (spec domain.md 1.4, 2.1), so this is an assumption to check.
-- A period that reaches past the data month is marked partial.
with

months as (

    select distinct
        month_start,
        month_end
    from {{ ref('int_county_months') }}

),

data_end as (

    select max(month_end) as last_month_end
    from months

),

period_months as (

    select
        'month' as period_type,
        month_start as period_start,
        month_start
    from months

    union all

    select
        'quarter' as period_type,
        cast({{ dbt.date_trunc('quarter', 'month_start') }} as date) as period_start,
        month_start
    from months

    union all

    select
        'state_fiscal_year' as period_type,
        cast(
            {{ dbt.dateadd('month', 6, dbt.date_trunc('year', dbt.dateadd('month', -6, 'month_start'))) }}
            as date
        ) as period_start,
        month_start
    from months

    union all

    select
        'calendar_year' as period_type,
        cast({{ dbt.date_trunc('year', 'month_start') }} as date) as period_start,
        month_start
    from months

    union all

    select
        'demonstration_year' as period_type,
        cast({{ dbt.date_trunc('year', 'month_start') }} as date) as period_start,
        month_start
    from months

),

bounded as (

    select
        period_type,
        period_start,
        month_start,
        cast(
            case
                when period_type = 'month' then {{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'period_start')) }}
                when period_type = 'quarter' then {{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'period_start')) }}
                else {{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, 'period_start')) }}
            end
            as date
        ) as period_end
    from period_months

),

final as (

    select
        bounded.period_type,
        bounded.period_start,
        bounded.period_end,
        bounded.month_start,
        bounded.period_end > data_end.last_month_end as is_partial_period
    from bounded
    cross join data_end

)

select * from final
