{#
    latest_extract_month(relations): a scalar subquery giving the first day of the month of
    the latest `_extract_date` across the given staging relations (accepted rows only, since
    staging excludes held batches): the month the warehouse's data runs through.

    The result is standalone SQL (it references no CTE), so it can also be used as a bound
    of dbt.date_spine, which evaluates its bounds in a query at compile time.
#}
{% macro latest_extract_month(relations) -%}
    (
        select {{ dbt.date_trunc('month', 'max(latest_extract_date)') }}
        from (
            {%- for relation in relations %}
            select max(_extract_date) as latest_extract_date from {{ relation }}
            {%- if not loop.last %}
            union all
            {%- endif %}
            {%- endfor %}
        ) as extracts
    )
{%- endmacro %}
