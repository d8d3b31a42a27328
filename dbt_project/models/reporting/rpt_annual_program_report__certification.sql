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
        cast(peers as bigint) as peers,
        cast(is_suppressed as boolean) as is_suppressed
    from suppressed

)

select * from final
