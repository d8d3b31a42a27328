-- RPT-01 annual program report, employment data, before suppression (internal edition; state
-- analysts only, never published): for every reporting year, peers employed during the year
-- and on its last day, FTE on its last day, peer supervisors on its last day and peers per
-- supervisor (SUP-03: reported, never flagged), hires, separations and turnover, statewide,
-- by region and by employing county. rpt_annual_program_report__employment is this table
-- suppressed.

with

report_periods as (

    select * from {{ ref('int_annual_report_periods') }}

),

geographies as (

    select * from {{ ref('int_report_geographies') }}

),

employment as (

    -- Spells overlapping each year, with where they stand on its first and last day.
    select
        report_periods.report_year,
        report_periods.year_type,
        spells.role,
        spells.fte,
        counties.county_fips,
        coalesce(spells.certificant_id, spells.employment_id) as person_key,
        (
            spells.hire_date <= report_periods.period_start
            and (spells.separation_date is null or spells.separation_date >= report_periods.period_start)
        ) as is_employed_on_period_start,
        (
            spells.hire_date <= report_periods.period_end
            and (spells.separation_date is null or spells.separation_date >= report_periods.period_end)
        ) as is_employed_on_period_end,
        spells.hire_date >= report_periods.period_start as is_hired_in_period,
        coalesce(spells.separation_date <= report_periods.period_end, false) as is_separated_in_period
    from {{ ref('stg_county__employment') }} as spells
    inner join report_periods
        on
            spells.hire_date <= report_periods.period_end
            and (spells.separation_date is null or spells.separation_date >= report_periods.period_start)
    left join {{ ref('counties') }} as counties
        on spells.county_fips = counties.county_fips

),

counted as (

    select
        employment.report_year,
        employment.year_type,
        geographies.geography_level,
        geographies.geography_code,
        count(distinct case when employment.role = 'peer_support_specialist' then employment.person_key end)
            as employed_peers,
        count(
            distinct case
                when employment.role = 'peer_support_specialist' and employment.is_employed_on_period_start
                    then employment.person_key
            end
        ) as employed_peers_on_period_start,
        count(
            distinct case
                when employment.role = 'peer_support_specialist' and employment.is_employed_on_period_end
                    then employment.person_key
            end
        ) as employed_peers_on_period_end,
        sum(
            case
                when employment.role = 'peer_support_specialist' and employment.is_employed_on_period_end
                    then employment.fte
                else 0
            end
        ) as employed_fte_on_period_end,
        count(
            distinct case
                when employment.role = 'peer_supervisor' and employment.is_employed_on_period_end
                    then employment.person_key
            end
        ) as supervisors_on_period_end,
        count(
            distinct case
                when employment.role = 'peer_support_specialist' and employment.is_hired_in_period
                    then employment.person_key
            end
        ) as hires,
        count(
            distinct case
                when employment.role = 'peer_support_specialist' and employment.is_separated_in_period
                    then employment.person_key
            end
        ) as separations
    from employment
    inner join geographies
        on geographies.member_county_fips is not distinct from employment.county_fips
    group by
        employment.report_year,
        employment.year_type,
        geographies.geography_level,
        geographies.geography_code

),

final as (

    select
        {{ annual_report_columns('cells') }},
        cast(cells.parent_geography_code as {{ dbt.type_string() }}) as parent_geography_code,
        cast(coalesce(counted.employed_peers, 0) as bigint) as employed_peers,
        cast(coalesce(counted.employed_peers_on_period_end, 0) as bigint) as employed_peers_on_period_end,
        cast(coalesce(counted.employed_fte_on_period_end, 0) as decimal(12, 2)) as employed_fte_on_period_end,
        cast(coalesce(counted.supervisors_on_period_end, 0) as bigint) as supervisors_on_period_end,
        cast(
            round(counted.employed_peers_on_period_end * 1.0 / nullif(counted.supervisors_on_period_end, 0), 2)
            as decimal(12, 2)
        ) as peers_per_supervisor,
        cast(coalesce(counted.hires, 0) as bigint) as hires,
        cast(coalesce(counted.separations, 0) as bigint) as separations,
        cast(
            round(
                counted.separations * 2.0
                / nullif(counted.employed_peers_on_period_start + counted.employed_peers_on_period_end, 0),
                4
            )
            as decimal(12, 4)
        ) as turnover_rate
    {{ annual_report_grid('geographies', 'counted') }}

)

select * from final
