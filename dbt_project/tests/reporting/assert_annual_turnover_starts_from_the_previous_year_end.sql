-- RPT-01, RPT-03: the annual report's turnover rate starts from the headcount on the eve of
-- the year, which must be the previous year's published last-day headcount: the public edition
-- shows the rate only where that count is shown, since the rate, the separations and the
-- year's last-day headcount give it away. Returns the rows whose rate that headcount does not
-- give.
{{ config(tags=['RPT-01', 'RPT-03'], severity='error') }}

with

employment as (

    select * from {{ ref('int_annual_program_report__employment') }}

)

select
    current_year.report_year,
    current_year.year_type,
    current_year.geography_level,
    current_year.geography_code,
    current_year.turnover_rate
from employment as current_year
inner join employment as previous_year
    on
        current_year.report_year - 1 = previous_year.report_year
        and current_year.year_type = previous_year.year_type
        and current_year.geography_level = previous_year.geography_level
        and current_year.geography_code = previous_year.geography_code
where
    coalesce(current_year.turnover_rate, -1) <> coalesce(
        cast(
            round(
                current_year.separations * 2.0
                / nullif(previous_year.employed_peers_on_period_end + current_year.employed_peers_on_period_end, 0),
                4
            )
            as decimal(12, 4)
        ),
        -1
    )
