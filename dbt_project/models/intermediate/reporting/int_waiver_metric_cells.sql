-- RPT-02: the cells of the tidy metrics table before disclosure control, one row per metric,
-- period, geography and stratum, with the quantity each count is (numerator_quantity,
-- denominator_quantity: rows of the disclosure_quantities seed). Internal: rpt_waiver_metrics
-- is this table with the counts the disclosure control suppressed left out (RPT-03).
--
-- The published grid (RPT-03, table design): months statewide (for the metrics the catalog
-- publishes monthly: not counts of rare events); quarters and years statewide and by region
-- for every stratum, and by county for the `all` stratum. County-by-stratum and county-month
-- cells are nearly all 1 to 10 at county scale, and so are monthly complaints and findings:
-- published, they were suppressed wholesale and made protecting the rest far costlier.
--
-- Adding a metric: a catalog row, and an entry in waiver_metric_definitions()
-- (macros/waiver_metrics.sql) naming the CTE of int_waiver_metric_facts its numerator (and, for
-- a ratio, its denominator) is counted from, and the quantity each side counts. An amount
-- metric (catalog unit `dollars`) publishes the summed amount as its rate.
--
-- The counts come from int_waiver_metric_months: a period's count is the sum over its months
-- of what each month adds to it, at the county, region or state level (people are counted
-- once per period and area there).
--
-- Per-member rates (WF-03, UT-02) have the certified eligible members of the member_counts
-- feed as their population: the denominator is the member months of the period, and the rate
-- is per average monthly member (numerator x multiplier x months / member months), months
-- being those of the period the area has member counts for.
{%- set state_fips = "'06'" %}
{%- set fact_sets = waiver_metric_fact_sets() %}
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
        metric_months.month_start,
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
            sum(amount) as amount,
            count(distinct month_start) as months
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
    {%- for metric_id, side, fact_set, strata in fact_sets['metric_sides'] %}

        select
            '{{ metric_id }}' as metric_id,
            '{{ side }}' as side,
            {{ fact_set }} as fact_set,
            '{{ fact_sets['fact_sets'][fact_set]['quantity'] }}' as quantity,
            -- the strata the metric takes of the side, as ',name,name,' (NULL: every stratum)
            {{ ("'," ~ (strata | join(',')) ~ ",'") if strata else 'null' }} as stratum_names,
            {{ 'true' if fact_sets['fact_sets'][fact_set]['unit'] == 'member_month' else 'false' }} as is_member_months
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
            fact_set_counts.amount as {{ side }}_amount,
            case when metric_sides.is_member_months then fact_set_counts.months end as {{ side }}_months
        from fact_set_counts
        inner join metric_sides
            on fact_set_counts.fact_set = metric_sides.fact_set
        where
            metric_sides.side = '{{ side }}'
            and (
                metric_sides.stratum_names is null
                or metric_sides.stratum_names like {{ dbt.concat(["'%,'", 'fact_set_counts.stratum_name', "',%'"]) }}
            )

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

    -- Every metric, stratum, period and geography of the published grid (see the top), so
    -- that zeros are shown and every part of a published total is a cell.
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
    inner join catalog
        on metric_strata.metric_id = catalog.metric_id
    where
        case geographies.geography_level
            when 'state'
                then
                    period_list.period_type <> 'month'
                    or (metric_strata.stratum_name = 'all' and catalog.is_published_monthly)
            when 'region' then period_list.period_type <> 'month'
            else metric_strata.stratum_name = 'all' and period_list.period_type <> 'month'
        end

),

metric_quantities as (

    select
        metric_id,
        max(case when side = 'numerator' then quantity end) as numerator_quantity,
        max(case when side = 'denominator' then quantity end) as denominator_quantity
    from metric_sides
    group by metric_id

),

cells as (

    select
        cell_keys.metric_id,
        metric_quantities.numerator_quantity,
        metric_quantities.denominator_quantity,
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
        denominator_counts.denominator_months,
        coalesce(numerator_counts.numerator, 0) as numerator,
        case
            when catalog.denominator is null then null
            else coalesce(denominator_counts.denominator, 0)
        end as denominator
    from cell_keys
    inner join catalog
        on cell_keys.metric_id = catalog.metric_id
    inner join metric_quantities
        on cell_keys.metric_id = metric_quantities.metric_id
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

final as (

    select
        cast(metric_id as {{ dbt.type_string() }}) as metric_id,
        cast(period_type as {{ dbt.type_string() }}) as period_type,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(is_partial_period as boolean) as is_partial_period,
        cast(geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(parent_geography_code as {{ dbt.type_string() }}) as parent_geography_code,
        cast(stratum_name as {{ dbt.type_string() }}) as stratum_name,
        cast(stratum_value as {{ dbt.type_string() }}) as stratum_value,
        cast(numerator_quantity as {{ dbt.type_string() }}) as numerator_quantity,
        cast(denominator_quantity as {{ dbt.type_string() }}) as denominator_quantity,
        cast(numerator as bigint) as numerator,
        cast(denominator as bigint) as denominator,
        case
            -- A count publishes itself; an amount metric (catalog unit `dollars`) its amount.
            when denominator is null then cast(coalesce(amount, numerator) as decimal(18, 4))
            -- A per-member rate: per average monthly member (member months / months counted).
            when denominator_months is not null
                then cast(
                        round(
                            numerator * rate_multiplier * denominator_months / nullif(denominator, 0), 4
                        ) as decimal(18, 4)
                    )
            else cast(round(numerator * rate_multiplier / nullif(denominator, 0), 4) as decimal(18, 4))
        end as rate
    from cells

)

select * from final
