-- Rule family of int_certification_shortfalls: grandparent-pathway applications submitted
-- after grandparenting closed (CERT-08, grandparent_cutoff_date from policy_parameters, in
-- force on the application date), one row per application.
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

applications as (

    select
        certificant_id,
        event_id,
        event_date,
        pathway
    from certification_events
    where event_type = 'application_submitted'

),

-- ---------------------------------------------------------------- grandparent (CERT-08)

grandparent_applications as (

    select
        applications.*,
        {{ policy_date('grandparent_cutoff_date', 'applications.event_date') }} as cutoff_date
    from applications
    where applications.pathway = 'grandparent'

),

shortfalls as (

    {% call certification_shortfall(
        'grandparent_applications', 'application_submitted', 'CERT-08', 'grandparent_cutoff',
        "event_date > cutoff_date") %}
        'grandparent application submitted ' || cast(event_date as {{ dbt.type_string() }})
        || ', after grandparenting closed on ' || cast(cutoff_date as {{ dbt.type_string() }})
    {% endcall %}

)

select * from shortfalls
