-- RPT-01 annual program report, employment data: peers employed during the reporting year
-- and on its last day, FTE on its last day, peer supervisors on its last day and peers per
-- supervisor (SUP-03: reported, never flagged), hires, separations and turnover, statewide,
-- by region and by employing county. Public: counts pass suppress_counts (RPT-03); FTE,
-- the ratio and the turnover rate are suppressed with the counts they derive from.
{%- set state_fips = "'06'" %}

with

report_period as (

    select * from {{ ref('int_annual_report_period') }}

),

counties as (

    select
        county_fips,
        region
    from {{ ref('counties') }}

),

employment as (

    -- Spells overlapping the year, with where they stand on its first and last day.
    select
        spells.employment_id,
        spells.role,
        spells.fte,
        counties.county_fips,
        counties.region,
        coalesce(spells.certificant_id, spells.employment_id) as person_key,
        (
            spells.hire_date <= report_period.period_start
            and (spells.separation_date is null or spells.separation_date >= report_period.period_start)
        ) as is_employed_on_period_start,
        (
            spells.hire_date <= report_period.period_end
            and (spells.separation_date is null or spells.separation_date >= report_period.period_end)
        ) as is_employed_on_period_end,
        spells.hire_date >= report_period.period_start as is_hired_in_period,
        coalesce(spells.separation_date <= report_period.period_end, false) as is_separated_in_period
    from {{ ref('stg_county__employment') }} as spells
    cross join report_period
    left join counties
        on spells.county_fips = counties.county_fips
    where
        spells.hire_date <= report_period.period_end
        and (spells.separation_date is null or spells.separation_date >= report_period.period_start)

),

{%- set geography_levels = [
    ('state', state_fips, "cast(null as " ~ dbt.type_string() ~ ")", 'true'),
    ('region', 'region', state_fips, 'region is not null'),
    ('county', 'county_fips', 'region', 'county_fips is not null'),
] %}

counted as (
    {%- for level, code, parent, condition in geography_levels %}

        select
            '{{ level }}' as geography_level,
            {{ code }} as geography_code,
            {{ parent }} as parent_geography_code,
            count(distinct case when role = 'peer_support_specialist' then person_key end) as employed_peers,
            count(
                distinct case when role = 'peer_support_specialist' and is_employed_on_period_start then person_key end
            ) as employed_peers_on_period_start,
            count(
                distinct case when role = 'peer_support_specialist' and is_employed_on_period_end then person_key end
            ) as employed_peers_on_period_end,
            sum(case when role = 'peer_support_specialist' and is_employed_on_period_end then fte else 0 end)
                as employed_fte_on_period_end,
            count(distinct case when role = 'peer_supervisor' and is_employed_on_period_end then person_key end)
                as supervisors_on_period_end,
            count(
                distinct case when role = 'peer_support_specialist' and is_hired_in_period then person_key end
            ) as hires,
            count(
                distinct case when role = 'peer_support_specialist' and is_separated_in_period then person_key end
            ) as separations
        from employment
        where {{ condition }}
        {%- if level != 'state' %}
            group by
                {{ code }}{% if level == 'county' %}
                    ,
                    region{% endif %}
        {%- endif %}
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

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

cells as (

    select
        geographies.geography_level,
        geographies.geography_code,
        geographies.parent_geography_code,
        coalesce(counted.employed_peers, 0) as employed_peers,
        coalesce(counted.employed_peers_on_period_end, 0) as employed_peers_on_period_end,
        coalesce(counted.employed_fte_on_period_end, 0) as employed_fte_on_period_end,
        coalesce(counted.supervisors_on_period_end, 0) as supervisors_on_period_end,
        round(
            counted.employed_peers_on_period_end * 1.0 / nullif(counted.supervisors_on_period_end, 0), 2
        ) as peers_per_supervisor,
        coalesce(counted.hires, 0) as hires,
        coalesce(counted.separations, 0) as separations,
        round(
            counted.separations * 2.0
            / nullif(counted.employed_peers_on_period_start + counted.employed_peers_on_period_end, 0),
            4
        ) as turnover_rate
    from geographies
    left join counted
        on
            geographies.geography_level = counted.geography_level
            and geographies.geography_code = counted.geography_code

),

suppressed as (

    {{ suppress_counts(
        relation='cells',
        key_columns=['geography_level', 'geography_code', 'parent_geography_code'],
        count_columns=[
            'employed_peers', 'employed_peers_on_period_end', 'supervisors_on_period_end',
            'hires', 'separations'
        ],
        complement_groups=[['geography_level'], ['parent_geography_code']],
        derived_columns={
            'employed_fte_on_period_end': ['employed_peers_on_period_end'],
            'peers_per_supervisor': ['employed_peers_on_period_end', 'supervisors_on_period_end'],
            'turnover_rate': ['separations', 'employed_peers_on_period_end'],
        },
    ) }}

),

final as (

    select
        cast(report_period.report_period_label as {{ dbt.type_string() }}) as report_period_label,
        cast(report_period.period_type as {{ dbt.type_string() }}) as period_type,
        cast(report_period.period_start as date) as period_start,
        cast(report_period.period_end as date) as period_end,
        cast(suppressed.geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(suppressed.geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(suppressed.parent_geography_code as {{ dbt.type_string() }}) as parent_geography_code,
        cast(suppressed.employed_peers as bigint) as employed_peers,
        cast(suppressed.employed_peers_on_period_end as bigint) as employed_peers_on_period_end,
        cast(suppressed.employed_fte_on_period_end as decimal(12, 2)) as employed_fte_on_period_end,
        cast(suppressed.supervisors_on_period_end as bigint) as supervisors_on_period_end,
        cast(suppressed.peers_per_supervisor as decimal(12, 2)) as peers_per_supervisor,
        cast(suppressed.hires as bigint) as hires,
        cast(suppressed.separations as bigint) as separations,
        cast(suppressed.turnover_rate as decimal(12, 4)) as turnover_rate,
        cast(suppressed.is_suppressed as boolean) as is_suppressed
    from suppressed
    cross join report_period

)

select * from final
