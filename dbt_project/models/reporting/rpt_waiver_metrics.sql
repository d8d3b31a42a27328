-- RPT-02: the tidy metrics table for federal reporting (42 CFR 431.424 / 431.428) and the
-- CalAIM 1115 evaluation, one row per metric, period, geography and stratum, with the
-- metric's value in its baseline period (431.424(c)(2)(ii)). Public: every count passes
-- suppress_counts (RPT-03). Metrics are described in the waiver_metrics_catalog seed.
--
-- Adding a metric: one `<metric>_numerator` CTE (and `<metric>_denominator` for a ratio)
-- giving metric_id, month_start, county_fips, stratum_name, stratum_value and unit_key (the
-- thing counted, counted distinct over the months of a period), added to numerator_facts /
-- denominator_facts, plus a catalog row. Utilization (UT-) and integrity (IN-) metrics read
-- the approved lines of fct_claim_lines and fct_integrity_findings.
{%- set state_fips = "'06'" %}

with

catalog as (

    select * from {{ ref('waiver_metrics_catalog') }}

),

periods as (

    select * from {{ ref('int_reporting_periods') }}

),

counties as (

    select
        county_fips,
        region
    from {{ ref('counties') }}

),

peers as (

    select
        certificant_id,
        county_fips,
        coalesce(age_group, 'unknown') as age_group,
        coalesce(gender, 'unknown') as gender,
        coalesce(race_ethnicity, 'unknown') as race_ethnicity,
        coalesce(primary_language, 'unknown') as primary_language
    from {{ ref('dim_peers') }}

),

peer_strata as (

    -- Each peer once per stratum dimension (attributes as of dim_peers.as_of_date).
    select
        certificant_id,
        'all' as stratum_name,
        'all' as stratum_value
    from peers
    union all
    select
        certificant_id,
        'age_group' as stratum_name,
        age_group as stratum_value
    from peers
    union all
    select
        certificant_id,
        'sex' as stratum_name,
        gender as stratum_value
    from peers
    union all
    select
        certificant_id,
        'race_ethnicity' as stratum_name,
        race_ethnicity as stratum_value
    from peers
    union all
    select
        certificant_id,
        'language' as stratum_name,
        primary_language as stratum_value
    from peers

),

active_months as (

    select * from {{ ref('int_peer_active_months') }}

),

complaints as (

    select
        complaint_id,
        county_fips,
        resolved_on_time,
        cast({{ dbt.date_trunc('month', 'received_date') }} as date) as month_start
    from {{ ref('fct_complaints') }}
    where received_date is not null

),

approved_lines as (

    -- Approved peer support claim lines (latest version), placed in the claim's county and
    -- service month.
    select
        {{ dbt.concat(['claim_id', "':'", 'cast(line_number as ' ~ dbt.type_string() ~ ')']) }} as line_key,
        claim_id,
        line_number,
        beneficiary_key,
        county_fips,
        service_month as month_start,
        coalesce(age_group, 'unknown') as age_group,
        coalesce(under_21, false) as is_under_21,
        coalesce(delivery_system, 'unknown') as delivery_system,
        coalesce(modality, 'unknown') as modality,
        hcpcs_code,
        coalesce(is_collateral, false) as is_collateral
    from {{ ref('fct_claim_lines') }}
    where claim_status = 'approved'

),

line_strata as (

    -- Each approved line once per stratum dimension of the service.
    select
        line_key,
        'all' as stratum_name,
        'all' as stratum_value
    from approved_lines
    union all
    select
        line_key,
        'age_group' as stratum_name,
        age_group as stratum_value
    from approved_lines
    union all
    select
        line_key,
        'delivery_system' as stratum_name,
        delivery_system as stratum_value
    from approved_lines
    union all
    select
        line_key,
        'modality' as stratum_name,
        modality as stratum_value
    from approved_lines

),

-- ------------------------------------------------------------------ metrics

wf_01_numerator as (

    -- WF-01 active certified peers, by county of residence and peer stratum.
    select
        'WF-01' as metric_id,
        active_months.month_start,
        active_months.county_fips,
        peer_strata.stratum_name,
        peer_strata.stratum_value,
        active_months.certificant_id as unit_key
    from active_months
    inner join peer_strata
        on active_months.certificant_id = peer_strata.certificant_id

),

wf_02_numerator as (

    -- WF-02 new certifications (first `certified` event), by peer stratum.
    select
        'WF-02' as metric_id,
        activity.activity_month as month_start,
        activity.county_fips,
        peer_strata.stratum_name,
        peer_strata.stratum_value,
        activity.certificant_id as unit_key
    from {{ ref('int_certification_activity') }} as activity
    inner join peer_strata
        on activity.certificant_id = peer_strata.certificant_id
    where activity.activity = 'new_certification'

),

wf_03_numerator as (

    -- WF-03 active certified peers per 100,000 Medi-Cal members: numerator.
    select
        'WF-03' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        certificant_id as unit_key
    from active_months

),

wf_03_denominator as (

    -- WF-03: distinct members eligible in some month of the period, county of responsibility.
    select
        'WF-03' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        beneficiary_key as unit_key
    from {{ ref('int_medi_cal_member_months') }}

),

pi_01_numerator as (

    -- PI-01 complaints per 100 active peers (PI-03): complaints received.
    select
        'PI-01' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        complaint_id as unit_key
    from complaints

),

pi_01_denominator as (

    select
        'PI-01' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        certificant_id as unit_key
    from active_months

),

pi_02_numerator as (

    -- PI-02 complaints resolved on time (PI-04), among those judged.
    select
        'PI-02' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        complaint_id as unit_key
    from complaints
    where resolved_on_time

),

pi_02_denominator as (

    select
        'PI-02' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        complaint_id as unit_key
    from complaints
    where resolved_on_time is not null

),

cf_01_numerator as (

    -- CF-01 certification findings (CERT-01..CERT-09), by the peer's county of residence.
    select
        'CF-01' as metric_id,
        cast({{ dbt.date_trunc('month', 'findings.detected_on') }} as date) as month_start,
        peers.county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        {{ dbt.concat(['findings.event_id', "':'", 'findings.rule_id']) }} as unit_key
    from {{ ref('fct_certification_findings') }} as findings
    left join peers
        on findings.certificant_id = peers.certificant_id

),

ut_01_numerator as (

    -- UT-01 beneficiaries served (distinct beneficiaries with an approved line), by stratum
    -- of the service (a beneficiary served in two modalities counts in each).
    select
        'UT-01' as metric_id,
        approved_lines.month_start,
        approved_lines.county_fips,
        line_strata.stratum_name,
        line_strata.stratum_value,
        approved_lines.beneficiary_key as unit_key
    from approved_lines
    inner join line_strata
        on approved_lines.line_key = line_strata.line_key

),

ut_02_numerator as (

    -- UT-02 penetration: beneficiaries served per 100 Medi-Cal members of the county.
    select
        'UT-02' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        beneficiary_key as unit_key
    from approved_lines

),

ut_02_denominator as (

    select
        'UT-02' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        beneficiary_key as unit_key
    from {{ ref('int_medi_cal_member_months') }}

),

ut_03_numerator as (

    -- UT-03 services per beneficiary served: approved lines / distinct beneficiaries.
    select
        'UT-03' as metric_id,
        approved_lines.month_start,
        approved_lines.county_fips,
        line_strata.stratum_name,
        line_strata.stratum_value,
        approved_lines.line_key as unit_key
    from approved_lines
    inner join line_strata
        on approved_lines.line_key = line_strata.line_key

),

ut_03_denominator as (

    select
        'UT-03' as metric_id,
        month_start,
        county_fips,
        stratum_name,
        stratum_value,
        unit_key
    from ut_01_numerator

),

ut_04_numerator as (

    -- UT-04 telehealth or telephone share of approved lines (BILL-08).
    select
        'UT-04' as metric_id,
        approved_lines.month_start,
        approved_lines.county_fips,
        line_strata.stratum_name,
        line_strata.stratum_value,
        approved_lines.line_key as unit_key
    from approved_lines
    inner join line_strata
        on approved_lines.line_key = line_strata.line_key
    where
        approved_lines.modality <> 'in_person'
        and line_strata.stratum_name in ('all', 'delivery_system')

),

ut_04_denominator as (

    select
        'UT-04' as metric_id,
        approved_lines.month_start,
        approved_lines.county_fips,
        line_strata.stratum_name,
        line_strata.stratum_value,
        approved_lines.line_key as unit_key
    from approved_lines
    inner join line_strata
        on approved_lines.line_key = line_strata.line_key
    where line_strata.stratum_name in ('all', 'delivery_system')

),

ut_05_numerator as (

    -- UT-05 under-21 share of beneficiaries served (EPSDT, BILL-06).
    select
        'UT-05' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        beneficiary_key as unit_key
    from approved_lines
    where is_under_21

),

ut_05_denominator as (

    select
        'UT-05' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        beneficiary_key as unit_key
    from approved_lines

),

ut_06_numerator as (

    -- UT-06 collateral share of approved lines (BILL-09).
    select
        'UT-06' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        line_key as unit_key
    from approved_lines
    where is_collateral

),

ut_06_denominator as (

    select
        'UT-06' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        line_key as unit_key
    from approved_lines

),

ut_07_numerator as (

    -- UT-07 H0050 (contingency management, DMC-ODS) approved lines (BILL-02, BILL-04).
    select
        'UT-07' as metric_id,
        month_start,
        county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        line_key as unit_key
    from approved_lines
    where hcpcs_code = 'H0050'

),

in_01_numerator as (

    -- IN-01 program-integrity findings (one per line and rule) on approved lines.
    select
        'IN-01' as metric_id,
        approved_lines.month_start,
        approved_lines.county_fips,
        'all' as stratum_name,
        'all' as stratum_value,
        {{ dbt.concat(['approved_lines.line_key', "':'", 'findings.rule_id']) }} as unit_key
    from {{ ref('fct_integrity_findings') }} as findings
    inner join approved_lines
        on
            findings.claim_id = approved_lines.claim_id
            and findings.line_number = approved_lines.line_number

),

numerator_facts as (

    select * from wf_01_numerator
    union all
    select * from wf_02_numerator
    union all
    select * from wf_03_numerator
    union all
    select * from pi_01_numerator
    union all
    select * from pi_02_numerator
    union all
    select * from cf_01_numerator
    union all
    select * from ut_01_numerator
    union all
    select * from ut_02_numerator
    union all
    select * from ut_03_numerator
    union all
    select * from ut_04_numerator
    union all
    select * from ut_05_numerator
    union all
    select * from ut_06_numerator
    union all
    select * from ut_07_numerator
    union all
    select * from in_01_numerator

),

denominator_facts as (

    select * from wf_03_denominator
    union all
    select * from pi_01_denominator
    union all
    select * from pi_02_denominator
    union all
    select * from ut_02_denominator
    union all
    select * from ut_03_denominator
    union all
    select * from ut_04_denominator
    union all
    select * from ut_05_denominator
    union all
    select * from ut_06_denominator

),

-- ------------------------------------------------------------------ aggregation

{%- for side in ['numerator', 'denominator'] %}

    {{ side }}_placed as (

    -- Facts in the periods containing their month, with the county's region (NULL when
    -- the county is not one of the 58: counted statewide only).
        select
            facts.metric_id,
            periods.period_type,
            periods.period_start,
            facts.county_fips,
            counties.region,
            facts.stratum_name,
            facts.stratum_value,
            facts.unit_key
        from {{ side }}_facts as facts
        inner join periods
            on facts.month_start = periods.month_start
        left join counties
            on facts.county_fips = counties.county_fips

    ),

    {{ side }}_counts as (

        select
            metric_id,
            period_type,
            period_start,
            'state' as geography_level,
            {{ state_fips }} as geography_code,
            stratum_name,
            stratum_value,
            count(distinct unit_key) as {{ side }}
        from {{ side }}_placed
        group by
            metric_id,
            period_type,
            period_start,
            stratum_name,
            stratum_value

        union all

        select
            metric_id,
            period_type,
            period_start,
            'region' as geography_level,
            region as geography_code,
            stratum_name,
            stratum_value,
            count(distinct unit_key) as {{ side }}
        from {{ side }}_placed
        where region is not null
        group by
            metric_id,
            period_type,
            period_start,
            region,
            stratum_name,
            stratum_value

        union all

        select
            metric_id,
            period_type,
            period_start,
            'county' as geography_level,
            county_fips as geography_code,
            stratum_name,
            stratum_value,
            count(distinct unit_key) as {{ side }}
        from {{ side }}_placed
        where region is not null
        group by
            metric_id,
            period_type,
            period_start,
            county_fips,
            stratum_name,
            stratum_value

    ),
{%- endfor %}

geographies as (

    select
        'state' as geography_level,
        {{ state_fips }} as geography_code,
        cast(null as {{ dbt.type_string() }}) as parent_geography_code

    union all

    select distinct
        'region' as geography_level,
        region as geography_code,
        {{ state_fips }} as parent_geography_code
    from counties

    union all

    select
        'county' as geography_level,
        county_fips as geography_code,
        region as parent_geography_code
    from counties

),

period_list as (

    select distinct
        period_type,
        period_start,
        period_end,
        is_partial_period
    from periods

),

metric_strata as (

    -- The strata of each metric: `all`, and every stratum value counted anywhere.
    select
        metric_id,
        'all' as stratum_name,
        'all' as stratum_value
    from catalog

    union

    select
        metric_id,
        stratum_name,
        stratum_value
    from numerator_counts

    union

    select
        metric_id,
        stratum_name,
        stratum_value
    from denominator_counts

),

cell_keys as (

    -- Every metric, stratum, period and geography, so that zeros are shown and every county
    -- of a group is there for complementary suppression. Months carry the `all` stratum
    -- only: stratified monthly cells are nearly all small, and they multiply the table.
    select
        metric_strata.metric_id,
        period_list.period_type,
        period_list.period_start,
        geographies.geography_level,
        geographies.geography_code,
        metric_strata.stratum_name,
        metric_strata.stratum_value
    from metric_strata
    cross join period_list
    cross join geographies
    where metric_strata.stratum_name = 'all' or period_list.period_type <> 'month'

),

cells as (

    select
        cell_keys.metric_id,
        cell_keys.period_type,
        cell_keys.period_start,
        period_list.period_end,
        period_list.is_partial_period,
        cell_keys.geography_level,
        cell_keys.geography_code,
        geographies.parent_geography_code,
        cell_keys.stratum_name,
        cell_keys.stratum_value,
        catalog.rate_multiplier,
        coalesce(numerator_counts.numerator, 0) as numerator,
        case
            when catalog.denominator is null then null
            else coalesce(denominator_counts.denominator, 0)
        end as denominator
    from cell_keys
    inner join catalog
        on cell_keys.metric_id = catalog.metric_id
    inner join period_list
        on
            cell_keys.period_type = period_list.period_type
            and cell_keys.period_start = period_list.period_start
    inner join geographies
        on
            cell_keys.geography_level = geographies.geography_level
            and cell_keys.geography_code = geographies.geography_code
    left join numerator_counts
        on
            cell_keys.metric_id = numerator_counts.metric_id
            and cell_keys.period_type = numerator_counts.period_type
            and cell_keys.period_start = numerator_counts.period_start
            and cell_keys.geography_level = numerator_counts.geography_level
            and cell_keys.geography_code = numerator_counts.geography_code
            and cell_keys.stratum_name = numerator_counts.stratum_name
            and cell_keys.stratum_value = numerator_counts.stratum_value
    left join denominator_counts
        on
            cell_keys.metric_id = denominator_counts.metric_id
            and cell_keys.period_type = denominator_counts.period_type
            and cell_keys.period_start = denominator_counts.period_start
            and cell_keys.geography_level = denominator_counts.geography_level
            and cell_keys.geography_code = denominator_counts.geography_code
            and cell_keys.stratum_name = denominator_counts.stratum_name
            and cell_keys.stratum_value = denominator_counts.stratum_value

),

rated as (

    select
        cells.*,
        case
            when cells.denominator is null then cast(cells.numerator as decimal(18, 4))
            else cast(
                    round(cells.numerator * cells.rate_multiplier / nullif(cells.denominator, 0), 4) as decimal(18, 4)
                )
        end as rate
    from cells

),

suppressed as (

-- RPT-03: counts 1-10 suppressed, the rate with them; complementary suppression across
-- the counties (and regions) of the state, the counties of a region, and the values of
-- a stratum, within each metric and period.
    {{ suppress_counts(
        relation='rated',
        key_columns=[
            'metric_id', 'period_type', 'period_start', 'geography_level', 'geography_code',
            'parent_geography_code', 'stratum_name', 'stratum_value'
        ],
        count_columns=['numerator', 'denominator'],
        complement_groups=[
            ['metric_id', 'period_type', 'period_start', 'geography_level', 'stratum_name', 'stratum_value'],
            ['metric_id', 'period_type', 'period_start', 'parent_geography_code', 'stratum_name', 'stratum_value'],
            ['metric_id', 'period_type', 'period_start', 'geography_level', 'geography_code', 'stratum_name'],
        ],
        derived_columns={'rate': ['numerator', 'denominator']},
        passthrough_columns=['period_end', 'is_partial_period'],
    ) }}

),

baseline_periods as (

    -- For each metric and period type, the latest period ending on or before the catalog's
    -- baseline_period_end.
    select
        catalog.metric_id,
        period_list.period_type,
        max(period_list.period_start) as baseline_period_start
    from catalog
    inner join period_list
        on catalog.baseline_period_end >= period_list.period_end
    group by
        catalog.metric_id,
        period_list.period_type

),

final as (

    select
        cast(suppressed.metric_id as {{ dbt.type_string() }}) as metric_id,
        cast(suppressed.period_type as {{ dbt.type_string() }}) as period_type,
        cast(suppressed.period_start as date) as period_start,
        cast(suppressed.period_end as date) as period_end,
        cast(suppressed.is_partial_period as boolean) as is_partial_period,
        cast(suppressed.geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(suppressed.geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(suppressed.parent_geography_code as {{ dbt.type_string() }}) as parent_geography_code,
        cast(suppressed.stratum_name as {{ dbt.type_string() }}) as stratum_name,
        cast(suppressed.stratum_value as {{ dbt.type_string() }}) as stratum_value,
        cast(suppressed.numerator as bigint) as numerator,
        cast(suppressed.denominator as bigint) as denominator,
        cast(suppressed.rate as decimal(18, 4)) as rate,
        cast(baseline.period_start as date) as baseline_period_start,
        cast(baseline.rate as decimal(18, 4)) as baseline_rate,
        cast(suppressed.numerator_is_suppressed as boolean) as numerator_is_suppressed,
        cast(suppressed.denominator_is_suppressed as boolean) as denominator_is_suppressed,
        cast(suppressed.is_suppressed as boolean) as is_suppressed
    from suppressed
    left join baseline_periods
        on
            suppressed.metric_id = baseline_periods.metric_id
            and suppressed.period_type = baseline_periods.period_type
    left join suppressed as baseline
        on
            baseline_periods.metric_id = baseline.metric_id
            and baseline_periods.period_type = baseline.period_type
            and baseline_periods.baseline_period_start = baseline.period_start
            and suppressed.geography_level = baseline.geography_level
            and suppressed.geography_code = baseline.geography_code
            and suppressed.stratum_name = baseline.stratum_name
            and suppressed.stratum_value = baseline.stratum_value

)

select * from final
