-- RPT-02: the per-member rates a build publishes must be plausible for California: statewide,
-- by complete state fiscal and calendar year from rate_plausibility_from on (a year still
-- running lacks months and the run-out of its last ones), WF-03 (peers per 100,000
-- members) and UT-02 (beneficiaries served per 1,000 members) within the ranges of the
-- policy_parameters seed (peers_per_100k_members_*, penetration_per_1000_members_*; their
-- source column says where the ranges come from). A rate outside them means a wrong
-- denominator (the population is the member_counts feed) or a missing numerator: the build
-- fails. Returns the implausible rates.
{{ config(tags=['RPT-02'], severity='error') }}

with

ranges as (

    select
        'WF-03' as metric_id,
        {{ policy_value('peers_per_100k_members_min') }} as lowest,
        {{ policy_value('peers_per_100k_members_max') }} as highest

    union all

    select
        'UT-02' as metric_id,
        {{ policy_value('penetration_per_1000_members_min') }} as lowest,
        {{ policy_value('penetration_per_1000_members_max') }} as highest

),

rates as (

    select
        cells.metric_id,
        cells.period_type,
        cells.period_start,
        cells.numerator,
        cells.denominator,
        cells.rate
    from {{ ref('int_waiver_metric_cells') }} as cells
    where
        cells.geography_level = 'state'
        and cells.stratum_name = 'all'
        and cells.period_type in ('state_fiscal_year', 'calendar_year')
        and cells.period_start >= {{ policy_date('rate_plausibility_from') }}
        and not cells.is_partial_period

)

select
    rates.metric_id,
    rates.period_type,
    rates.period_start,
    rates.numerator,
    rates.denominator,
    rates.rate,
    ranges.lowest,
    ranges.highest
from rates
inner join ranges
    on rates.metric_id = ranges.metric_id
where rates.rate is null or rates.rate < ranges.lowest or rates.rate > ranges.highest
