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

counties as (

    select
        county_fips,
        region,
        dense_rank() over (order by region) as region_key
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
        from {{ ref('int_waiver_metric_facts') }}
        where unit_id is not null
    ) as fact_strata

),

county_keys as (

    -- Each county of the facts as a number (windows order and group integers far faster than
    -- text), with its region's number: a missing county is a county of its own, and a county
    -- outside the 58 has no region.
    select
        fact_counties.county_fips,
        counties.region,
        counties.region_key,
        dense_rank() over (order by fact_counties.county_fips) as county_key
    from (
        select distinct county_fips
        from {{ ref('int_waiver_metric_facts') }}
        where unit_id is not null
    ) as fact_counties
    left join counties
        on fact_counties.county_fips = counties.county_fips

),

person_months as (

    -- Integers only, so that the windows below sort narrow rows. series_id: one number per
    -- fact set, stratum and person (unit_id stays below 10^9 and a stratum number below 10^5,
    -- tested on int_waiver_metric_facts).
    select
        facts.fact_set,
        strata.stratum_number,
        county_keys.county_key,
        county_keys.region_key,
        facts.month_start,
        (facts.fact_set * 100000 + strata.stratum_number) * 1000000000 + facts.unit_id as series_id
    from {{ ref('int_waiver_metric_facts') }} as facts
    inner join strata
        on
            facts.stratum_name = strata.stratum_name
            and facts.stratum_value = strata.stratum_value
    inner join county_keys
        on facts.county_fips is not distinct from county_keys.county_fips
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
        stratum_number,
        series_id,
        county_key,
        region_key,
        month_start,
        is_single_county,
        case when previous_county = county_key then previous_month end as previous_county_month
    from sequenced

),

previous_months as (

    -- The previous month each person was seen in the same county, region and state.
    select
        fact_set,
        stratum_number,
        county_key,
        month_start,
        previous_county_month,
        previous_county_month as previous_region_month,
        previous_county_month as previous_state_month
    from county_sequenced
    where is_single_county

    union all

    select
        fact_set,
        stratum_number,
        county_key,
        month_start,
        previous_county_month,
        lag(month_start) over (
            partition by series_id, region_key
            order by month_start, county_key
        ) as previous_region_month,
        lag(month_start) over (
            partition by series_id
            order by month_start, county_key
        ) as previous_state_month
    from county_sequenced
    where not is_single_county

),

people_by_previous_months as (

    -- People with the same previous months are judged alike: count them first, so that the
    -- period comparisons below run once per combination (people seen month after month share
    -- a handful), not once per person.
    select
        fact_set,
        stratum_number,
        county_key,
        month_start,
        previous_county_month,
        previous_region_month,
        previous_state_month,
        count(*) as people
    from previous_months
    group by
        fact_set,
        stratum_number,
        county_key,
        month_start,
        previous_county_month,
        previous_region_month,
        previous_state_month

),

counted_people as (

    -- Per month, county and stratum: the people new to each period type at each level (a
    -- person's previous month, if any, lies in another period of that type).
    select
        people_by_previous_months.fact_set,
        people_by_previous_months.stratum_number,
        people_by_previous_months.county_key,
        people_by_previous_months.month_start,
        {%- for level in levels %}
            {%- for period_type in period_types %}
                sum(
                    case
                        when
                            previous_{{ level }}.month_start is null
                            or previous_{{ level }}.{{ period_type }}_start <> this_month.{{ period_type }}_start
                            then people_by_previous_months.people
                        else 0
                    end
                ) as {{ level }}_{{ period_type }}_units,
            {%- endfor %}
        {%- endfor %}
        -- a row whose previous row in the same county is the same month repeats a person
        sum(
            case
                when people_by_previous_months.previous_county_month = people_by_previous_months.month_start
                    then people_by_previous_months.people
                else 0
            end
        ) as repeated_people
    from people_by_previous_months
    inner join month_periods as this_month
        on people_by_previous_months.month_start = this_month.month_start
    {%- for level in levels %}
        left join month_periods as previous_{{ level }}
            on people_by_previous_months.previous_{{ level }}_month = previous_{{ level }}.month_start
    {%- endfor %}
    group by
        people_by_previous_months.fact_set,
        people_by_previous_months.stratum_number,
        people_by_previous_months.county_key,
        people_by_previous_months.month_start

),

person_entries as (

    -- Back from numbers to the county, region and stratum.
    select
        counted_people.*,
        county_keys.county_fips,
        county_keys.region,
        strata.stratum_name,
        strata.stratum_value
    from counted_people
    inner join county_keys
        on counted_people.county_key = county_keys.county_key
    inner join strata
        on counted_people.stratum_number = strata.stratum_number

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
    from {{ ref('int_waiver_metric_facts') }} as facts
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
            cast(null as decimal(18, 2)) as amount,
            cast(repeated_people as bigint) as repeated_people
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
            amount,
            cast(0 as bigint) as repeated_people
        from counted_entries
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

)

select * from final
