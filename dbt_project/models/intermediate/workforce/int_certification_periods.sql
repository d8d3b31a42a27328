-- One row per certification grant: each `certified`, `renewed` or `reinstated` event opens
-- a period in which the peer holds an active Medi-Cal peer support certification, from the
-- event date through the expiration date on the event (CERT-04: two years; CERT-05: the
-- certification lapses the day after expiration). Periods of one peer may overlap (a renewal
-- before expiry); count distinct certificants when asking "who was active".
-- Suspensions and revocations (complaint events) do not shorten periods yet.
with

certification_events as (

    select * from {{ ref('stg_peer_certification__certification_events') }}

),

certification_periods as (

    select
        event_id as certification_period_id,
        certificant_id,
        certification_number,
        event_type as grant_event_type,
        event_date as valid_from,
        expiration_date as valid_through
    from certification_events
    where
        event_type in ('certified', 'renewed', 'reinstated')
        and expiration_date is not null

)

select * from certification_periods
