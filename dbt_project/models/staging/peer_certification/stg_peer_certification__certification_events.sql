-- One row per certification lifecycle event: the latest delivered version of each event_id.
with

source as (

    select * from {{ source('peer_certification', 'certification_events') }}
    where _load_status = 'accepted'

),

renamed as (

    select
        event_id,
        certificant_id,
        event_type,
        cast(event_date as date) as event_date,
        pathway,
        certification_number,
        cast(expiration_date as date) as expiration_date,
        cast(period_start as date) as period_start,
        cast(hours as decimal(8, 2)) as hours,
        specialization,
        topic,
        exam_result,
        cast(exam_score as decimal(5, 2)) as exam_score,
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
        certificant_id,
        event_type,
        event_date,
        pathway,
        certification_number,
        expiration_date,
        period_start,
        hours,
        specialization,
        topic,
        exam_result,
        exam_score,
        recorded_at,
        _batch_id,
        _source_file,
        _extract_date,
        _row_number,
        _ingested_at
    from latest_versions

)

select * from latest
