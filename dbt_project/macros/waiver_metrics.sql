{#
    waiver_metrics.sql: the two shapes every metric of rpt_waiver_metrics (RPT-02) repeats, so
    that a metric is one line of its metric list rather than a copied CTE.

    metric_facts(metric_id, relation, unit_key, where=none, stratified=false, amount=none)
        The facts of one side (numerator or denominator) of one metric: metric_id,
        month_start, county_fips, stratum_name, stratum_value, unit_key (the thing counted,
        counted distinct over the months of a period, or per month and summed for the additive
        units of rpt_waiver_metrics) and amount (summed over the period; NULL
        except for an amount metric). `relation` is a CTE with month_start and county_fips;
        stratified=true takes stratum_name and stratum_value from it (a CTE built with
        stratify), otherwise the fact is in the `all` stratum only. `where` filters the rows;
        `amount` is an expression of the relation's columns, one value per unit_key.

    stratify(relation, strata)
        Every row of `relation` once in the `all` stratum and once per stratum dimension:
        strata is {stratum_name: column}; the value is the column as text, `unknown` when NULL.
#}
{% macro metric_facts(metric_id, relation, unit_key, where=none, stratified=false, amount=none) -%}
    select
        '{{ metric_id }}' as metric_id,
        month_start,
        county_fips,
        {%- if stratified %}
        stratum_name,
        stratum_value,
        {%- else %}
        'all' as stratum_name,
        'all' as stratum_value,
        {%- endif %}
        {{ unit_key }} as unit_key,
        cast({{ amount if amount else 'null' }} as decimal(18, 2)) as amount
    from {{ relation }}
    {%- if where %}
    where {{ where }}
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
