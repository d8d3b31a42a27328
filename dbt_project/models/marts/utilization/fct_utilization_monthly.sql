-- Peer support utilization (BILL-08 modality mix, BILL-09 collateral share, RPT-01 billing data):
-- one row per county x service month x delivery system x HCPCS code x modality x age group with
-- at least one approved line. Services are approved claim lines (latest version); the county is
-- the county behavioral health plan on the claim and the age group the beneficiary's age on the
-- service date. eligible_members counts the certified eligible Medi-Cal members (member_counts
-- feed) of the same county (of responsibility), month and age group (DHCS's groups, age on the
-- first day of the month): it depends only on county, month and age group, so it repeats across
-- delivery systems, codes and modalities and must not be summed over them.
-- penetration_rate = beneficiaries_served / eligible_members for the row's services.
with

claim_lines as (

    select * from {{ ref('fct_claim_lines') }}
    where claim_status = 'approved'

),

eligible_members as (

    -- Certified eligible members (member_counts), in the same age groups as the claim lines.
    select
        county_fips,
        eligibility_month_start as service_month,
        age_group,
        sum(eligible_members) as eligible_members
    from {{ ref('stg_medi_cal__member_counts') }}
    group by
        county_fips,
        eligibility_month_start,
        age_group

),

services as (

    select
        county_fips,
        service_month,
        delivery_system,
        hcpcs_code,
        modality,
        age_group,
        count(distinct beneficiary_key) as beneficiaries_served,
        count(*) as services,
        sum(units) as units,
        sum(service_minutes) as service_minutes,
        sum(approved_amount) as approved_amount,
        sum(case when is_collateral then 1 else 0 end) as collateral_services
    from claim_lines
    group by
        county_fips,
        service_month,
        delivery_system,
        hcpcs_code,
        modality,
        age_group

),

final as (

    select
        cast(services.county_fips as {{ dbt.type_string() }}) as county_fips,
        cast(services.service_month as date) as service_month,
        cast(services.delivery_system as {{ dbt.type_string() }}) as delivery_system,
        cast(services.hcpcs_code as {{ dbt.type_string() }}) as hcpcs_code,
        cast(services.modality as {{ dbt.type_string() }}) as modality,
        cast(services.age_group as {{ dbt.type_string() }}) as age_group,
        cast(services.beneficiaries_served as bigint) as beneficiaries_served,
        cast(services.services as bigint) as services,
        cast(services.units as bigint) as units,
        cast(services.service_minutes as bigint) as service_minutes,
        cast(services.approved_amount as decimal(14, 2)) as approved_amount,
        cast(services.collateral_services as bigint) as collateral_services,
        cast(coalesce(eligible_members.eligible_members, 0) as bigint) as eligible_members,
        cast(
            case
                when coalesce(eligible_members.eligible_members, 0) = 0 then null
                else services.beneficiaries_served * 1.0 / eligible_members.eligible_members
            end as decimal(12, 6)
        ) as penetration_rate
    from services
    left join eligible_members
        on
            services.county_fips = eligible_members.county_fips
            and services.service_month = eligible_members.service_month
            and services.age_group = eligible_members.age_group

)

select * from final
