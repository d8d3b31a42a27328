"""The extract of one snapshot with its companion sheets (metrics, data issues, about)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from peerwh.evaluator_extract.data_issues import issues_frame
from peerwh.evaluator_extract.layout import EXTRACT_NAME, SPEC_VERSION, SUPPRESSION_TEXT
from peerwh.evaluator_extract.table import _dates, build
from peerwh.evaluator_extract.years import DemonstrationYears


def metrics_frame(catalog: pd.DataFrame) -> pd.DataFrame:
    """One row per metric: ids, type, definition, numerator, denominator and the baseline."""
    return pd.DataFrame(
        {
            "metric_id": catalog["measure_id"],
            "warehouse_metric_id": catalog["metric_id"],
            "metric_name": catalog["metric_name"],
            "metric_type": catalog["metric_type"],
            "value_unit": catalog["unit"],
            "definition": catalog["definition"],
            "numerator": catalog["numerator"],
            "denominator": catalog["denominator"].fillna(""),
            "baseline_period": catalog["baseline_period"],
            "baseline_period_end": _dates(catalog["baseline_period_end"]),
            "baseline_definition": (
                "The metric's value over the baseline period for the row's geography and "
                "subpopulation (state fiscal year rows; calendar year if none), copied from "
                "the published row; the same for every period type."
            ),
            "rule_ids": catalog["rule_ids"],
        }
    ).sort_values("metric_id", ignore_index=True)


@dataclass(frozen=True)
class Extract:
    """The extract and its companion sheets, with what identifies the snapshot it came from."""

    table: pd.DataFrame
    metrics: pd.DataFrame
    issues: pd.DataFrame
    about: pd.DataFrame

    @property
    def stem(self) -> str:
        build = str(self.about.set_index("item").loc["snapshot build", "value"])
        return f"{EXTRACT_NAME}_v{SPEC_VERSION}_{build}"


def extract(
    metrics: pd.DataFrame,
    catalog: pd.DataFrame,
    parameters: pd.DataFrame,
    build_id: str,
    published: str,
    counties: Mapping[str, str] | None = None,
    claims_complete_through: dt.date | None = None,
) -> Extract:
    """The extract of one snapshot (`build_id`, published at `published`)."""
    table = build(metrics, catalog, parameters, counties, claims_complete_through)
    complete = table.loc[table["period_complete"], "period_end"]
    through = max(complete).isoformat() if len(complete) else "no complete period"
    years = DemonstrationYears.from_parameters(parameters)
    values = parameters.set_index("parameter_name")["value_numeric"]
    suppression = SUPPRESSION_TEXT.format(
        low=int(values.get("suppression_min_count", 1)),
        high=int(values.get("suppression_max_count", 10)),
    )
    about = pd.DataFrame(
        [
            (
                "extract",
                "Medi-Cal Peer Support Services waiver metrics (RPT-02), evaluator extract",
            ),
            ("spec version", SPEC_VERSION),
            ("snapshot build", build_id),
            ("snapshot published", published),
            ("data complete through", through),
            (
                "claims complete through",
                claims_complete_through.isoformat()
                if claims_complete_through
                else "unknown (no feed completeness in this snapshot)",
            ),
            ("rows", f"{len(table):,}"),
            ("suppression", suppression),
            (
                "demonstration years",
                f"DY{years.base_number} starts {years.base_start.isoformat()}; "
                "see data issue DI-02",
            ),
            ("sheets", "data (the tidy table), metrics, data_issues, data_dictionary, about"),
        ],
        columns=["item", "value"],
    )
    return Extract(table, metrics_frame(catalog), issues_frame(table, years), about)
