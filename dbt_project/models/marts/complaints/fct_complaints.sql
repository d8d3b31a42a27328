-- One row per complaint against a certified peer, with its course (PI-01), time to
-- resolution and actions (PI-03), timeliness against the certification program's standards
-- (PI-04) and the filing window (PI-05). Every standard is read from the policy_parameters
-- seed, in the version in effect on the day the complaint was received.
{%- set far_future = "cast('9999-12-31' as date)" %}
{%- set policy_date = 'coalesce(complaints.received_date, complaints.as_of_date)' %}

with

complaints as (

    select * from {{ ref('int_complaints_pivoted') }}

),

certification_periods as (

    select * from {{ ref('int_certification_periods') }}

),

standards as (

    -- The PI-04 / PI-05 standards in the version in effect on the day the complaint was
    -- received (policy_value: the seed's first version for earlier dates; the data's as-of
    -- date for a complaint without a `received` event).
    select
        complaint_id,
        cast({{ policy_value('complaint_ack_business_days', policy_date) }} as integer)
            as acknowledgement_standard_business_days,
        cast({{ policy_value('complaint_resolution_days', policy_date) }} as integer)
            as resolution_standard_days,
        cast({{ policy_value('complaint_extension_days', policy_date) }} as integer)
            as extension_standard_days,
        cast({{ policy_value('complaint_filing_window_years', policy_date) }} as integer)
            as filing_window_years
    from complaints

),

incident_certification as (

    -- PI-05: was the peer certified on the incident date (any certification period)?
    select
        complaints.complaint_id,
        max(case when certification_periods.certification_period_id is not null then 1 else 0 end)
            as certified_on_incident_date
    from complaints
    left join certification_periods
        on
            complaints.certificant_id = certification_periods.certificant_id
            and complaints.incident_date >= certification_periods.valid_from
            and complaints.incident_date <= certification_periods.valid_through
    where complaints.incident_date is not null
    group by complaints.complaint_id

),

resolved as (

    select
        complaints.*,
        standards.acknowledgement_standard_business_days,
        standards.resolution_standard_days,
        standards.extension_standard_days,
        standards.filing_window_years,
        incident_certification.certified_on_incident_date,
        -- Resolved: the first disposition (dismissed, corrective action ordered, suspended,
        -- revoked) or the closing of the complaint, whichever comes first.
        nullif(
            least(
                coalesce(complaints.dismissed_date, {{ far_future }}),
                coalesce(complaints.corrective_action_ordered_date, {{ far_future }}),
                coalesce(complaints.suspension_start_date, {{ far_future }}),
                coalesce(complaints.revocation_date, {{ far_future }}),
                coalesce(complaints.closed_date, {{ far_future }})
            ),
            {{ far_future }}
        ) as resolved_date,
        cast(
            {{ dbt.dateadd('day', 'standards.resolution_standard_days', 'complaints.received_date') }}
            as date
        ) as original_resolution_due_date
    from complaints
    left join standards
        on complaints.complaint_id = standards.complaint_id
    left join incident_certification
        on complaints.complaint_id = incident_certification.complaint_id

),

timed as (

    select
        resolved.*,
        coalesce(resolved.extension_date <= resolved.original_resolution_due_date, false) as investigation_extended,
        cast(
            {{ business_days_between('resolved.received_date', 'resolved.acknowledged_date') }}
            as integer
        ) as business_days_to_acknowledge,
        cast(
            {{ business_days_between('resolved.received_date', 'resolved.as_of_date') }}
            as integer
        ) as business_days_to_as_of,
        cast(
            {{ dbt.datediff('resolved.received_date', 'resolved.resolved_date', 'day') }}
            as integer
        ) as days_to_resolve,
        cast(
            {{ dbt.datediff('resolved.incident_date', 'resolved.received_date', 'day') }}
            as integer
        ) as days_incident_to_received,
        cast(
            {{ dbt.dateadd('year', 'resolved.filing_window_years', 'resolved.incident_date') }}
            as date
        ) as filing_window_end_date
    from resolved

),

judged as (

    select
        timed.*,
        cast(
            case
                when timed.investigation_extended
                    then {{ dbt.dateadd('day', 'timed.extension_standard_days', 'timed.original_resolution_due_date') }}
                else timed.original_resolution_due_date
            end
            as date
        ) as resolution_due_date,
        case
            when timed.received_date is null or timed.acknowledgement_standard_business_days is null then null
            when timed.acknowledged_date is not null
                then timed.business_days_to_acknowledge <= timed.acknowledgement_standard_business_days
            when timed.business_days_to_as_of > timed.acknowledgement_standard_business_days then false
        end as acknowledged_on_time,
        case
            when timed.incident_date is null or timed.received_date is null or timed.filing_window_years is null
                then null
            else timed.received_date <= timed.filing_window_end_date
        end as filed_within_window,
        case
            when timed.certified_on_incident_date is null then null
            else timed.certified_on_incident_date = 1
        end as incident_while_certified
    from timed

),

flagged as (

    select
        judged.*,
        case
            when judged.received_date is null or judged.resolution_due_date is null then null
            when judged.resolved_date is not null then judged.resolved_date <= judged.resolution_due_date
            when judged.as_of_date > judged.resolution_due_date then false
        end as resolved_on_time
    from judged

),

described as (

    select
        flagged.*,
        case
            when flagged.resolved_on_time = false and flagged.investigation_extended
                then 'late_resolution_after_extension'
            when flagged.resolved_on_time = false then 'late_resolution'
        end as resolution_late_reason,
        case
            when
                flagged.substantiated_date is not null
                or flagged.corrective_action_ordered_date is not null
                or flagged.suspension_start_date is not null
                or flagged.revocation_date is not null
                then 'substantiated'
            when flagged.dismissed_date is not null then 'dismissed'
            when flagged.closed_date is not null then 'closed_no_finding'
            else 'pending'
        end as outcome,
        case
            when flagged.revocation_date is not null then 'revocation'
            when flagged.suspension_start_date is not null then 'suspension'
            when flagged.corrective_action_ordered_date is not null then 'corrective_action'
            else 'none'
        end as most_severe_action,
        coalesce(flagged.acknowledged_on_time = false or flagged.resolved_on_time = false, false) as is_late,
        coalesce(flagged.filed_within_window = false or flagged.incident_while_certified = false, false)
            as is_outside_filing_rules
    from flagged

),

final as (

    select
        complaint_id,
        certificant_id,
        county_fips,
        allegation_category,
        complainant_type,
        cast(incident_date as date) as incident_date,
        cast(received_date as date) as received_date,
        cast(acknowledged_date as date) as acknowledged_date,
        cast(investigation_opened_date as date) as investigation_opened_date,
        cast(extension_date as date) as extension_date,
        cast(investigation_extended as boolean) as investigation_extended,
        cast(dismissed_date as date) as dismissed_date,
        cast(substantiated_date as date) as substantiated_date,
        outcome,
        cast(corrective_action_ordered_date is not null as boolean) as has_corrective_action,
        cast(suspension_start_date is not null as boolean) as has_suspension,
        cast(revocation_date is not null as boolean) as has_revocation,
        most_severe_action,
        cast(corrective_action_ordered_date as date) as corrective_action_ordered_date,
        cast(corrective_action_completed_date as date) as corrective_action_completed_date,
        cast(suspension_start_date as date) as suspension_start_date,
        cast(suspension_end_date as date) as suspension_end_date,
        cast(revocation_date as date) as revocation_date,
        cast(resolved_date as date) as resolved_date,
        cast(closed_date as date) as closed_date,
        cast(closed_date is null as boolean) as is_open,
        cast(appeal_filed_date as date) as appeal_filed_date,
        cast(appeal_decided_date as date) as appeal_decided_date,
        appeal_outcome,
        cast(as_of_date as date) as as_of_date,
        cast(acknowledgement_standard_business_days as integer) as acknowledgement_standard_business_days,
        cast(business_days_to_acknowledge as integer) as business_days_to_acknowledge,
        cast(acknowledged_on_time as boolean) as acknowledged_on_time,
        cast(resolution_standard_days as integer) as resolution_standard_days,
        cast(extension_standard_days as integer) as extension_standard_days,
        cast(resolution_due_date as date) as resolution_due_date,
        cast(days_to_resolve as integer) as days_to_resolve,
        cast(resolved_on_time as boolean) as resolved_on_time,
        cast(is_late as boolean) as is_late,
        case
            when acknowledged_on_time = false and resolution_late_reason is not null
                then {{ dbt.concat(["'late_acknowledgement, '", 'resolution_late_reason']) }}
            when acknowledged_on_time = false then 'late_acknowledgement'
            else resolution_late_reason
        end as late_reasons,
        cast(filing_window_years as integer) as filing_window_years,
        cast(days_incident_to_received as integer) as days_incident_to_received,
        cast(filing_window_end_date as date) as filing_window_end_date,
        cast(filed_within_window as boolean) as filed_within_window,
        cast(incident_while_certified as boolean) as incident_while_certified,
        case
            when is_late and is_outside_filing_rules then 'PI-04, PI-05'
            when is_late then 'PI-04'
            when is_outside_filing_rules then 'PI-05'
        end as finding_rule_ids
    from described

)

select * from final
