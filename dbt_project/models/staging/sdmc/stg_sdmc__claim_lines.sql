{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='delete+insert',
        unique_key=['claim_id', 'line_number'],
        on_schema_change='fail'
    )
}}
-- One row per adjudicated Short-Doyle/Medi-Cal peer support claim line: the latest
-- delivered version of each (claim_id, line_number). beneficiary_key is the keyed
-- HMAC-SHA256 of the CIN (PEERWH_HASH_KEY); marts join on it and never carry the CIN or
-- the date of birth, which stay here in staging.
--
-- Incremental by delivery batch (macros/incremental_staging.sql): a run stages only the
-- batches it has not seen, ranked against the versions already staged for the same lines.
-- A table on Spark: insert_overwrite there replaces partitions, not keys.
with

source as (

    select * from {{ source('sdmc', 'claims') }}
    where _load_status = 'accepted' {{ new_batches_only() }}

),

beneficiary_keys as (

    {{ beneficiary_keys(source('sdmc', 'claims')) }}

),

-- In the staged column order: on an incremental run the staged rows join these by position.
renamed as (

    select
        source.claim_id,
        cast(source.line_number as integer) as line_number,
        source.county_fips,
        source.delivery_system,
        source.organization_npi,
        source.rendering_certification_number,
        source.taxonomy_code,
        source.beneficiary_cin,
        beneficiary_keys.beneficiary_key,
        cast(source.beneficiary_dob as date) as beneficiary_dob,
        cast(source.service_date as date) as service_date,
        source.hcpcs_code,
        source.modifiers,
        cast(source.units as integer) as units,
        cast(source.service_minutes as integer) as service_minutes,
        source.place_of_service,
        source.modality,
        cast(source.group_size as integer) as group_size,
        source.level_of_care,
        cast(source.collateral as boolean) as is_collateral,
        source.claim_status,
        source.denial_reason,
        cast(source.billed_amount as decimal(12, 2)) as billed_amount,
        cast(source.approved_amount as decimal(12, 2)) as approved_amount,
        cast(source.submitted_date as date) as submitted_date,
        cast(source.adjudicated_date as date) as adjudicated_date,
        {{ cast_timestamp_utc('source.recorded_at') }} as recorded_at,
        source._batch_id,
        source._source_file,
        source._extract_date,
        source._row_number,
        source._ingested_at
    from source
    left join beneficiary_keys
        on source.beneficiary_cin = beneficiary_keys.beneficiary_cin

),

versions as (

    {{ with_current_versions('renamed', ['claim_id', 'line_number']) }}

),

latest as (

    {{ latest_versions('versions', ['claim_id', 'line_number']) }}

)

select * from latest
