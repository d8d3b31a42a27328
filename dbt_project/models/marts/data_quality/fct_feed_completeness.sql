-- One row per feed: how far its data can be read as complete. A service month's claim lines
-- keep arriving for months after it (claims run-out), so the latest months of a feed look like
-- a collapse unless they are flagged; complete_through is where the flag starts. Each feed's
-- run-out is the policy parameter <feed>_run_out_months, so a changed assumption is a seed row.
{%- set feeds = {
    'claims': 'stg_sdmc__claim_lines',
    'eligibility': 'stg_medi_cal__eligibility_months',
    'employment': 'stg_county__employment',
    'certificants': 'stg_peer_certification__certificants',
    'certification_events': 'stg_peer_certification__certification_events',
    'complaint_events': 'stg_peer_certification__complaint_events',
    'suspended_ineligible': 'stg_dhcs__suspended_ineligible_providers',
    'member_counts': 'stg_medi_cal__member_counts',
} %}

with

extracts as (
    {%- for feed, model in feeds.items() %}

        select
            '{{ feed }}' as feed_name,
            max(_extract_date) as latest_extract_date,
            {{ policy_value(feed ~ '_run_out_months') }} as run_out_months
        from {{ ref(model) }}
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

-- The first month not yet over on the extract date: an extract taken on a month's last day
-- covers that whole month.
elapsed as (

    select
        feed_name,
        latest_extract_date,
        cast(run_out_months as integer) as run_out_months,
        cast(
            {{ dbt.date_trunc('month', dbt.dateadd('day', 1, 'latest_extract_date')) }} as date
        ) as first_open_month
    from extracts

)

select
    feed_name,
    latest_extract_date,
    run_out_months,
    cast(
        {{ dbt.dateadd('day', -1, dbt.dateadd('month', '-1 * run_out_months', 'first_open_month')) }}
        as date
    ) as complete_through
from elapsed
