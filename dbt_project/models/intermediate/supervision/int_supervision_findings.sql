-- Supervision and direction findings (SUP-01, SUP-02): one row per employment spell and rule.
--   SUP-01, on each peer_supervisor spell: the supervisor's qualification on the hire date by
--     the declared path, each path also requiring completed supervisory training on or before
--     the hire date:
--       certified_peer: an active peer certification on the hire date and
--         >= supervisor_peer_min_bh_years years in the behavioral health system;
--       behavioral_health_professional: >= supervisor_bhp_min_bh_years years;
--       experience: >= supervisor_experience_min_years years of direct service and a high-school
--         diploma or GED. Education is only known for certificants; a supervisor who is not one
--         (most on this path) cannot be checked for it and is not flagged for it.
--     A spell without a path is a finding too. All unmet requirements are listed in `finding`.
--   SUP-02, on each peer_support_specialist spell: when the supervisor is not on the
--     behavioral_health_professional path (or no supervisor is recorded), a directing BHP must
--     be recorded with the license of the peer's delivery system: LMHP for SMHS, LPHA for DMC
--     and DMC_ODS.
--   SUP-03 (no staffing ratio) is never a finding.
-- detected_on is the hire date of the spell judged. Thresholds come from policy_parameters, in
-- force on that date.
with

employment as (

    select * from {{ ref('stg_county__employment') }}

),

certificants as (

    select * from {{ ref('stg_peer_certification__certificants') }}

),

status_spans as (

    select * from {{ ref('fct_certification_status_spans') }}

),

supervisor_spells as (

    select
        employment_id,
        certificant_id,
        supervisor_path,
        bh_experience_years,
        supervisor_training_date,
        hire_date
    from employment
    where role = 'peer_supervisor'

),

certified_on_hire as (

    select distinct supervisor_spells.employment_id
    from supervisor_spells
    inner join status_spans
        on
            supervisor_spells.certificant_id = status_spans.certificant_id
            and status_spans.status = 'active'
            and supervisor_spells.hire_date >= status_spans.valid_from
            and (status_spans.valid_to is null or supervisor_spells.hire_date < status_spans.valid_to)

),

supervisors as (

    select
        supervisor_spells.employment_id,
        supervisor_spells.certificant_id,
        supervisor_spells.supervisor_path,
        supervisor_spells.bh_experience_years,
        supervisor_spells.supervisor_training_date,
        supervisor_spells.hire_date,
        certificants.education_level,
        certified_on_hire.employment_id is not null as is_certified_on_hire
    from supervisor_spells
    left join certificants
        on supervisor_spells.certificant_id = certificants.certificant_id
    left join certified_on_hire
        on supervisor_spells.employment_id = certified_on_hire.employment_id

),

supervisor_shortfalls as (

    select
        employment_id,
        hire_date,
        'no supervisor qualification path recorded' as shortfall
    from supervisors
    where supervisor_path is null

    union all

    select
        employment_id,
        hire_date,
        'certified_peer path without an active peer certification on the hire date' as shortfall
    from supervisors
    where supervisor_path = 'certified_peer' and not is_certified_on_hire

    union all

    select
        employment_id,
        hire_date,
        supervisor_path || ' path with ' || coalesce(cast(bh_experience_years as {{ dbt.type_string() }}), 'no')
        || ' years of behavioral health experience, below the path minimum' as shortfall
    from supervisors
    where
        supervisor_path is not null
        and (
            bh_experience_years is null
            or bh_experience_years < case supervisor_path
                when 'certified_peer' then {{ policy_value('supervisor_peer_min_bh_years', 'hire_date') }}
                when 'behavioral_health_professional'
                    then {{ policy_value('supervisor_bhp_min_bh_years', 'hire_date') }}
                else {{ policy_value('supervisor_experience_min_years', 'hire_date') }}
            end
        )

    union all

    select
        employment_id,
        hire_date,
        'experience path without a high-school diploma or GED' as shortfall
    from supervisors
    where supervisor_path = 'experience' and education_level = 'none'

    union all

    select
        employment_id,
        hire_date,
        case
            when supervisor_training_date is null then 'no supervisory training completed'
            else 'supervisory training completed after the hire date'
        end as shortfall
    from supervisors
    where supervisor_training_date is null or supervisor_training_date > hire_date

),

sup_01 as (

    select
        employment_id,
        'SUP-01' as rule_id,
        {{ sorted_string_agg('shortfall', '; ') }} as finding,
        max(hire_date) as detected_on
    from supervisor_shortfalls
    group by employment_id

),

peers as (

    select
        peer.employment_id,
        peer.delivery_system,
        peer.directing_bhp_license,
        peer.hire_date,
        supervisor.supervisor_path,
        case when peer.delivery_system = 'SMHS' then 'LMHP' else 'LPHA' end as required_license
    from employment as peer
    left join employment as supervisor
        on peer.supervisor_employment_id = supervisor.employment_id
    where peer.role = 'peer_support_specialist'

),

sup_02 as (

    select
        employment_id,
        'SUP-02' as rule_id,
        case
            when directing_bhp_license is null
                then 'supervisor is not a BHP (' || coalesce(supervisor_path, 'no supervisor recorded')
                    || ') and no directing BHP license is recorded; ' || delivery_system || ' needs '
                    || required_license
            else 'directing BHP license ' || directing_bhp_license || ' does not fit ' || delivery_system
                || ' (needs ' || required_license || ')'
        end as finding,
        hire_date as detected_on
    from peers
    where
        coalesce(supervisor_path, '') <> 'behavioral_health_professional'
        and (directing_bhp_license is null or directing_bhp_license <> required_license)

),

findings as (

    select * from sup_01
    union all
    select * from sup_02

)

select * from findings
