-- RPT-01 annual program report, certification data, public edition: the rows of
-- int_annual_program_report__certification (every reporting year, state fiscal and calendar)
-- with each peer count shown only where the disclosure control's pattern shows its cell
-- (int_annual_program_report_cells, macros/disclosure.sql; RPT-03).
with

report_rows as (

    select * from {{ ref('int_annual_program_report__certification') }}

),

counts as (

    {{ annual_report_disclosed_counts('certification') }}

),

final as (

    select
        {{ annual_report_columns('report_rows') }},
        cast(report_rows.breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(report_rows.category as {{ dbt.type_string() }}) as category,
        cast(counts.value as bigint) as peers,
        cast(counts.value is null as boolean) as is_suppressed
    from report_rows
    left join counts
        on
            {{ annual_report_same_row('counts', 'report_rows') }}
            and counts.count_column = 'peers'

)

select * from final
