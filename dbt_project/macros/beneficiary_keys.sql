{#
    beneficiary_keys(relation): one row per CIN of a raw feed's accepted rows, with its keyed
    HMAC-SHA256 (hmac_sha256, macros/hmac_sha256.sql): beneficiary_cin, beneficiary_key. The hash
    is computed once per CIN, not once per row (a member has many rows); staging models join
    it back. Read the raw table itself, not a CTE over it: a CTE with two readers would be
    materialized whole. On an incremental run only the CINs of new batches are hashed.
#}
{% macro beneficiary_keys(relation) -%}
    select
        beneficiary_cin,
        {{ hmac_sha256('beneficiary_cin') }} as beneficiary_key
    from (
        select distinct beneficiary_cin
        from {{ relation }}
        where _load_status = 'accepted' {{ new_batches_only() }}
    ) as cins
{%- endmacro %}
