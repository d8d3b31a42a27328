{#
    suppress_counts: small-cell suppression for public outputs (RPT-03; CalHHS Data
    De-identification Guidelines section 4.4, CMS cell-size suppression policy). Every public
    count table passes through this one macro.

        {{ suppress_counts(
            relation=ref('int_complaints_counted_by_county_quarter'),   -- or a CTE name
            key_columns=['quarter_start', 'county_fips'],
            count_columns=['complaints_received', 'complaints_substantiated'],
            complement_groups=[['quarter_start'], ['county_fips']],
            derived_columns={'substantiated_pct': ['complaints_substantiated', 'complaints_received']},
            passthrough_columns=['county_name'],
            passes=3
        ) }}

    Arguments
      relation            a relation (ref/source) or the name of a CTE of the calling model;
                          one row per cell, identified by key_columns.
      key_columns         the dimension columns that identify a cell (row labels, column labels).
      count_columns       the counts to protect (people, complaints, services ...). Each count
                          column is suppressed on its own pattern.
      complement_groups   a list of groups, each a list of key (or passthrough) columns: the
                          cells sharing those values form one group whose total is (or can be)
                          published, e.g. for a county x quarter table
                          [['quarter_start'], ['county_fips']] (all counties of a quarter; all
                          quarters of a county). [] means the whole table is one group.
                          Default: no complementary suppression. A grouping column derived
                          from the key (a containing period, say) is best passed through.
      derived_columns     {column: [count columns it is derived from]}: rates, percentages,
                          means or amounts. The value is nulled when any of its counts is
                          suppressed (primary or complementary). Default {}.
      passthrough_columns other columns to carry unchanged (labels such as county_name).
      passes              how many rounds of complementary suppression to run (default 3).

    Returns a select statement (with its own `with`; use it as a CTE body or subquery) with:
    key and passthrough columns; each count column, NULL when suppressed; each derived column,
    NULL when any of its counts is suppressed; `<count>_is_suppressed` per count column; and
    `is_suppressed` (any count in the row suppressed). A 0 stays 0. Whether a cell was a
    primary or a complementary suppression is deliberately not returned: complementary cells
    are not small, so telling them apart would help recover the primary ones.

    Algorithm
      Thresholds: suppression_min_count and suppression_max_count from the policy_parameters
      seed, the versions in force now, read at run time with policy_value (macros/policy.sql;
      a missing parameter stops the run). Were a threshold NULL, every non-NULL count would
      be suppressed (the comparisons fail closed).
      1. Primary: a count from min to max (1 to 10) is suppressed. 0 and NULL are not.
      2. Complementary, for `passes` rounds, each round visiting every group dimension in the
         order given: a group needs one more suppressed cell when
           (a) exactly one of its cells is suppressed (it could be recovered from the group
               total), or
           (b) it has suppressed cells whose values sum to at most the maximum (total minus
               the shown cells would give a small number; DDG 4.4.1), while a non-zero cell
               is still shown.
         The cell added is the smallest shown non-zero cell of the group (then a shown zero,
         for rule (a) only; ties broken by the key columns, so the result is deterministic).
      The rounds stop at `passes`: a table needing more rounds than that keeps the pattern of
      the last round; the singular test tests/suppression/ checks the published model for
      groups left with exactly one suppressed cell. Not implemented: DDG 4.4.1's "all
      suppressed values in the group are each <= 3" rule (it needs a third policy parameter),
      and suppression across linked tables (a total published elsewhere must itself go through
      this macro).

    Each cell is numbered once by its key (row_number over key_columns, which must identify a
    row: the key is what the numbers stand for) and each group once (dense_rank over its
    columns); the rounds run window sum/row_number partitioned by the group numbers over the
    numbers and counts only, and the labels are joined back by cell number at the end.

    Portable SQL only: window sum/row_number/dense_rank, CASE, no recursion, no QUALIFY, no
    engine-specific functions.
#}
{% macro suppress_counts(
    relation,
    key_columns,
    count_columns,
    complement_groups=[],
    derived_columns={},
    passthrough_columns=[],
    passes=3
) -%}
    {%- for derived, sources in derived_columns.items() -%}
        {%- for source in sources -%}
            {%- if source not in count_columns -%}
                {{ exceptions.raise_compiler_error(
                    "suppress_counts: derived column '" ~ derived ~ "' depends on '" ~ source
                    ~ "', which is not one of count_columns " ~ count_columns
                ) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for group in complement_groups -%}
        {%- for column in group -%}
            {%- if column not in key_columns and column not in passthrough_columns -%}
                {{ exceptions.raise_compiler_error(
                    "suppress_counts: complement group column '" ~ column
                    ~ "' is not one of key_columns " ~ key_columns ~ " or passthrough_columns"
                ) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set carried = key_columns + passthrough_columns + count_columns + (derived_columns.keys() | list) -%}
    {#- group_ids[i]: the number column of complement_groups[i] (none for [], the whole table) -#}
    {%- set group_ids = [] -%}
    {%- for group in complement_groups -%}
        {%- do group_ids.append(('suppression__group_' ~ loop.index) if group else none) -%}
    {%- endfor -%}
    {%- set carried_group_ids = group_ids | select | list -%}
    {%- set ns = namespace(previous='suppression_primary') -%}

    with

    suppression_thresholds as (

        {{ suppression_thresholds() }}

    ),

    suppression_cells as (

        -- Each cell and each complement group as one number. The rounds below carry only
        -- these numbers and the counts, partition on the group numbers and break ties on the
        -- cell number (ordering by it is ordering by the key): every round is several window
        -- passes, and carrying the key's text columns through each cost most of the time.
        select
            {%- for column in carried %}
            suppression_source.{{ column }},
            {%- endfor %}
            {%- for group in complement_groups %}{% if group %}
            dense_rank() over (order by {{ group | join(', ') }}) as {{ group_ids[loop.index0] }},
            {%- endif %}{% endfor %}
            row_number() over (order by {{ key_columns | join(', ') }}) as suppression__cell
        from {{ relation }} as suppression_source

    ),

    suppression_primary as (

        select
            suppression_cells.suppression__cell,
            {%- for group_id in carried_group_ids %}
            suppression_cells.{{ group_id }},
            {%- endfor %}
            {%- for count in count_columns %}
            suppression_cells.{{ count }},
            case
                when suppression_cells.{{ count }} is null then false
                when suppression_cells.{{ count }} < suppression_thresholds.min_count then false
                when suppression_cells.{{ count }} > suppression_thresholds.max_count then false
                else true
            end as {{ count }}__suppressed,
            {%- endfor %}
            suppression_thresholds.max_count as suppression__max_count
        from suppression_cells
        cross join suppression_thresholds

    ),

    {%- for pass_number in range(1, passes + 1) if complement_groups %}
    {%- for group in complement_groups %}
    {%- set partition = ('partition by ' ~ group_ids[loop.index0]) if group else '' %}
    {%- set cte = 'suppression_pass_' ~ pass_number ~ '_group_' ~ loop.index %}

    {{ cte }} as (

        select
            suppression__cell,
            {%- for group_id in carried_group_ids %}
            {{ group_id }},
            {%- endfor %}
            {%- for count in count_columns %}
            {{ count }},
            (
                {{ count }}__suppressed
                or (
                    {{ count }}__rank = 1
                    and not {{ count }}__suppressed
                    and {{ count }} is not null
                    and (
                        {{ count }}__suppressed_cells = 1
                        or (
                            {{ count }}__suppressed_cells >= 1
                            and {{ count }}__suppressed_sum <= suppression__max_count
                            and {{ count }} > 0
                        )
                    )
                )
            ) as {{ count }}__suppressed,
            {%- endfor %}
            suppression__max_count
        from (
            select
                {{ ns.previous }}.*,
                {%- for count in count_columns %}
                sum(case when {{ count }}__suppressed then 1 else 0 end)
                    over ({{ partition }}) as {{ count }}__suppressed_cells,
                sum(case when {{ count }}__suppressed then {{ count }} else 0 end)
                    over ({{ partition }}) as {{ count }}__suppressed_sum,
                row_number() over (
                    {{ partition }}
                    order by
                        case when {{ count }}__suppressed or {{ count }} is null then 1 else 0 end,
                        case when {{ count }} > 0 then 0 else 1 end,
                        {{ count }},
                        suppression__cell
                ) as {{ count }}__rank{% if not loop.last %},{% endif %}
                {%- endfor %}
            from {{ ns.previous }}
        ) as suppression_ranked

    ),
    {%- set ns.previous = cte %}
    {%- endfor %}
    {%- endfor %}

    suppression_final as (

        select
            {%- for column in key_columns + passthrough_columns %}
            suppression_cells.{{ column }},
            {%- endfor %}
            {%- for count in count_columns %}
            case when suppression_pattern.{{ count }}__suppressed then null else suppression_cells.{{ count }} end
                as {{ count }},
            {%- endfor %}
            {%- for derived, sources in derived_columns.items() %}
            case
                when {% for source in sources %}suppression_pattern.{{ source }}__suppressed{% if not loop.last %} or {% endif %}{% endfor %}
                    then null
                else suppression_cells.{{ derived }}
            end as {{ derived }},
            {%- endfor %}
            {%- for count in count_columns %}
            suppression_pattern.{{ count }}__suppressed as {{ count }}_is_suppressed,
            {%- endfor %}
            ({% for count in count_columns %}suppression_pattern.{{ count }}__suppressed{% if not loop.last %} or {% endif %}{% endfor %})
                as is_suppressed
        from suppression_cells
        inner join {{ ns.previous }} as suppression_pattern
            on suppression_cells.suppression__cell = suppression_pattern.suppression__cell

    )

    select * from suppression_final
{%- endmacro %}


{#
    suppression_thresholds(): a one-row select of min_count and max_count, the RPT-03
    thresholds (policy parameters suppression_min_count and suppression_max_count, the
    versions in force now), read at run time through policy_value (macros/policy.sql). A
    missing parameter stops the run with an error naming it; should a threshold still come
    back NULL, suppress_counts suppresses every non-NULL count (fails closed).
#}
{% macro suppression_thresholds() -%}
    select
        {{ policy_value('suppression_min_count') }} as min_count,
        {{ policy_value('suppression_max_count') }} as max_count
{%- endmacro %}
