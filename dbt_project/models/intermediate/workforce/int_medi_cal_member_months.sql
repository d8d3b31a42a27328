-- Medi-Cal member months without PII: one row per beneficiary (keyed hash) and eligibility
-- month, with the county of responsibility, its region and the reporting strata (sex,
-- race/ethnicity, language, age group on the first day of the month, DHCS's groups). The CIN
-- and date of birth stay in staging; only the age group leaves it. It describes the
-- beneficiaries served (their equity strata); the population itself is member_counts.
with

eligibility as (

    select
        beneficiary_key,
        eligibility_month_start,
        county_fips,
        date_of_birth,
        sex,
        race_ethnicity,
        primary_language
    from {{ ref('stg_medi_cal__eligibility_months') }}

),

counties as (

    select
        county_fips,
        region
    from {{ ref('counties') }}

),

aged as (

    select
        eligibility.*,
        extract(year from eligibility.eligibility_month_start) - extract(year from eligibility.date_of_birth)
        - case
            when
                extract(month from eligibility.eligibility_month_start) * 100
                + extract(day from eligibility.eligibility_month_start)
                < extract(month from eligibility.date_of_birth) * 100 + extract(day from eligibility.date_of_birth)
                then 1
            else 0
        end as age
    from eligibility

),

final as (

    select
        aged.beneficiary_key,
        aged.eligibility_month_start as month_start,
        aged.county_fips,
        counties.region,
        aged.sex,
        aged.race_ethnicity,
        aged.primary_language,
        {{ beneficiary_age_group('aged.age') }} as age_group
    from aged
    left join counties
        on aged.county_fips = counties.county_fips

)

select * from final
