{# Per-engine SQL, one concern per file: dispatched (`adapter.dispatch`), models call the
   un-prefixed name; `duckdb__` is the form this project runs on, `spark__` the dbt-spark form
   (same project, --target), `default__` a dbt cross-database form or an error naming the
   macro to add for a new adapter. #}
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
        ~ "': add " ~ adapter.type() ~ "__hmac_sha256 to macros/hmac_sha256.sql"
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
