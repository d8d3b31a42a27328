-- One row per adjudicated Short-Doyle/Medi-Cal peer support claim line: the latest
-- delivered version of each (claim_id, line_number). beneficiary_key is the keyed
-- HMAC-SHA256 of the CIN (PEERWH_HASH_KEY); marts join on it and never carry the CIN or
-- the date of birth, which stay here in staging.
with

source as (

    select * from {{ source('sdmc', 'claims') }}
    where _load_status = 'accepted'

),

beneficiary_keys as (

    {{ beneficiary_keys(source('sdmc', 'claims')) }}

),

renamed as (

    select
        claim_id,
        cast(line_number as integer) as line_number,
        county_fips,
        delivery_system,
        organization_npi,
        rendering_certification_number,
        taxonomy_code,
        beneficiary_cin,
        cast(beneficiary_dob as date) as beneficiary_dob,
        cast(service_date as date) as service_date,
        hcpcs_code,
        modifiers,
        cast(units as integer) as units,
        cast(service_minutes as integer) as service_minutes,
        place_of_service,
        modality,
        cast(group_size as integer) as group_size,
        level_of_care,
        cast(collateral as boolean) as is_collateral,
        claim_status,
        denial_reason,
        cast(billed_amount as decimal(12, 2)) as billed_amount,
        cast(approved_amount as decimal(12, 2)) as approved_amount,
        cast(submitted_date as date) as submitted_date,
        cast(adjudicated_date as date) as adjudicated_date,
        {{ cast_timestamp_utc('recorded_at') }} as recorded_at,
        _batch_id,
        _source_file,
        _extract_date,
        _row_number,
        _ingested_at
    from source

),

latest_versions as (

    {{ latest_versions('renamed', ['claim_id', 'line_number']) }}

),

latest as (

    select
        latest_versions.claim_id,
        latest_versions.line_number,
        latest_versions.county_fips,
        latest_versions.delivery_system,
        latest_versions.organization_npi,
        latest_versions.rendering_certification_number,
        latest_versions.taxonomy_code,
        latest_versions.beneficiary_cin,
        beneficiary_keys.beneficiary_key,
        latest_versions.beneficiary_dob,
        latest_versions.service_date,
        latest_versions.hcpcs_code,
        latest_versions.modifiers,
        latest_versions.units,
        latest_versions.service_minutes,
        latest_versions.place_of_service,
        latest_versions.modality,
        latest_versions.group_size,
        latest_versions.level_of_care,
        latest_versions.is_collateral,
        latest_versions.claim_status,
        latest_versions.denial_reason,
        latest_versions.billed_amount,
        latest_versions.approved_amount,
        latest_versions.submitted_date,
        latest_versions.adjudicated_date,
        latest_versions.recorded_at,
        latest_versions._batch_id,
        latest_versions._source_file,
        latest_versions._extract_date,
        latest_versions._row_number,
        latest_versions._ingested_at
    from latest_versions
    left join beneficiary_keys
        on latest_versions.beneficiary_cin = beneficiary_keys.beneficiary_cin

)

select * from latest
