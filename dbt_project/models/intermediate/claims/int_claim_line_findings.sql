-- Program-integrity findings on claim lines (BILL-01..07, BILL-10, BILL-11): one row per line
-- and broken rule. Only approved lines are judged: they are the payments the program must
-- recover or explain (denied, pending and voided lines carry no payment). Every threshold and
-- date comes from the policy_parameters seed, in force on the service date.
--
-- Each rule is judged once per line (rule_checks), and only the few lines breaking one are kept
-- for writing the findings: the findings below read them once per rule, and reading every line
-- once per rule cost more than judging them.
with

claim_lines as (

    -- The columns the rules read (int_claim_lines_enriched is a view: its joins run here).
    select
        claim_id,
        line_number,
        beneficiary_key,
        rendering_certification_number,
        certificant_id,
        organization_npi,
        county_fips,
        delivery_system,
        hcpcs_code,
        level_of_care,
        group_size,
        service_date,
        service_minutes,
        submitted_date,
        approved_amount,
        peer_status_on_service_date,
        beneficiary_eligible,
        county_opted_in,
        under_21,
        peer_on_si_list,
        organization_on_si_list
    from {{ ref('int_claim_lines_enriched') }}
    where claim_status = 'approved'

),

peer_codes as (

    select * from {{ ref('hcpcs_codes') }}

),

service_date_policies as (

-- The policy in force on each service date, looked up once per date rather than per line.
    {{ policies_by_date('claim_lines', 'service_date', {
        'group_size_min': 'value',
        'group_size_max': 'value',
        'h0050_rate_start_date': 'date',
    }) }}

),

-- BILL-11: the same beneficiary, peer, code, service date and minutes on approved lines of two
-- different claims. Every line of such a set is a finding; the first line (earliest submitted,
-- then lowest claim and line) is the original, the others carry the amount at risk. The sets
-- are found first, so that only their few lines are ordered.
duplicate_keys as (

    select
        beneficiary_key,
        rendering_certification_number,
        hcpcs_code,
        service_date,
        service_minutes
    from claim_lines
    group by
        beneficiary_key,
        rendering_certification_number,
        hcpcs_code,
        service_date,
        service_minutes
    having min(claim_id) <> max(claim_id)

),

duplicate_sets as (

    select
        claim_lines.claim_id,
        claim_lines.line_number,
        row_number() over (
            partition by
                claim_lines.beneficiary_key,
                claim_lines.rendering_certification_number,
                claim_lines.hcpcs_code,
                claim_lines.service_date,
                claim_lines.service_minutes
            order by claim_lines.submitted_date, claim_lines.claim_id, claim_lines.line_number
        ) as line_in_set
    from claim_lines
    inner join duplicate_keys
        on
            claim_lines.beneficiary_key = duplicate_keys.beneficiary_key
            and claim_lines.rendering_certification_number = duplicate_keys.rendering_certification_number
            and claim_lines.hcpcs_code is not distinct from duplicate_keys.hcpcs_code
            and claim_lines.service_date = duplicate_keys.service_date
            and claim_lines.service_minutes is not distinct from duplicate_keys.service_minutes

),

rule_checks as (

    select
        claim_lines.*,
        duplicate_sets.line_in_set,
        claim_lines.peer_status_on_service_date <> 'active' as breaks_bill_01,
        peer_codes.code is null as breaks_bill_02,
        coalesce(peer_codes.is_group, false)
        and (
            claim_lines.group_size is null
            or claim_lines.group_size < service_date_policies.group_size_min
            or claim_lines.group_size > service_date_policies.group_size_max
        ) as breaks_bill_03,
        claim_lines.hcpcs_code = 'H0050'
        and claim_lines.service_date < service_date_policies.h0050_rate_start_date as breaks_bill_04,
        not claim_lines.beneficiary_eligible as breaks_bill_05,
        not claim_lines.county_opted_in and not coalesce(claim_lines.under_21, false) as breaks_bill_06,
        (claim_lines.delivery_system = 'DMC_ODS' and claim_lines.level_of_care is null)
        or (claim_lines.delivery_system <> 'DMC_ODS' and claim_lines.level_of_care is not null)
            as breaks_bill_07,
        claim_lines.peer_on_si_list or claim_lines.organization_on_si_list as breaks_bill_10,
        duplicate_sets.claim_id is not null as breaks_bill_11
    from claim_lines
    left join peer_codes
        on claim_lines.hcpcs_code = peer_codes.code
    left join service_date_policies
        on claim_lines.service_date = service_date_policies.service_date
    left join duplicate_sets
        on
            claim_lines.claim_id = duplicate_sets.claim_id
            and claim_lines.line_number = duplicate_sets.line_number

),

judged as (

    select * from rule_checks
    where
        breaks_bill_01 or breaks_bill_02 or breaks_bill_03 or breaks_bill_04 or breaks_bill_05
        or breaks_bill_06 or breaks_bill_07 or breaks_bill_10 or breaks_bill_11

),

findings as (

    select
        claim_id,
        line_number,
        'BILL-01' as rule_id,
        'flag' as severity,
        case
            when certificant_id is null
                then 'certification number ' || rendering_certification_number || ' was never issued'
            else 'rendering peer ' || certificant_id || ' was ' || peer_status_on_service_date
                || ' on the service date, not active'
        end as detail,
        approved_amount as approved_amount_at_risk
    from judged
    where breaks_bill_01

    union all

    select
        claim_id,
        line_number,
        'BILL-02' as rule_id,
        'flag' as severity,
        'code ' || coalesce(hcpcs_code, '(none)') || ' is not a peer support code' as detail,
        approved_amount as approved_amount_at_risk
    from judged
    where breaks_bill_02

    union all

    select
        claim_id,
        line_number,
        'BILL-03' as rule_id,
        'warning' as severity,
        case
            when group_size is null then 'group service without a group size'
            else 'group size ' || cast(group_size as {{ dbt.type_string() }}) || ' outside the recommended range'
        end as detail,
        cast(0 as decimal(12, 2)) as approved_amount_at_risk
    from judged
    where breaks_bill_03

    union all

    select
        claim_id,
        line_number,
        'BILL-04' as rule_id,
        'flag' as severity,
        'H0050 before its rate start date' as detail,
        approved_amount as approved_amount_at_risk
    from judged
    where breaks_bill_04

    union all

    select
        claim_id,
        line_number,
        'BILL-05' as rule_id,
        'flag' as severity,
        'beneficiary not Medi-Cal eligible in the month of service' as detail,
        approved_amount as approved_amount_at_risk
    from judged
    where breaks_bill_05

    union all

    select
        claim_id,
        line_number,
        'BILL-06' as rule_id,
        'flag' as severity,
        'county ' || county_fips || ' had not opted in to ' || delivery_system || ' peer services on the service date'
            as detail,
        approved_amount as approved_amount_at_risk
    from judged
    where breaks_bill_06

    union all

    select
        claim_id,
        line_number,
        'BILL-07' as rule_id,
        'flag' as severity,
        case
            when delivery_system = 'DMC_ODS' then 'DMC_ODS line without an ASAM level of care'
            else delivery_system || ' line with ASAM level of care ' || level_of_care
        end as detail,
        approved_amount as approved_amount_at_risk
    from judged
    where breaks_bill_07

    union all

    select
        claim_id,
        line_number,
        'BILL-10' as rule_id,
        'flag' as severity,
        case
            when peer_on_si_list and organization_on_si_list
                then 'rendering peer and organization on the Suspended and Ineligible Provider list'
            when peer_on_si_list
                then 'rendering peer ' || rendering_certification_number
                    || ' on the Suspended and Ineligible Provider list'
            else 'organization NPI ' || organization_npi || ' on the Suspended and Ineligible Provider list'
        end as detail,
        approved_amount as approved_amount_at_risk
    from judged
    where breaks_bill_10

    union all

    select
        claim_id,
        line_number,
        'BILL-11' as rule_id,
        'flag' as severity,
        case
            when line_in_set = 1 then 'original of a duplicate set of approved lines'
            else 'duplicate of an approved line in another claim'
        end as detail,
        case
            when line_in_set = 1 then cast(0 as decimal(12, 2))
            else approved_amount
        end as approved_amount_at_risk
    from judged
    where breaks_bill_11

)

select * from findings
