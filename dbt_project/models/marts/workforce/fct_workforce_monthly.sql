-- Peer support workforce by county and month (RPT-01 employment and certification data):
-- active certified peers (county of residence), employed peers, FTE, supervisors,
-- separations and turnover (employing county), certification activity (county of
-- residence), Medi-Cal members (county of responsibility) and peers per 100,000 members.
-- Every county appears every month, zero where none.
with

county_months as (

    select * from {{ ref('int_county_months') }}

),

active_months as (

    select * from {{ ref('int_peer_active_months') }}

),

employment_months as (

    select * from {{ ref('int_employment_months') }}

),

certification_activity as (

    select * from {{ ref('int_certification_activity') }}

),

member_counts as (

    select * from {{ ref('stg_medi_cal__member_counts') }}

),

active_certified as (

    select
        month_start,
        county_fips,
        count(distinct certificant_id) as active_certified_peers
    from active_months
    group by
        month_start,
        county_fips

),

employed as (

    select
        month_start,
        county_fips,
        count(distinct certificant_id) as employed_peers,
        sum(fte) as employed_fte,
        count(distinct case when is_employed_on_month_start then certificant_id end)
            as employed_peers_on_month_start,
        count(distinct case when is_employed_on_month_end then certificant_id end)
            as employed_peers_on_month_end,
        count(distinct case when is_separated_in_month then certificant_id end) as separations
    from employment_months
    where role = 'peer_support_specialist'
    group by
        month_start,
        county_fips

),

supervising as (

    -- A supervisor who is not a certified peer has no person key but their spell.
    select
        month_start,
        county_fips,
        count(distinct coalesce(certificant_id, employment_id)) as supervisors
    from employment_months
    where role = 'peer_supervisor'
    group by
        month_start,
        county_fips

),

activity as (

    select
        activity_month as month_start,
        county_fips,
        count(distinct case when activity = 'new_certification' then certificant_id end)
            as new_certifications,
        sum(case when activity = 'renewal' then 1 else 0 end) as renewals,
        sum(case when activity = 'reinstatement' then 1 else 0 end) as reinstatements,
        sum(case when activity = 'lapse' then 1 else 0 end) as lapses
    from certification_activity
    group by
        activity_month,
        county_fips

),

members as (

    -- Certified eligible members (member_counts): the denominator of peers per 100,000.
    select
        eligibility_month_start as month_start,
        county_fips,
        sum(eligible_members) as medi_cal_members
    from member_counts
    group by
        eligibility_month_start,
        county_fips

),

joined as (

    select
        county_months.month_start,
        county_months.county_fips,
        county_months.county_name,
        county_months.region,
        coalesce(active_certified.active_certified_peers, 0) as active_certified_peers,
        coalesce(employed.employed_peers, 0) as employed_peers,
        coalesce(employed.employed_fte, 0) as employed_fte,
        coalesce(supervising.supervisors, 0) as supervisors,
        coalesce(activity.new_certifications, 0) as new_certifications,
        coalesce(activity.renewals, 0) as renewals,
        coalesce(activity.reinstatements, 0) as reinstatements,
        coalesce(activity.lapses, 0) as lapses,
        coalesce(employed.separations, 0) as separations,
        (
            coalesce(employed.employed_peers_on_month_start, 0)
            + coalesce(employed.employed_peers_on_month_end, 0)
        ) / 2.0 as average_employed_peers,
        coalesce(members.medi_cal_members, 0) as medi_cal_members
    from county_months
    left join active_certified
        on
            county_months.month_start = active_certified.month_start
            and county_months.county_fips = active_certified.county_fips
    left join employed
        on
            county_months.month_start = employed.month_start
            and county_months.county_fips = employed.county_fips
    left join supervising
        on
            county_months.month_start = supervising.month_start
            and county_months.county_fips = supervising.county_fips
    left join activity
        on
            county_months.month_start = activity.month_start
            and county_months.county_fips = activity.county_fips
    left join members
        on
            county_months.month_start = members.month_start
            and county_months.county_fips = members.county_fips

),

final as (

    select
        month_start,
        county_fips,
        county_name,
        region,
        cast(active_certified_peers as bigint) as active_certified_peers,
        cast(employed_peers as bigint) as employed_peers,
        cast(employed_fte as decimal(12, 2)) as employed_fte,
        cast(supervisors as bigint) as supervisors,
        cast(
            round(employed_peers * 1.0 / nullif(supervisors, 0), 2) as decimal(12, 2)
        ) as peers_per_supervisor,
        cast(new_certifications as bigint) as new_certifications,
        cast(renewals as bigint) as renewals,
        cast(reinstatements as bigint) as reinstatements,
        cast(lapses as bigint) as lapses,
        cast(separations as bigint) as separations,
        cast(average_employed_peers as decimal(12, 1)) as average_employed_peers,
        cast(
            round(separations * 1.0 / nullif(average_employed_peers, 0), 4) as decimal(12, 4)
        ) as turnover_rate,
        cast(medi_cal_members as bigint) as medi_cal_members,
        cast(
            round(active_certified_peers * 100000.0 / nullif(medi_cal_members, 0), 2) as decimal(14, 2)
        ) as peers_per_100k_members
    from joined

)

select * from final
