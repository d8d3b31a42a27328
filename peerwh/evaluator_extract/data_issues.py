"""The extract's known data issues, each with the rows it applies to."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from peerwh.evaluator_extract.layout import OVERLAPPING_STRATA
from peerwh.evaluator_extract.years import DemonstrationYears


@dataclass(frozen=True)
class DataIssue:
    issue_id: str
    title: str
    description: str
    metrics: str
    selector: str

    def rows(self, frame: pd.DataFrame) -> pd.Series:
        if self.selector == "partial":
            return ~frame["period_complete"]
        if self.selector == "demonstration":
            return frame["period_type"] == "demonstration_year"
        if self.selector == "baseline":
            return frame["baseline_value"].isna() & ~frame["baseline_is_suppressed"]
        if self.selector == "strata":
            served = frame["warehouse_metric_id"].str.startswith("UT-")
            return served & frame["stratum_name"].isin(OVERLAPPING_STRATA)
        return pd.Series(False, index=frame.index)


def data_issues(frame: pd.DataFrame, years: DemonstrationYears) -> list[DataIssue]:
    """The known issues of the extract, each with the rows it applies to (data_issue_ids)."""
    first = years.base_start
    return [
        DataIssue(
            "DI-01",
            "Incomplete periods",
            "The period's counts are incomplete (period_complete false): it reaches past the "
            "last month of data (is_partial_period), or it counts claim lines and ends after "
            "the claims' complete-through date (see about), since claims keep arriving for "
            "months after the service (claims run-out). Compare complete periods only.",
            "all",
            "partial",
        ),
        DataIssue(
            "DI-02",
            "Demonstration-year calendar",
            f"Demonstration years are taken as 12-month years from {first.isoformat()} "
            f"(DY{years.base_number}), numbered by the policy parameters "
            "demonstration_year_number_base and demonstration_year_number_base_start. The "
            "CalAIM STCs' own DY calendar was not confirmed; if it differs, the parameters "
            "(and the warehouse's demonstration-year periods) must change.",
            "all",
            "demonstration",
        ),
        DataIssue(
            "DI-03",
            "No baseline published",
            "The baseline period has no published row for this metric, geography and "
            "subpopulation (the metric or subpopulation starts later, or that geography is "
            "not published for the baseline period): baseline_value is empty.",
            "all",
            "baseline",
        ),
        DataIssue(
            "DI-04",
            "Subpopulations overlap",
            "A beneficiary served in two age groups, delivery systems, modalities or ASAM levels "
            "in a period is counted in each, so utilization subpopulation rows of those types "
            "need not add up to `All`.",
            "UT-",
            "strata",
        ),
    ]


def issues_frame(frame: pd.DataFrame, years: DemonstrationYears) -> pd.DataFrame:
    issues = data_issues(frame, years)
    return pd.DataFrame(
        {
            "issue_id": [i.issue_id for i in issues],
            "title": [i.title for i in issues],
            "metrics": [i.metrics for i in issues],
            "rows_affected": [int(i.rows(frame).sum()) for i in issues],
            "description": [i.description for i in issues],
        }
    )
