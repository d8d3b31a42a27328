-- Rule family of int_certification_shortfalls: requirements not met on a `reinstated` event,
-- one row per event and requirement that fails. CERT-06: an earlier certification, the
-- reinstatement window, refresher training, exam and ethics after the lapse. Thresholds from
-- policy_parameters, in force on the reinstatement date.
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

-- ---------------------------------------------------------------- reinstated (CERT-06)

reinstatements as (

    select
        reinstated.certificant_id,
        reinstated.event_id,
        reinstated.event_date,
        max(earlier.expiration_date) as previous_expiration_date
    from grants as reinstated
    left join grants as earlier
        on
            reinstated.certificant_id = earlier.certificant_id
            and reinstated.event_date > earlier.event_date
    where reinstated.event_type = 'reinstated'
    group by
        reinstated.certificant_id,
        reinstated.event_id,
        reinstated.event_date

),

reinstatement_rules as (

    select
        reinstatements.*,
        cast({{ dbt.dateadd('day', 1, 'reinstatements.previous_expiration_date') }} as date) as lapsed_on,
        {{ policy_add(
            'year', 'reinstatement_window_years', 'reinstatements.previous_expiration_date',
            'reinstatements.event_date'
        ) }} as vacated_on,
        {{ policy_value('reinstatement_window_years', 'reinstatements.event_date') }} as window_years,
        {{ policy_value('refresher_training_hours', 'reinstatements.event_date') }} as refresher_hours_required
    from reinstatements

),

reinstatement_facts as (

    -- What the person did after the lapse, up to the reinstatement date.
    select
        reinstatement_rules.certificant_id,
        reinstatement_rules.event_id,
        reinstatement_rules.event_date,
        reinstatement_rules.previous_expiration_date,
        reinstatement_rules.vacated_on,
        reinstatement_rules.window_years,
        reinstatement_rules.refresher_hours_required,
        coalesce(sum(case when history.event_type = 'refresher_completed' then history.hours end), 0)
            as refresher_hours,
        coalesce(max(case when history.event_type = 'exam_taken' and history.exam_result = 'pass' then 1 end), 0)
            as has_passed_exam,
        coalesce(max(case when history.event_type = 'ethics_attested' then 1 end), 0) as has_attested_ethics
    from reinstatement_rules
    left join certification_events as history
        on
            reinstatement_rules.certificant_id = history.certificant_id
            and reinstatement_rules.lapsed_on <= history.event_date
            and reinstatement_rules.event_date >= history.event_date
    group by
        reinstatement_rules.certificant_id,
        reinstatement_rules.event_id,
        reinstatement_rules.event_date,
        reinstatement_rules.previous_expiration_date,
        reinstatement_rules.vacated_on,
        reinstatement_rules.window_years,
        reinstatement_rules.refresher_hours_required

),

shortfalls as (

    {% call certification_shortfall('reinstatement_facts', 'reinstated', 'CERT-06', 'earlier_certification',
        "previous_expiration_date is null") %}
        'no earlier certification to reinstate'
    {% endcall %}

    union all

    {% call certification_shortfall('reinstatement_facts', 'reinstated', 'CERT-06', 'window',
        "previous_expiration_date is not null and event_date >= vacated_on") %}
        'reinstated on ' || cast(event_date as {{ dbt.type_string() }}) || ', '
        || {{ shortfall_number('window_years') }}
        || ' or more years after expiration on ' || cast(previous_expiration_date as {{ dbt.type_string() }})
        || ': the certification was vacated on ' || cast(vacated_on as {{ dbt.type_string() }})
        || ' and needs initial certification (CERT-03)'
    {% endcall %}

    union all

    {% call certification_shortfall('reinstatement_facts', 'reinstated', 'CERT-06', 'refresher',
        "previous_expiration_date is not null and refresher_hours < refresher_hours_required") %}
    {{ shortfall_number('refresher_hours') }} || ' hours of refresher training after the lapse, '
        || {{ shortfall_number('refresher_hours_required') }} || ' required'
    {% endcall %}

    union all

    {% call certification_shortfall('reinstatement_facts', 'reinstated', 'CERT-06', 'exam',
        "previous_expiration_date is not null and has_passed_exam = 0") %}
        'no passed exam after the lapse'
    {% endcall %}

    union all

    {% call certification_shortfall('reinstatement_facts', 'reinstated', 'CERT-06', 'ethics',
        "previous_expiration_date is not null and has_attested_ethics = 0") %}
        'no Code of Ethics re-attestation after the lapse'
    {% endcall %}

)

select * from shortfalls
