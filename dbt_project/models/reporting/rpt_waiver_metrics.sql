-- RPT-02: the tidy metrics table for federal reporting (42 CFR 431.424 / 431.428) and the
-- CalAIM 1115 evaluation, one row per metric, period, geography and stratum, with the
-- metric's value in its baseline period (431.424(c)(2)(ii)). Public: every count passes
-- suppress_counts (RPT-03). Metrics are described in the waiver_metrics_catalog seed.
--
-- Adding a metric: a catalog row, and an entry in waiver_metric_definitions()
-- (macros/waiver_metrics.sql) naming the CTE of int_waiver_metric_facts its numerator (and, for
-- a ratio, its denominator) is counted from. An amount metric (catalog unit `dollars`)
-- publishes the summed amount as its rate, suppressed with its count.
--
-- The counts come from int_waiver_metric_months: a period's count is the sum over its months
-- of what each month adds to it, at the county, region or state level (people are counted
-- once per period and area there).
{%- set state_fips = "'06'" %}
{%- set fact_sets = waiver_metric_fact_sets() %}
{%- set year_types = [] %}
{%- for period_type in reporting_period_types() if period_type not in ['month', 'quarter'] %}
    {%- do year_types.append(period_type) %}
{%- endfor %}
{#- RPT-03 across time: (group column, containing period type, the period types it adds up).
    A year is also the sum of its months, but that group needs no pass of its own: with every
    quarter protected with its months and every year with its quarters, a year never has just
    one suppressed month (tested in tests/test_waiver_metrics.py). #}
{%- set time_groups = [('quarter_of_months', 'quarter', ['month', 'quarter'])] %}
{%- for year_type in year_types %}
    {%- do time_groups.append((year_type ~ '_of_quarters', year_type, ['quarter', year_type])) %}
{%- endfor %}
{%- set time_group_columns = time_groups | map(attribute=0) | list %}
{%- set suppression_passes = 6 %}
with

catalog as (

    select * from {{ ref('waiver_metrics_catalog') }}

),

periods as (

    select * from {{ ref('int_reporting_periods') }}

),

counties as (

    select
        county_fips,
        region
    from {{ ref('counties') }}

),

placed as (

    -- Each month's additions in the periods containing it. Months publish the `all` stratum
    -- only (cell_keys): the other strata of a month only count towards longer periods.
    select
        metric_months.fact_set,
        metric_months.period_type,
        periods.period_start,
        metric_months.county_fips,
        metric_months.region,
        metric_months.stratum_name,
        metric_months.stratum_value,
        metric_months.county_units,
        metric_months.region_units,
        metric_months.state_units,
        metric_months.amount
    from {{ ref('int_waiver_metric_months') }} as metric_months
    inner join periods
        on
            metric_months.period_type = periods.period_type
            and metric_months.month_start = periods.month_start
    where metric_months.stratum_name = 'all' or metric_months.period_type <> 'month'

),

fact_set_counts as (
    {%- for level, code in [('state', state_fips), ('region', 'region'), ('county', 'county_fips')] %}

        -- Areas outside the 58 counties (no region) are counted statewide only.
        select
            fact_set,
            period_type,
            period_start,
            '{{ level }}' as geography_level,
            {{ code }} as geography_code,
            stratum_name,
            stratum_value,
            sum({{ level }}_units) as units,
            sum(amount) as amount
        from placed
        {%- if level != 'state' %}
            where region is not null
        {%- endif %}
        group by
            fact_set,
            period_type,
            period_start,
            {%- if level != 'state' %}
                {{ code }},
            {%- endif %}
            stratum_name,
            stratum_value
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

metric_sides as (
    {%- for metric_id, side, fact_set, all_stratum_only in fact_sets['metric_sides'] %}

        select
            '{{ metric_id }}' as metric_id,
            '{{ side }}' as side,
            {{ fact_set }} as fact_set,
            {{ 'true' if all_stratum_only else 'false' }} as all_stratum_only
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),
{%- for side in ['numerator', 'denominator'] %}

    {{ side }}_counts as (

        select
            metric_sides.metric_id,
            fact_set_counts.period_type,
            fact_set_counts.period_start,
            fact_set_counts.geography_level,
            fact_set_counts.geography_code,
            fact_set_counts.stratum_name,
            fact_set_counts.stratum_value,
            fact_set_counts.units as {{ side }},
            fact_set_counts.amount as {{ side }}_amount
        from fact_set_counts
        inner join metric_sides
            on fact_set_counts.fact_set = metric_sides.fact_set
        where
            metric_sides.side = '{{ side }}'
            and (not metric_sides.all_stratum_only or fact_set_counts.stratum_name = 'all')

    ),
{%- endfor %}

geographies as (

    select
        'state' as geography_level,
        {{ state_fips }} as geography_code,
        cast(null as {{ dbt.type_string() }}) as parent_geography_code

    union all

    select distinct
        'region' as geography_level,
        region as geography_code,
        {{ state_fips }} as parent_geography_code
    from counties

    union all

    select
        'county' as geography_level,
        county_fips as geography_code,
        region as parent_geography_code
    from counties

),

period_list as (

    select distinct
        period_type,
        period_start,
        period_end,
        is_partial_period
    from periods

),

metric_strata as (

    -- The strata of each metric: `all`, and every stratum value counted anywhere.
    select
        metric_id,
        'all' as stratum_name,
        'all' as stratum_value
    from catalog

    union

    select
        metric_id,
        stratum_name,
        stratum_value
    from numerator_counts

    union

    select
        metric_id,
        stratum_name,
        stratum_value
    from denominator_counts

),

cell_keys as (

    -- Every metric, stratum, period and geography, so that zeros are shown and every county
    -- of a group is there for complementary suppression. Months carry the `all` stratum
    -- only: stratified monthly cells are nearly all small, and they multiply the table.
    select
        metric_strata.metric_id,
        period_list.period_type,
        period_list.period_start,
        geographies.geography_level,
        geographies.geography_code,
        metric_strata.stratum_name,
        metric_strata.stratum_value
    from metric_strata
    cross join period_list
    cross join geographies
    where metric_strata.stratum_name = 'all' or period_list.period_type <> 'month'

),

cells as (

    select
        cell_keys.metric_id,
        cell_keys.period_type,
        cell_keys.period_start,
        period_list.period_end,
        period_list.is_partial_period,
        cell_keys.geography_level,
        cell_keys.geography_code,
        geographies.parent_geography_code,
        cell_keys.stratum_name,
        cell_keys.stratum_value,
        catalog.rate_multiplier,
        numerator_counts.numerator_amount as amount,
        coalesce(numerator_counts.numerator, 0) as numerator,
        case
            when catalog.denominator is null then null
            else coalesce(denominator_counts.denominator, 0)
        end as denominator
    from cell_keys
    inner join catalog
        on cell_keys.metric_id = catalog.metric_id
    inner join period_list
        on
            cell_keys.period_type = period_list.period_type
            and cell_keys.period_start = period_list.period_start
    inner join geographies
        on
            cell_keys.geography_level = geographies.geography_level
            and cell_keys.geography_code = geographies.geography_code
    left join numerator_counts
        on
            cell_keys.metric_id = numerator_counts.metric_id
            and cell_keys.period_type = numerator_counts.period_type
            and cell_keys.period_start = numerator_counts.period_start
            and cell_keys.geography_level = numerator_counts.geography_level
            and cell_keys.geography_code = numerator_counts.geography_code
            and cell_keys.stratum_name = numerator_counts.stratum_name
            and cell_keys.stratum_value = numerator_counts.stratum_value
    left join denominator_counts
        on
            cell_keys.metric_id = denominator_counts.metric_id
            and cell_keys.period_type = denominator_counts.period_type
            and cell_keys.period_start = denominator_counts.period_start
            and cell_keys.geography_level = denominator_counts.geography_level
            and cell_keys.geography_code = denominator_counts.geography_code
            and cell_keys.stratum_name = denominator_counts.stratum_name
            and cell_keys.stratum_value = denominator_counts.stratum_value

),

period_containers as (

    -- For each period, the quarter and the year of each type that contain it (quarters lie
    -- within one year of every type: assert_reporting_years_are_whole_quarters).
    select
        child.period_type,
        child.period_start,
        {%- for container in year_types + ['quarter'] %}
            max(case when parent.period_type = '{{ container }}' then parent.period_start end)
                as {{ container }}_start{% if not loop.last %},{% endif %}
        {%- endfor %}
    from periods as child
    inner join periods as parent
        on child.month_start = parent.month_start
    group by
        child.period_type,
        child.period_start

),

time_groups as (

    -- RPT-03 across time: the months of a quarter add up to the quarter, and the quarters of
    -- a year to the year, all published here. Each such period and its parts form a group for
    -- complementary suppression (keyed by the containing period); a period outside the group
    -- is a group of its own. Distinct counts of people do not add up over time, but every
    -- metric is protected as if it did.
    select
        period_type,
        period_start,
        {%- for column, container, members in time_groups %}
            {%- set container_start = 'cast(' ~ container ~ '_start as ' ~ dbt.type_string() ~ ')' %}
            {%- set own_start = 'cast(period_start as ' ~ dbt.type_string() ~ ')' %}
            {%- set in_group = "period_type in ('" ~ (members | join("', '")) ~ "')" %}
            case
                when {{ in_group }} then {{ dbt.concat(["'" ~ container ~ ":'", container_start]) }}
                else {{ dbt.concat(['period_type', "':'", own_start]) }}
            end as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from period_containers

),

rated as (

    select
        cells.*,
        {%- for group in time_group_columns %}
            time_groups.{{ group }},
        {%- endfor %}
        case
            -- A count publishes itself; an amount metric (catalog unit `dollars`) its amount.
            when cells.denominator is null then cast(coalesce(cells.amount, cells.numerator) as decimal(18, 4))
            else cast(
                    round(cells.numerator * cells.rate_multiplier / nullif(cells.denominator, 0), 4) as decimal(18, 4)
                )
        end as rate
    from cells
    inner join time_groups
        on
            cells.period_type = time_groups.period_type
            and cells.period_start = time_groups.period_start

),

suppressed as (

-- RPT-03: counts 1-10 suppressed, the rate with them; complementary suppression across the
-- counties (and regions) of the state, the counties of a region and the values of a stratum,
-- within each metric and period, and across the months of a quarter and the quarters and
-- months of a year, within each metric, geography and stratum.
    {%- set time_complement_groups = [] %}
    {%- for column in time_group_columns %}
        {%- do time_complement_groups.append(
            ['metric_id', column, 'geography_level', 'geography_code', 'stratum_name', 'stratum_value']
        ) %}
    {%- endfor %}
    {{ suppress_counts(
        relation='rated',
        key_columns=[
            'metric_id', 'period_type', 'period_start', 'geography_level', 'geography_code',
            'parent_geography_code', 'stratum_name', 'stratum_value'
        ],
        count_columns=['numerator', 'denominator'],
        complement_groups=[
            ['metric_id', 'period_type', 'period_start', 'geography_level', 'stratum_name', 'stratum_value'],
            ['metric_id', 'period_type', 'period_start', 'parent_geography_code', 'stratum_name', 'stratum_value'],
            ['metric_id', 'period_type', 'period_start', 'geography_level', 'geography_code', 'stratum_name'],
        ] + time_complement_groups,
        derived_columns={'rate': ['numerator', 'denominator']},
        passthrough_columns=['period_end', 'is_partial_period'] + time_group_columns,
        passes=suppression_passes,
    ) }}

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
        cast(suppressed.metric_id as {{ dbt.type_string() }}) as metric_id,
        cast(suppressed.period_type as {{ dbt.type_string() }}) as period_type,
        cast(suppressed.period_start as date) as period_start,
        cast(suppressed.period_end as date) as period_end,
        cast(suppressed.is_partial_period as boolean) as is_partial_period,
        cast(suppressed.geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(suppressed.geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(suppressed.parent_geography_code as {{ dbt.type_string() }}) as parent_geography_code,
        cast(suppressed.stratum_name as {{ dbt.type_string() }}) as stratum_name,
        cast(suppressed.stratum_value as {{ dbt.type_string() }}) as stratum_value,
        cast(suppressed.numerator as bigint) as numerator,
        cast(suppressed.denominator as bigint) as denominator,
        cast(suppressed.rate as decimal(18, 4)) as rate,
        cast(baseline.period_start as date) as baseline_period_start,
        cast(baseline.rate as decimal(18, 4)) as baseline_rate,
        cast(suppressed.numerator_is_suppressed as boolean) as numerator_is_suppressed,
        cast(suppressed.denominator_is_suppressed as boolean) as denominator_is_suppressed,
        cast(suppressed.is_suppressed as boolean) as is_suppressed
    from suppressed
    left join baseline_periods
        on
            suppressed.metric_id = baseline_periods.metric_id
            and suppressed.period_type = baseline_periods.period_type
    left join suppressed as baseline
        on
            baseline_periods.metric_id = baseline.metric_id
            and baseline_periods.period_type = baseline.period_type
            and baseline_periods.baseline_period_start = baseline.period_start
            and suppressed.geography_level = baseline.geography_level
            and suppressed.geography_code = baseline.geography_code
            and suppressed.stratum_name = baseline.stratum_name
            and suppressed.stratum_value = baseline.stratum_value

)

select * from final
