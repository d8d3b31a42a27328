-- RPT-01 annual program report, complaints and actions (PI-01, PI-03, PI-04), public
-- edition: the rows of int_annual_program_report__complaints (every reporting year, state
-- fiscal and calendar) with the complaint counts passed through suppress_counts (RPT-03); the
-- mean days to resolve is suppressed with its count.
with

cells as (

    select * from {{ ref('int_annual_program_report__complaints') }}

),

suppressed as (

    {{ suppress_counts(
        relation='cells',
        key_columns=[
            'report_year', 'year_type', 'breakdown', 'category', 'geography_level', 'geography_code'
        ],
        count_columns=['complaints'],
        complement_groups=[
            ['report_year', 'year_type', 'breakdown', 'category', 'geography_level'],
            ['report_year', 'year_type', 'breakdown', 'geography_level', 'geography_code'],
        ],
        derived_columns={'mean_days_to_resolve': ['complaints']},
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
        cast(suppressed.complaints as bigint) as complaints,
        cast(suppressed.mean_days_to_resolve as decimal(10, 1)) as mean_days_to_resolve,
        cast(suppressed.is_suppressed as boolean) as is_suppressed
    from suppressed

)

select * from final
