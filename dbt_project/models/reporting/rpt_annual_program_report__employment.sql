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
        {{ annual_report_columns('suppressed') }},
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

)

select * from final
