{{
    config(
        materialized='incremental',
        incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
        unique_key='service_month',
        partition_by=(['service_month'] if target.type == 'spark' else none),
        on_schema_change='fail'
    )
}}
-- One row per claim line, latest delivered version (BILL-01..11 context for every line), with
-- the beneficiary as a keyed hash (never the CIN or date of birth).
--
-- Incremental by service month (delete+insert on service_month; insert_overwrite of month
-- partitions on Spark): a run rebuilds whole service months, and only the months something
-- changed in since the last build:
--   * months of claim lines that are new or corrected (the line's delivery batch differs from
--     the one in this table), and the old month of a line whose service date moved;
--   * eligibility months delivered after the build (inputs_ingested_through);
--   * months of lines whose rendering peer has certification or complaint events delivered
--     after the build, or whose peer or organization has Suspended and Ineligible listings
--     delivered after the build (status and S&I flags can change retroactively).
-- Seeds (county_opt_in, hcpcs_codes, policy_parameters) carry no delivery time: after changing
-- one, run with --full-refresh. Known limits: a month whose every line moved away keeps its
-- stale rows until a full refresh; a non-claims delivery loaded with an _ingested_at older than
-- the watermark (e.g. a held batch released later) is not noticed.
-- depends_on: {{ ref('stg_sdmc__claim_lines') }}
with

lines as (

    select * from {{ ref('int_claim_lines_enriched') }}

),

findings as (

    select * from {{ ref('int_claim_line_findings') }}

),

watermark_sources as (

    select max(_ingested_at) as ingested_at from {{ ref('stg_medi_cal__eligibility_months') }}
    union all
    select max(_ingested_at) as ingested_at from {{ ref('stg_peer_certification__certification_events') }}
    union all
    select max(_ingested_at) as ingested_at from {{ ref('stg_peer_certification__complaint_events') }}
    union all
    select max(_ingested_at) as ingested_at from {{ ref('stg_dhcs__suspended_ineligible_providers') }}

),

inputs_watermark as (

    select max(ingested_at) as inputs_ingested_through
    from watermark_sources

),

{% if is_incremental() %}

built as (

    select max(inputs_ingested_through) as built_through
    from {{ this }}

),

-- Worked out on the staging inputs, which name each line's delivery batch. (The enriched lines
-- are a view: only the lines of the months rebuilt are enriched.)
staged_lines as (

    select
        claim_id,
        line_number,
        rendering_certification_number,
        organization_npi,
        _batch_id,
        cast({{ dbt.date_trunc('month', 'service_date') }} as date) as service_month
    from {{ ref('stg_sdmc__claim_lines') }}

),

changed_certification_numbers as (

    select certification_events.certification_number
    from {{ ref('stg_peer_certification__certification_events') }} as certification_events
    where
        certification_events.certification_number is not null
        and certification_events.certificant_id in (
            select changed_events.certificant_id
            from {{ ref('stg_peer_certification__certification_events') }} as changed_events
            cross join built
            where built.built_through is null or changed_events._ingested_at > built.built_through
            union all
            select complaint_events.certificant_id
            from {{ ref('stg_peer_certification__complaint_events') }} as complaint_events
            cross join built
            where built.built_through is null or complaint_events._ingested_at > built.built_through
        )

    union all

    select listings.certification_number
    from {{ ref('stg_dhcs__suspended_ineligible_providers') }} as listings
    cross join built
    where
        listings.certification_number is not null
        and (built.built_through is null or listings._ingested_at > built.built_through)

),

changed_npis as (

    select listings.npi
    from {{ ref('stg_dhcs__suspended_ineligible_providers') }} as listings
    cross join built
    where listings.npi is not null and (built.built_through is null or listings._ingested_at > built.built_through)

),

changed_months as (

    -- new or corrected claim lines, in their (new) service month
    select staged_lines.service_month
    from staged_lines
    left join {{ this }} as existing
        on
            staged_lines.claim_id = existing.claim_id
            and staged_lines.line_number = existing.line_number
            and staged_lines._batch_id = existing.source_batch_id
    where existing.claim_id is null

    union all

    -- the old month of a line that moved or disappeared
    select existing.service_month
    from {{ this }} as existing
    left join staged_lines
        on
            existing.claim_id = staged_lines.claim_id
            and existing.line_number = staged_lines.line_number
            and existing.service_month = staged_lines.service_month
    where staged_lines.claim_id is null

    union all

    -- eligibility months delivered since the last build
    select eligibility.eligibility_month_start as service_month
    from {{ ref('stg_medi_cal__eligibility_months') }} as eligibility
    cross join built
    where built.built_through is null or eligibility._ingested_at > built.built_through

    union all

    -- lines of peers and organizations whose certification, complaint or S&I records changed
    select staged_lines.service_month
    from staged_lines
    where
        staged_lines.rendering_certification_number in (
            select changed_certification_numbers.certification_number from changed_certification_numbers
        )
        or staged_lines.organization_npi in (select changed_npis.npi from changed_npis)

),

{% endif %}

flags as (

    select
        claim_id,
        line_number
    from findings
    group by
        claim_id,
        line_number

),

final as (

    select
        cast(lines.claim_id as {{ dbt.type_string() }}) as claim_id,
        cast(lines.line_number as integer) as line_number,
        cast(lines.beneficiary_key as {{ dbt.type_string() }}) as beneficiary_key,
        cast(lines.age_at_service as integer) as age_at_service,
        cast(lines.age_group as {{ dbt.type_string() }}) as age_group,
        cast(lines.under_21 as boolean) as under_21,
        cast(lines.county_fips as {{ dbt.type_string() }}) as county_fips,
        cast(lines.delivery_system as {{ dbt.type_string() }}) as delivery_system,
        cast(lines.organization_npi as {{ dbt.type_string() }}) as organization_npi,
        cast(lines.rendering_certification_number as {{ dbt.type_string() }}) as rendering_certification_number,
        cast(lines.certificant_id as {{ dbt.type_string() }}) as certificant_id,
        cast(lines.hcpcs_code as {{ dbt.type_string() }}) as hcpcs_code,
        cast(lines.modality as {{ dbt.type_string() }}) as modality,
        cast(lines.is_collateral as boolean) as is_collateral,
        cast(lines.level_of_care as {{ dbt.type_string() }}) as level_of_care,
        cast(lines.place_of_service as {{ dbt.type_string() }}) as place_of_service,
        cast(lines.group_size as integer) as group_size,
        cast(lines.units as integer) as units,
        cast(lines.service_minutes as integer) as service_minutes,
        cast(lines.billed_amount as decimal(12, 2)) as billed_amount,
        cast(lines.approved_amount as decimal(12, 2)) as approved_amount,
        cast(lines.claim_status as {{ dbt.type_string() }}) as claim_status,
        cast(lines.submitted_date as date) as submitted_date,
        cast(lines.adjudicated_date as date) as adjudicated_date,
        cast(lines.service_date as date) as service_date,
        cast(lines.service_month as date) as service_month,
        cast(lines.peer_status_on_service_date as {{ dbt.type_string() }}) as peer_status_on_service_date,
        cast(lines.beneficiary_eligible as boolean) as beneficiary_eligible,
        cast(lines.county_opted_in as boolean) as county_opted_in,
        cast(lines.epsdt_exempt_opt_in as boolean) as epsdt_exempt_opt_in,
        cast(flags.claim_id is not null as boolean) as is_flagged,
        cast(lines._batch_id as {{ dbt.type_string() }}) as source_batch_id,
        cast(inputs_watermark.inputs_ingested_through as {{ dbt.type_timestamp() }}) as inputs_ingested_through
    from lines
    cross join inputs_watermark
    left join flags
        on
            lines.claim_id = flags.claim_id
            and lines.line_number = flags.line_number
    {% if is_incremental() %}
        where lines.service_month in (select changed_months.service_month from changed_months)
    {% endif %}

)

select * from final
