{#
    Incremental staging by delivery batch (issue: a daily file costs in proportion to its size).

    A large feed's staging model reads only the raw rows of batches it has not seen
    (new_batches_only) and ranks them against the versions it already holds of the same keys
    (with_current_versions), so the latest version per business key still wins, corrections
    and older re-deliveries included. dbt's delete+insert (insert_overwrite on Spark) then
    replaces exactly the keys the new batches touch.

    A batch whose every row lost to a newer version is not in the table and is read again on
    the next run: it loses again, changing nothing. Anything that removes raw rows (dropping a
    batch) or changes how a row is staged (this project's code, seeds, the hash key) needs a
    full refresh, which `peerwh run` does by itself when the project fingerprint changed.
#}

{#  The WHERE condition (after `and`) that keeps a raw relation to batches not yet staged. #}
{% macro new_batches_only() -%}
    {%- if is_incremental() %}
        and _batch_id not in (
            select staged._batch_id from {{ this }} as staged group by staged._batch_id
        )
    {%- endif %}
{%- endmacro %}

{#
    with_current_versions(relation, key_columns): the rows of `relation` (new deliveries, in the
    staged column order) and, on an incremental run, the rows this model holds for the same
    keys, so latest_versions can rank old against new.
#}
{% macro with_current_versions(relation, key_columns) -%}
    select * from {{ relation }}
    {%- if is_incremental() %}
    union all
    select staged.*
    from {{ this }} as staged
    inner join (
        select {{ key_columns | join(', ') }}
        from {{ relation }}
        group by {{ key_columns | join(', ') }}
    ) as delivered_keys
        on
        {%- for column in key_columns %}
            {{ 'and ' if not loop.first }}staged.{{ column }} = delivered_keys.{{ column }}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}
