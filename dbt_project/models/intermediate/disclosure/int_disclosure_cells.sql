-- RPT-03: every count that a public output shows, once, as the disclosure control
-- (orchestration/disclosure) protects them: one row per quantity (disclosure_quantities),
-- period span, geography and stratum, with its true value. A count that two outputs show is
-- one row here, so it is suppressed alike in both. Internal: never published.
with

waiver_sides as (

    select
        numerator_quantity as quantity,
        period_start,
        period_end,
        geography_level,
        geography_code,
        parent_geography_code,
        stratum_name,
        stratum_value,
        numerator as value
    from {{ ref('int_waiver_metric_cells') }}

    union all

    select
        denominator_quantity as quantity,
        period_start,
        period_end,
        geography_level,
        geography_code,
        parent_geography_code,
        stratum_name,
        stratum_value,
        denominator as value
    from {{ ref('int_waiver_metric_cells') }}
    where denominator_quantity is not null

),

annual_report as (

    select
        quantity,
        period_start,
        period_end,
        geography_level,
        geography_code,
        parent_geography_code,
        stratum_name,
        stratum_value,
        value
    from {{ ref('int_annual_program_report_cells') }}

),

cells as (

    -- Periods of one span (a demonstration year that is a calendar year) are one cell, and so
    -- is a count two outputs show (PI-01's complaints in a year and the annual report's).
    select * from waiver_sides
    union
    select * from annual_report

),

final as (

    select
        cast(cells.quantity as {{ dbt.type_string() }}) as quantity,
        cast(cells.period_start as date) as period_start,
        cast(cells.period_end as date) as period_end,
        cast(cells.geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(cells.geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(cells.parent_geography_code as {{ dbt.type_string() }}) as parent_geography_code,
        cast(cells.stratum_name as {{ dbt.type_string() }}) as stratum_name,
        cast(cells.stratum_value as {{ dbt.type_string() }}) as stratum_value,
        cast(quantities.adds_up_over_time as boolean) as adds_up_over_time,
        cast(quantities.part_of_quantity as {{ dbt.type_string() }}) as part_of_quantity,
        cast(quantities.contained_in_quantity as {{ dbt.type_string() }}) as contained_in_quantity,
        cast(quantities.same_as_quantity as {{ dbt.type_string() }}) as same_as_quantity,
        cast(cells.value as bigint) as value
    from cells
    inner join {{ ref('disclosure_quantities') }} as quantities
        on cells.quantity = quantities.quantity

)

select * from final
