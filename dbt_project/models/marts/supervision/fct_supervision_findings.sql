-- Supervision and direction findings (SUP-01, SUP-02): one row per employment spell and rule,
-- judged in int_supervision_findings; this mart fixes the published columns and types.
with

findings as (

    select * from {{ ref('int_supervision_findings') }}

),

final as (

    select
        cast(employment_id as {{ dbt.type_string() }}) as employment_id,
        cast(rule_id as {{ dbt.type_string() }}) as rule_id,
        cast(finding as {{ dbt.type_string() }}) as finding,
        cast(detected_on as date) as detected_on
    from findings

)

select * from final
