{#
    business_days_between(start_date, end_date): the number of business days (Monday to
    Friday) after `start_date` up to and including `end_date`, as an integer. Both arguments
    are SQL date expressions. NULL in either gives NULL.

        received Fri 2024-03-01, acknowledged Fri 2024-03-08  -> 5  (Mon 4 .. Fri 8)
        received Sat 2024-03-02, acknowledged Mon 2024-03-04  -> 1
        same day                                              -> 0
        end before start                                      -> negative (the same count, signed)

    Holidays are out of scope: state holidays are business days here. A holiday calendar
    would be a seed of dates subtracted from this count.

    How: W(d) = the number of weekdays from a fixed Monday (1900-01-01) through d, inclusive:
    with n = days since that Monday, W = 5 * floor(n / 7) + least(n mod 7 + 1, 5), where
    `n mod 7` is taken in 0..6 (also for dates before 1900). The answer is W(end) - W(start).
    Only portable pieces are used: dbt.datediff, floor over a decimal division, mod and
    least; no day-of-week function (engines number weekdays differently) and no calendar
    table.
#}
{% macro business_days_between(start_date, end_date) -%}
    ({{ _weekdays_through(end_date) }} - {{ _weekdays_through(start_date) }})
{%- endmacro %}


{# W(d): weekdays from Monday 1900-01-01 through d (see business_days_between). #}
{% macro _weekdays_through(date_expr) -%}
    {%- set days = dbt.datediff("cast('1900-01-01' as date)", date_expr, 'day') -%}
    (
        5 * cast(floor(({{ days }}) / 7.0) as integer)
        + least(mod(mod({{ days }}, 7) + 7, 7) + 1, 5)
    )
{%- endmacro %}
