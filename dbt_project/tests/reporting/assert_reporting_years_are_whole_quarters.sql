-- RPT-03: the disclosure control relates each year to the quarters that make it up (a reader
-- adds them up), so every quarter must lie within one period of each year type (state
-- fiscal, calendar and demonstration years). Returns the quarters that straddle two.
{{ config(tags=['RPT-03'], severity='error') }}

with

periods as (

    select * from {{ ref('int_reporting_periods') }}

),

quarters as (

    select
        period_start as quarter_start,
        month_start
    from periods
    where period_type = 'quarter'

),

years as (

    select
        period_type,
        period_start,
        month_start
    from periods
    where period_type not in ('month', 'quarter')

)

select
    quarters.quarter_start,
    years.period_type,
    count(distinct years.period_start) as year_periods
from quarters
inner join years
    on quarters.month_start = years.month_start
group by
    quarters.quarter_start,
    years.period_type
having count(distinct years.period_start) > 1
