-- One row per person known to the certification program (RPT-01, RPT-04): attributes for
-- reporting, the current certification status (from the status spans: CERT-04/05/06, PI-02) and
-- specializations held (CERT-07). No name, date of birth or other PII: age is reported as an age
-- group on the as-of date, the latest extract date of the certification feeds.
with

certificants as (

    select * from {{ ref('stg_peer_certification__certificants') }}

),

certification_events as (

    select * from {{ ref('stg_peer_certification__certification_events') }}

),

status_spans as (

    select * from {{ ref('int_certification_status_spans') }}

),

as_of as (

    select max(latest_extract_date) as as_of_date
    from (
        select max(_extract_date) as latest_extract_date
        from {{ ref('stg_peer_certification__certificants') }}
        union all
        select max(_extract_date) as latest_extract_date
        from {{ ref('stg_peer_certification__certification_events') }}
        union all
        select max(_extract_date) as latest_extract_date
        from {{ ref('stg_peer_certification__complaint_events') }}
    ) as extracts

),

latest_applications as (

    select
        certificant_id,
        pathway
    from (
        select
            certificant_id,
            pathway,
            row_number() over (
                partition by certificant_id
                order by event_date desc, event_id desc
            ) as application_rank
        from certification_events
        where event_type = 'application_submitted'
    ) as ranked_applications
    where application_rank = 1

),

latest_grants as (

    select
        certificant_id,
        certification_number,
        expiration_date
    from (
        select
            certificant_id,
            certification_number,
            expiration_date,
            row_number() over (
                partition by certificant_id
                order by event_date desc, event_id desc
            ) as grant_rank
        from certification_events
        where event_type in ('certified', 'renewed', 'reinstated')
    ) as ranked_grants
    where grant_rank = 1

),

first_certifications as (

    select
        certificant_id,
        min(event_date) as first_certified_date
    from certification_events
    where event_type = 'certified'
    group by certificant_id

),

specializations_held as (

    select
        certificant_id,
        {{ sorted_string_agg('specialization', ', ') }} as specializations
    from (
        select distinct
            certificant_id,
            specialization
        from certification_events
        where event_type = 'specialization_completed' and specialization is not null
    ) as distinct_specializations
    group by certificant_id

),

current_status as (

    select
        status_spans.certificant_id,
        status_spans.status
    from status_spans
    cross join as_of
    where
        status_spans.valid_from <= as_of.as_of_date
        and (status_spans.valid_to is null or status_spans.valid_to > as_of.as_of_date)

),

ages as (

    select
        certificants.certificant_id,
        as_of.as_of_date,
        extract(year from as_of.as_of_date) - extract(year from certificants.date_of_birth)
        - case
            when
                extract(month from as_of.as_of_date) * 100 + extract(day from as_of.as_of_date)
                < extract(month from certificants.date_of_birth) * 100 + extract(day from certificants.date_of_birth)
                then 1
            else 0
        end as age
    from certificants
    cross join as_of

),

final as (

    select
        cast(certificants.certificant_id as {{ dbt.type_string() }}) as certificant_id,
        cast(latest_grants.certification_number as {{ dbt.type_string() }}) as certification_number,
        cast(certificants.county_fips as {{ dbt.type_string() }}) as county_fips,
        cast(latest_applications.pathway as {{ dbt.type_string() }}) as pathway,
        cast(certificants.education_level as {{ dbt.type_string() }}) as education_level,
        cast(certificants.lived_experience as {{ dbt.type_string() }}) as lived_experience,
        cast(certificants.gender as {{ dbt.type_string() }}) as gender,
        cast(certificants.race_ethnicity as {{ dbt.type_string() }}) as race_ethnicity,
        cast(certificants.primary_language as {{ dbt.type_string() }}) as primary_language,
        cast(certificants.is_veteran as boolean) as is_veteran,
        cast(
            case
                when ages.age is null then null
                when ages.age < 18 then 'under 18'
                when ages.age < 25 then '18-24'
                when ages.age < 35 then '25-34'
                when ages.age < 45 then '35-44'
                when ages.age < 55 then '45-54'
                when ages.age < 65 then '55-64'
                else '65+'
            end as {{ dbt.type_string() }}
        ) as age_group,
        cast(first_certifications.first_certified_date as date) as first_certified_date,
        cast(current_status.status as {{ dbt.type_string() }}) as current_status,
        cast(latest_grants.expiration_date as date) as current_expiration_date,
        cast(specializations_held.specializations as {{ dbt.type_string() }}) as specializations,
        cast(ages.as_of_date as date) as as_of_date
    from certificants
    left join ages
        on certificants.certificant_id = ages.certificant_id
    left join latest_applications
        on certificants.certificant_id = latest_applications.certificant_id
    left join latest_grants
        on certificants.certificant_id = latest_grants.certificant_id
    left join first_certifications
        on certificants.certificant_id = first_certifications.certificant_id
    left join specializations_held
        on certificants.certificant_id = specializations_held.certificant_id
    left join current_status
        on certificants.certificant_id = current_status.certificant_id

)

select * from final
