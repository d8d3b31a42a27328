-- RPT-01 annual program report, complaints and actions (PI-01, PI-03, PI-04), public
-- edition: the rows of int_annual_program_report__complaints (every reporting year, state
-- fiscal and calendar) with each complaint count shown only where the disclosure control's
-- pattern shows its cell (int_annual_program_report_cells, macros/disclosure.sql; RPT-03); the
-- mean days to resolve is shown with its count.
with

report_rows as (

    select * from {{ ref('int_annual_program_report__complaints') }}

),

counts as (

    {{ annual_report_disclosed_counts('complaints') }}

),

final as (

    select
        {{ annual_report_columns('report_rows') }},
        cast(report_rows.breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(report_rows.category as {{ dbt.type_string() }}) as category,
        cast(counts.value as bigint) as complaints,
        cast(
            -- Statewide only: a mean is a total over a count, and a county's total would follow
            -- from its region's minus the others'.
            case
                when counts.value is not null and report_rows.geography_level = 'state'
                    then report_rows.mean_days_to_resolve
            end
            as decimal(10, 1)
        ) as mean_days_to_resolve,
        cast(counts.value is null as boolean) as is_suppressed
    from report_rows
    left join counts
        on
            {{ annual_report_same_row('counts', 'report_rows') }}
            and counts.count_column = 'complaints'

)

select * from final
