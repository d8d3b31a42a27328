-- RPT-03 complementary suppression: in agg_complaints_by_county_quarter_public, no quarter
-- (all counties) and no county (all quarters) is left with exactly one suppressed cell of a
-- count, which its published total would give away. Returns the offending groups. A warning:
-- suppress_counts runs a fixed number of rounds, and a table needing more shows up here.
{{ config(tags=['RPT-03'], severity='warn') }}

with

published as (

    select * from {{ ref('agg_complaints_by_county_quarter_public') }}

),

groups as (

    select
        'quarter' as group_kind,
        cast(quarter_start as {{ dbt.type_string() }}) as group_value,
        sum(case when complaints_received_is_suppressed then 1 else 0 end) as received_suppressed,
        sum(case when complaints_substantiated_is_suppressed then 1 else 0 end) as substantiated_suppressed,
        count(*) as cells
    from published
    group by quarter_start

    union all

    select
        'county' as group_kind,
        county_fips as group_value,
        sum(case when complaints_received_is_suppressed then 1 else 0 end) as received_suppressed,
        sum(case when complaints_substantiated_is_suppressed then 1 else 0 end) as substantiated_suppressed,
        count(*) as cells
    from published
    group by county_fips

)

select
    group_kind,
    group_value,
    received_suppressed,
    substantiated_suppressed,
    cells
from groups
where
    cells > 1
    and (received_suppressed = 1 or substantiated_suppressed = 1)
