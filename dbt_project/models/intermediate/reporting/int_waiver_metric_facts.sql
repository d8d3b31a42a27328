-- RPT-02: the facts behind rpt_waiver_metrics, one fact set (a metric's numerator or
-- denominator, macros/waiver_metrics.sql) at a time, by month, county and stratum. A person
-- (peer or beneficiary) is one row per month, county and stratum, under a number of this build
-- (unit_id), so that the distinct counts over periods and areas run on integers; lines,
-- findings and complaints fall in one month and county each and are counted there (units).
-- Utilization (UT-) and integrity (IN-) facts read the approved lines of fct_claim_lines.
{%- set fact_set_list = waiver_metric_fact_sets()['fact_sets'] %}
{%- set distinct_units = waiver_metric_distinct_units() %}
{#- a line's strata: the beneficiary's age group and the service's; a beneficiary served has
    every beneficiary stratum besides the service's #}
{%- set line_stratum_columns = {'beneficiary_age_group': 'age_group'} %}
{%- do line_stratum_columns.update(service_strata()) %}
{%- set served_stratum_columns = {} %}
{%- do served_stratum_columns.update(beneficiary_strata()) %}
{%- do served_stratum_columns.update(service_strata()) %}
with

peers as (

    select
        certificant_id,
        row_number() over (order by certificant_id) as peer_id,
        county_fips,
        age_group,
        gender,
        race_ethnicity,
        primary_language
    from {{ ref('dim_peers') }}

),

peer_strata as (

-- Each peer once per stratum dimension (attributes as of dim_peers.as_of_date).
    {{ stratify('peers', peer_strata()) }}

),

active_peer_strata as (

    -- WF-01: active peers by county of residence and peer stratum.
    select
        active_months.month_start,
        active_months.county_fips,
        peer_strata.peer_id,
        peer_strata.stratum_name,
        peer_strata.stratum_value
    from {{ ref('int_peer_active_months') }} as active_months
    inner join peer_strata
        on active_months.certificant_id = peer_strata.certificant_id

),

new_certification_strata as (

    -- WF-02: new certifications (first `certified` event), by peer stratum.
    select
        activity.activity_month as month_start,
        activity.county_fips,
        peer_strata.peer_id,
        peer_strata.stratum_name,
        peer_strata.stratum_value
    from {{ ref('int_certification_activity') }} as activity
    inner join peer_strata
        on activity.certificant_id = peer_strata.certificant_id
    where activity.activity = 'new_certification'

),

member_groups as (

    -- Certified eligible members (member_counts) by month, county of responsibility and group.
    select
        eligibility_month_start as month_start,
        county_fips,
        age_group,
        sex,
        race_ethnicity,
        primary_language,
        eligible_members
    from {{ ref('stg_medi_cal__member_counts') }}

),

member_strata as (

-- The member population of every per-member rate (WF-03, UT-02), once per beneficiary stratum.
    {{ stratify('member_groups', beneficiary_strata()) }}

),

member_months as (

    -- The sex, race/ethnicity and language of a member in a month (eligibility feed), for the
    -- beneficiaries served: their equity strata.
    select
        beneficiary_key,
        month_start,
        sex,
        race_ethnicity,
        primary_language
    from {{ ref('int_medi_cal_member_months') }}

),

claim_lines as (

    select * from {{ ref('fct_claim_lines') }}
    where claim_status = 'approved'

),

beneficiary_ids as (

    -- Every beneficiary served, numbered for this build.
    select
        beneficiary_key,
        row_number() over (order by beneficiary_key) as beneficiary_id
    from (
        select distinct beneficiary_key from claim_lines
    ) as beneficiary_keys

),

complaints as (

    select
        county_fips,
        resolved_on_time,
        cast({{ dbt.date_trunc('month', 'received_date') }} as date) as month_start
    from {{ ref('fct_complaints') }}
    where received_date is not null

),

certification_findings as (

    -- CF-01: one finding per judged event and rule, by the peer's county of residence.
    select
        peers.county_fips,
        cast({{ dbt.date_trunc('month', 'findings.detected_on') }} as date) as month_start
    from {{ ref('fct_certification_findings') }} as findings
    left join peers
        on findings.certificant_id = peers.certificant_id

),

approved_lines as (

    -- Approved peer support claim lines (latest version), placed in the claim's county and
    -- service month, with the beneficiary's age group on the service date and sex,
    -- race/ethnicity and language in the month's eligibility (`unknown` strata when the month
    -- has none: a BILL-05 finding).
    select
        claim_lines.claim_id,
        claim_lines.line_number,
        beneficiary_ids.beneficiary_id,
        claim_lines.county_fips,
        claim_lines.service_month as month_start,
        claim_lines.age_group,
        coalesce(claim_lines.under_21, false) as is_under_21,
        claim_lines.delivery_system,
        coalesce(claim_lines.modality, 'unknown') as modality,
        claim_lines.hcpcs_code,
        claim_lines.level_of_care,
        coalesce(claim_lines.is_collateral, false) as is_collateral,
        member_months.sex,
        member_months.race_ethnicity,
        member_months.primary_language
    from claim_lines
    inner join beneficiary_ids
        on claim_lines.beneficiary_key = beneficiary_ids.beneficiary_key
    left join member_months
        on
            claim_lines.beneficiary_key = member_months.beneficiary_key
            and claim_lines.service_month = member_months.month_start

),

line_strata as (

-- Each approved line once per stratum dimension of the service (UT-03, UT-04).
    {{ stratify('approved_lines', line_stratum_columns) }}

),

beneficiaries_served as (

    -- Each beneficiary once per month, county and kind of service, however many lines: the
    -- people counted by UT-01, UT-03, UT-05 and UT-09 need no more.
    select distinct
        beneficiary_id,
        county_fips,
        month_start,
        age_group,
        sex,
        race_ethnicity,
        primary_language,
        is_under_21,
        delivery_system,
        modality
    from approved_lines

),

served_strata as (

    -- Each beneficiary served once per month, county and stratum (UT-01, UT-02, UT-03): one
    -- served in two kinds of service of the same age group is one beneficiary_age_group row.
    select distinct
        beneficiary_id,
        county_fips,
        month_start,
        stratum_name,
        stratum_value
    from (
        {{ stratify('beneficiaries_served', served_stratum_columns) }}
    ) as service_strata

),

under_21_served as (

    -- UT-05: beneficiaries served under 21 (EPSDT age), once per month and county.
    select distinct
        beneficiary_id,
        county_fips,
        month_start
    from beneficiaries_served
    where is_under_21

),

dmc_ods_lines as (

    select * from approved_lines
    where delivery_system = 'DMC_ODS'

),

asam_strata as (

    -- UT-08: DMC-ODS lines by ASAM level of care (claim line level_of_care; `unknown` when
    -- missing, itself a BILL-07 finding).
    {{ stratify('dmc_ods_lines', {'asam_level': 'level_of_care'}) }}

),

beneficiary_months as (

    select distinct
        beneficiary_id,
        month_start
    from beneficiaries_served

),

engaged_months as (

    -- UT-09 engagement: the months in which a beneficiary was served and had been served in
    -- at least engagement_min_months of the engagement_window_months calendar months ending
    -- with it (policy_parameters; months counted statewide, in any county).
    select
        served.beneficiary_id,
        served.month_start
    from beneficiary_months as served
    inner join beneficiary_months as recent
        on
            served.beneficiary_id = recent.beneficiary_id
            and served.month_start >= recent.month_start
            and recent.month_start > {{ policy_subtract('month', 'engagement_window_months', 'served.month_start') }}
    group by
        served.beneficiary_id,
        served.month_start
    having count(*) >= {{ policy_value('engagement_min_months') }}

),

engaged_services as (

    -- The engaged beneficiary in that month, once in each county served in.
    select distinct
        beneficiaries_served.beneficiary_id,
        beneficiaries_served.county_fips,
        beneficiaries_served.month_start
    from beneficiaries_served
    inner join engaged_months
        on
            beneficiaries_served.beneficiary_id = engaged_months.beneficiary_id
            and beneficiaries_served.month_start = engaged_months.month_start

),

integrity_findings as (

    -- IN-01: program-integrity findings (one per line and rule broken) on approved lines.
    select
        approved_lines.month_start,
        approved_lines.county_fips,
        approved_lines.claim_id,
        approved_lines.line_number,
        findings.approved_amount_at_risk
    from {{ ref('fct_integrity_findings') }} as findings
    inner join approved_lines
        on
            findings.claim_id = approved_lines.claim_id
            and findings.line_number = approved_lines.line_number

),

integrity_lines as (

    -- IN-02 dollars at risk: each approved line with a finding once, with the largest amount
    -- any of its findings puts at risk (the line's approved amount; 0 when its only findings
    -- are BILL-03 warnings or it is the original of a BILL-11 duplicate set), so that a line
    -- breaking two rules is not counted twice.
    select
        month_start,
        county_fips,
        claim_id,
        line_number,
        max(approved_amount_at_risk) as amount_at_risk
    from integrity_findings
    group by
        month_start,
        county_fips,
        claim_id,
        line_number

),

{%- for kind, of_people in [('people', true), ('counted', false)] %}

    {{ kind }} as (
        {%- for fact_set in fact_set_list if (fact_set['unit'] in distinct_units) == of_people %}

            {{ metric_facts(fact_set_list.index(fact_set), fact_set) }}
            {%- if not loop.last %}

                union all
            {%- endif %}
        {%- endfor %}

    ),
{%- endfor %}

final as (

    -- Each people relation above holds a person once per month, county and stratum (tested
    -- where the metric months order every person's rows: int_waiver_metric_months_people_not_repeated),
    -- so the union needs no de-duplication.
    select
        fact_set,
        month_start,
        county_fips,
        stratum_name,
        stratum_value,
        unit_id,
        units,
        amount
    from people

    union all

    select
        fact_set,
        month_start,
        county_fips,
        stratum_name,
        stratum_value,
        unit_id,
        units,
        amount
    from counted

)

select * from final
