-- RPT-01 annual program report, employment data, public edition: the rows of
-- int_annual_program_report__employment (every reporting year, state fiscal and calendar)
-- with each count shown only where the disclosure control's pattern shows its cell
-- (int_annual_program_report_cells, macros/disclosure.sql; RPT-03). FTE, the
-- peers-per-supervisor ratio and the turnover rate are shown only with every count they
-- derive from: the turnover rate's starting headcount is the previous year's last-day
-- headcount, so the rate is shown only where that count is shown in the previous year's row.
{%- set count_columns = annual_report_employment_counts() | map(attribute=0) | list %}
with

report_rows as (

    select * from {{ ref('int_annual_program_report__employment') }}

),

counts as (

    {{ annual_report_disclosed_counts('employment') }}

),

final as (

    select
        {{ annual_report_columns('report_rows') }},
        cast(report_rows.parent_geography_code as {{ dbt.type_string() }}) as parent_geography_code,
        cast(employed_peers.value as bigint) as employed_peers,
        cast(employed_peers_on_period_end.value as bigint) as employed_peers_on_period_end,
        cast(
            -- Statewide only: a county's FTE would follow from its region's minus the others',
            -- and give away how many peers a suppressed count hides (at least its FTE).
            case
                when
                    employed_peers_on_period_end.value is not null
                    and report_rows.geography_level = 'state'
                    then report_rows.employed_fte_on_period_end
            end
            as decimal(12, 2)
        ) as employed_fte_on_period_end,
        cast(supervisors_on_period_end.value as bigint) as supervisors_on_period_end,
        cast(
            case
                when
                    employed_peers_on_period_end.value is not null
                    and supervisors_on_period_end.value is not null
                    then report_rows.peers_per_supervisor
            end
            as decimal(12, 2)
        ) as peers_per_supervisor,
        cast(hires.value as bigint) as hires,
        cast(separations.value as bigint) as separations,
        cast(
            case
                when
                    separations.value is not null
                    and employed_peers_on_period_end.value is not null
                    and previous_period_end.value is not null
                    then report_rows.turnover_rate
            end
            as decimal(12, 4)
        ) as turnover_rate,
        cast(
            employed_peers.value is null
            or employed_peers_on_period_end.value is null
            or supervisors_on_period_end.value is null
            or hires.value is null
            or separations.value is null
            as boolean
        ) as is_suppressed
    from report_rows
    {%- for column in count_columns %}
        left join counts as {{ column }}
            on
                {{ annual_report_same_row(column, 'report_rows', by_category=false) }}
                and {{ column }}.count_column = '{{ column }}'
    {%- endfor %}
    left join counts as previous_period_end
        on
            previous_period_end.report_year = report_rows.report_year - 1
            and previous_period_end.year_type = report_rows.year_type
            and previous_period_end.geography_level = report_rows.geography_level
            and previous_period_end.geography_code = report_rows.geography_code
            and previous_period_end.count_column = 'employed_peers_on_period_end'

)

select * from final
