{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='delete+insert',
        unique_key=['beneficiary_cin', 'eligibility_month_start'],
        on_schema_change='fail'
    )
}}
-- One row per Medi-Cal member month: the latest delivered version of each
-- (beneficiary_cin, eligibility month). beneficiary_key is the keyed HMAC-SHA256 of the
-- CIN, the join key to claims in marts; the CIN and date of birth stay in staging.
--
-- Incremental by delivery batch (macros/incremental_staging.sql), as stg_sdmc__claim_lines:
-- a late-arriving or corrected month replaces that member month only.
-- A table on Spark: insert_overwrite there replaces partitions, not keys.
with

source as (

    select * from {{ source('medi_cal', 'eligibility') }}
    where _load_status = 'accepted' {{ new_batches_only() }}

),

beneficiary_keys as (

    {{ beneficiary_keys(source('medi_cal', 'eligibility')) }}

),

-- In the staged column order: on an incremental run the staged rows join these by position.
renamed as (

    select
        source.beneficiary_cin,
        beneficiary_keys.beneficiary_key,
        cast({{ dbt.concat(['source.eligibility_month', "'-01'"]) }} as date) as eligibility_month_start,
        source.county_fips,
        source.aid_code,
        cast(source.date_of_birth as date) as date_of_birth,
        source.sex,
        source.race_ethnicity,
        source.primary_language,
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

    {{ with_current_versions('renamed', ['beneficiary_cin', 'eligibility_month_start']) }}

),

latest as (

    {{ latest_versions('versions', ['beneficiary_cin', 'eligibility_month_start']) }}

)

select * from latest
