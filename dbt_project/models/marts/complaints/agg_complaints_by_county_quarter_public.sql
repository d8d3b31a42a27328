-- Public version of agg_complaints_by_county_quarter (RPT-03): counts from 1 to 10 suppressed,
-- the substantiated percentage suppressed with either of its counts, and complementary
-- suppression within each quarter (all counties) and each county (all quarters), so that no
-- suppressed cell can be recovered from a statewide quarterly or a county total.
with

suppressed as (

    {{ suppress_counts(
        relation=ref('agg_complaints_by_county_quarter'),
        key_columns=['quarter_start', 'county_fips'],
        count_columns=['complaints_received', 'complaints_substantiated'],
        complement_groups=[['quarter_start'], ['county_fips']],
        derived_columns={'substantiated_pct': ['complaints_substantiated', 'complaints_received']},
        passthrough_columns=['county_name'],
    ) }}

),

final as (

    select
        cast(quarter_start as date) as quarter_start,
        county_fips,
        county_name,
        cast(complaints_received as bigint) as complaints_received,
        cast(complaints_substantiated as bigint) as complaints_substantiated,
        cast(substantiated_pct as decimal(5, 1)) as substantiated_pct,
        cast(complaints_received_is_suppressed as boolean) as complaints_received_is_suppressed,
        cast(complaints_substantiated_is_suppressed as boolean) as complaints_substantiated_is_suppressed,
        cast(is_suppressed as boolean) as is_suppressed
    from suppressed

)

select * from final
