-- RPT-03: no count published in agg_complaints_by_county_quarter_public lies between the
-- suppression thresholds (policy parameters suppression_min_count .. suppression_max_count,
-- read at run time). Returns the offending cells.
{{ config(tags=['RPT-03'], severity='error') }}

with

thresholds as (

    {{ suppression_thresholds() }}

),

published as (

    select * from {{ ref('agg_complaints_by_county_quarter_public') }}

)

select
    published.quarter_start,
    published.county_fips,
    published.complaints_received,
    published.complaints_substantiated
from published
cross join thresholds
where
    published.complaints_received between thresholds.min_count and thresholds.max_count
    or published.complaints_substantiated between thresholds.min_count and thresholds.max_count
