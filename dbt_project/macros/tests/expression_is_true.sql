{#
    Generic test expression_is_true: every row of the model satisfies the boolean SQL
    `expression`. Rows where it is false or NULL fail. Use the test's `where` config to
    restrict the rows it applies to.

        data_tests:
          - expression_is_true:
              arguments:
                expression: "valid_through >= valid_from"
#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
