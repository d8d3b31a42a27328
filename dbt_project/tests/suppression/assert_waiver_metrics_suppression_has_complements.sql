-- RPT-03 complementary suppression in rpt_waiver_metrics: no group of cells whose total is
-- published alongside them is left with exactly one suppressed count, which the total would
-- give away. Groups: the counties (or regions) of the state and the counties of a region, in
-- a metric, period and stratum; the values of a stratum; the months of a quarter and the
-- quarters and months of a year, in a metric, geography and stratum. Returns the offending
-- groups. A warning: suppress_counts runs a fixed number of rounds, and a table needing more
-- shows up here.
{{ config(tags=['RPT-03'], severity='warn') }}

with

published as (

    select * from {{ ref('rpt_waiver_metrics') }}

),

periods as (

    select * from {{ ref('int_reporting_periods') }}

),

part_types as (

    select
        'quarter' as container_type,
        'month' as part_type
    {%- for year_type in reporting_period_types() if year_type not in ['month', 'quarter'] %}
        {%- for part_type in ['quarter', 'month'] %}
            union all
            select
                '{{ year_type }}' as container_type,
                '{{ part_type }}' as part_type
        {%- endfor %}
    {%- endfor %}

),

time_members as (

    -- Each part in its containing period, and each containing period itself.
    select
        published.metric_id,
        published.geography_level,
        published.geography_code,
        published.stratum_name,
        published.stratum_value,
        part_types.container_type,
        part_types.part_type,
        containers.period_start as container_start,
        published.numerator_is_suppressed,
        published.denominator_is_suppressed
    from published
    inner join part_types
        on published.period_type = part_types.part_type
    inner join periods as containers
        on
            part_types.container_type = containers.period_type
            and published.period_start = containers.month_start

    union all

    select
        published.metric_id,
        published.geography_level,
        published.geography_code,
        published.stratum_name,
        published.stratum_value,
        part_types.container_type,
        part_types.part_type,
        published.period_start as container_start,
        published.numerator_is_suppressed,
        published.denominator_is_suppressed
    from published
    inner join part_types
        on published.period_type = part_types.container_type

),

groups as (

    select
        'time' as group_kind,
        {{ dbt.concat([
            'metric_id', "':'", 'geography_code', "':'", 'stratum_name', "':'", 'stratum_value',
            "':'", 'container_type', "':'", 'part_type', "':'",
            'cast(container_start as ' ~ dbt.type_string() ~ ')',
        ]) }} as group_key,
        sum(case when numerator_is_suppressed then 1 else 0 end) as numerators_suppressed,
        sum(case when denominator_is_suppressed then 1 else 0 end) as denominators_suppressed,
        count(*) as cells
    from time_members
    group by
        metric_id,
        geography_level,
        geography_code,
        stratum_name,
        stratum_value,
        container_type,
        part_type,
        container_start

    union all

    -- the counties, or the regions, of the state
    select
        'areas of the state' as group_kind,
        {{ dbt.concat([
            'metric_id', "':'", 'period_type', "':'", 'cast(period_start as ' ~ dbt.type_string() ~ ')',
            "':'", 'geography_level', "':'", 'stratum_name', "':'", 'stratum_value',
        ]) }} as group_key,
        sum(case when numerator_is_suppressed then 1 else 0 end) as numerators_suppressed,
        sum(case when denominator_is_suppressed then 1 else 0 end) as denominators_suppressed,
        count(*) as cells
    from published
    where geography_level <> 'state'
    group by
        metric_id,
        period_type,
        period_start,
        geography_level,
        stratum_name,
        stratum_value

    union all

    -- the counties of a region
    select
        'counties of a region' as group_kind,
        {{ dbt.concat([
            'metric_id', "':'", 'period_type', "':'", 'cast(period_start as ' ~ dbt.type_string() ~ ')',
            "':'", 'parent_geography_code', "':'", 'stratum_name', "':'", 'stratum_value',
        ]) }} as group_key,
        sum(case when numerator_is_suppressed then 1 else 0 end) as numerators_suppressed,
        sum(case when denominator_is_suppressed then 1 else 0 end) as denominators_suppressed,
        count(*) as cells
    from published
    where geography_level = 'county'
    group by
        metric_id,
        period_type,
        period_start,
        parent_geography_code,
        stratum_name,
        stratum_value

    union all

    -- the values of a stratum
    select
        'values of a stratum' as group_kind,
        {{ dbt.concat([
            'metric_id', "':'", 'period_type', "':'", 'cast(period_start as ' ~ dbt.type_string() ~ ')',
            "':'", 'geography_code', "':'", 'stratum_name',
        ]) }} as group_key,
        sum(case when numerator_is_suppressed then 1 else 0 end) as numerators_suppressed,
        sum(case when denominator_is_suppressed then 1 else 0 end) as denominators_suppressed,
        count(*) as cells
    from published
    where stratum_name <> 'all'
    group by
        metric_id,
        period_type,
        period_start,
        geography_level,
        geography_code,
        stratum_name

)

select
    group_kind,
    group_key,
    numerators_suppressed,
    denominators_suppressed,
    cells
from groups
where
    cells > 1
    and (numerators_suppressed = 1 or denominators_suppressed = 1)
