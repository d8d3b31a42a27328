-- RPT-01: the reporting year of the annual program report, one row, from the project vars
-- annual_report_year and annual_report_calendar_year (dbt_project.yml): by default the state
-- fiscal year July-June ending in annual_report_year (2024 = SFY 2023-24); the calendar year
-- when annual_report_calendar_year is true. Override with --vars on the command line.
{%- set report_year = var('annual_report_year') | int %}
{%- set calendar_flag = var('annual_report_calendar_year') %}
{%- set is_calendar = calendar_flag in [true, 'true', 'True', 'TRUE', 1, '1', 'yes'] %}
{%- if is_calendar %}
    {%- set period_type = 'calendar_year' %}
    {%- set start_date = report_year ~ '-01-01' %}
    {%- set end_date = report_year ~ '-12-31' %}
    {%- set label = 'CY ' ~ report_year %}
{%- else %}
    {%- set period_type = 'state_fiscal_year' %}
    {%- set start_date = (report_year - 1) ~ '-07-01' %}
    {%- set end_date = report_year ~ '-06-30' %}
    {%- set label = 'SFY ' ~ (report_year - 1) ~ '-' ~ ('%02d' | format(report_year % 100)) %}
{%- endif %}

with

report_period as (

    select
        '{{ label }}' as report_period_label,
        '{{ period_type }}' as period_type,
        cast('{{ start_date }}' as date) as period_start,
        cast('{{ end_date }}' as date) as period_end

)

select * from report_period
