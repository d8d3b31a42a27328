-- Certification policy findings (CERT-01, CERT-02, CERT-03, CERT-04, CERT-06, CERT-08, CERT-09):
-- one row per judged event and rule, with every unmet requirement of that rule listed in
-- `finding`. Findings are facts for the program to act on, never quarantine (feeds.md).
with

shortfalls as (

    select * from {{ ref('int_certification_shortfalls') }}

),

findings as (

    select
        certificant_id,
        event_id,
        rule_id,
        {{ sorted_string_agg('shortfall', '; ') }} as finding,
        max(event_date) as detected_on
    from shortfalls
    group by
        certificant_id,
        event_id,
        rule_id

),

final as (

    select
        cast(certificant_id as {{ dbt.type_string() }}) as certificant_id,
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(rule_id as {{ dbt.type_string() }}) as rule_id,
        cast(finding as {{ dbt.type_string() }}) as finding,
        cast(detected_on as date) as detected_on
    from findings

)

select * from final
