{#
    waiver_metrics.sql: the metrics of rpt_waiver_metrics (RPT-02) as data, and the shapes
    every metric repeats, so that a metric is one entry of waiver_metric_definitions() rather
    than a copied CTE. Three models share them:

      int_waiver_metric_facts   the facts of every fact set, month, county and stratum
      int_waiver_metric_months  per period type: how many units each month adds to its period
      rpt_waiver_metrics        periods x geographies x strata, suppressed

    waiver_metric_definitions()
        The metric list. Each metric has an id (a waiver_metrics_catalog row), a numerator and,
        for a ratio, a denominator. A side is a dict:
          quantity          what the side counts, as the disclosure control knows it (a row of
                            the disclosure_quantities seed): one name for one number however
                            many metrics or outputs show it (RPT-03 across linked tables)
          relation          a CTE of int_waiver_metric_facts with month_start and county_fips
          unit              what is counted: `peer` or `beneficiary` (people, counted distinct
                            over the months of a period and the counties of an area), or
                            `line`, `finding`, `complaint` (one row of the relation each, in one
                            month and county: counted per month and summed), or `member_month`
                            (certified eligible members of a month, from the member_counts
                            aggregate, summed over the months: a per-member rate divides by
                            the average monthly members, member months / months of the period)
          weight            for a counted unit, the column a row counts as (default: 1 a row;
                            `eligible_members` for member months)
          stratified        true: stratum_name and stratum_value come from the relation (a CTE
                            built with stratify); otherwise the side is in the `all` stratum only
          where             a filter on the relation's rows
          amount            an expression summed over the period (an amount metric: the catalog
                            unit `dollars`)
          all_stratum_only  true: the side takes the `all` stratum of a stratified fact set
                            (the same facts as another metric's stratified side, counted once)
          strata            the stratum names the side takes of a stratified fact set (with
                            `all`), where the metric is published for some of them only

    waiver_metric_fact_sets()
        {'fact_sets': [side, ...], 'metric_sides': [(metric_id, side, fact_set, strata)]}: each
        distinct side (ignoring all_stratum_only and strata) is one fact set, numbered by its
        position; strata is the list of stratum names the metric takes of it (['all'] for
        all_stratum_only), or none for every stratum.
        Several metrics share a side (UT-01's numerator is UT-03's denominator), and a fact
        set is placed and counted once.

    waiver_metric_distinct_units()
        {unit: id column} of the units counted distinct.

    metric_facts(fact_set_number, fact_set)
        The facts of one fact set: fact_set, month_start, county_fips, stratum_name,
        stratum_value, and either unit_id (a person; units and amount NULL) or units (the
        number of rows in the month, county and stratum) and amount.

    stratify(relation, strata)
        Every row of `relation` once in the `all` stratum and once per stratum dimension:
        strata is {stratum_name: column}; the value is the column as text, `unknown` when NULL.

    peer_strata(), beneficiary_strata(), service_strata()
        The stratum dimensions of each population, {stratum_name: column}: a stratum's name
        says whose attribute it is (peers and beneficiaries have their own age groups), and the
        beneficiary strata are those of the member population (member_counts), so that every
        beneficiary stratum has its members as a denominator (UT-02).

    reporting_period_types()
        The period types of int_reporting_periods, shortest first.
#}
{% macro waiver_metric_definitions() -%}
    {%- set member_months = {'quantity': 'medi_cal_member_months', 'relation': 'member_strata', 'unit': 'member_month', 'weight': 'eligible_members', 'stratified': true} %}
    {%- set member_months_all = {'all_stratum_only': true} %}
    {%- do member_months_all.update(member_months) %}
    {%- set beneficiary_strata_names = ['all'] + (beneficiary_strata().keys() | list) %}
    {{ return([
        {'id': 'WF-01', 'numerator': {'quantity': 'active_peers', 'relation': 'active_peer_strata', 'unit': 'peer', 'stratified': true}},
        {'id': 'WF-02', 'numerator': {'quantity': 'newly_certified_peers', 'relation': 'new_certification_strata', 'unit': 'peer', 'stratified': true}},
        {'id': 'WF-03',
            'numerator': {'quantity': 'active_peers', 'relation': 'active_peer_strata', 'unit': 'peer', 'stratified': true, 'all_stratum_only': true},
            'denominator': member_months_all},
        {'id': 'PI-01',
            'numerator': {'quantity': 'complaints', 'relation': 'complaints', 'unit': 'complaint'},
            'denominator': {'quantity': 'active_peers', 'relation': 'active_peer_strata', 'unit': 'peer', 'stratified': true, 'all_stratum_only': true}},
        {'id': 'PI-02',
            'numerator': {'quantity': 'complaints_resolved_on_time', 'relation': 'complaints', 'unit': 'complaint', 'where': 'resolved_on_time'},
            'denominator': {'quantity': 'complaints_resolved', 'relation': 'complaints', 'unit': 'complaint', 'where': 'resolved_on_time is not null'}},
        {'id': 'CF-01', 'numerator': {'quantity': 'certification_findings', 'relation': 'certification_findings', 'unit': 'finding'}},
        {'id': 'UT-01', 'numerator': {'quantity': 'beneficiaries_served', 'relation': 'served_strata', 'unit': 'beneficiary', 'stratified': true}},
        {'id': 'UT-02',
            'numerator': {'quantity': 'beneficiaries_served', 'relation': 'served_strata', 'unit': 'beneficiary', 'stratified': true, 'strata': beneficiary_strata_names},
            'denominator': member_months},
        {'id': 'UT-03',
            'numerator': {'quantity': 'approved_lines', 'relation': 'line_strata', 'unit': 'line', 'stratified': true},
            'denominator': {'quantity': 'beneficiaries_served', 'relation': 'served_strata', 'unit': 'beneficiary', 'stratified': true,
                'strata': ['all', 'beneficiary_age_group'] + (service_strata().keys() | list)}},
        {'id': 'UT-04',
            'numerator': {'quantity': 'remote_lines', 'relation': 'line_strata', 'unit': 'line', 'stratified': true,
                'where': "modality <> 'in_person' and stratum_name in ('all', 'delivery_system')"},
            'denominator': {'quantity': 'approved_lines', 'relation': 'line_strata', 'unit': 'line', 'stratified': true,
                'where': "stratum_name in ('all', 'delivery_system')"}},
        {'id': 'UT-05',
            'numerator': {'quantity': 'beneficiaries_under_21_served', 'relation': 'under_21_served', 'unit': 'beneficiary'},
            'denominator': {'quantity': 'beneficiaries_served', 'relation': 'served_strata', 'unit': 'beneficiary', 'stratified': true, 'all_stratum_only': true}},
        {'id': 'UT-06',
            'numerator': {'quantity': 'collateral_lines', 'relation': 'approved_lines', 'unit': 'line', 'where': 'is_collateral'},
            'denominator': {'quantity': 'approved_lines', 'relation': 'approved_lines', 'unit': 'line'}},
        {'id': 'UT-07', 'numerator': {'quantity': 'h0050_lines', 'relation': 'approved_lines', 'unit': 'line', 'where': "hcpcs_code = 'H0050'"}},
        {'id': 'UT-08', 'numerator': {'quantity': 'dmc_ods_lines', 'relation': 'asam_strata', 'unit': 'line', 'stratified': true}},
        {'id': 'UT-09',
            'numerator': {'quantity': 'engaged_beneficiaries', 'relation': 'engaged_services', 'unit': 'beneficiary'},
            'denominator': {'quantity': 'beneficiaries_served', 'relation': 'served_strata', 'unit': 'beneficiary', 'stratified': true, 'all_stratum_only': true}},
        {'id': 'IN-01', 'numerator': {'quantity': 'integrity_findings', 'relation': 'integrity_findings', 'unit': 'finding'}},
        {'id': 'IN-02', 'numerator': {'quantity': 'lines_at_risk', 'relation': 'integrity_lines', 'unit': 'line', 'amount': 'amount_at_risk'}},
    ]) }}
{%- endmacro %}


{% macro peer_strata() -%}
    {{ return({
        'peer_age_group': 'age_group',
        'peer_sex': 'gender',
        'peer_race_ethnicity': 'race_ethnicity',
        'peer_language': 'primary_language',
    }) }}
{%- endmacro %}


{% macro beneficiary_strata() -%}
    {{ return({
        'beneficiary_age_group': 'age_group',
        'beneficiary_sex': 'sex',
        'beneficiary_race_ethnicity': 'race_ethnicity',
        'beneficiary_language': 'primary_language',
    }) }}
{%- endmacro %}


{% macro service_strata() -%}
    {{ return({
        'delivery_system': 'delivery_system',
        'modality': 'modality',
    }) }}
{%- endmacro %}


{% macro waiver_metric_distinct_units() -%}
    {{ return({'peer': 'peer_id', 'beneficiary': 'beneficiary_id'}) }}
{%- endmacro %}


{% macro waiver_metric_fact_sets() -%}
    {%- set fact_sets = [] %}
    {%- set metric_sides = [] %}
    {%- for metric in waiver_metric_definitions() %}
        {%- for side in ['numerator', 'denominator'] if side in metric %}
            {%- set spec = {} %}
            {%- for key, value in metric[side].items() if key not in ['all_stratum_only', 'strata'] %}
                {%- do spec.update({key: value}) %}
            {%- endfor %}
            {%- if spec not in fact_sets %}
                {%- do fact_sets.append(spec) %}
            {%- endif %}
            {%- do metric_sides.append((
                metric['id'], side, fact_sets.index(spec),
                ['all'] if metric[side].get('all_stratum_only', false) else metric[side].get('strata')
            )) %}
        {%- endfor %}
    {%- endfor %}
    {{ return({'fact_sets': fact_sets, 'metric_sides': metric_sides}) }}
{%- endmacro %}


{% macro metric_facts(fact_set_number, fact_set) -%}
    {%- set distinct_units = waiver_metric_distinct_units() %}
    {%- set strata = ['stratum_name', 'stratum_value'] if fact_set.get('stratified') else [] %}
    select
        {{ fact_set_number }} as fact_set,
        month_start,
        county_fips,
        {%- if fact_set.get('stratified') %}
        stratum_name,
        stratum_value,
        {%- else %}
        'all' as stratum_name,
        'all' as stratum_value,
        {%- endif %}
        {%- if fact_set['unit'] in distinct_units %}
        cast({{ distinct_units[fact_set['unit']] }} as bigint) as unit_id,
        cast(null as bigint) as units,
        cast(null as decimal(18, 2)) as amount
        {%- else %}
        cast(null as bigint) as unit_id,
        cast({{ ('sum(' ~ fact_set['weight'] ~ ')') if fact_set.get('weight') else 'count(*)' }} as bigint) as units,
        cast({{ ('sum(' ~ fact_set['amount'] ~ ')') if fact_set.get('amount') else 'null' }} as decimal(18, 2)) as amount
        {%- endif %}
    from {{ fact_set['relation'] }}
    {%- if fact_set.get('where') %}
    where {{ fact_set['where'] }}
    {%- endif %}
    {%- if fact_set['unit'] not in distinct_units %}
    group by
        {{ (['month_start', 'county_fips'] + strata) | join(',\n        ') }}
    {%- endif %}
{%- endmacro %}


{% macro stratify(relation, strata) -%}
    select
        {{ relation }}.*,
        'all' as stratum_name,
        'all' as stratum_value
    from {{ relation }}
    {%- for stratum_name, column in strata.items() %}
    union all
    select
        {{ relation }}.*,
        '{{ stratum_name }}' as stratum_name,
        coalesce(cast({{ column }} as {{ dbt.type_string() }}), 'unknown') as stratum_value
    from {{ relation }}
    {%- endfor %}
{%- endmacro %}


{% macro reporting_period_types() -%}
    {{ return(['month', 'quarter', 'state_fiscal_year', 'calendar_year', 'demonstration_year']) }}
{%- endmacro %}
