-- Certification status history of every person (CERT-04, CERT-05, CERT-06, PI-02): one row per
-- span of one status, contiguous and never overlapping from the first application on. Built in
-- int_certification_status_spans; this mart fixes the published columns and types.
with

spans as (

    select * from {{ ref('int_certification_status_spans') }}

),

final as (

    select
        cast(certificant_id as {{ dbt.type_string() }}) as certificant_id,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,
        cast(rule_id as {{ dbt.type_string() }}) as rule_id,
        cast(event_id as {{ dbt.type_string() }}) as event_id
    from spans

)

select * from final
