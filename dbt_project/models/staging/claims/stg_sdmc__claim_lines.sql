-- One row per adjudicated Short-Doyle/Medi-Cal peer support claim line: the latest
-- delivered version of each (claim_id, line_number). beneficiary_key is the keyed
-- HMAC-SHA256 of the CIN (PEERWH_HASH_KEY); marts join on it and never carry the CIN or
-- the date of birth, which stay here in staging.
with

source as (

    select * from {{ source('raw', 'claims') }}
    where _load_status = 'accepted'

),

beneficiary_keys as (

    {{ beneficiary_keys(source('raw', 'claims')) }}

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

versioned as (

    select
        *,
        row_number() over (
            partition by claim_id, line_number
            order by {{ latest_version_order() }}
        ) as version_rank
    from renamed

),

latest as (

    select
        versioned.claim_id,
        versioned.line_number,
        versioned.county_fips,
        versioned.delivery_system,
        versioned.organization_npi,
        versioned.rendering_certification_number,
        versioned.taxonomy_code,
        versioned.beneficiary_cin,
        beneficiary_keys.beneficiary_key,
        versioned.beneficiary_dob,
        versioned.service_date,
        versioned.hcpcs_code,
        versioned.modifiers,
        versioned.units,
        versioned.service_minutes,
        versioned.place_of_service,
        versioned.modality,
        versioned.group_size,
        versioned.level_of_care,
        versioned.is_collateral,
        versioned.claim_status,
        versioned.denial_reason,
        versioned.billed_amount,
        versioned.approved_amount,
        versioned.submitted_date,
        versioned.adjudicated_date,
        versioned.recorded_at,
        versioned._batch_id,
        versioned._source_file,
        versioned._extract_date,
        versioned._row_number,
        versioned._ingested_at
    from versioned
    left join beneficiary_keys
        on versioned.beneficiary_cin = beneficiary_keys.beneficiary_cin
    where versioned.version_rank = 1

)

select * from latest
