-- RPT-02: how many units each month adds to its period, for every fact set of
-- rpt_waiver_metrics (macros/waiver_metrics.sql), period type, month, county and stratum, at
-- the three geography levels. A period's count is then the sum over its months (and, for a
-- region or the state, over its counties) of the `<level>_units` here.
--
-- Lines, findings and complaints are additive: a month adds its own units. A person (peer or
-- beneficiary) is counted distinct: a month adds the people seen in it who were not seen
-- earlier in the same period, in the same county (county_units), region (region_units) or
-- anywhere in the state (state_units). "Seen earlier" comes from each person's previous row in
-- time: one window over each person's rows ordered by county and month gives the county level;
-- the region and state levels need their own order only for the few people seen in more than
-- one county, everyone else's is the county's.
{%- set period_types = reporting_period_types() %}
{%- set levels = ['county', 'region', 'state'] %}
with

facts as (

    select * from {{ ref('int_waiver_metric_facts') }}

),

counties as (

    select
        county_fips,
        region
    from {{ ref('counties') }}

),

month_periods as (

    -- One row per month: the start of the period of each type containing it.
    select
        month_start,
        {%- for period_type in period_types %}
            max(case when period_type = '{{ period_type }}' then period_start end) as {{ period_type }}_start
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('int_reporting_periods') }}
    group by month_start

),

strata as (

    select
        stratum_name,
        stratum_value,
        row_number() over (order by stratum_name, stratum_value) as stratum_number
    from (
        select distinct
            stratum_name,
            stratum_value
        from facts
        where unit_id is not null
    ) as fact_strata

),

person_months as (

    -- series_id: one integer per fact set, stratum and person, so that the windows below
    -- partition on one number (twice as fast as on the four columns at 40M rows). unit_id
    -- stays below 10^9 and a stratum number below 10^5 (tested on int_waiver_metric_facts).
    select
        facts.fact_set,
        facts.stratum_name,
        facts.stratum_value,
        facts.county_fips,
        counties.region,
        facts.month_start,
        (facts.fact_set * 100000 + strata.stratum_number) * 1000000000 + facts.unit_id as series_id,
        -- a FIPS code as a number (windows order integers faster than text); 0 stands for
        -- a missing county, so that it is a county of its own
        coalesce(cast(facts.county_fips as integer), 0) as county_key
    from facts
    inner join strata
        on
            facts.stratum_name = strata.stratum_name
            and facts.stratum_value = strata.stratum_value
    left join counties
        on facts.county_fips = counties.county_fips
    where facts.unit_id is not null

),

sequenced as (

    select
        *,
        lag(county_key) over person_history as previous_county,
        lag(month_start) over person_history as previous_month,
        min(county_key) over person_history_whole = max(county_key) over person_history_whole
            as is_single_county
    from person_months
    window
        person_history as (
            partition by series_id
            order by county_key, month_start
        ),
        person_history_whole as (
            partition by series_id
            order by county_key, month_start
            rows between unbounded preceding and unbounded following
        )

),

county_sequenced as (

    select
        fact_set,
        stratum_name,
        stratum_value,
        series_id,
        county_fips,
        county_key,
        region,
        month_start,
        is_single_county,
        case when previous_county = county_key then previous_month end as previous_county_month
    from sequenced

),

previous_months as (

    -- The previous month each person was seen in the same county, region and state.
    select
        fact_set,
        stratum_name,
        stratum_value,
        county_fips,
        region,
        month_start,
        previous_county_month,
        previous_county_month as previous_region_month,
        previous_county_month as previous_state_month
    from county_sequenced
    where is_single_county

    union all

    select
        fact_set,
        stratum_name,
        stratum_value,
        county_fips,
        region,
        month_start,
        previous_county_month,
        lag(month_start) over (
            partition by series_id, region
            order by month_start, county_key
        ) as previous_region_month,
        lag(month_start) over (
            partition by series_id
            order by month_start, county_key
        ) as previous_state_month
    from county_sequenced
    where not is_single_county

),

person_entries as (

    -- Per month, county and stratum: the people new to each period type at each level (a
    -- person's previous month, if any, lies in another period of that type).
    select
        previous_months.fact_set,
        previous_months.month_start,
        previous_months.county_fips,
        previous_months.region,
        previous_months.stratum_name,
        previous_months.stratum_value,
        {%- for level in levels %}
            {%- for period_type in period_types %}
                sum(
                    case
                        when
                            previous_{{ level }}.month_start is null
                            or previous_{{ level }}.{{ period_type }}_start <> this_month.{{ period_type }}_start
                            then 1
                        else 0
                    end
                ) as {{ level }}_{{ period_type }}_units
                {%- if not loop.last %},{% endif %}
            {%- endfor %}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from previous_months
    inner join month_periods as this_month
        on previous_months.month_start = this_month.month_start
    {%- for level in levels %}
        left join month_periods as previous_{{ level }}
            on previous_months.previous_{{ level }}_month = previous_{{ level }}.month_start
    {%- endfor %}
    group by
        previous_months.fact_set,
        previous_months.month_start,
        previous_months.county_fips,
        previous_months.region,
        previous_months.stratum_name,
        previous_months.stratum_value

),

counted_entries as (

    select
        facts.fact_set,
        facts.month_start,
        facts.county_fips,
        counties.region,
        facts.stratum_name,
        facts.stratum_value,
        facts.units,
        facts.amount
    from facts
    left join counties
        on facts.county_fips = counties.county_fips
    where facts.unit_id is null

),

final as (
    {%- for period_type in period_types %}

        select
            fact_set,
            '{{ period_type }}' as period_type,
            month_start,
            county_fips,
            region,
            stratum_name,
            stratum_value,
            {%- for level in levels %}
                cast({{ level }}_{{ period_type }}_units as bigint) as {{ level }}_units,
            {%- endfor %}
            cast(null as decimal(18, 2)) as amount
        from person_entries

        union all

        select
            fact_set,
            '{{ period_type }}' as period_type,
            month_start,
            county_fips,
            region,
            stratum_name,
            stratum_value,
            {%- for level in levels %}
                cast(units as bigint) as {{ level }}_units,
            {%- endfor %}
            amount
        from counted_entries
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

)

select * from final
