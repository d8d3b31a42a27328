-- RPT-03: every count the public outputs show, one row per output and cell, in the keys of
-- int_disclosure_cells: what a reader who combines all public tables knows. The disclosure
-- audit (orchestration/disclosure/audit.py) reads this table, not the suppression pattern, so
-- it judges what was actually published. Suppressed counts are absent.
with

metric_quantities as (

    select distinct
        metric_id,
        numerator_quantity,
        denominator_quantity
    from {{ ref('int_waiver_metric_cells') }}

),

waiver_metrics as (

    select * from {{ ref('rpt_waiver_metrics') }}

),

annual_report as (

    -- RPT-01: each count of the public annual program report.
    {{ annual_report_counts('public') }}

),

counts as (

    select
        'rpt_waiver_metrics' as output_name,
        metric_quantities.numerator_quantity as quantity,
        waiver_metrics.period_start,
        waiver_metrics.period_end,
        waiver_metrics.geography_level,
        waiver_metrics.geography_code,
        waiver_metrics.stratum_name,
        waiver_metrics.stratum_value,
        waiver_metrics.numerator as value
    from waiver_metrics
    inner join metric_quantities
        on waiver_metrics.metric_id = metric_quantities.metric_id
    where waiver_metrics.numerator is not null

    union all

    select
        'rpt_waiver_metrics' as output_name,
        metric_quantities.denominator_quantity as quantity,
        waiver_metrics.period_start,
        waiver_metrics.period_end,
        waiver_metrics.geography_level,
        waiver_metrics.geography_code,
        waiver_metrics.stratum_name,
        waiver_metrics.stratum_value,
        waiver_metrics.denominator as value
    from waiver_metrics
    inner join metric_quantities
        on waiver_metrics.metric_id = metric_quantities.metric_id
    where waiver_metrics.denominator is not null

    union all

    select
        annual_report.output_name,
        cells.quantity,
        cells.period_start,
        cells.period_end,
        cells.geography_level,
        cells.geography_code,
        cells.stratum_name,
        cells.stratum_value,
        annual_report.value
    from annual_report
    inner join {{ ref('int_annual_program_report_cells') }} as cells
        on
            annual_report.output_name = cells.output_name
            and {{ annual_report_same_row('cells', 'annual_report') }}
            and annual_report.count_column = cells.count_column
    where annual_report.value is not null

),

complaints_by_county_quarter as (

    select
        'rpt_complaints_by_county_quarter' as output_name,
        'complaints' as quantity,
        quarter_start as period_start,
        quarter_end as period_end,
        'county' as geography_level,
        county_fips as geography_code,
        'all' as stratum_name,
        'all' as stratum_value,
        complaints_received as value
    from {{ ref('rpt_complaints_by_county_quarter') }}
    where complaints_received is not null

),

workforce_statewide_monthly as (
    {%- for column, quantity in workforce_statewide_measures().items() %}

        select
            'rpt_workforce_statewide_monthly' as output_name,
            '{{ quantity }}' as quantity,
            month_start as period_start,
            month_end as period_end,
            'state' as geography_level,
            '06' as geography_code,
            'all' as stratum_name,
            'all' as stratum_value,
            {{ column }} as value
        from {{ ref('rpt_workforce_statewide_monthly') }}
        where {{ column }} is not null
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

published as (

    select * from counts
    union all
    select * from complaints_by_county_quarter
    union all
    select * from workforce_statewide_monthly

),

final as (

    select distinct
        cast(output_name as {{ dbt.type_string() }}) as output_name,
        cast(quantity as {{ dbt.type_string() }}) as quantity,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(stratum_name as {{ dbt.type_string() }}) as stratum_name,
        cast(stratum_value as {{ dbt.type_string() }}) as stratum_value,
        cast(value as bigint) as value
    from published

)

select * from final
