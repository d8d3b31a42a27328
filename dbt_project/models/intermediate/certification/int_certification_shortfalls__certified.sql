-- Rule family of int_certification_shortfalls: requirements not met on a `certified` event,
-- one row per event and requirement that fails. CERT-01 age, CERT-02 education, CERT-03 initial
-- training, exam and ethics (standard pathway), CERT-09 out-of-state reciprocity: attested work,
-- letters, peer training, CE, exam and ethics. Thresholds from policy_parameters, in force on
-- the certification date.
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

certification_parameters as (

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

certification_rules as (

    -- CERT-09: where the windows of attested work before the application open.
    select
        certification_parameters.*,
        cast({{ dbt.dateadd('year', '-work_period_years', 'applied_on') }} as date) as work_window_start,
        cast({{ dbt.dateadd('month', '-recent_work_months', 'applied_on') }} as date)
            as recent_work_window_start
    from certification_parameters

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
        -- CERT-09: attested work periods (period_start to the attestation date) in the
        -- work_period_years (recent: recent_work_months) before the application; a period that
        -- straddles the start of a window counts in proportion to its days inside it.
        coalesce(
            sum(
                case
                    when history.event_type = 'work_hours_attested'
                        then {{ hours_in_window(
                            'history.hours',
                            'coalesce(history.period_start, history.event_date)',
                            'history.event_date',
                            'certification_rules.work_window_start'
                        ) }}
                end
            ),
            0
        ) as work_hours,
        coalesce(
            sum(
                case
                    when history.event_type = 'work_hours_attested'
                        then {{ hours_in_window(
                            'history.hours',
                            'coalesce(history.period_start, history.event_date)',
                            'history.event_date',
                            'certification_rules.recent_work_window_start'
                        ) }}
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

shortfalls as (

    {% call certification_shortfall('certification_people', 'certified', 'CERT-01', 'age',
        "age_at_certification < min_age") %}
        'certified at age ' || {{ shortfall_number('age_at_certification') }}
        || ', under the minimum age ' || {{ shortfall_number('min_age') }}
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-02', 'education',
        "education_level = 'none'") %}
        'education_level none: a GED, high-school diploma or higher is required'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-03', 'initial_training',
        "pathway = 'standard' and training_hours < training_hours_required") %}
    {{ shortfall_number('training_hours') }} || ' hours of initial training on or before certification, '
        || {{ shortfall_number('training_hours_required') }} || ' required'
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
    {{ shortfall_number('work_hours') }} || ' hours of attested peer work counted in the '
        || {{ shortfall_number('work_period_years') }} || ' years before application'
        || ' (a period straddling their start by its days inside), '
        || {{ shortfall_number('work_hours_required') }} || ' required'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-09', 'recent_work_hours',
        "pathway = 'reciprocity_out_of_state' and recent_work_hours < recent_work_hours_required") %}
    {{ shortfall_number('recent_work_hours') }} || ' hours of attested peer work counted in the '
        || {{ shortfall_number('recent_work_months') }} || ' months before application'
        || ' (a period straddling their start by its days inside), '
        || {{ shortfall_number('recent_work_hours_required') }} || ' required'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-09', 'letters',
        "pathway = 'reciprocity_out_of_state' and letters < letters_required") %}
    {{ shortfall_number('letters') }}
        || ' of the letters of recommendation (supervisor, colleague, self), '
        || {{ shortfall_number('letters_required') }} || ' required'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-09', 'peer_training',
        "pathway = 'reciprocity_out_of_state' and has_peer_training = 0") %}
        'no peer training documented on or before certification'
    {% endcall %}

    union all

    {% call certification_shortfall('certification_people', 'certified', 'CERT-09', 'ce_hours',
        "pathway = 'reciprocity_out_of_state' and ce_hours < reciprocity_ce_hours_required") %}
    {{ shortfall_number('ce_hours') }} || ' CE hours on or before certification, '
        || {{ shortfall_number('reciprocity_ce_hours_required') }} || ' required'
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

)

select * from shortfalls
