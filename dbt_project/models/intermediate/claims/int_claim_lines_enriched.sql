-- A view, not a table like the other intermediates: its two readers (int_claim_line_findings
-- and fct_claim_lines) each redo its joins in less time than writing its 33 columns for every
-- line to disk took (at 10M lines: 15 s as a table, about 8 s in all as a view).
{{ config(materialized='view') }}
-- One row per claim line (latest version), with everything the billing rules (BILL-01..11) and
-- the utilization marts judge it by: the beneficiary's age on the service date (the date of
-- birth is used here and dropped), the rendering peer's certification status that day, Medi-Cal
-- eligibility in the service month, the county's opt-in for the delivery system, and whether
-- the peer or the organization was on the Suspended and Ineligible Provider list. Every policy
-- number comes from the policy_parameters seed, effective-dated on the service date.
with

claim_lines as (

    select * from {{ ref('stg_sdmc__claim_lines') }}

),

service_date_policies as (

    -- The policy in force on each service date, looked up once per date rather than per line.
    {{ policies_by_date(ref('stg_sdmc__claim_lines'), 'service_date', {'epsdt_age_limit': 'value'}) }}

),

certification_events as (

    select * from {{ ref('stg_peer_certification__certification_events') }}

),

status_spans as (

    select * from {{ ref('int_certification_status_spans') }}

),

eligibility_months as (

    select
        beneficiary_key,
        eligibility_month_start
    from {{ ref('stg_medi_cal__eligibility_months') }}

),

county_opt_in as (

    select * from {{ ref('county_opt_in') }}

),

suspended_ineligible as (

    select * from {{ ref('stg_dhcs__suspended_ineligible_providers') }}

),

-- A certification number is issued once, to one person (on `certified`; renewals and
-- reinstatements carry it on); the earliest event that carries it names its holder.
certification_holders as (

    select
        certification_number,
        certificant_id
    from (
        select
            certification_number,
            certificant_id,
            row_number() over (
                partition by certification_number
                order by event_date, event_id
            ) as holder_rank
        from certification_events
        where certification_number is not null
    ) as ranked_holders
    where holder_rank = 1

),

aged as (

    select
        claim_lines.*,
        cast({{ dbt.date_trunc('month', 'claim_lines.service_date') }} as date) as service_month,
        extract(year from claim_lines.service_date) - extract(year from claim_lines.beneficiary_dob)
        - case
            when
                extract(month from claim_lines.service_date) * 100 + extract(day from claim_lines.service_date)
                < extract(month from claim_lines.beneficiary_dob) * 100
                + extract(day from claim_lines.beneficiary_dob)
                then 1
            else 0
        end as age_at_service
    from claim_lines

),

-- Spans of one person never overlap (tested on int_certification_status_spans), so a line
-- matches at most one span; the unique test of fct_claim_lines on (claim_id, line_number)
-- would catch a second.
with_peer as (

    select
        aged.*,
        certification_holders.certificant_id,
        coalesce(status_spans.status, 'not_certified') as peer_status_on_service_date
    from aged
    left join certification_holders
        on aged.rendering_certification_number = certification_holders.certification_number
    left join status_spans
        on
            certification_holders.certificant_id = status_spans.certificant_id
            and aged.service_date >= status_spans.valid_from
            and (status_spans.valid_to is null or aged.service_date < status_spans.valid_to)

),

-- The Suspended and Ineligible list is short: match it against the lines' keys only, not the
-- whole enriched line. (Read from the table itself, as service_date_policies does: a CTE with
-- several readers would be materialized whole.)
line_providers as (

    select
        claim_id,
        line_number,
        rendering_certification_number,
        organization_npi,
        service_date
    from {{ ref('stg_sdmc__claim_lines') }}

),

listed_peer_lines as (

    select distinct
        line_providers.claim_id,
        line_providers.line_number
    from line_providers
    inner join suspended_ineligible
        on
            line_providers.rendering_certification_number = suspended_ineligible.certification_number
            and line_providers.service_date >= suspended_ineligible.suspension_effective_date
            and (
                suspended_ineligible.suspension_end_date is null
                or line_providers.service_date <= suspended_ineligible.suspension_end_date
            )

),

listed_organization_lines as (

    select distinct
        line_providers.claim_id,
        line_providers.line_number
    from line_providers
    inner join suspended_ineligible
        on
            line_providers.organization_npi = suspended_ineligible.npi
            and line_providers.service_date >= suspended_ineligible.suspension_effective_date
            and (
                suspended_ineligible.suspension_end_date is null
                or line_providers.service_date <= suspended_ineligible.suspension_end_date
            )

),

flagged as (

    -- eligibility_months holds one row per member and month (tested on its staging model),
    -- county_opt_in one per county and delivery system (tested on the seed).
    select
        with_peer.*,
        eligibility_months.beneficiary_key is not null as beneficiary_eligible,
        county_opt_in.county_fips is not null as county_opted_in,
        listed_peer_lines.claim_id is not null as peer_on_si_list,
        listed_organization_lines.claim_id is not null as organization_on_si_list,
        with_peer.age_at_service < service_date_policies.epsdt_age_limit as under_21
    from with_peer
    left join service_date_policies
        on with_peer.service_date = service_date_policies.service_date
    left join eligibility_months
        on
            with_peer.beneficiary_key = eligibility_months.beneficiary_key
            and with_peer.service_month = eligibility_months.eligibility_month_start
    left join county_opt_in
        on
            with_peer.county_fips = county_opt_in.county_fips
            and with_peer.delivery_system = county_opt_in.delivery_system
            and with_peer.service_date >= county_opt_in.effective_date
    left join listed_peer_lines
        on
            with_peer.claim_id = listed_peer_lines.claim_id
            and with_peer.line_number = listed_peer_lines.line_number
    left join listed_organization_lines
        on
            with_peer.claim_id = listed_organization_lines.claim_id
            and with_peer.line_number = listed_organization_lines.line_number

),

final as (

    select
        claim_id,
        line_number,
        beneficiary_key,
        age_at_service,
        under_21,
        county_fips,
        delivery_system,
        organization_npi,
        rendering_certification_number,
        certificant_id,
        hcpcs_code,
        modality,
        is_collateral,
        level_of_care,
        place_of_service,
        group_size,
        units,
        service_minutes,
        billed_amount,
        approved_amount,
        claim_status,
        submitted_date,
        adjudicated_date,
        service_date,
        service_month,
        peer_status_on_service_date,
        beneficiary_eligible,
        county_opted_in,
        peer_on_si_list,
        organization_on_si_list,
        _batch_id,
        _ingested_at,
        {{ beneficiary_age_group('age_at_service') }} as age_group,
        not county_opted_in and coalesce(under_21, false) as epsdt_exempt_opt_in
    from flagged

)

select * from final
