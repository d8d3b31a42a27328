-- One row per complaint: the complaint's events (received, acknowledged, investigation,
-- decision, actions, closing, appeal) turned into milestone dates (PI-01). Who, where and
-- what come from the complaint's `received` event; policy rules are applied in
-- fct_complaints, not here.
with

complaint_events as (

    select * from {{ ref('stg_peer_certification__complaint_events') }}

),

as_of as (

    -- The complaint feed is complete up to its latest extract: open complaints are judged
    -- against this date (fct_complaints).
    select max(_extract_date) as as_of_date
    from complaint_events

),

received_ranked as (

    -- A complaint normally has one `received` event; if it has more, the first one with an
    -- incident date wins (then the earliest, then the latest recorded).
    select
        complaint_id,
        certificant_id,
        county_fips,
        allegation_category,
        incident_date,
        complainant_type,
        event_date,
        row_number() over (
            partition by complaint_id
            order by
                case when incident_date is null then 1 else 0 end asc,
                event_date asc,
                recorded_at desc,
                event_id asc
        ) as received_rank
    from complaint_events
    where event_type = 'received'

),

received as (

    select
        complaint_id,
        certificant_id,
        county_fips,
        allegation_category,
        incident_date,
        complainant_type,
        event_date as received_date
    from received_ranked
    where received_rank = 1

),

first_events_ranked as (

    -- Fallback for who and where when the `received` event is missing.
    select
        complaint_id,
        certificant_id,
        county_fips,
        row_number() over (
            partition by complaint_id
            order by event_date asc, recorded_at desc, event_id asc
        ) as event_rank
    from complaint_events

),

first_events as (

    select
        complaint_id,
        certificant_id,
        county_fips
    from first_events_ranked
    where event_rank = 1

),

appeal_decisions_ranked as (

    select
        complaint_id,
        event_date,
        appeal_outcome,
        row_number() over (
            partition by complaint_id
            order by event_date desc, recorded_at desc, event_id desc
        ) as decision_rank
    from complaint_events
    where event_type = 'appeal_decided'

),

latest_appeal_decisions as (

    select
        complaint_id,
        event_date as appeal_decided_date,
        appeal_outcome
    from appeal_decisions_ranked
    where decision_rank = 1

),

parties as (

    -- Who and where: from the `received` event, else from the complaint's first event.
    select
        first_events.complaint_id,
        coalesce(received.certificant_id, first_events.certificant_id) as certificant_id,
        coalesce(received.county_fips, first_events.county_fips) as county_fips
    from first_events
    left join received
        on first_events.complaint_id = received.complaint_id

),

milestones as (

    select
        complaint_id,
        count(*) as event_count,
        min(case when event_type = 'acknowledged' then event_date end) as acknowledged_date,
        min(case when event_type = 'investigation_opened' then event_date end) as investigation_opened_date,
        min(case when event_type = 'investigation_extended' then event_date end) as extension_date,
        min(case when event_type = 'dismissed' then event_date end) as dismissed_date,
        min(case when event_type = 'substantiated' then event_date end) as substantiated_date,
        min(
            case when event_type = 'corrective_action_ordered' then event_date end
        ) as corrective_action_ordered_date,
        min(
            case when event_type = 'corrective_action_completed' then event_date end
        ) as corrective_action_completed_date,
        min(case when event_type = 'suspended' then event_date end) as suspension_start_date,
        -- The suspension ends on its `suspension_ended` event, else on the end date announced
        -- on the `suspended` event.
        coalesce(
            min(case when event_type = 'suspension_ended' then event_date end),
            min(case when event_type = 'suspended' then action_end_date end)
        ) as suspension_end_date,
        min(case when event_type = 'revoked' then event_date end) as revocation_date,
        min(case when event_type = 'closed' then event_date end) as closed_date,
        min(case when event_type = 'appeal_filed' then event_date end) as appeal_filed_date
    from complaint_events
    group by complaint_id

),

pivoted as (

    select
        milestones.complaint_id,
        parties.certificant_id,
        parties.county_fips,
        received.allegation_category,
        received.complainant_type,
        received.incident_date,
        received.received_date,
        milestones.acknowledged_date,
        milestones.investigation_opened_date,
        milestones.extension_date,
        milestones.dismissed_date,
        milestones.substantiated_date,
        milestones.corrective_action_ordered_date,
        milestones.corrective_action_completed_date,
        milestones.suspension_start_date,
        milestones.suspension_end_date,
        milestones.revocation_date,
        milestones.closed_date,
        milestones.appeal_filed_date,
        latest_appeal_decisions.appeal_decided_date,
        latest_appeal_decisions.appeal_outcome,
        milestones.event_count,
        as_of.as_of_date
    from milestones
    inner join parties
        on milestones.complaint_id = parties.complaint_id
    left join received
        on milestones.complaint_id = received.complaint_id
    left join latest_appeal_decisions
        on milestones.complaint_id = latest_appeal_decisions.complaint_id
    cross join as_of

)

select * from pivoted
