-- Certified eligible Medi-Cal members (feed member_counts): one row per month, county, age
-- group, sex, race/ethnicity and primary language, from the latest delivery of the month. A
-- delivery replaces a month whole (counts are revised as retroactive eligibility arrives), so a
-- group the later delivery no longer lists has no members: the latest version of each row
-- would keep it.
with

source as (

    select * from {{ source('medi_cal', 'member_counts') }}
    where _load_status = 'accepted'

),

renamed as (

    select
        cast({{ dbt.concat(['eligibility_month', "'-01'"]) }} as date) as eligibility_month_start,
        county_fips,
        age_group,
        sex,
        race_ethnicity,
        primary_language,
        cast(eligible_members as bigint) as eligible_members,
        {{ cast_timestamp_utc('recorded_at') }} as recorded_at,
        _batch_id,
        _source_file,
        _extract_date,
        _row_number,
        _ingested_at
    from source

),

month_deliveries as (

    -- Each delivery of a month, the latest first (latest_version_order on the delivery).
    select
        eligibility_month_start,
        _batch_id,
        row_number() over (
            partition by eligibility_month_start
            order by max(recorded_at) desc, max(_extract_date) desc, _batch_id desc
        ) as delivery_rank
    from renamed
    group by
        eligibility_month_start,
        _batch_id

),

final as (

    select renamed.*
    from renamed
    inner join month_deliveries
        on
            renamed.eligibility_month_start = month_deliveries.eligibility_month_start
            and renamed._batch_id = month_deliveries._batch_id
    where month_deliveries.delivery_rank = 1

)

select * from final
