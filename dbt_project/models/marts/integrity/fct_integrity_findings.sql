-- Program-integrity findings on approved claim lines (BILL-01..07, BILL-10, BILL-11): one row
-- per line and broken rule, judged in int_claim_line_findings; this mart fixes the published
-- columns and types.
with

findings as (

    select * from {{ ref('int_claim_line_findings') }}

),

final as (

    select
        cast(claim_id as {{ dbt.type_string() }}) as claim_id,
        cast(line_number as integer) as line_number,
        cast(rule_id as {{ dbt.type_string() }}) as rule_id,
        cast(severity as {{ dbt.type_string() }}) as severity,
        cast(detail as {{ dbt.type_string() }}) as detail,
        cast(approved_amount_at_risk as decimal(12, 2)) as approved_amount_at_risk
    from findings

)

select * from final
