-- Certification requirements not met: one row per (judged event, rule, requirement) that fails.
-- The judged event is the one a finding is about: `certified` (CERT-01, CERT-02, CERT-03,
-- CERT-09), `renewed` (CERT-04), `reinstated` (CERT-06) or `application_submitted` (CERT-08).
-- Every threshold comes from the policy_parameters seed, in force on the judged event's date.
-- Numbers in the text are whole numbers, or one decimal when fractional (hours may be).
{%- set number_text -%}
    case
        when (@) = floor(@) then cast(cast(@ as bigint) as {{ dbt.type_string() }})
        else cast(cast(@ as decimal(12, 1)) as {{ dbt.type_string() }})
    end
{%- endset %}

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

certificants as (

    select
        certificant_id,
        date_of_birth,
        education_level
    from {{ ref('stg_peer_certification__certificants') }}

),

applications as (

    select
        certificant_id,
        event_id,
        event_date,
        pathway
    from certification_events
    where event_type = 'application_submitted'

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

-- ---------------------------------------------------------------- certified (CERT-01/02/03/09)

certifications as (

    -- Each `certified` event with the latest application on or before it. Without an
    -- application the pathway is taken as `standard` (CERT-03, the default pathway).
    select
        certificant_id,
        event_id,
        event_date,
        applied_on,
        coalesce(pathway, 'standard') as pathway
    from (
        select
            grants.certificant_id,
            grants.event_id,
            grants.event_date,
            applications.event_date as applied_on,
            applications.pathway,
            row_number() over (
                partition by grants.event_id
                order by applications.event_date desc, applications.event_id desc
            ) as application_rank
        from grants
        left join applications
            on
                grants.certificant_id = applications.certificant_id
                and grants.event_date >= applications.event_date
        where grants.event_type = 'certified'
    ) as ranked_applications
    where application_rank = 1

),

certification_rules as (

    select
        certifications.*,
        {{ policy_value('min_certification_age', 'certifications.event_date') }} as min_age,
        {{ policy_value('initial_training_hours', 'certifications.event_date') }} as training_hours_required,
        {{ policy_value('reciprocity_total_work_hours', 'certifications.event_date') }} as work_hours_required,
        {{ policy_value('reciprocity_work_period_years', 'certifications.event_date') }} as work_period_years,
        {{ policy_value('reciprocity_recent_work_hours', 'certifications.event_date') }}
            as recent_work_hours_required,
        {{ policy_value('reciprocity_recent_work_months', 'certifications.event_date') }} as recent_work_months,
        {{ policy_value('reciprocity_ce_hours', 'certifications.event_date') }} as reciprocity_ce_hours_required,
        {{ policy_value('reciprocity_letters', 'certifications.event_date') }} as letters_required
    from certifications

),

certification_facts as (

    -- What the person had done on or before the certification date.
    select
        certification_rules.certificant_id,
        certification_rules.event_id,
        certification_rules.event_date,
        certification_rules.pathway,
        certification_rules.applied_on,
        certification_rules.min_age,
        certification_rules.training_hours_required,
        certification_rules.work_hours_required,
        certification_rules.work_period_years,
        certification_rules.recent_work_hours_required,
        certification_rules.recent_work_months,
        certification_rules.reciprocity_ce_hours_required,
        certification_rules.letters_required,
        coalesce(sum(case when history.event_type = 'training_completed' then history.hours end), 0)
            as training_hours,
        coalesce(max(case when history.event_type = 'exam_taken' and history.exam_result = 'pass' then 1 end), 0)
            as has_passed_exam,
        coalesce(max(case when history.event_type = 'ethics_attested' then 1 end), 0) as has_attested_ethics,
        coalesce(max(case when history.event_type = 'peer_training_documented' then 1 end), 0)
            as has_peer_training,
        coalesce(sum(case when history.event_type = 'ce_completed' then history.hours end), 0) as ce_hours,
        coalesce(
            sum(case when history.event_type = 'ce_completed' and history.topic = 'law_ethics' then history.hours end),
            0
        ) as law_ethics_hours,
        count(
            distinct case
                when
                    history.event_type = 'recommendation_received'
                    and history.topic in ('supervisor', 'colleague', 'self')
                    then history.topic
            end
        ) as letters,
        -- CERT-09: attested work periods that began at most work_period_years (recent:
        -- recent_work_months) before the application.
        coalesce(
            sum(
                case
                    when
                        history.event_type = 'work_hours_attested'
                        and cast({{ dbt.dateadd(
                            'year', 'certification_rules.work_period_years',
                            'coalesce(history.period_start, history.event_date)'
                        ) }} as date) >= certification_rules.applied_on
                        then history.hours
                end
            ),
            0
        ) as work_hours,
        coalesce(
            sum(
                case
                    when
                        history.event_type = 'work_hours_attested'
                        and cast({{ dbt.dateadd(
                            'month', 'certification_rules.recent_work_months',
                            'coalesce(history.period_start, history.event_date)'
                        ) }} as date) >= certification_rules.applied_on
                        then history.hours
                end
            ),
            0
        ) as recent_work_hours
    from certification_rules
    left join certification_events as history
        on
            certification_rules.certificant_id = history.certificant_id
            and certification_rules.event_date >= history.event_date
    group by
        certification_rules.certificant_id,
        certification_rules.event_id,
        certification_rules.event_date,
        certification_rules.pathway,
        certification_rules.applied_on,
        certification_rules.min_age,
        certification_rules.training_hours_required,
        certification_rules.work_hours_required,
        certification_rules.work_period_years,
        certification_rules.recent_work_hours_required,
        certification_rules.recent_work_months,
        certification_rules.reciprocity_ce_hours_required,
        certification_rules.letters_required

),

certification_people as (

    select
        certification_facts.*,
        certificants.education_level,
        extract(year from certification_facts.event_date) - extract(year from certificants.date_of_birth)
        - case
            when
                extract(month from certification_facts.event_date) * 100
                + extract(day from certification_facts.event_date)
                < extract(month from certificants.date_of_birth) * 100
                + extract(day from certificants.date_of_birth)
                then 1
            else 0
        end as age_at_certification
    from certification_facts
    left join certificants
        on certification_facts.certificant_id = certificants.certificant_id

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

-- ---------------------------------------------------------------- grandparent (CERT-08)

grandparent_applications as (

    select
        applications.*,
        {{ policy_date('grandparent_cutoff_date', 'applications.event_date') }} as cutoff_date
    from applications
    where applications.pathway = 'grandparent'

),

-- ---------------------------------------------------------------- shortfalls

shortfalls as (

    {% call certification_shortfall('certification_people', 'certified', 'CERT-01', 'age',
        "age_at_certification < min_age") %}
        'certified at age ' || {{ number_text | replace('@', 'age_at_certification') }}
        || ', under the minimum age ' || {{ number_text | replace('@', 'min_age') }}
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-02', 'education',
        "education_level = 'none'") %}
        'education_level none: a GED, high-school diploma or higher is required'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-03', 'initial_training',
        "pathway = 'standard' and training_hours < training_hours_required") %}
    {{ number_text | replace('@', 'training_hours') }} || ' hours of initial training on or before certification, '
        || {{ number_text | replace('@', 'training_hours_required') }} || ' required'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-03', 'exam',
        "pathway = 'standard' and has_passed_exam = 0") %}
        'no passed exam on or before certification'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-03', 'ethics',
        "pathway = 'standard' and has_attested_ethics = 0") %}
        'no Code of Ethics attestation on or before certification'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-09', 'work_hours',
        "pathway = 'reciprocity_out_of_state' and work_hours < work_hours_required") %}
    {{ number_text | replace('@', 'work_hours') }} || ' hours of peer work attested within '
        || {{ number_text | replace('@', 'work_period_years') }} || ' years before application, '
        || {{ number_text | replace('@', 'work_hours_required') }} || ' required'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-09', 'recent_work_hours',
        "pathway = 'reciprocity_out_of_state' and recent_work_hours < recent_work_hours_required") %}
    {{ number_text | replace('@', 'recent_work_hours') }} || ' hours of peer work attested within '
        || {{ number_text | replace('@', 'recent_work_months') }} || ' months before application, '
        || {{ number_text | replace('@', 'recent_work_hours_required') }} || ' required'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-09', 'letters',
        "pathway = 'reciprocity_out_of_state' and letters < letters_required") %}
    {{ number_text | replace('@', 'letters') }}
        || ' of the letters of recommendation (supervisor, colleague, self), '
        || {{ number_text | replace('@', 'letters_required') }} || ' required'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-09', 'peer_training',
        "pathway = 'reciprocity_out_of_state' and has_peer_training = 0") %}
        'no peer training documented on or before certification'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-09', 'ce_hours',
        "pathway = 'reciprocity_out_of_state' and ce_hours < reciprocity_ce_hours_required") %}
    {{ number_text | replace('@', 'ce_hours') }} || ' CE hours on or before certification, '
        || {{ number_text | replace('@', 'reciprocity_ce_hours_required') }} || ' required'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-09', 'law_ethics',
        "pathway = 'reciprocity_out_of_state' and law_ethics_hours <= 0") %}
        'no law and ethics CE on or before certification'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-09', 'exam',
        "pathway = 'reciprocity_out_of_state' and has_passed_exam = 0") %}
        'no passed exam on or before certification'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-09', 'ethics',
        "pathway = 'reciprocity_out_of_state' and has_attested_ethics = 0") %}
        'no Code of Ethics attestation on or before certification'
    {% endcall %}

    union all

    {% call certification_shortfall('renewal_facts', 'renewed', 'CERT-04', 'ce_hours',
        "term_ce_hours + specialization_hours < ce_hours_required") %}
    {{ number_text | replace('@', 'term_ce_hours + specialization_hours') }} || ' CE hours since '
        || cast(term_started_on as {{ dbt.type_string() }}) || ' (specialization training included), '
        || {{ number_text | replace('@', 'ce_hours_required') }} || ' required'
    {% endcall %}

    union all

    {% call certification_shortfall('renewal_facts', 'renewed', 'CERT-04', 'law_ethics',
        "term_law_ethics_hours < law_ethics_hours_required") %}
    {{ number_text | replace('@', 'term_law_ethics_hours') }} || ' law and ethics CE hours since '
        || cast(term_started_on as {{ dbt.type_string() }}) || ', '
        || {{ number_text | replace('@', 'law_ethics_hours_required') }} || ' required'
    {% endcall %}

    union all

    {% call certification_shortfall('reinstatement_facts', 'reinstated', 'CERT-06', 'earlier_certification',
        "previous_expiration_date is null") %}
        'no earlier certification to reinstate'
    {% endcall %}

    union all

    {% call certification_shortfall('reinstatement_facts', 'reinstated', 'CERT-06', 'window',
        "previous_expiration_date is not null and event_date >= vacated_on") %}
        'reinstated on ' || cast(event_date as {{ dbt.type_string() }}) || ', '
        || {{ number_text | replace('@', 'window_years') }}
        || ' or more years after expiration on ' || cast(previous_expiration_date as {{ dbt.type_string() }})
        || ': the certification was vacated on ' || cast(vacated_on as {{ dbt.type_string() }})
        || ' and needs initial certification (CERT-03)'
    {% endcall %}

    union all

    {% call certification_shortfall('reinstatement_facts', 'reinstated', 'CERT-06', 'refresher',
        "previous_expiration_date is not null and refresher_hours < refresher_hours_required") %}
    {{ number_text | replace('@', 'refresher_hours') }} || ' hours of refresher training after the lapse, '
        || {{ number_text | replace('@', 'refresher_hours_required') }} || ' required'
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

    union all

    {% call certification_shortfall(
        'grandparent_applications', 'application_submitted', 'CERT-08', 'grandparent_cutoff',
        "event_date > cutoff_date") %}
        'grandparent application submitted ' || cast(event_date as {{ dbt.type_string() }})
        || ', after grandparenting closed on ' || cast(cutoff_date as {{ dbt.type_string() }})
    {% endcall %}

)

select * from shortfalls
