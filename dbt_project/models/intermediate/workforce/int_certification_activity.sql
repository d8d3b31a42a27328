-- Certification activity events, one row per event (RPT-01: new, renewed, lapsed): a first
-- `certified` event (new certification, CERT-03/08/09), a `renewed` event (CERT-04), a
-- `reinstated` event (CERT-06), and the start of a `lapsed` status span (CERT-05: the day
-- after expiration, from fct_certification_status_spans, so a renewal on time leaves no
-- lapse). Each is placed in the peer's county of residence (dim_peers).
with

certification_events as (

    select
        certificant_id,
        event_id,
        event_type,
        event_date
    from {{ ref('stg_peer_certification__certification_events') }}
    where event_type in ('certified', 'renewed', 'reinstated')

),

first_certified as (

    select
        certificant_id,
        event_id,
        event_date
    from (
        select
            certification_events.*,
            row_number() over (
                partition by certification_events.certificant_id
                order by certification_events.event_date, certification_events.event_id
            ) as certified_rank
        from certification_events
        where certification_events.event_type = 'certified'
    ) as ranked
    where certified_rank = 1

),

lapses as (

    select
        certificant_id,
        event_id,
        valid_from as event_date
    from {{ ref('fct_certification_status_spans') }}
    where status = 'lapsed'

),

activity as (

    select
        certificant_id,
        event_id,
        'new_certification' as activity,
        event_date as activity_date
    from first_certified

    union all

    select
        certificant_id,
        event_id,
        case when event_type = 'renewed' then 'renewal' else 'reinstatement' end as activity,
        event_date as activity_date
    from certification_events
    where event_type in ('renewed', 'reinstated')

    union all

    select
        certificant_id,
        event_id,
        'lapse' as activity,
        event_date as activity_date
    from lapses

),

peers as (

    select
        certificant_id,
        county_fips
    from {{ ref('dim_peers') }}

),

final as (

    select
        activity.certificant_id,
        activity.event_id,
        activity.activity,
        activity.activity_date,
        cast({{ dbt.date_trunc('month', 'activity.activity_date') }} as date) as activity_month,
        peers.county_fips
    from activity
    left join peers
        on activity.certificant_id = peers.certificant_id

)

select * from final
