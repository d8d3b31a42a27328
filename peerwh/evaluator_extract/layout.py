"""The extract's layout (spec version, columns and their data dictionary) and its error."""

from __future__ import annotations

import pandas as pd

SPEC_VERSION = "1.0"
EXTRACT_NAME = "peer_support_waiver_metrics"
STATE_NAME = "California"
BASELINE_PERIOD_TYPES = ("state_fiscal_year", "calendar_year")
PERIOD_ORDER = ("month", "quarter", "state_fiscal_year", "calendar_year", "demonstration_year")
LEVEL_ORDER = ("state", "region", "county")
RATE_DECIMALS = 2
OVERLAPPING_STRATA = ("beneficiary_age_group", "delivery_system", "modality", "asam_level")
# Catalog source models built from claim lines: their periods ending after the claims'
# complete-through date (fct_feed_completeness) are incomplete (claims run-out).
CLAIMS_SOURCE_MODELS = frozenset({"fct_claim_lines", "fct_integrity_findings"})

# The layout, column by column: (name, type, description). The docs and the data dictionary
# sheet are generated from this list, so they cannot drift from the file.
DICTIONARY: tuple[tuple[str, str, str], ...] = (
    (
        "metric_id",
        "text",
        "Metric id in its own namespace (`PSS-` + the warehouse id), never a policy rule id.",
    ),
    (
        "warehouse_metric_id",
        "text",
        "The warehouse's id of the metric (rpt_waiver_metrics.metric_id).",
    ),
    (
        "metric_name",
        "text",
        "Short name of the metric.",
    ),
    (
        "metric_type",
        "text",
        "`count`, `rate`, `percentage` or `dollars`: what `value` is.",
    ),
    (
        "value_unit",
        "text",
        "Unit of `value`: `count`, `per 100 active peers`, `percent`, `dollars`, ...",
    ),
    (
        "reporting_period",
        "text",
        "The period as a label: `2024-01`, `2024 Q1`, `SFY 2023-24`, `CY 2024`, `DY20`.",
    ),
    (
        "period_type",
        "text",
        "`month`, `quarter`, `state_fiscal_year` (July-June), `calendar_year` or "
        "`demonstration_year`.",
    ),
    (
        "period_start",
        "date",
        "First day of the period.",
    ),
    (
        "period_end",
        "date",
        "Last day of the period.",
    ),
    (
        "demonstration_year",
        "text",
        "The demonstration year(s) the period falls in (`DY20`, or `DY19-DY20` for a state "
        "fiscal year across two); numbered from the policy parameters "
        "`demonstration_year_number_base` and `demonstration_year_number_base_start`.",
    ),
    (
        "demonstration_quarter",
        "text",
        "For months and quarters, the quarter of the demonstration year (`DY20 Q1`); empty "
        "for longer periods.",
    ),
    (
        "is_partial_period",
        "boolean",
        "True when the period reaches past the last month of data: its figures are incomplete"
        " (data issue DI-01).",
    ),
    (
        "period_complete",
        "boolean",
        "False when the period's figures are incomplete (data issue DI-01): it reaches past the "
        "last month of data, or, for a metric counted from claim lines, it ends after the "
        "claims' complete-through date (claims run-out).",
    ),
    (
        "geography_level",
        "text",
        "`state`, `region` or `county`.",
    ),
    (
        "geography_code",
        "text",
        "`06` for California, the region's name, or the county's 5-digit FIPS code.",
    ),
    (
        "geography_name",
        "text",
        "California, the region's name or the county's name.",
    ),
    (
        "subpopulation_type",
        "text",
        "What the subpopulation is cut by: `All`, `Age group`, `Sex`, `Race or ethnicity`, "
        "`Primary language`, `Delivery system`, `Modality`, `ASAM level of care`.",
    ),
    (
        "subpopulation",
        "text",
        "The subpopulation's label (`All`, `Female`, `Hispanic or Latino`, `21-34`, ...).",
    ),
    (
        "stratum_name",
        "text",
        "The code of subpopulation_type (rpt_waiver_metrics.stratum_name).",
    ),
    (
        "stratum_value",
        "text",
        "The code of subpopulation (rpt_waiver_metrics.stratum_value).",
    ),
    (
        "numerator",
        "integer",
        "The numerator count (for `dollars`, the lines the amount is summed over); empty when"
        " suppressed.",
    ),
    (
        "denominator",
        "integer",
        "The denominator count; empty for a count or dollars metric, or when suppressed.",
    ),
    (
        "rate",
        "decimal",
        f"numerator x multiplier / denominator, to {RATE_DECIMALS} decimals, for `rate` and "
        "`percentage` metrics; empty otherwise or when suppressed.",
    ),
    (
        "value",
        "decimal",
        "The metric's value in `value_unit`: the count, the rate, or the dollars; empty when "
        "suppressed.",
    ),
    (
        "is_suppressed",
        "boolean",
        "True when a count of the row is suppressed (RPT-03): numerator, denominator, rate "
        "and value are then empty or partly empty.",
    ),
    (
        "numerator_is_suppressed",
        "boolean",
        "True when the numerator is suppressed.",
    ),
    (
        "denominator_is_suppressed",
        "boolean",
        "True when the denominator is suppressed.",
    ),
    (
        "baseline_period",
        "text",
        "The metric's baseline period (the same for every row of a metric; sheet `metrics`).",
    ),
    (
        "baseline_value",
        "decimal",
        "The metric's `value` over the baseline period for the same geography and "
        "subpopulation, from the published row of that period; empty when suppressed or not "
        "published.",
    ),
    (
        "baseline_is_suppressed",
        "boolean",
        "True when the baseline row is published but suppressed.",
    ),
    (
        "data_issue_ids",
        "text",
        "The data issues (sheet `data_issues`) that apply to the row, separated by `; `.",
    ),
)
COLUMNS = tuple(name for name, _, _ in DICTIONARY)

SUPPRESSION_TEXT = (
    "Suppressed (RPT-03; CMS cell-size suppression policy; CalHHS Data De-identification "
    "Guidelines): counts from {low} to {high}, and further cells that would let one be "
    "recovered from the published totals, are empty and flagged; a rate or value derived from "
    "a suppressed count is empty too. A 0 is published."
)


class ExtractError(ValueError):
    """The public tables lack what the extract needs; the message is one line."""


def dictionary_frame() -> pd.DataFrame:
    return pd.DataFrame(DICTIONARY, columns=["column", "type", "description"])


def dictionary_markdown() -> str:
    """The data dictionary as a Markdown table (docs/evaluator-extract.md carries it)."""
    lines = ["| column | type | description |", "|---|---|---|"]
    lines += [f"| `{n}` | {t} | {d.replace('|', '/')} |" for n, t, d in DICTIONARY]
    return "\n".join(lines)
