-- One row per Medi-Cal member month: the latest delivered version of each
-- (beneficiary_cin, eligibility month). beneficiary_key is the keyed HMAC-SHA256 of the
-- CIN, the join key to claims in marts; the CIN and date of birth stay in staging.
with

source as (

    select * from {{ source('raw', 'eligibility') }}
    where _load_status = 'accepted'

),

beneficiary_keys as (

    {{ beneficiary_keys(source('raw', 'eligibility')) }}

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

versioned as (

    select
        *,
        row_number() over (
            partition by beneficiary_cin, eligibility_month_start
            order by {{ latest_version_order() }}
        ) as version_rank
    from renamed

),

latest as (

    select
        versioned.beneficiary_cin,
        beneficiary_keys.beneficiary_key,
        versioned.eligibility_month_start,
        versioned.county_fips,
        versioned.aid_code,
        versioned.date_of_birth,
        versioned.sex,
        versioned.race_ethnicity,
        versioned.primary_language,
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
