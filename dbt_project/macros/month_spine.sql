{# Per-engine SQL, one concern per file: dispatched (`adapter.dispatch`), models call the
   un-prefixed name; `duckdb__` is the form this project runs on, `spark__` the dbt-spark form
   (same project, --target), `default__` a dbt cross-database form or an error naming the
   macro to add for a new adapter. #}
{#
    month_spine(start_month, end_month): a select with one column `month_start` (date),
    one row per month from start_month to end_month, both included. Both arguments are SQL
    expressions that evaluate to the first day of a month; end_month may be a scalar
    subquery over other relations.

    default__ uses dbt's cross-database dbt.date_spine (dbt-adapters' global project,
    available in dbt 1.11). date_spine counts the months with a query it runs at compile
    time (get_intervals_between), so on engines that use it the bounds must be standalone
    SQL, and `dbt compile` needs the database. DuckDB and Spark have native list
    generators, so their forms need no compile-time query.
#}
{% macro month_spine(start_month, end_month) -%}
    {{ return(adapter.dispatch('month_spine')(start_month, end_month)) }}
{%- endmacro %}

{% macro default__month_spine(start_month, end_month) -%}
    select cast(date_month as date) as month_start
    from (
        {{ dbt.date_spine('month', start_month, dbt.dateadd('month', 1, end_month)) }}
    ) as date_spine
{%- endmacro %}

{% macro duckdb__month_spine(start_month, end_month) -%}
    select cast(generated_month as date) as month_start
    from (
        select
            unnest(
                generate_series(
                    cast({{ start_month }} as date),
                    cast({{ end_month }} as date),
                    interval 1 month
                )
            ) as generated_month
    ) as month_series
{%- endmacro %}

{% macro spark__month_spine(start_month, end_month) -%}
    select cast(generated_month as date) as month_start
    from (
        select
            explode(
                sequence(
                    cast({{ start_month }} as date),
                    cast({{ end_month }} as date),
                    interval 1 month
                )
            ) as generated_month
    ) as month_series
{%- endmacro %}
