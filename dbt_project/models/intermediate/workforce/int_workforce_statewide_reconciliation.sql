-- Statewide consistency check of fct_workforce_monthly: per month, each measure counted
-- statewide straight from the intermediate models next to the sum of the mart's county rows
-- and the people whose county is not one of the 58 (unplaced). Tested in the YAML.
with

months as (

    select distinct month_start
    from {{ ref('int_county_months') }}

),

counties as (

    select county_fips
    from {{ ref('counties') }}

),

county_sums as (

    select
        month_start,
        sum(active_certified_peers) as county_sum_active_certified_peers,
        sum(employed_peers) as county_sum_employed_peers,
        sum(new_certifications) as county_sum_new_certifications,
        sum(renewals) as county_sum_renewals,
        sum(lapses) as county_sum_lapses,
        sum(medi_cal_members) as county_sum_medi_cal_members
    from {{ ref('fct_workforce_monthly') }}
    group by month_start

),

active as (

    select
        active_months.month_start,
        count(distinct active_months.certificant_id) as statewide_active_certified_peers,
        count(distinct case when counties.county_fips is null then active_months.certificant_id end)
            as unplaced_active_certified_peers
    from {{ ref('int_peer_active_months') }} as active_months
    left join counties
        on active_months.county_fips = counties.county_fips
    group by active_months.month_start

),

employed as (

    select
        employment_months.month_start,
        count(distinct employment_months.certificant_id) as statewide_employed_peers,
        count(distinct case when counties.county_fips is null then employment_months.certificant_id end)
            as unplaced_employed_peers
    from {{ ref('int_employment_months') }} as employment_months
    left join counties
        on employment_months.county_fips = counties.county_fips
    where employment_months.role = 'peer_support_specialist'
    group by employment_months.month_start

),

activity as (

    select
        activity.activity_month as month_start,
        count(distinct case when activity.activity = 'new_certification' then activity.certificant_id end)
            as statewide_new_certifications,
        count(
            distinct case
                when activity.activity = 'new_certification' and counties.county_fips is null
                    then activity.certificant_id
            end
        ) as unplaced_new_certifications,
        sum(case when activity.activity = 'renewal' then 1 else 0 end) as statewide_renewals,
        sum(case when activity.activity = 'renewal' and counties.county_fips is null then 1 else 0 end)
            as unplaced_renewals,
        sum(case when activity.activity = 'lapse' then 1 else 0 end) as statewide_lapses,
        sum(case when activity.activity = 'lapse' and counties.county_fips is null then 1 else 0 end)
            as unplaced_lapses
    from {{ ref('int_certification_activity') }} as activity
    left join counties
        on activity.county_fips = counties.county_fips
    group by activity.activity_month

),

members as (

    select
        member_counts.eligibility_month_start as month_start,
        sum(member_counts.eligible_members) as statewide_medi_cal_members,
        sum(case when counties.county_fips is null then member_counts.eligible_members else 0 end)
            as unplaced_medi_cal_members
    from {{ ref('stg_medi_cal__member_counts') }} as member_counts
    left join counties
        on member_counts.county_fips = counties.county_fips
    group by member_counts.eligibility_month_start

),

final as (

    select
        months.month_start,
        coalesce(active.statewide_active_certified_peers, 0) as statewide_active_certified_peers,
        coalesce(county_sums.county_sum_active_certified_peers, 0) as county_sum_active_certified_peers,
        coalesce(active.unplaced_active_certified_peers, 0) as unplaced_active_certified_peers,
        coalesce(employed.statewide_employed_peers, 0) as statewide_employed_peers,
        coalesce(county_sums.county_sum_employed_peers, 0) as county_sum_employed_peers,
        coalesce(employed.unplaced_employed_peers, 0) as unplaced_employed_peers,
        coalesce(activity.statewide_new_certifications, 0) as statewide_new_certifications,
        coalesce(county_sums.county_sum_new_certifications, 0) as county_sum_new_certifications,
        coalesce(activity.unplaced_new_certifications, 0) as unplaced_new_certifications,
        coalesce(activity.statewide_renewals, 0) as statewide_renewals,
        coalesce(county_sums.county_sum_renewals, 0) as county_sum_renewals,
        coalesce(activity.unplaced_renewals, 0) as unplaced_renewals,
        coalesce(activity.statewide_lapses, 0) as statewide_lapses,
        coalesce(county_sums.county_sum_lapses, 0) as county_sum_lapses,
        coalesce(activity.unplaced_lapses, 0) as unplaced_lapses,
        coalesce(members.statewide_medi_cal_members, 0) as statewide_medi_cal_members,
        coalesce(county_sums.county_sum_medi_cal_members, 0) as county_sum_medi_cal_members,
        coalesce(members.unplaced_medi_cal_members, 0) as unplaced_medi_cal_members
    from months
    left join county_sums
        on months.month_start = county_sums.month_start
    left join active
        on months.month_start = active.month_start
    left join employed
        on months.month_start = employed.month_start
    left join activity
        on months.month_start = activity.month_start
    left join members
        on months.month_start = members.month_start

)

select * from final
