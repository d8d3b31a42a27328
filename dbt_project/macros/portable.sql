{#
    portable.sql: the one place for SQL that differs between engines.

    Every macro here is dispatched (`adapter.dispatch`): `duckdb__` is the form this
    project runs on; `spark__` is the form for dbt-spark (same project and profile,
    switched by --target); `default__` is either a dbt cross-database form or a clear
    error that names the macro to add for a new adapter. Models call only the
    un-prefixed name.

    Contents:
      hmac_sha256(expr)            keyed HMAC-SHA256 (hex, lower case) of a text expression
      hmac_key_pads()              helper: HMAC inner/outer key blocks, computed in Jinja
      month_spine(start, end)      one row per month start, both ends inclusive
      cast_timestamp_utc(expr)     ISO 8601 text -> timestamp in UTC (offsets honoured)
#}


{# ---------------------------------------------------------------- HMAC-SHA256 #}

{#
    hmac_sha256(expr): HMAC-SHA256 (RFC 2104) of the UTF-8 bytes of `expr` under the key in
    the environment variable PEERWH_HASH_KEY, as 64 lower-case hex characters. Equal to
    Python's hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest().
    NULL in, NULL out.

        HMAC(K, m) = H((K0 xor opad) || H((K0 xor ipad) || m))

    where K0 is the key zero-padded to the 64-byte SHA-256 block, ipad = 0x36 repeated and
    opad = 0x5c repeated. The two 64-byte key blocks are computed at compile time in Jinja
    (hmac_key_pads); the SQL only needs sha256 over bytes, hex decoding and byte concatenation.

    Note: the compiled SQL (target/, and the view definition stored in the warehouse)
    contains the key blocks, from which the key can be recovered. Treat target/ and the
    warehouse file as secret as the raw CINs they sit beside; only marts and the serving
    snapshot (which hold hashes, never the key) may be shared.
#}
{% macro hmac_sha256(expr) -%}
    {{ return(adapter.dispatch('hmac_sha256')(expr)) }}
{%- endmacro %}

{% macro duckdb__hmac_sha256(expr) -%}
    {%- set pads = hmac_key_pads() -%}
    sha256(unhex('{{ pads.outer }}') || unhex(sha256(unhex('{{ pads.inner }}') || encode({{ expr }}))))
{%- endmacro %}

{% macro spark__hmac_sha256(expr) -%}
    {%- set pads = hmac_key_pads() -%}
    sha2(concat(unhex('{{ pads.outer }}'), unhex(sha2(concat(unhex('{{ pads.inner }}'), encode({{ expr }}, 'UTF-8')), 256))), 256)
{%- endmacro %}

{% macro default__hmac_sha256(expr) -%}
    {{ exceptions.raise_compiler_error(
        "hmac_sha256 has no implementation for adapter '" ~ adapter.type()
        ~ "': add " ~ adapter.type() ~ "__hmac_sha256 to macros/portable.sql"
    ) }}
{%- endmacro %}


{#
    hmac_key_pads(): {'inner': hex of K0 xor 0x36.., 'outer': hex of K0 xor 0x5c..}, 128 hex
    characters each. The key is read only when dbt executes (so `dbt parse` works without it
    and its value is never stored in the partial-parse file); at parse time, and on the
    compile-only `lint` target (an in-memory database used by sqlfluff), zero blocks are
    returned. Keys longer than one SHA-256 block (64 bytes) are refused: RFC 2104 would hash
    them first, which Jinja cannot do.
#}
{% macro hmac_key_pads() -%}
    {%- if not execute or target.name == 'lint' -%}
        {{ return({'inner': '00' * 64, 'outer': '00' * 64}) }}
    {%- endif -%}
    {%- set key = env_var('PEERWH_HASH_KEY', '') -%}
    {%- if key | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "PEERWH_HASH_KEY is not set or empty. Beneficiary CINs are replaced by a keyed "
            ~ "HMAC-SHA256 in staging; set PEERWH_HASH_KEY to the project's secret key "
            ~ "(any string of at most 64 bytes) before running dbt."
        ) }}
    {%- endif -%}
    {%- set key_bytes = key.encode('utf-8') | list -%}
    {%- if key_bytes | length > 64 -%}
        {{ exceptions.raise_compiler_error(
            "PEERWH_HASH_KEY is " ~ (key_bytes | length) ~ " bytes long; use a key of at most "
            ~ "64 bytes (one SHA-256 block), e.g. 32 random bytes as 64 hex characters."
        ) }}
    {%- endif -%}
    {%- set pads = namespace(inner='', outer='') -%}
    {%- for position in range(64) -%}
        {%- set key_byte = key_bytes[position] if position < key_bytes | length else 0 -%}
        {%- set pads.inner = pads.inner ~ '%02x' | format(xor_byte(key_byte, 54)) -%}
        {%- set pads.outer = pads.outer ~ '%02x' | format(xor_byte(key_byte, 92)) -%}
    {%- endfor -%}
    {{ return({'inner': pads.inner, 'outer': pads.outer}) }}
{%- endmacro %}


{#
    xor_byte(a, b): bitwise XOR of two integers 0..255. Jinja has no bitwise operators,
    so each of the 8 bits is compared with integer division and modulo.
#}
{% macro xor_byte(a, b) -%}
    {%- set result = namespace(value=0) -%}
    {%- for bit in range(8) -%}
        {%- set weight = 2 ** bit -%}
        {%- if (a // weight) % 2 != (b // weight) % 2 -%}
            {%- set result.value = result.value + weight -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(result.value) }}
{%- endmacro %}


{# ---------------------------------------------------------------- month spine #}

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


{# ---------------------------------------------------------------- timestamps #}

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
