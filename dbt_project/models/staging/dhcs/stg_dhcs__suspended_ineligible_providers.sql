-- One row per listing on the Medi-Cal Suspended and Ineligible Provider list: the latest
-- delivered version of each listing. The feed has no identifier of its own, so a listing
-- is identified by provider name, its optional identifiers (NPI, license, certification
-- number) and the suspension effective date; listing_key is a hash of those values.
with

source as (

    select * from {{ source('dhcs', 'suspended_ineligible') }}
    where _load_status = 'accepted'

),

renamed as (

    select
        {{ dbt.hash(dbt.concat([
            "coalesce(provider_name, '')", "'|'",
            "coalesce(npi, '')", "'|'",
            "coalesce(license_number, '')", "'|'",
            "coalesce(certification_number, '')", "'|'",
            "coalesce(suspension_effective_date, '')"
        ])) }} as listing_key,
        npi,
        provider_name,
        license_number,
        certification_number,
        cast(suspension_effective_date as date) as suspension_effective_date,
        cast(suspension_end_date as date) as suspension_end_date,
        {{ cast_timestamp_utc('recorded_at') }} as recorded_at,
        _batch_id,
        _source_file,
        _extract_date,
        _row_number,
        _ingested_at
    from source

),

latest_versions as (

    {{ latest_versions('renamed', ['listing_key']) }}

),

latest as (

    select
        listing_key,
        npi,
        provider_name,
        license_number,
        certification_number,
        suspension_effective_date,
        suspension_end_date,
        recorded_at,
        _batch_id,
        _source_file,
        _extract_date,
        _row_number,
        _ingested_at
    from latest_versions

)

select * from latest
