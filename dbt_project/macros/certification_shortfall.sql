{#
    certification_shortfall(relation, event_type, rule_id, requirement, where): one kind of
    shortfall of int_certification_shortfalls (CERT-01..CERT-09), the rows of `relation` that
    fail `where`, with the text saying what is short given as the call block's body:

        {% call certification_shortfall('certification_people', 'certified', 'CERT-02',
            'education', "education_level = 'none'") %}
            'education_level none: a GED, high-school diploma or higher is required'
        {% endcall %}

    The relation has certificant_id, event_id and event_date (the judged event).
#}
{% macro certification_shortfall(relation, event_type, rule_id, requirement, where) -%}
    select
        certificant_id,
        event_id,
        '{{ event_type }}' as event_type,
        event_date,
        '{{ rule_id }}' as rule_id,
        '{{ requirement }}' as requirement,
        {{ caller() | trim }} as shortfall
    from {{ relation }}
    where {{ where }}
{%- endmacro %}


{#
    shortfall_number(expression): a number in a shortfall's text, whole or with one decimal when
    fractional (hours may be).
#}
{% macro shortfall_number(expression) -%}
    case
        when ({{ expression }}) = floor({{ expression }}) then cast(cast({{ expression }} as bigint) as {{ dbt.type_string() }})
        else cast(cast({{ expression }} as decimal(12, 1)) as {{ dbt.type_string() }})
    end
{%- endmacro %}


{#
    hours_in_window(hours, period_start, period_end, window_start): the hours of a work period
    that count in a window opening on `window_start` (CERT-09). A period that begins inside the
    window counts whole, one that ended before it not at all, and one that straddles its start
    in proportion to its days inside it: 730 hours over 365 days of which 292 are inside count
    584.
#}
{% macro hours_in_window(hours, period_start, period_end, window_start) -%}
    case
        when {{ period_start }} >= {{ window_start }} then {{ hours }}
        when {{ period_end }} <= {{ window_start }} then 0
        else {{ hours }} * {{ dbt.datediff(window_start, period_end, 'day') }}
            / {{ dbt.datediff(period_start, period_end, 'day') }}
    end
{%- endmacro %}
