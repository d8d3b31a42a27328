-- One row per Medi-Cal member month: the latest delivered version of each
-- (beneficiary_cin, eligibility month). beneficiary_key is the keyed HMAC-SHA256 of the
-- CIN, the join key to claims in marts; the CIN and date of birth stay in staging.
with

source as (

    select * from {{ source('medi_cal', 'eligibility') }}
    where _load_status = 'accepted'

),

beneficiary_keys as (

    {{ beneficiary_keys(source('medi_cal', 'eligibility')) }}

),

renamed as (

    select
        beneficiary_cin,
        cast({{ dbt.concat(['eligibility_month', "'-01'"]) }} as date) as eligibility_month_start,
        county_fips,
        aid_code,
        cast(date_of_birth as date) as date_of_birth,
        sex,
        race_ethnicity,
        primary_language,
        {{ cast_timestamp_utc('recorded_at') }} as recorded_at,
        _batch_id,
        _source_file,
        _extract_date,
        _row_number,
        _ingested_at
    from source

),

latest_versions as (

    {{ latest_versions('renamed', ['beneficiary_cin', 'eligibility_month_start']) }}

),

latest as (

    select
        latest_versions.beneficiary_cin,
        beneficiary_keys.beneficiary_key,
        latest_versions.eligibility_month_start,
        latest_versions.county_fips,
        latest_versions.aid_code,
        latest_versions.date_of_birth,
        latest_versions.sex,
        latest_versions.race_ethnicity,
        latest_versions.primary_language,
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
