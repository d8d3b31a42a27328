-- One row per complaint, adverse action or appeal event: the latest delivered version of
-- each event_id.
with

source as (

    select * from {{ source('peer_certification', 'complaint_events') }}
    where _load_status = 'accepted'

),

renamed as (

    select
        event_id,
        complaint_id,
        certificant_id,
        county_fips,
        event_type,
        cast(event_date as date) as event_date,
        allegation_category,
        cast(incident_date as date) as incident_date,
        complainant_type,
        cast(action_end_date as date) as action_end_date,
        appeal_outcome,
        {{ cast_timestamp_utc('recorded_at') }} as recorded_at,
        _batch_id,
        _source_file,
        _extract_date,
        _row_number,
        _ingested_at
    from source

),

latest_versions as (

    {{ latest_versions('renamed', ['event_id']) }}

),

latest as (

    select
        event_id,
        complaint_id,
        certificant_id,
        county_fips,
        event_type,
        event_date,
        allegation_category,
        incident_date,
        complainant_type,
        action_end_date,
        appeal_outcome,
        recorded_at,
        _batch_id,
        _source_file,
        _extract_date,
        _row_number,
        _ingested_at
    from latest_versions

)

select * from latest
