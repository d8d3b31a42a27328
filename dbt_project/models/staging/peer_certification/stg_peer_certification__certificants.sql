-- One row per person known to the certification program: the latest delivered version
-- of each certificant_id. Holds PII (names, date of birth); no mart may select them.
with

source as (

    select * from {{ source('peer_certification', 'certificants') }}
    where _load_status = 'accepted'

),

renamed as (

    select
        certificant_id,
        first_name,
        last_name,
        cast(date_of_birth as date) as date_of_birth,
        education_level,
        county_fips,
        gender,
        race_ethnicity,
        primary_language,
        lived_experience,
        cast(veteran as boolean) as is_veteran,
        {{ cast_timestamp_utc('recorded_at') }} as recorded_at,
        _batch_id,
        _source_file,
        _extract_date,
        _row_number,
        _ingested_at
    from source

),

latest_versions as (

    {{ latest_versions('renamed', ['certificant_id']) }}

),

latest as (

    select
        certificant_id,
        first_name,
        last_name,
        date_of_birth,
        education_level,
        county_fips,
        gender,
        race_ethnicity,
        primary_language,
        lived_experience,
        is_veteran,
        recorded_at,
        _batch_id,
        _source_file,
        _extract_date,
        _row_number,
        _ingested_at
    from latest_versions

)

select * from latest
