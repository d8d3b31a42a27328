{#
    Generic test unique_combination: no two rows of the model share the same values in
    all of `combination_of_columns` (a compound primary / business key). Fails with one
    row per duplicated key and how often it occurs. NULLs compare equal here (group by),
    so pair it with not_null tests on the key columns.

        data_tests:
          - unique_combination:
              arguments:
                combination_of_columns: [month_start, county_fips]
#}
{% test unique_combination(model, combination_of_columns) %}

select
    {% for column in combination_of_columns -%}
        {{ column }},
    {% endfor -%}
    count(*) as duplicate_rows
from {{ model }}
group by
    {% for column in combination_of_columns -%}
        {{ column }}{% if not loop.last %},{% endif %}
    {% endfor %}
having count(*) > 1

{% endtest %}
