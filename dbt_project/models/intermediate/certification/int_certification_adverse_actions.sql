-- PI-02 adverse actions on a certification, one row per `suspended` or `revoked` complaint
-- event that stands: a suspension covers its event date through the earlier of action_end_date
-- and the `suspension_ended` event (both the last day suspended), a revocation is open-ended, and
-- an appeal of the same complaint decided `overturned` removes the action retroactively (`upheld`
-- and `modified` leave it in place). The rule family of int_certification_status_spans that
-- reads complaint events; dates are half-open (action_to exclusive, NULL when open).
with

complaint_events as (

    select
        certificant_id,
        complaint_id,
        event_id,
        event_type,
        event_date,
        action_end_date,
        appeal_outcome
    from {{ ref('stg_peer_certification__complaint_events') }}

),

overturned_complaints as (

    select
        certificant_id,
        complaint_id,
        max(event_date) as overturned_on
    from complaint_events
    where event_type = 'appeal_decided' and appeal_outcome = 'overturned'
    group by certificant_id, complaint_id

),

suspension_endings as (

    select
        certificant_id,
        complaint_id,
        min(event_date) as ended_on
    from complaint_events
    where event_type = 'suspension_ended'
    group by certificant_id, complaint_id

),

actions as (

    -- A suspension covers its event date through the earlier of action_end_date and the
    -- `suspension_ended` event (both the last day suspended); a revocation is open-ended. An
    -- appeal of the same complaint decided `overturned` removes the action retroactively
    -- (`upheld` and `modified` leave it in place).
    select
        complaint_events.certificant_id,
        complaint_events.event_id,
        complaint_events.event_type as status,
        complaint_events.event_date as action_from,
        case
            when complaint_events.event_type = 'revoked' then null
            when
                suspension_endings.ended_on is not null
                and (
                    complaint_events.action_end_date is null
                    or suspension_endings.ended_on < complaint_events.action_end_date
                )
                then cast({{ dbt.dateadd('day', 1, 'suspension_endings.ended_on') }} as date)
            when complaint_events.action_end_date is not null
                then cast({{ dbt.dateadd('day', 1, 'complaint_events.action_end_date') }} as date)
        end as action_to
    from complaint_events
    left join overturned_complaints
        on
            complaint_events.certificant_id = overturned_complaints.certificant_id
            and complaint_events.complaint_id = overturned_complaints.complaint_id
            and complaint_events.event_date <= overturned_complaints.overturned_on
    left join suspension_endings
        on
            complaint_events.certificant_id = suspension_endings.certificant_id
            and complaint_events.complaint_id = suspension_endings.complaint_id
            and complaint_events.event_date <= suspension_endings.ended_on
    where
        complaint_events.event_type in ('suspended', 'revoked')
        and overturned_complaints.complaint_id is null

),

valid_actions as (

    select *
    from actions
    where action_to is null or action_to > action_from

),

final as (

    select
        certificant_id,
        event_id,
        status,
        action_from,
        action_to
    from valid_actions

)

select * from final
