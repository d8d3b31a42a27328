-- RPT-03: the disclosure control's suppression pattern, one row per cell of
-- int_disclosure_cells. The Dagster asset disclosure/suppression writes the source between the
-- dbt build of the warehouse and that of the public outputs (pandas makes its dates
-- timestamps); every public output reads it through macros/disclosure.sql.
with

pattern as (

    select * from {{ source('disclosure', 'suppression') }}

),

final as (

    select
        quantity,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        geography_level,
        geography_code,
        stratum_name,
        stratum_value,
        value,
        is_suppressed
    from pattern

)

select * from final
