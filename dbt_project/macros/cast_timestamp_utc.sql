{# Per-engine SQL, one concern per file: dispatched (`adapter.dispatch`), models call the
   un-prefixed name; `duckdb__` is the form this project runs on, `spark__` the dbt-spark form
   (same project, --target), `default__` a dbt cross-database form or an error naming the
   macro to add for a new adapter. #}
{#
    cast_timestamp_utc(expr): ISO 8601 text to a timestamp without time zone, in UTC.
    A value with an offset (`Z`, `+02:00`) is converted to UTC; a value without one is
    taken as UTC (the profile sets the session time zone to UTC). A plain cast to
    timestamp in DuckDB would silently drop the offset.
#}
{% macro cast_timestamp_utc(expr) -%}
    {{ return(adapter.dispatch('cast_timestamp_utc')(expr)) }}
{%- endmacro %}

{% macro duckdb__cast_timestamp_utc(expr) -%}
    (cast({{ expr }} as timestamptz) at time zone 'UTC')
{%- endmacro %}

{# Spark parses offsets into instants; the spark target sets spark.sql.session.timeZone=UTC. #}
{% macro spark__cast_timestamp_utc(expr) -%}
    cast({{ expr }} as timestamp)
{%- endmacro %}

{% macro default__cast_timestamp_utc(expr) -%}
    cast({{ expr }} as {{ dbt.type_timestamp() }})
{%- endmacro %}
