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
        cast(report_year as integer) as report_year,
        cast(year_type as {{ dbt.type_string() }}) as year_type,
        cast(report_period_label as {{ dbt.type_string() }}) as report_period_label,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(is_complete_year as boolean) as is_complete_year,
        cast(geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(geography_name as {{ dbt.type_string() }}) as geography_name,
        cast(breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(complaints as bigint) as complaints,
        cast(mean_days_to_resolve as decimal(10, 1)) as mean_days_to_resolve,
        cast(is_suppressed as boolean) as is_suppressed
    from suppressed

)

select * from final
