-- RPT-01 public: the peer workforce statewide by month (the Peer workforce page's trend for
-- county users and evaluators), summed over the counties of fct_workforce_monthly, with the
-- counts the disclosure control suppressed left out (RPT-03, macros/disclosure.sql). The
-- certification activity and separations are the quantities the annual report publishes by
-- year, so a year and its months are protected together.
{%- set measures = workforce_statewide_measures() %}
with

monthly as (

    select
        month_start,
        {%- for column in measures %}
            sum({{ column }}) as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('fct_workforce_monthly') }}
    group by month_start

),

pattern as (

    select * from {{ ref('stg_disclosure__suppression') }}

),

cells as (

    select
        monthly.*,
        monthly.month_start as period_start,
        cast({{ dbt.last_day('month_start', 'month') }} as date) as period_end,
        'state' as geography_level,
        '06' as geography_code,
        'all' as stratum_name,
        'all' as stratum_value
    from monthly

),

final as (

    select
        cast(cells.month_start as date) as month_start,
        cast(cells.period_end as date) as month_end,
        {%- for column, quantity in measures.items() %}
            cast({{ disclosed(column ~ '_pattern', 'cells.' ~ column) }} as bigint) as {{ column }},
            cast({{ disclosure_suppressed(column ~ '_pattern', 'cells.' ~ column) }} as boolean)
                as {{ column }}_is_suppressed{% if not loop.last %},{% endif %}
        {%- endfor %}
    from cells
    {%- for column, quantity in measures.items() %}
        left join pattern as {{ column }}_pattern
            on {{ disclosure_cell_matches(column ~ '_pattern', 'cells', "'" ~ quantity ~ "'") }}
    {%- endfor %}

)

select * from final
