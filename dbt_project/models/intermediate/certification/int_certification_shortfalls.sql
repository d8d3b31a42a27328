-- Certification requirements not met: one row per (judged event, rule, requirement) that fails,
-- the union of one model per rule family, by the event a finding is about: `certified`
-- (CERT-01, CERT-02, CERT-03, CERT-09), `renewed` (CERT-04), `reinstated` (CERT-06), or
-- `application_submitted` on the grandparent pathway (CERT-08).
with

certified as (

    select * from {{ ref('int_certification_shortfalls__certified') }}

),

renewed as (

    select * from {{ ref('int_certification_shortfalls__renewed') }}

),

reinstated as (

    select * from {{ ref('int_certification_shortfalls__reinstated') }}

),

grandparent as (

    select * from {{ ref('int_certification_shortfalls__grandparent') }}

),

shortfalls as (

    select
        certificant_id,
        event_id,
        event_type,
        event_date,
        rule_id,
        requirement,
        shortfall
    from certified

    union all

    select
        certificant_id,
        event_id,
        event_type,
        event_date,
        rule_id,
        requirement,
        shortfall
    from renewed

    union all

    select
        certificant_id,
        event_id,
        event_type,
        event_date,
        rule_id,
        requirement,
        shortfall
    from reinstated

    union all

    select
        certificant_id,
        event_id,
        event_type,
        event_date,
        rule_id,
        requirement,
        shortfall
    from grandparent

)

select * from shortfalls
