{#
    beneficiary_age_group(age): the one age-group scheme of the Medi-Cal member population,
    DHCS's groups of certified eligibles (the member_counts feed: `0-5`, `6-11`, `12-17`,
    `18-20`, `21-44`, `45-64`, `65+`). Beneficiaries served are grouped the same way, so that
    a stratum's beneficiaries and its members are the same people (UT-02 by age group).
    Peers have a scheme of their own (dim_peers.age_group). NULL in, NULL out.
#}
{% macro beneficiary_age_group(age) -%}
    case
        when {{ age }} is null then null
        when {{ age }} < 6 then '0-5'
        when {{ age }} < 12 then '6-11'
        when {{ age }} < 18 then '12-17'
        when {{ age }} < 21 then '18-20'
        when {{ age }} < 45 then '21-44'
        when {{ age }} < 65 then '45-64'
        else '65+'
    end
{%- endmacro %}
