{#
    sorted_string_agg.sql: ordered text lists, per engine. Dispatched like the other per-engine
    macros (hmac_sha256.sql, month_spine.sql, cast_timestamp_utc.sql): models call the un-prefixed
    name; `duckdb__` is what this project runs on, `spark__` the dbt-spark form, `default__`
    dbt's cross-database listagg.

    Contents:
      sorted_string_agg(expr, delimiter)   aggregate: the values of a text expression, sorted
                                           ascending, joined by `delimiter` (a Python string,
                                           rendered as a SQL literal); NULLs are skipped, an
                                           all-NULL group gives NULL. Deduplicate in a subquery
                                           first if the list must hold distinct values.

    Why not dbt.listagg: dbt-spark's listagg ignores the order-by clause (collect_list has no
    defined order), so the same query would give differently ordered lists per engine.
#}

{% macro sorted_string_agg(expr, delimiter) -%}
    {{ return(adapter.dispatch('sorted_string_agg')(expr, delimiter)) }}
{%- endmacro %}

{% macro duckdb__sorted_string_agg(expr, delimiter) -%}
    string_agg({{ expr }}, '{{ delimiter }}' order by {{ expr }})
{%- endmacro %}

{% macro spark__sorted_string_agg(expr, delimiter) -%}
    nullif(array_join(array_sort(collect_list({{ expr }})), '{{ delimiter }}'), '')
{%- endmacro %}

{% macro default__sorted_string_agg(expr, delimiter) -%}
    {{ dbt.listagg(expr, "'" ~ delimiter ~ "'", "order by " ~ expr) }}
{%- endmacro %}
