-- Certification status history: one row per span of one status for one person, contiguous from
-- the first application (or first certification) on. Implements CERT-04 (a grant is valid for its
-- term; a renewal starts a new span), CERT-05 (lapsed from the day after expiration), CERT-06
-- (vacated once reinstatement_window_years have passed since expiration; reinstated) and PI-02
-- (suspended / revoked from complaint events, an appeal overturning the action removes it).
-- CERT-10: nothing here reads relapse or treatment; only certification and complaint events.
--
-- How: (1) base segments from certification events (applicant, then per grant: active, lapsed,
-- vacated), which never overlap; (2) adverse actions (suspensions, revocations not overturned),
-- from int_certification_adverse_actions, the PI-02 rule family;
-- (3) every start/end date cuts the person's timeline into pieces; each piece takes the action
-- covering it (revoked before suspended) or else its base segment; (4) neighbouring pieces with
-- the same label merge into one span. Dates are half-open: valid_from inclusive, valid_to
-- exclusive, NULL when open.
{%- set far_future = "cast('9999-12-31' as date)" %}

with

certification_events as (

    select
        certificant_id,
        event_id,
        event_type,
        event_date,
        pathway,
        expiration_date
    from {{ ref('stg_peer_certification__certification_events') }}

),

-- ---------------------------------------------------------------- applications

applications as (

    select
        certificant_id,
        event_id,
        event_date,
        pathway
    from certification_events
    where event_type = 'application_submitted'

),

first_applications as (

    select
        certificant_id,
        event_id,
        event_date,
        pathway
    from (
        select
            applications.*,
            row_number() over (
                partition by applications.certificant_id
                order by applications.event_date, applications.event_id
            ) as application_rank
        from applications
    ) as ranked_applications
    where application_rank = 1

),

application_dates as (

    select
        certificant_id,
        max(event_date) as last_applied_on
    from applications
    group by certificant_id

),

application_endings as (

    -- A denial or withdrawal ends the applicant status of someone never certified.
    select
        certificant_id,
        max(event_date) as ended_on
    from certification_events
    where event_type in ('application_denied', 'application_withdrawn')
    group by certificant_id

),

-- ---------------------------------------------------------------- grants (CERT-03/04/06)

grants as (

    select
        certificant_id,
        event_id,
        event_type,
        event_date as granted_on,
        expiration_date,
        row_number() over (
            partition by certificant_id
            order by event_date, event_id
        ) as grant_number
    from certification_events
    where
        event_type in ('certified', 'renewed', 'reinstated')
        and expiration_date is not null

),

grant_pathways as (

    -- The pathway of the latest application on or before a `certified` grant decides which
    -- rule the certification followed: CERT-08 grandparent, CERT-09 out-of-state reciprocity,
    -- otherwise CERT-03.
    select
        event_id,
        pathway
    from (
        select
            grants.event_id,
            applications.pathway,
            row_number() over (
                partition by grants.event_id
                order by applications.event_date desc, applications.event_id desc
            ) as application_rank
        from grants
        inner join applications
            on
                grants.certificant_id = applications.certificant_id
                and grants.granted_on >= applications.event_date
    ) as ranked_pathways
    where application_rank = 1

),

grant_terms as (

    -- covered_through: the latest expiration of this and every earlier grant (a renewal before
    -- expiry overlaps the term it renews). next_granted_on: the person's next grant, if any.
    -- (An expiration before the grant date, which staging tests reject, is read as the grant date
    -- so that segments can never overlap.)
    select
        grants.*,
        case
            when grants.expiration_date < grants.granted_on then grants.granted_on
            else grants.expiration_date
        end as effective_expiration_date
    from grants

),

grant_coverage as (

    select
        grant_terms.*,
        max(grant_terms.effective_expiration_date) over (
            partition by grant_terms.certificant_id
            order by grant_terms.grant_number
            rows between unbounded preceding and current row
        ) as covered_through,
        lead(grant_terms.granted_on) over (
            partition by grant_terms.certificant_id
            order by grant_terms.grant_number
        ) as next_granted_on
    from grant_terms

),

grant_limits as (

    -- CERT-05: lapsed from the day after expiration. CERT-06: vacated reinstatement_window_years
    -- after expiration (the parameter in force on the expiration date).
    select
        grant_coverage.*,
        grant_pathways.pathway,
        cast({{ dbt.dateadd('day', 1, 'grant_coverage.covered_through') }} as date) as lapses_on,
        {{ policy_add(
            'year', 'reinstatement_window_years', 'grant_coverage.covered_through',
            'grant_coverage.covered_through'
        ) }} as window_ends_on
    from grant_coverage
    left join grant_pathways
        on grant_coverage.event_id = grant_pathways.event_id

),

grant_windows as (

    -- (A window of zero years vacates on the lapse date, never before it.)
    select
        grant_limits.*,
        case
            when grant_limits.window_ends_on < grant_limits.lapses_on then grant_limits.lapses_on
            else grant_limits.window_ends_on
        end as vacated_on
    from grant_limits

),

first_grants as (

    select
        certificant_id,
        granted_on
    from grants
    where grant_number = 1

),

-- ---------------------------------------------------------------- base segments

base_segments as (

    -- applicant: from the first application to the first grant, or to a denial/withdrawal
    -- after the last application; open while the application is pending.
    select
        first_applications.certificant_id,
        'applicant' as status,
        case first_applications.pathway
            when 'grandparent' then 'CERT-08'
            when 'reciprocity_out_of_state' then 'CERT-09'
            else 'CERT-03'
        end as rule_id,
        first_applications.event_id,
        first_applications.event_date as segment_from,
        case
            when first_grants.granted_on is not null then first_grants.granted_on
            when application_endings.ended_on >= application_dates.last_applied_on
                then application_endings.ended_on
        end as segment_to
    from first_applications
    left join first_grants
        on first_applications.certificant_id = first_grants.certificant_id
    left join application_endings
        on first_applications.certificant_id = application_endings.certificant_id
    left join application_dates
        on first_applications.certificant_id = application_dates.certificant_id
    where
        first_grants.granted_on is null
        or first_applications.event_date < first_grants.granted_on

    union all

    -- active: from a grant until the next grant or the lapse, whichever comes first.
    select
        certificant_id,
        'active' as status,
        case event_type
            when 'renewed' then 'CERT-04'
            when 'reinstated' then 'CERT-06'
            else
                case pathway
                    when 'grandparent' then 'CERT-08'
                    when 'reciprocity_out_of_state' then 'CERT-09'
                    else 'CERT-03'
                end
        end as rule_id,
        event_id,
        granted_on as segment_from,
        case
            when next_granted_on is not null and next_granted_on < lapses_on then next_granted_on
            else lapses_on
        end as segment_to
    from grant_windows

    union all

    -- lapsed (CERT-05): from the day after expiration until a later grant or vacating.
    select
        certificant_id,
        'lapsed' as status,
        'CERT-05' as rule_id,
        event_id,
        lapses_on as segment_from,
        case
            when next_granted_on is not null and next_granted_on < vacated_on then next_granted_on
            else vacated_on
        end as segment_to
    from grant_windows
    where next_granted_on is null or next_granted_on > lapses_on

    union all

    -- vacated (CERT-06): from the end of the reinstatement window until a later grant.
    select
        certificant_id,
        'vacated' as status,
        'CERT-06' as rule_id,
        event_id,
        vacated_on as segment_from,
        next_granted_on as segment_to
    from grant_windows
    where next_granted_on is null or next_granted_on > vacated_on

),

segments as (

    select *
    from base_segments
    where segment_to is null or segment_to > segment_from

),

-- ---------------------------------------------------------------- adverse actions (PI-02)

valid_actions as (

    select
        certificant_id,
        event_id,
        status,
        action_from,
        action_to
    from {{ ref('int_certification_adverse_actions') }}

),

-- ---------------------------------------------------------------- pieces and labels

boundaries as (

    select
        certificant_id,
        segment_from as boundary_on
    from segments
    union
    select
        certificant_id,
        segment_to as boundary_on
    from segments
    where segment_to is not null
    union
    select
        certificant_id,
        action_from as boundary_on
    from valid_actions
    union
    select
        certificant_id,
        action_to as boundary_on
    from valid_actions
    where action_to is not null

),

pieces as (

    select
        certificant_id,
        boundary_on as piece_from,
        lead(boundary_on) over (
            partition by certificant_id
            order by boundary_on
        ) as piece_to
    from boundaries

),

piece_segments as (

    -- Base segments never overlap, so at most one covers a piece; pieces no segment covers
    -- (before the first application, after a denied application) are dropped.
    select
        pieces.certificant_id,
        pieces.piece_from,
        pieces.piece_to,
        segments.status,
        segments.rule_id,
        segments.event_id,
        segments.segment_from
    from pieces
    inner join segments
        on
            pieces.certificant_id = segments.certificant_id
            and pieces.piece_from >= segments.segment_from
            and (segments.segment_to is null or pieces.piece_from < segments.segment_to)

),

piece_actions as (

    select
        pieces.certificant_id,
        pieces.piece_from,
        valid_actions.status,
        valid_actions.event_id,
        row_number() over (
            partition by pieces.certificant_id, pieces.piece_from
            order by
                case when valid_actions.status = 'revoked' then 0 else 1 end,
                valid_actions.action_from,
                valid_actions.event_id
        ) as action_rank
    from pieces
    inner join valid_actions
        on
            pieces.certificant_id = valid_actions.certificant_id
            and pieces.piece_from >= valid_actions.action_from
            and (valid_actions.action_to is null or pieces.piece_from < valid_actions.action_to)

),

labelled_pieces as (

    select
        piece_segments.certificant_id,
        piece_segments.piece_from,
        piece_segments.piece_to,
        coalesce(piece_actions.status, piece_segments.status) as status,
        case when piece_actions.event_id is null then piece_segments.rule_id else 'PI-02' end as rule_id,
        coalesce(piece_actions.event_id, piece_segments.event_id) as label_event_id,
        case when piece_actions.event_id is null then 'segment' else 'action' end as label_layer,
        case
            when piece_actions.event_id is null then piece_segments.segment_from
            else piece_segments.piece_from
        end as label_from
    from piece_segments
    left join piece_actions
        on
            piece_segments.certificant_id = piece_actions.certificant_id
            and piece_segments.piece_from = piece_actions.piece_from
            and piece_actions.action_rank = 1

),

flagged_pieces as (

    select
        labelled_pieces.*,
        case
            when
                lag(labelled_pieces.label_layer) over piece_order = labelled_pieces.label_layer
                and lag(labelled_pieces.label_event_id) over piece_order = labelled_pieces.label_event_id
                and lag(labelled_pieces.status) over piece_order = labelled_pieces.status
                and lag(labelled_pieces.piece_to) over piece_order = labelled_pieces.piece_from
                then 0
            else 1
        end as starts_span
    from labelled_pieces
    window piece_order as (partition by labelled_pieces.certificant_id order by labelled_pieces.piece_from)

),

numbered_pieces as (

    select
        flagged_pieces.*,
        sum(flagged_pieces.starts_span) over (
            partition by flagged_pieces.certificant_id
            order by flagged_pieces.piece_from
            rows between unbounded preceding and current row
        ) as span_number
    from flagged_pieces

),

merged_spans as (

    select
        certificant_id,
        span_number,
        status,
        label_layer,
        label_event_id,
        min(rule_id) as label_rule_id,
        min(label_from) as label_from,
        min(piece_from) as valid_from,
        max(coalesce(piece_to, {{ far_future }})) as valid_until
    from numbered_pieces
    group by
        certificant_id,
        span_number,
        status,
        label_layer,
        label_event_id

),

spans as (

    -- A segment that resumes after an action ended (its label started earlier than the span)
    -- began because of PI-02: the suspension ended; its event is the action's.
    select
        certificant_id,
        span_number,
        status,
        valid_from,
        case when valid_until = {{ far_future }} then null else valid_until end as valid_to,
        case when valid_from > label_from then 'PI-02' else label_rule_id end as rule_id,
        case
            when valid_from > label_from
                then lag(label_event_id) over (partition by certificant_id order by span_number)
            else label_event_id
        end as event_id
    from merged_spans

),

final as (

    select
        certificant_id,
        cast(span_number as integer) as span_number,
        status,
        valid_from,
        valid_to,
        rule_id,
        event_id,
        lag(valid_to) over (partition by certificant_id order by span_number) as previous_valid_to,
        lead(valid_from) over (partition by certificant_id order by span_number) as next_valid_from
    from spans

)

select * from final
