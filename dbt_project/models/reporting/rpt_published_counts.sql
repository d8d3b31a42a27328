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
    from counts

)

select * from final
