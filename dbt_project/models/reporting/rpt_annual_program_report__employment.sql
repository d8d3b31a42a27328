-- RPT-01 annual program report, employment data, public edition: the rows of
-- int_annual_program_report__employment (every reporting year, state fiscal and calendar)
-- with the counts passed through suppress_counts (RPT-03); FTE, the peers-per-supervisor
-- ratio and the turnover rate are suppressed with the counts they derive from.
with

cells as (

    select * from {{ ref('int_annual_program_report__employment') }}

),

suppressed as (

    {{ suppress_counts(
        relation='cells',
        key_columns=['report_year', 'year_type', 'geography_level', 'geography_code', 'parent_geography_code'],
        count_columns=[
            'employed_peers', 'employed_peers_on_period_end', 'supervisors_on_period_end',
            'hires', 'separations'
        ],
        complement_groups=[
            ['report_year', 'year_type', 'geography_level'],
            ['report_year', 'year_type', 'parent_geography_code'],
        ],
        derived_columns={
            'employed_fte_on_period_end': ['employed_peers_on_period_end'],
            'peers_per_supervisor': ['employed_peers_on_period_end', 'supervisors_on_period_end'],
            'turnover_rate': ['separations', 'employed_peers_on_period_end'],
        },
        passthrough_columns=[
            'report_period_label', 'period_start', 'period_end', 'is_complete_year', 'geography_name'
        ],
    ) }}

),

final as (

    select
        cast(report_year as integer) as report_year,
        cast(year_type as {{ dbt.type_string() }}) as year_type,
        cast(report_period_label as {{ dbt.type_string() }}) as report_period_label,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(is_complete_year as boolean) as is_complete_year,
        cast(geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(geography_name as {{ dbt.type_string() }}) as geography_name,
        cast(parent_geography_code as {{ dbt.type_string() }}) as parent_geography_code,
        cast(employed_peers as bigint) as employed_peers,
        cast(employed_peers_on_period_end as bigint) as employed_peers_on_period_end,
        cast(employed_fte_on_period_end as decimal(12, 2)) as employed_fte_on_period_end,
        cast(supervisors_on_period_end as bigint) as supervisors_on_period_end,
        cast(peers_per_supervisor as decimal(12, 2)) as peers_per_supervisor,
        cast(hires as bigint) as hires,
        cast(separations as bigint) as separations,
        cast(turnover_rate as decimal(12, 4)) as turnover_rate,
        cast(is_suppressed as boolean) as is_suppressed
    from suppressed

)

select * from final
