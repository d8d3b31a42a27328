-- PI-03 public: complaints received per county and calendar quarter (the internal
-- fct_complaints_by_county_quarter) with the counts the disclosure control suppressed left
-- out (RPT-03, macros/disclosure.sql). The cells are those of the waiver metrics' complaints
-- (PI-01's numerator), so a count is suppressed alike in both. Substantiated complaints are
-- published by year in the annual report: by county and quarter they were nearly all 1 to 10.
with

complaints as (

    select * from {{ ref('fct_complaints_by_county_quarter') }}

),

pattern as (

    select * from {{ ref('stg_disclosure__suppression') }}

),

cells as (

    select
        quarter_start as period_start,
        cast({{ dbt.last_day('quarter_start', 'quarter') }} as date) as period_end,
        'county' as geography_level,
        county_fips as geography_code,
        'all' as stratum_name,
        'all' as stratum_value,
        county_name,
        complaints_received
    from complaints

),

final as (

    select
        cast(cells.period_start as date) as quarter_start,
        cast(cells.period_end as date) as quarter_end,
        cast(cells.geography_code as {{ dbt.type_string() }}) as county_fips,
        cast(cells.county_name as {{ dbt.type_string() }}) as county_name,
        cast({{ disclosed('pattern', 'cells.complaints_received') }} as bigint) as complaints_received,
        cast({{ disclosure_suppressed('pattern', 'cells.complaints_received') }} as boolean)
            as complaints_received_is_suppressed
    from cells
    left join pattern
        on {{ disclosure_cell_matches('pattern', 'cells', "'complaints'") }}

)

select * from final
