-- RPT-01: the geographies the annual program report tables are published for (the state
-- `06`, the five CBHDA regions, the 58 counties), one row per geography and county it covers,
-- so every report table places a fact in its county, region and the state with one equi-join
-- (`member_county_fips is not distinct from county_fips`) and lists every geography, showing
-- a zero rather than a missing row. The state also has a row with member_county_fips NULL:
-- facts with no known county count statewide only.
{%- set state_fips = "'06'" %}

with

counties as (

    select
        county_fips,
        county_name,
        region
    from {{ ref('counties') }}

),

geographies as (

    select
        'state' as geography_level,
        {{ state_fips }} as geography_code,
        'California' as geography_name,
        cast(null as {{ dbt.type_string() }}) as parent_geography_code,
        cast(null as {{ dbt.type_string() }}) as member_county_fips

    union all

    select
        'state' as geography_level,
        {{ state_fips }} as geography_code,
        'California' as geography_name,
        cast(null as {{ dbt.type_string() }}) as parent_geography_code,
        county_fips as member_county_fips
    from counties

    union all

    select
        'region' as geography_level,
        region as geography_code,
        region as geography_name,
        {{ state_fips }} as parent_geography_code,
        county_fips as member_county_fips
    from counties

    union all

    select
        'county' as geography_level,
        county_fips as geography_code,
        county_name as geography_name,
        region as parent_geography_code,
        county_fips as member_county_fips
    from counties

),

final as (

    select
        cast(geography_level as {{ dbt.type_string() }}) as geography_level,
        cast(geography_code as {{ dbt.type_string() }}) as geography_code,
        cast(geography_name as {{ dbt.type_string() }}) as geography_name,
        cast(parent_geography_code as {{ dbt.type_string() }}) as parent_geography_code,
        cast(member_county_fips as {{ dbt.type_string() }}) as member_county_fips
    from geographies

)

select * from final
