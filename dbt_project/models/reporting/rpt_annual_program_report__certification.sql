-- RPT-01 annual program report, certification data, public edition: the rows of
-- int_annual_program_report__certification (every reporting year, state fiscal and calendar)
-- with the peer counts passed through suppress_counts (RPT-03).
with

cells as (

    select * from {{ ref('int_annual_program_report__certification') }}

),

suppressed as (

    {{ suppress_counts(
        relation='cells',
        key_columns=[
            'report_year', 'year_type', 'breakdown', 'category', 'complement_set',
            'geography_level', 'geography_code'
        ],
        count_columns=['peers'],
        complement_groups=[
            ['report_year', 'year_type', 'breakdown', 'category', 'geography_level'],
            ['report_year', 'year_type', 'complement_set', 'geography_level', 'geography_code'],
        ],
        passthrough_columns=[
            'report_period_label', 'period_start', 'period_end', 'is_complete_year', 'geography_name'
        ],
    ) }}

),

final as (

    select
        {{ annual_report_columns('suppressed') }},
        cast(suppressed.breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(suppressed.category as {{ dbt.type_string() }}) as category,
        cast(suppressed.peers as bigint) as peers,
        cast(suppressed.is_suppressed as boolean) as is_suppressed
    from suppressed

)

select * from final
