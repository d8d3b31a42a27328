-- RPT-03: every count that a public output shows, once, as the disclosure control
-- (peerwh/disclosure) protects them: one row per quantity (disclosure_quantities),
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

complaints_by_county_quarter as (

    -- rpt_complaints_by_county_quarter: PI-01's complaints by county and quarter.
    select
        'complaints' as quantity,
        complaints.quarter_start as period_start,
        cast({{ dbt.last_day('complaints.quarter_start', 'quarter') }} as date) as period_end,
        'county' as geography_level,
        complaints.county_fips as geography_code,
        counties.region as parent_geography_code,
        'all' as stratum_name,
        'all' as stratum_value,
        complaints.complaints_received as value
    from {{ ref('fct_complaints_by_county_quarter') }} as complaints
    inner join {{ ref('counties') }} as counties
        on complaints.county_fips = counties.county_fips

),

workforce_statewide_monthly as (

    -- rpt_workforce_statewide_monthly: each measure summed over the counties by month.
    {%- for column, quantity in workforce_statewide_measures().items() %}
        select
            '{{ quantity }}' as quantity,
            month_start as period_start,
            cast({{ dbt.last_day('month_start', 'month') }} as date) as period_end,
            'state' as geography_level,
            '06' as geography_code,
            cast(null as {{ dbt.type_string() }}) as parent_geography_code,
            'all' as stratum_name,
            'all' as stratum_value,
            sum({{ column }}) as value
        from {{ ref('fct_workforce_monthly') }}
        group by month_start
        {%- if not loop.last %}

            union all
        {% endif %}
    {%- endfor %}

),

published as (

    select * from waiver_sides
    union all
    select * from complaints_by_county_quarter
    union all
    select * from workforce_statewide_monthly
    union all
    select * from annual_report

),

cells as (

    -- Periods of one span (a demonstration year that is a calendar year) are one cell, and so
    -- is a count two outputs show (PI-01's complaints in a year and the annual report's).
    select distinct * from published

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
