{#
    The suppression pattern of the disclosure control (RPT-03), applied to a public output.

    The pattern (source disclosure.suppression, read as stg_disclosure__suppression) is
    written by the Dagster asset disclosure/suppression (peerwh/disclosure) between the
    dbt build of the warehouse and that of the public outputs: one row per cell of
    int_disclosure_cells with the value it was protected with and whether it is suppressed.
    An output shows a count only when the pattern has its cell, with the same value, not
    suppressed: a cell the pattern lacks or that changed since is suppressed (fails closed),
    so a build that skipped the disclosure control publishes no count at all.

        left join {{ ref('stg_disclosure__suppression') }} as numerator_pattern
            on {{ disclosure_cell_matches('numerator_pattern', 'cells', 'cells.numerator_quantity') }}
        ...
        {{ disclosed('numerator_pattern', 'cells.numerator') }} as numerator,
        {{ disclosure_suppressed('numerator_pattern', 'cells.numerator') }} as numerator_is_suppressed
#}
{% macro disclosure_cell_matches(pattern, cells, quantity) -%}
    {{ pattern }}.quantity = {{ quantity }}
    and {{ pattern }}.period_start = {{ cells }}.period_start
    and {{ pattern }}.period_end = {{ cells }}.period_end
    and {{ pattern }}.geography_level = {{ cells }}.geography_level
    and {{ pattern }}.geography_code = {{ cells }}.geography_code
    and {{ pattern }}.stratum_name = {{ cells }}.stratum_name
    and {{ pattern }}.stratum_value = {{ cells }}.stratum_value
{%- endmacro %}


{% macro disclosure_shown(pattern, value) -%}
    coalesce(not {{ pattern }}.is_suppressed and {{ pattern }}.value = {{ value }}, false)
{%- endmacro %}


{% macro disclosed(pattern, value) -%}
    case when {{ disclosure_shown(pattern, value) }} then {{ value }} end
{%- endmacro %}


{% macro disclosure_suppressed(pattern, value) -%}
    ({{ value }} is not null and not {{ disclosure_shown(pattern, value) }})
{%- endmacro %}


{#
    create_disclosure_pattern(): the empty pattern table, where the disclosure control has
    not yet written one (an on-run-start hook), so that a bare `dbt build` builds the public
    outputs with every count suppressed instead of failing.
#}
{% macro create_disclosure_pattern() -%}
    create schema if not exists disclosure;
    create table if not exists disclosure.suppression (
        quantity varchar,
        period_start date,
        period_end date,
        geography_level varchar,
        geography_code varchar,
        stratum_name varchar,
        stratum_value varchar,
        value bigint,
        is_suppressed boolean
    )
{%- endmacro %}


{#
    workforce_statewide_measures(): {fct_workforce_monthly column: quantity} of the public
    statewide monthly workforce series (rpt_workforce_statewide_monthly), read by it and by
    int_disclosure_cells.
#}
{% macro workforce_statewide_measures() -%}
    {{ return({
        'active_certified_peers': 'workforce_active_peers',
        'employed_peers': 'employed_peers',
        'supervisors': 'supervisors',
        'new_certifications': 'new_certifications',
        'renewals': 'renewals',
        'reinstatements': 'reinstatements',
        'lapses': 'lapses',
        'separations': 'separations',
        'medi_cal_members': 'workforce_medi_cal_members',
    }) }}
{%- endmacro %}
