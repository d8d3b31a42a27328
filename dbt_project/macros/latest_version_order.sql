{#
    latest_version_order(): the ORDER BY list that ranks the deliveries of one business key,
    newest first. A corrected re-delivery carries a later recorded_at (and a later extract
    date); ties fall back to the later arrival (a file delivered again under its name is
    ingested by a later run), then the batch id and the later row of the file, so that the
    order is the same in every build.
#}
{% macro latest_version_order() -%}
    recorded_at desc, _extract_date desc, _ingested_at desc, _batch_id desc, _row_number desc
{%- endmacro %}

{#
    latest_versions(relation, key_columns): the rows of `relation` (a staging model's renamed
    CTE) that are the latest delivery of their business key, in latest_version_order. A raw
    row is identified by its batch and row of the file (_batch_id, _row_number). Only keys
    delivered more than once are ranked, and only on the ranking columns: at 10M claim lines a
    few hundred are corrections, and a window over every whole row cost a third of the model.
#}
{% macro latest_versions(relation, key_columns) -%}
    select {{ relation }}.*
    from {{ relation }}
    left join (
        select
            ranked._batch_id,
            ranked._row_number
        from (
            select
                {{ relation }}._batch_id,
                {{ relation }}._row_number,
                row_number() over (
                    partition by {% for column in key_columns %}{{ relation }}.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
                    order by {{ latest_version_order() }}
                ) as version_rank
            from {{ relation }}
            inner join (
                select {{ key_columns | join(', ') }}
                from {{ relation }}
                group by {{ key_columns | join(', ') }}
                having count(*) > 1
            ) as repeated_keys
                on
                {%- for column in key_columns %}
                    {{ 'and ' if not loop.first }}{{ relation }}.{{ column }} = repeated_keys.{{ column }}
                {%- endfor %}
        ) as ranked
        where ranked.version_rank > 1
    ) as superseded
        on
            {{ relation }}._batch_id = superseded._batch_id
            and {{ relation }}._row_number = superseded._row_number
    where superseded._batch_id is null
{%- endmacro %}
