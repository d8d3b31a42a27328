-- RPT-02: the tidy metrics table for federal reporting (42 CFR 431.424 / 431.428) and the
-- CalAIM 1115 evaluation, one row per metric, period, geography and stratum, with the
-- metric's value in its baseline period (431.424(c)(2)(ii)). Public: every count passes
-- suppress_counts (RPT-03). Metrics are described in the waiver_metrics_catalog seed.
--
-- Adding a metric: a catalog row, and an entry in the `metrics` list below naming the CTE its
-- numerator (and, for a ratio, its denominator) is counted from (arguments of metric_facts,
-- macros/waiver_metrics.sql). A CTE gives month_start, county_fips and the unit counted; a
-- stratified one comes from stratify(). Utilization (UT-) and integrity (IN-) metrics read the
-- approved lines of fct_claim_lines and fct_integrity_findings. An amount metric (catalog unit
-- `dollars`) publishes the summed amount as its rate, suppressed with its count.
{%- set state_fips = "'06'" %}
{#- A claim line, a finding and a complaint fall in one month and one county: their counts are
    taken per month and county and summed over the months of a period and the counties of a
    region. Peers and beneficiaries recur over months and counties: they are counted distinct. #}
{%- set additive_units = ['line_key', 'finding_key', 'complaint_id'] %}
{%- set metrics = [
    {'id': 'WF-01', 'numerator': {'relation': 'active_peer_strata', 'unit_key': 'certificant_id', 'stratified': true}},
    {'id': 'WF-02', 'numerator': {'relation': 'new_certification_strata', 'unit_key': 'certificant_id', 'stratified': true}},
    {'id': 'WF-03',
        'numerator': {'relation': 'active_months', 'unit_key': 'certificant_id'},
        'denominator': {'relation': 'member_months', 'unit_key': 'beneficiary_key'}},
    {'id': 'PI-01',
        'numerator': {'relation': 'complaints', 'unit_key': 'complaint_id'},
        'denominator': {'relation': 'active_months', 'unit_key': 'certificant_id'}},
    {'id': 'PI-02',
        'numerator': {'relation': 'complaints', 'unit_key': 'complaint_id', 'where': 'resolved_on_time'},
        'denominator': {'relation': 'complaints', 'unit_key': 'complaint_id', 'where': 'resolved_on_time is not null'}},
    {'id': 'CF-01', 'numerator': {'relation': 'certification_findings', 'unit_key': 'finding_key'}},
    {'id': 'UT-01', 'numerator': {'relation': 'line_strata', 'unit_key': 'beneficiary_key', 'stratified': true}},
    {'id': 'UT-02',
        'numerator': {'relation': 'approved_lines', 'unit_key': 'beneficiary_key'},
        'denominator': {'relation': 'member_months', 'unit_key': 'beneficiary_key'}},
    {'id': 'UT-03',
        'numerator': {'relation': 'line_strata', 'unit_key': 'line_key', 'stratified': true},
        'denominator': {'relation': 'line_strata', 'unit_key': 'beneficiary_key', 'stratified': true}},
    {'id': 'UT-04',
        'numerator': {'relation': 'line_strata', 'unit_key': 'line_key', 'stratified': true,
            'where': "modality <> 'in_person' and stratum_name in ('all', 'delivery_system')"},
        'denominator': {'relation': 'line_strata', 'unit_key': 'line_key', 'stratified': true,
            'where': "stratum_name in ('all', 'delivery_system')"}},
    {'id': 'UT-05',
        'numerator': {'relation': 'approved_lines', 'unit_key': 'beneficiary_key', 'where': 'is_under_21'},
        'denominator': {'relation': 'approved_lines', 'unit_key': 'beneficiary_key'}},
    {'id': 'UT-06',
        'numerator': {'relation': 'approved_lines', 'unit_key': 'line_key', 'where': 'is_collateral'},
        'denominator': {'relation': 'approved_lines', 'unit_key': 'line_key'}},
    {'id': 'UT-07', 'numerator': {'relation': 'approved_lines', 'unit_key': 'line_key', 'where': "hcpcs_code = 'H0050'"}},
    {'id': 'UT-08', 'numerator': {'relation': 'asam_strata', 'unit_key': 'line_key', 'stratified': true}},
    {'id': 'UT-09',
        'numerator': {'relation': 'engaged_lines', 'unit_key': 'beneficiary_key'},
        'denominator': {'relation': 'approved_lines', 'unit_key': 'beneficiary_key'}},
    {'id': 'IN-01', 'numerator': {'relation': 'integrity_findings', 'unit_key': 'finding_key'}},
    {'id': 'IN-02', 'numerator': {'relation': 'integrity_lines', 'unit_key': 'line_key', 'amount': 'amount_at_risk'}},
] %}

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
        age_group,
        gender,
        race_ethnicity,
        primary_language
    from {{ ref('dim_peers') }}

),

peer_strata as (

-- Each peer once per stratum dimension (attributes as of dim_peers.as_of_date).
    {{ stratify('peers', {
        'age_group': 'age_group',
        'sex': 'gender',
        'race_ethnicity': 'race_ethnicity',
        'language': 'primary_language',
    }) }}

),

active_months as (

    select * from {{ ref('int_peer_active_months') }}

),

active_peer_strata as (

    -- WF-01: active peers by county of residence and peer stratum.
    select
        active_months.month_start,
        active_months.county_fips,
        active_months.certificant_id,
        peer_strata.stratum_name,
        peer_strata.stratum_value
    from active_months
    inner join peer_strata
        on active_months.certificant_id = peer_strata.certificant_id

),

new_certification_strata as (

    -- WF-02: new certifications (first `certified` event), by peer stratum.
    select
        activity.activity_month as month_start,
        activity.county_fips,
        activity.certificant_id,
        peer_strata.stratum_name,
        peer_strata.stratum_value
    from {{ ref('int_certification_activity') }} as activity
    inner join peer_strata
        on activity.certificant_id = peer_strata.certificant_id
    where activity.activity = 'new_certification'

),

member_months as (

    -- Members eligible in a month, county of responsibility (WF-03, UT-02 denominators).
    select
        month_start,
        county_fips,
        beneficiary_key
    from {{ ref('int_medi_cal_member_months') }}

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

certification_findings as (

    -- CF-01: one finding per judged event and rule, by the peer's county of residence.
    select
        peers.county_fips,
        cast({{ dbt.date_trunc('month', 'findings.detected_on') }} as date) as month_start,
        {{ dbt.concat(['findings.event_id', "':'", 'findings.rule_id']) }} as finding_key
    from {{ ref('fct_certification_findings') }} as findings
    left join peers
        on findings.certificant_id = peers.certificant_id

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
        age_group,
        coalesce(under_21, false) as is_under_21,
        delivery_system,
        coalesce(modality, 'unknown') as modality,
        hcpcs_code,
        level_of_care,
        coalesce(is_collateral, false) as is_collateral
    from {{ ref('fct_claim_lines') }}
    where claim_status = 'approved'

),

line_strata as (

-- Each approved line once per stratum dimension of the service (UT-01, UT-03, UT-04).
    {{ stratify('approved_lines', {
        'age_group': 'age_group',
        'delivery_system': 'delivery_system',
        'modality': 'modality',
    }) }}

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
        beneficiary_key,
        month_start
    from approved_lines

),

engaged_months as (

    -- UT-09 engagement: the months in which a beneficiary was served and had been served in
    -- at least engagement_min_months of the engagement_window_months calendar months ending
    -- with it (policy_parameters; months counted statewide, in any county).
    select
        served.beneficiary_key,
        served.month_start
    from beneficiary_months as served
    inner join beneficiary_months as recent
        on
            served.beneficiary_key = recent.beneficiary_key
            and served.month_start >= recent.month_start
            and recent.month_start > {{ policy_subtract('month', 'engagement_window_months', 'served.month_start') }}
    group by
        served.beneficiary_key,
        served.month_start
    having count(*) >= {{ policy_value('engagement_min_months') }}

),

engaged_lines as (

    -- The engaged beneficiary's approved lines of that month: placed in each county served in.
    select approved_lines.*
    from approved_lines
    inner join engaged_months
        on
            approved_lines.beneficiary_key = engaged_months.beneficiary_key
            and approved_lines.month_start = engaged_months.month_start

),

integrity_findings as (

    -- IN-01: program-integrity findings (one per line and rule broken) on approved lines.
    select
        approved_lines.month_start,
        approved_lines.county_fips,
        approved_lines.line_key,
        findings.approved_amount_at_risk,
        {{ dbt.concat(['approved_lines.line_key', "':'", 'findings.rule_id']) }} as finding_key
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
        line_key,
        max(approved_amount_at_risk) as amount_at_risk
    from integrity_findings
    group by
        month_start,
        county_fips,
        line_key

),

-- ------------------------------------------------------------------ metric facts
{#- Several metrics share a side (UT-01's numerator is UT-03's denominator; WF-03 and UT-02
    share the members): each distinct fact set is placed and counted once. #}
{%- set fact_sets = [] %}
{%- set metric_sides = [] %}
{%- for metric in metrics %}
    {%- for side in ['numerator', 'denominator'] if side in metric %}
        {%- if metric[side] not in fact_sets %}
            {%- do fact_sets.append(metric[side]) %}
        {%- endif %}
        {%- do metric_sides.append((metric['id'], side, 'set_' ~ fact_sets.index(metric[side]))) %}
    {%- endfor %}
{%- endfor %}

{%- for kind in ['additive', 'distinct'] %}

    {{ kind }}_facts as (
        {%- for fact_set in fact_sets if (fact_set['unit_key'] in additive_units) == (kind == 'additive') %}

            {{ metric_facts('set_' ~ fact_sets.index(fact_set), **fact_set) }}
            {%- if not loop.last %}

                union all
            {%- endif %}
        {%- endfor %}

    ),
{%- endfor %}

additive_months as (

    select
        metric_id as fact_set,
        month_start,
        county_fips,
        stratum_name,
        stratum_value,
        count(distinct unit_key) as units,
        sum(amount) as amount
    from additive_facts
    group by
        metric_id,
        month_start,
        county_fips,
        stratum_name,
        stratum_value

),

unit_months as (

    select distinct
        metric_id as fact_set,
        month_start,
        county_fips,
        stratum_name,
        stratum_value,
        unit_key
    from distinct_facts

),

unit_quarters as (

    select distinct
        unit_months.fact_set,
        periods.period_start,
        unit_months.county_fips,
        unit_months.stratum_name,
        unit_months.stratum_value,
        unit_months.unit_key
    from unit_months
    inner join periods
        on
            unit_months.month_start = periods.month_start
            and periods.period_type = 'quarter'

),

unit_periods as (

    -- Each peer or beneficiary once per period, county and stratum. Months publish the `all`
    -- stratum only (cell_keys). Years are built from quarters, which is far less work than
    -- from months: every year period is made of whole quarters
    -- (assert_reporting_years_are_whole_quarters).
    select
        fact_set,
        'month' as period_type,
        month_start as period_start,
        county_fips,
        stratum_name,
        stratum_value,
        unit_key
    from unit_months
    where stratum_name = 'all'

    union all

    select
        fact_set,
        'quarter' as period_type,
        period_start,
        county_fips,
        stratum_name,
        stratum_value,
        unit_key
    from unit_quarters

    union all

    select distinct
        unit_quarters.fact_set,
        periods.period_type,
        periods.period_start,
        unit_quarters.county_fips,
        unit_quarters.stratum_name,
        unit_quarters.stratum_value,
        unit_quarters.unit_key
    from unit_quarters
    inner join periods
        on
            unit_quarters.period_start = periods.month_start
            and periods.period_type not in ('month', 'quarter')

),

placed as (

    -- Facts in the periods containing them, with the county's region (NULL when the county
    -- is not one of the 58: counted statewide only). `units` is NULL for a distinct unit.
    select
        additive_months.fact_set,
        periods.period_type,
        periods.period_start,
        additive_months.county_fips,
        additive_months.stratum_name,
        additive_months.stratum_value,
        cast(null as {{ dbt.type_string() }}) as unit_key,
        additive_months.units,
        additive_months.amount
    from additive_months
    inner join periods
        on additive_months.month_start = periods.month_start
    -- Months publish the `all` stratum only (cell_keys): do not count the others.
    where additive_months.stratum_name = 'all' or periods.period_type <> 'month'

    union all

    select
        fact_set,
        period_type,
        period_start,
        county_fips,
        stratum_name,
        stratum_value,
        unit_key,
        cast(null as {{ dbt.type_int() }}) as units,
        cast(null as decimal(18, 2)) as amount
    from unit_periods

),

placed_in_regions as (

    select
        placed.*,
        counties.region
    from placed
    left join counties
        on placed.county_fips = counties.county_fips

),

fact_set_counts as (
    {%- for level, code in [('state', state_fips), ('region', 'region'), ('county', 'county_fips')] %}

        select
            fact_set,
            period_type,
            period_start,
            '{{ level }}' as geography_level,
            {{ code }} as geography_code,
            stratum_name,
            stratum_value,
            -- A distinct unit is in one row per county: a county counts rows, a wider area
            -- counts units distinct.
            {%- if level == 'county' %}
                coalesce(sum(units), count(unit_key)) as units,
            {%- else %}
                coalesce(sum(units), count(distinct unit_key)) as units,
            {%- endif %}
            sum(amount) as amount
        from placed_in_regions
        {%- if level != 'state' %}
            where region is not null
        {%- endif %}
        group by
            fact_set,
            period_type,
            period_start,
            {%- if level != 'state' %}
                {{ code }},
            {%- endif %}
            stratum_name,
            stratum_value
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

metric_sides as (
    {%- for metric_id, side, fact_set in metric_sides %}

        select
            '{{ metric_id }}' as metric_id,
            '{{ side }}' as side,
            '{{ fact_set }}' as fact_set
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),
{%- for side in ['numerator', 'denominator'] %}

    {{ side }}_counts as (

        select
            metric_sides.metric_id,
            fact_set_counts.period_type,
            fact_set_counts.period_start,
            fact_set_counts.geography_level,
            fact_set_counts.geography_code,
            fact_set_counts.stratum_name,
            fact_set_counts.stratum_value,
            fact_set_counts.units as {{ side }},
            fact_set_counts.amount as {{ side }}_amount
        from fact_set_counts
        inner join metric_sides
            on fact_set_counts.fact_set = metric_sides.fact_set
        where metric_sides.side = '{{ side }}'

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
        numerator_counts.numerator_amount as amount,
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
            -- A count publishes itself; an amount metric (catalog unit `dollars`) its amount.
            when cells.denominator is null then cast(coalesce(cells.amount, cells.numerator) as decimal(18, 4))
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
