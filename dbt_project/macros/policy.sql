{#
    policy.sql: the one way a model reads a policy parameter (rules.md: "every number in these
    rules is a policy parameter ... kept as data").

    Every number or date a rule uses (hours, years, thresholds, cut-off dates) is a row of the
    `policy_parameters` seed (parameter_name, rule_id, value_numeric, value_date, unit,
    effective_from, effective_to, source). Models never write such a number in SQL; they call

        {{ policy_value('renewal_ce_hours') }}                      the value in force now
        {{ policy_value('renewal_ce_hours', 'renewals.event_date') }}   in force on a date
        {{ policy_date('grandparent_cutoff_date', 'applications.event_date') }}
        {{ policy_add('year', 'reinstatement_window_years', 'expiration_date') }}

    Each renders a scalar subquery on ref('policy_parameters'), so the value is read when the
    model RUNS, not when it compiles: change a value in seeds/policy_parameters.csv, run
    `dbt build` again (the seed reloads first) and the findings change with no code change.
    Because the macros call ref(), every model (and every unit test of it) depends on the seed.

    Effective dating: a parameter may have several rows, one per period
    [effective_from, effective_to] (both inclusive; effective_to empty = still in force; the
    periods of one parameter must not overlap, see the seed's tests).
      - as_of given (a SQL date expression, usually the date the rule judges, e.g. the renewal
        date): the row whose period contains that date. A date in no period takes the latest
        row that started before it (a parameter whose last period was closed keeps its last
        value), and a date before the first period takes the first row (the program's rules
        before then are not modelled).
      - as_of omitted: the same lookup for a date far in the future, i.e. the row in force now.
    A parameter with no row at all stops the run with an error naming it (policy_missing), so a
    typo or a deleted row can never silently switch a rule off.

    Contents:
      policy_value(name, as_of=none)            value_numeric (decimal)
      policy_date(name, as_of=none)             value_date (date)
      policy_add(datepart, name, date_expr, as_of=none)
                                                date_expr + <value> datepart(s), as a date
      policy_subtract(datepart, name, date_expr, as_of=none)
                                                date_expr - <value> datepart(s), as a date
      policies_by_date(relation, date_column, parameters)
                                                one row per distinct date of a relation with
                                                the parameters in force that day: join it
                                                instead of looking up per row of a large table
      policy_lookup(name, column, as_of)        helper: the scalar subquery itself
      policy_missing(name)                      dispatched helper: raise a run-time error
      test policy_periods_do_not_overlap        generic test for the seed
#}


{% macro policy_value(parameter_name, as_of=none) -%}
    {{ return(policy_lookup(parameter_name, 'value_numeric', as_of)) }}
{%- endmacro %}


{% macro policy_date(parameter_name, as_of=none) -%}
    {{ return(policy_lookup(parameter_name, 'value_date', as_of)) }}
{%- endmacro %}


{#
    policy_add(datepart, parameter_name, date_expr, as_of=none): date_expr moved forward by the
    parameter's value in `datepart` units ('year', 'month', 'day'), cast back to a date (dbt's
    dateadd returns a timestamp on some engines); the value is used as a whole number of units.
    policy_subtract moves it back.
#}
{% macro policy_add(datepart, parameter_name, date_expr, as_of=none) -%}
    cast({{ dbt.dateadd(datepart, policy_value(parameter_name, as_of), date_expr) }} as date)
{%- endmacro %}

{% macro policy_subtract(datepart, parameter_name, date_expr, as_of=none) -%}
    cast({{ dbt.dateadd(datepart, '-1 * ' ~ policy_value(parameter_name, as_of), date_expr) }} as date)
{%- endmacro %}


{#
    policies_by_date(relation, date_column, parameters): a select of one row per distinct
    `date_column` of `relation`, with each parameter in force on that date, as a column named
    after it. parameters is {name: 'value' | 'date'} (policy_value or policy_date). Every
    lookup is a scalar subquery, so a model judging millions of rows joins this on the date
    (a few thousand lookups) instead of calling policy_value per row: per row, the EPSDT age
    limit alone took the claim-line enrichment from 13 s to 134 s at 10M lines.
#}
{% macro policies_by_date(relation, date_column, parameters) -%}
    select
        {{ date_column }},
        {%- for name, kind in parameters.items() %}
        {{ policy_lookup(name, 'value_date' if kind == 'date' else 'value_numeric', date_column) }}
            as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select distinct {{ date_column }} from {{ relation }}
    ) as policy_dates
{%- endmacro %}


{% macro policy_lookup(parameter_name, column, as_of=none) -%}
    {%- set parameters = ref('policy_parameters') -%}
    {%- set name_literal = "'" ~ parameter_name ~ "'" -%}
    {%- set on_date = as_of if as_of is not none else "cast('9999-12-31' as date)" -%}
    coalesce(
        (
            select max(dated_parameter.{{ column }})
            from {{ parameters }} as dated_parameter
            where
                dated_parameter.parameter_name = {{ name_literal }}
                and dated_parameter.effective_from <= {{ on_date }}
                and (dated_parameter.effective_to is null or dated_parameter.effective_to >= {{ on_date }})
        ),
        (
            select max(earlier_parameter.{{ column }})
            from {{ parameters }} as earlier_parameter
            where
                earlier_parameter.parameter_name = {{ name_literal }}
                and earlier_parameter.effective_from = (
                    select max(latest_parameter.effective_from)
                    from {{ parameters }} as latest_parameter
                    where
                        latest_parameter.parameter_name = {{ name_literal }}
                        and latest_parameter.effective_from <= {{ on_date }}
                )
        ),
        (
            select max(first_parameter.{{ column }})
            from {{ parameters }} as first_parameter
            where
                first_parameter.parameter_name = {{ name_literal }}
                and first_parameter.effective_from = (
                    select min(earliest_parameter.effective_from)
                    from {{ parameters }} as earliest_parameter
                    where earliest_parameter.parameter_name = {{ name_literal }}
                )
        ),
        {{ policy_missing(parameter_name) }}
    )
{%- endmacro %}


{#
    policy_missing(parameter_name): an expression that fails the query at run time with a
    message naming the parameter. Only evaluated when the lookup found no row (coalesce).
#}
{% macro policy_missing(parameter_name) -%}
    {{ return(adapter.dispatch('policy_missing')(parameter_name)) }}
{%- endmacro %}

{% macro duckdb__policy_missing(parameter_name) -%}
    error('policy parameter {{ parameter_name }} has no row in the policy_parameters seed')
{%- endmacro %}

{% macro spark__policy_missing(parameter_name) -%}
    raise_error('policy parameter {{ parameter_name }} has no row in the policy_parameters seed')
{%- endmacro %}

{% macro default__policy_missing(parameter_name) -%}
    {{ exceptions.raise_compiler_error(
        "policy_missing has no implementation for adapter '" ~ adapter.type()
        ~ "': add " ~ adapter.type() ~ "__policy_missing to macros/policy.sql"
    ) }}
{%- endmacro %}


{#
    Generic test policy_periods_do_not_overlap: no two rows of one parameter have overlapping
    [effective_from, effective_to] periods (empty effective_to = open-ended), so a parameter has
    at most one value on any date. Fails with one row per overlapping pair.
#}
{% test policy_periods_do_not_overlap(model) %}

with

numbered as (

    select
        parameter_name,
        effective_from,
        coalesce(effective_to, cast('9999-12-31' as date)) as effective_through,
        row_number() over (order by parameter_name, effective_from, effective_to) as row_id
    from {{ model }}

)

select
    first_period.parameter_name,
    first_period.effective_from as first_effective_from,
    second_period.effective_from as second_effective_from
from numbered as first_period
inner join numbered as second_period
    on
        first_period.parameter_name = second_period.parameter_name
        and first_period.row_id < second_period.row_id
where
    first_period.effective_from <= second_period.effective_through
    and second_period.effective_from <= first_period.effective_through

{% endtest %}
