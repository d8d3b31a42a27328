-- RPT-02: the tidy metrics table for federal reporting (42 CFR 431.424 / 431.428) and the
-- CalAIM 1115 evaluation, one row per metric, period, geography and stratum of the published
-- grid (int_waiver_metric_cells), with the metric's value in its baseline period
-- (431.424(c)(2)(ii)). Metrics are described in the waiver_metrics_catalog seed.
--
-- Public (RPT-03): a count is shown only where the disclosure control's pattern
-- (macros/disclosure.sql) shows its cell; the rate is shown only where both counts are.
with

cells as (

    select * from {{ ref('int_waiver_metric_cells') }}

),

pattern as (

    select * from {{ ref('stg_disclosure__suppression') }}

),

period_list as (

    select distinct
        period_type,
        period_start,
        period_end
    from cells

),

catalog as (

    select * from {{ ref('waiver_metrics_catalog') }}

),

disclosed as (

    select
        cells.metric_id,
        cells.period_type,
        cells.period_start,
        cells.period_end,
        cells.is_partial_period,
        cells.geography_level,
        cells.geography_code,
        cells.parent_geography_code,
        cells.stratum_name,
        cells.stratum_value,
        {{ disclosed('numerator_pattern', 'cells.numerator') }} as numerator,
        {{ disclosed('denominator_pattern', 'cells.denominator') }} as denominator,
        case
            when
                not {{ disclosure_suppressed('numerator_pattern', 'cells.numerator') }}
                and not {{ disclosure_suppressed('denominator_pattern', 'cells.denominator') }}
                then cells.rate
        end as rate,
        {{ disclosure_suppressed('numerator_pattern', 'cells.numerator') }} as numerator_is_suppressed,
        {{ disclosure_suppressed('denominator_pattern', 'cells.denominator') }} as denominator_is_suppressed
    from cells
    left join pattern as numerator_pattern
        on {{ disclosure_cell_matches('numerator_pattern', 'cells', 'cells.numerator_quantity') }}
    left join pattern as denominator_pattern
        on {{ disclosure_cell_matches('denominator_pattern', 'cells', 'cells.denominator_quantity') }}

),

baseline_periods as (

    -- For each metric and period type, the latest period ending on or before the catalog's
    -- baseline_period_end.
    select
        catalog.metric_id,
        period_list.period_type,
        max(period_list.period_start) as baseline_period_start
    from catalog
    inner join period_list
        on catalog.baseline_period_end >= period_list.period_end
    group by
        catalog.metric_id,
        period_list.period_type

),

final as (

    select
        cast(disclosed.metric_id as {{ dbt.type_string() }}) as metric_id,
        cast(disclosed.period_type as {{ dbt.type_string() }}) as period_type,
        cast(disclosed.period_start as date) as period_start,
        cast(disclosed.period_end as date) as period_end,
        cast(disclosed.is_partial_period as boolean) as is_partial_period,
        cast(disclosed.geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(disclosed.geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(disclosed.parent_geography_code as {{ dbt.type_string() }}) as parent_geography_code,
        cast(disclosed.stratum_name as {{ dbt.type_string() }}) as stratum_name,
        cast(disclosed.stratum_value as {{ dbt.type_string() }}) as stratum_value,
        cast(disclosed.numerator as bigint) as numerator,
        cast(disclosed.denominator as bigint) as denominator,
        cast(disclosed.rate as decimal(18, 4)) as rate,
        cast(baseline.period_start as date) as baseline_period_start,
        cast(baseline.rate as decimal(18, 4)) as baseline_rate,
        cast(disclosed.numerator_is_suppressed as boolean) as numerator_is_suppressed,
        cast(disclosed.denominator_is_suppressed as boolean) as denominator_is_suppressed,
        cast(disclosed.numerator_is_suppressed or disclosed.denominator_is_suppressed as boolean)
            as is_suppressed
    from disclosed
    left join baseline_periods
        on
            disclosed.metric_id = baseline_periods.metric_id
            and disclosed.period_type = baseline_periods.period_type
    left join disclosed as baseline
        on
            baseline_periods.metric_id = baseline.metric_id
            and baseline_periods.period_type = baseline.period_type
            and baseline_periods.baseline_period_start = baseline.period_start
            and disclosed.geography_level = baseline.geography_level
            and disclosed.geography_code = baseline.geography_code
            and disclosed.stratum_name = baseline.stratum_name
            and disclosed.stratum_value = baseline.stratum_value

)

select * from final
