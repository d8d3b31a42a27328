-- RPT-01 annual program report, employment data, before suppression (internal edition; state
-- analysts only, never published): for every reporting year, peers employed during the year
-- and on its last day, FTE on its last day, peer supervisors on its last day and peers per
-- supervisor (SUP-03: reported, never flagged), hires, separations and turnover, statewide,
-- by region and by employing county. Employment during the year, hires and separations are
-- counted over the year's months of the reporting grid, as the monthly workforce figures are.
-- rpt_annual_program_report__employment is this table with the disclosure control's pattern
-- applied (int_annual_program_report_cells, RPT-03).

with

report_periods as (

    select
        int_annual_report_periods.*,
        cast({{ dbt.dateadd('day', -1, 'int_annual_report_periods.period_start') }} as date) as eve_of_period
    from {{ ref('int_annual_report_periods') }}

),

geographies as (

    select * from {{ ref('int_report_geographies') }}

),

employment as (

    -- Spells employed on some day from the eve of each year through its last day, with where
    -- they stand. The turnover rate starts from the headcount on the eve of the year, which is
    -- the previous year's last-day headcount: the public edition shows the rate only where that
    -- published count is shown (RPT-03).
    select
        report_periods.report_year,
        report_periods.year_type,
        spells.role,
        spells.fte,
        counties.county_fips,
        coalesce(spells.certificant_id, spells.employment_id) as person_key,
        (
            spells.hire_date <= report_periods.counted_through
            and (spells.separation_date is null or spells.separation_date >= report_periods.counted_from)
        ) as is_employed_in_period,
        (
            spells.hire_date < report_periods.period_start
            and (spells.separation_date is null or spells.separation_date >= report_periods.eve_of_period)
        ) as is_employed_on_eve_of_period,
        (
            spells.hire_date <= report_periods.period_end
            and (spells.separation_date is null or spells.separation_date >= report_periods.period_end)
        ) as is_employed_on_period_end,
        spells.hire_date between report_periods.counted_from and report_periods.counted_through
            as is_hired_in_period,
        coalesce(
            spells.separation_date between report_periods.counted_from and report_periods.counted_through,
            false
        ) as is_separated_in_period
    from {{ ref('stg_county__employment') }} as spells
    inner join report_periods
        on
            spells.hire_date <= report_periods.period_end
            and (spells.separation_date is null or spells.separation_date >= report_periods.eve_of_period)
    left join {{ ref('counties') }} as counties
        on spells.county_fips = counties.county_fips

),

counted as (

    select
        employment.report_year,
        employment.year_type,
        geographies.geography_level,
        geographies.geography_code,
        count(
            distinct case
                when employment.role = 'peer_support_specialist' and employment.is_employed_in_period
                    then employment.person_key
            end
        ) as employed_peers,
        count(
            distinct case
                when employment.role = 'peer_support_specialist' and employment.is_employed_on_eve_of_period
                    then employment.person_key
            end
        ) as employed_peers_on_eve_of_period,
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
                / nullif(counted.employed_peers_on_eve_of_period + counted.employed_peers_on_period_end, 0),
                4
            )
            as decimal(12, 4)
        ) as turnover_rate
    {{ annual_report_grid('geographies', 'counted') }}

)

select * from final
