-- One row per employment spell (a person in a role at an organization): the latest
-- delivered version of each employment_id. person_name is PII; no mart may select it.
with

source as (

    select * from {{ source('county', 'employment') }}
    where _load_status = 'accepted'

),

renamed as (

    select
        employment_id,
        certificant_id,
        person_name,
        county_fips,
        organization_npi,
        organization_name,
        employer_type,
        delivery_system,
        role,
        cast(hire_date as date) as hire_date,
        cast(separation_date as date) as separation_date,
        separation_reason,
        cast(fte as decimal(6, 4)) as fte,
        supervisor_employment_id,
        directing_bhp_license,
        supervisor_path,
        cast(bh_experience_years as decimal(5, 2)) as bh_experience_years,
        cast(supervisor_training_date as date) as supervisor_training_date,
        {{ cast_timestamp_utc('recorded_at') }} as recorded_at,
        _batch_id,
        _source_file,
        _extract_date,
        _row_number,
        _ingested_at
    from source

),

latest_versions as (

    {{ latest_versions('renamed', ['employment_id']) }}

),

latest as (

    select
        employment_id,
        certificant_id,
        person_name,
        county_fips,
        organization_npi,
        organization_name,
        employer_type,
        delivery_system,
        role,
        hire_date,
        separation_date,
        separation_reason,
        fte,
        supervisor_employment_id,
        directing_bhp_license,
        supervisor_path,
        bh_experience_years,
        supervisor_training_date,
        recorded_at,
        _batch_id,
        _source_file,
        _extract_date,
        _row_number,
        _ingested_at
    from latest_versions

)

select * from latest
