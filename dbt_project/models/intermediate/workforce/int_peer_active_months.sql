-- One row per certificant and month in which the peer held an active Medi-Cal peer support
-- certification on at least one day (CERT-04, CERT-05, CERT-06, PI-02): a span with status
-- `active` in fct_certification_status_spans overlaps the month. Suspended, revoked, lapsed
-- and vacated spans are not active. The peer is placed in their county of residence
-- (dim_peers). Months run over the reporting grid (int_county_months).
with

months as (

    select distinct
        month_start,
        month_end
    from {{ ref('int_county_months') }}

),

active_spans as (

    select
        certificant_id,
        valid_from,
        valid_to
    from {{ ref('fct_certification_status_spans') }}
    where status = 'active'

),

peers as (

    select
        certificant_id,
        county_fips
    from {{ ref('dim_peers') }}

),

active_months as (

    -- Half-open spans: active on some day of the month when the span starts on or before
    -- the month's last day and ends (exclusive) after its first day.
    select distinct
        active_spans.certificant_id,
        months.month_start
    from active_spans
    inner join months
        on
            active_spans.valid_from <= months.month_end
            and (active_spans.valid_to is null or active_spans.valid_to > months.month_start)

),

final as (

    select
        active_months.certificant_id,
        active_months.month_start,
        peers.county_fips
    from active_months
    left join peers
        on active_months.certificant_id = peers.certificant_id

)

select * from final
