-- The certification pipeline (RPT-01 certification data; CERT-03 standard, CERT-08
-- grandparent, CERT-09 reciprocity): one row per application, with the date each stage was
-- first reached in that application's window (from the application to the person's next
-- application): 80-hour training completed, exam passed, certified, or the application
-- denied or withdrawn. Exams count up to the certification only, so the exams of a later
-- reinstatement (CERT-06) do not land in the initial pipeline. County of residence
-- (dim_peers). No PII: the person is identified by certificant_id only.
{%- set far_future = "cast('9999-12-31' as date)" %}

with

certification_events as (

    select
        certificant_id,
        event_id,
        event_type,
        event_date,
        pathway,
        exam_result
    from {{ ref('stg_peer_certification__certification_events') }}

),

peers as (

    select
        certificant_id,
        county_fips
    from {{ ref('dim_peers') }}

),

applications as (

    select
        certificant_id,
        event_id as application_event_id,
        event_date as applied_on,
        pathway,
        lead(event_date) over (
            partition by certificant_id
            order by event_date, event_id
        ) as next_applied_on
    from certification_events
    where event_type = 'application_submitted'

),

window_events as (

    select
        applications.application_event_id,
        events.event_type,
        events.event_date,
        events.exam_result
    from applications
    inner join certification_events as events
        on
            applications.certificant_id = events.certificant_id
            and applications.applied_on <= events.event_date
            and coalesce(applications.next_applied_on, {{ far_future }}) > events.event_date
    where
        events.event_type in (
            'training_completed',
            'exam_taken',
            'certified',
            'application_denied',
            'application_withdrawn'
        )

),

certifications as (

    select
        application_event_id,
        min(event_date) as certified_on
    from window_events
    where event_type = 'certified'
    group by application_event_id

),

stages as (

    select
        window_events.application_event_id,
        min(case when window_events.event_type = 'training_completed' then window_events.event_date end)
            as trained_on,
        min(case when window_events.event_type = 'exam_taken' then window_events.event_date end)
            as first_exam_on,
        count(case when window_events.event_type = 'exam_taken' then 1 end) as exam_attempts,
        count(
            case when window_events.event_type = 'exam_taken' and window_events.exam_result = 'pass' then 1 end
        ) as exams_passed,
        min(
            case
                when window_events.event_type = 'exam_taken' and window_events.exam_result = 'pass'
                    then window_events.event_date
            end
        ) as exam_passed_on,
        min(
            case
                when window_events.event_type in ('application_denied', 'application_withdrawn')
                    then window_events.event_date
            end
        ) as closed_on,
        min(case when window_events.event_type = 'application_denied' then window_events.event_date end)
            as denied_on
    from window_events
    left join certifications
        on window_events.application_event_id = certifications.application_event_id
    where
        window_events.event_type <> 'exam_taken'
        or window_events.event_date <= coalesce(certifications.certified_on, {{ far_future }})
    group by window_events.application_event_id

),

final as (

    select
        cast(applications.application_event_id as {{ dbt.type_string() }}) as application_event_id,
        cast(applications.certificant_id as {{ dbt.type_string() }}) as certificant_id,
        cast(peers.county_fips as {{ dbt.type_string() }}) as county_fips,
        cast(applications.pathway as {{ dbt.type_string() }}) as pathway,
        cast(
            case applications.pathway
                when 'grandparent' then 'CERT-08'
                when 'reciprocity_out_of_state' then 'CERT-09'
                else 'CERT-03'
            end as {{ dbt.type_string() }}
        ) as rule_id,
        cast(applications.applied_on as date) as applied_on,
        cast({{ dbt.date_trunc('month', 'applications.applied_on') }} as date) as application_month,
        cast(stages.trained_on as date) as trained_on,
        cast(stages.first_exam_on as date) as first_exam_on,
        cast(coalesce(stages.exam_attempts, 0) as bigint) as exam_attempts,
        cast(coalesce(stages.exams_passed, 0) as bigint) as exams_passed,
        cast(stages.exam_passed_on as date) as exam_passed_on,
        cast(certifications.certified_on as date) as certified_on,
        cast(
            case
                when certifications.certified_on is not null then 'certified'
                when stages.denied_on is not null then 'denied'
                when stages.closed_on is not null then 'withdrawn'
                else 'pending'
            end as {{ dbt.type_string() }}
        ) as outcome,
        cast(
            {{ dbt.datediff('applications.applied_on', 'stages.trained_on', 'day') }}
            as integer
        ) as days_application_to_training,
        cast(
            {{ dbt.datediff('stages.trained_on', 'stages.exam_passed_on', 'day') }}
            as integer
        ) as days_training_to_exam_passed,
        cast(
            {{ dbt.datediff('stages.exam_passed_on', 'certifications.certified_on', 'day') }}
            as integer
        ) as days_exam_passed_to_certified,
        cast(
            {{ dbt.datediff('applications.applied_on', 'certifications.certified_on', 'day') }}
            as integer
        ) as days_application_to_certified
    from applications
    left join stages
        on applications.application_event_id = stages.application_event_id
    left join certifications
        on applications.application_event_id = certifications.application_event_id
    left join peers
        on applications.certificant_id = peers.certificant_id

)

select * from final
