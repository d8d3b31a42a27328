-- Rule family of int_certification_shortfalls: requirements not met on a `renewed` event, one
-- row per event and requirement that fails. CERT-04: CE hours (specialization training
-- included) and law-and-ethics hours in the term renewed. Thresholds from policy_parameters, in
-- force on the renewal date.
with

certification_events as (

    select
        certificant_id,
        event_id,
        event_type,
        event_date,
        pathway,
        expiration_date,
        period_start,
        hours,
        specialization,
        topic,
        exam_result
    from {{ ref('stg_peer_certification__certification_events') }}

),

grants as (

    select
        certificant_id,
        event_id,
        event_type,
        event_date,
        expiration_date
    from certification_events
    where event_type in ('certified', 'renewed', 'reinstated')

),

-- ---------------------------------------------------------------- renewed (CERT-04)

renewals as (

    select
        renewed.certificant_id,
        renewed.event_id,
        renewed.event_date,
        max(earlier.event_date) as previous_granted_on
    from grants as renewed
    left join grants as earlier
        on
            renewed.certificant_id = earlier.certificant_id
            and renewed.event_date > earlier.event_date
    where renewed.event_type = 'renewed'
    group by
        renewed.certificant_id,
        renewed.event_id,
        renewed.event_date

),

renewal_rules as (

    -- The term being renewed: from the previous grant, but never more than one term
    -- (certification_term_years) before the renewal. Specialization training counts from
    -- specialization_ce_lookback_years before the renewal.
    select
        renewals.certificant_id,
        renewals.event_id,
        renewals.event_date,
        {{ policy_value('renewal_ce_hours', 'renewals.event_date') }} as ce_hours_required,
        {{ policy_value('renewal_law_ethics_hours', 'renewals.event_date') }} as law_ethics_hours_required,
        {%- set term_back = policy_subtract(
            'year', 'certification_term_years', 'renewals.event_date', 'renewals.event_date'
        ) %}
        case
            when renewals.previous_granted_on >= {{ term_back }} then renewals.previous_granted_on
            else {{ term_back }}
        end as term_started_on,
        {{ policy_subtract('year', 'specialization_ce_lookback_years', 'renewals.event_date', 'renewals.event_date') }}
            as specialization_counts_from
    from renewals

),

renewal_facts as (

    select
        renewal_rules.certificant_id,
        renewal_rules.event_id,
        renewal_rules.event_date,
        renewal_rules.ce_hours_required,
        renewal_rules.law_ethics_hours_required,
        renewal_rules.term_started_on,
        coalesce(
            sum(
                case
                    when
                        history.event_type = 'ce_completed'
                        and history.event_date >= renewal_rules.term_started_on
                        then history.hours
                end
            ),
            0
        ) as term_ce_hours,
        coalesce(
            sum(
                case
                    when
                        history.event_type = 'ce_completed'
                        and history.topic = 'law_ethics'
                        and history.event_date >= renewal_rules.term_started_on
                        then history.hours
                end
            ),
            0
        ) as term_law_ethics_hours,
        coalesce(
            sum(
                case
                    when
                        history.event_type = 'specialization_completed'
                        and history.event_date >= renewal_rules.specialization_counts_from
                        then history.hours
                end
            ),
            0
        ) as specialization_hours
    from renewal_rules
    left join certification_events as history
        on
            renewal_rules.certificant_id = history.certificant_id
            and renewal_rules.event_date >= history.event_date
            and history.event_type in ('ce_completed', 'specialization_completed')
    group by
        renewal_rules.certificant_id,
        renewal_rules.event_id,
        renewal_rules.event_date,
        renewal_rules.ce_hours_required,
        renewal_rules.law_ethics_hours_required,
        renewal_rules.term_started_on

),

shortfalls as (

    {% call certification_shortfall('renewal_facts', 'renewed', 'CERT-04', 'ce_hours',
        "term_ce_hours + specialization_hours < ce_hours_required") %}
    {{ shortfall_number('term_ce_hours + specialization_hours') }} || ' CE hours since '
        || cast(term_started_on as {{ dbt.type_string() }}) || ' (specialization training included), '
        || {{ shortfall_number('ce_hours_required') }} || ' required'
    {% endcall %}

    union all

    {% call certification_shortfall('renewal_facts', 'renewed', 'CERT-04', 'law_ethics',
        "term_law_ethics_hours < law_ethics_hours_required") %}
    {{ shortfall_number('term_law_ethics_hours') }} || ' law and ethics CE hours since '
        || cast(term_started_on as {{ dbt.type_string() }}) || ', '
        || {{ shortfall_number('law_ethics_hours_required') }} || ' required'
    {% endcall %}

)

select * from shortfalls
