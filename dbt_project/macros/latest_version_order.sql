{#
    latest_version_order(): the ORDER BY list that ranks the deliveries of one business key,
    newest first. A corrected re-delivery carries a later recorded_at (and a later extract
    date); ties fall back to the later batch, then the later row of the file. Staging models
    keep row_number() = 1 over this order, partitioned by the feed's business key.
#}
{% macro latest_version_order() -%}
    recorded_at desc, _extract_date desc, _batch_id desc, _row_number desc
{%- endmacro %}
