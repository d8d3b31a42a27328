"""The tidy table: one row per published metric x period x geography x subpopulation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import pandas as pd

from peerwh.evaluator_extract.data_issues import data_issues
from peerwh.evaluator_extract.layout import (
    BASELINE_PERIOD_TYPES,
    CLAIMS_SOURCE_MODELS,
    COLUMNS,
    LEVEL_ORDER,
    PERIOD_ORDER,
    RATE_DECIMALS,
    STATE_NAME,
    ExtractError,
)
from peerwh.evaluator_extract.years import DemonstrationYears, reporting_period
from peerwh.labels import label


def _dates(values: pd.Series) -> list[dt.date]:
    return [pd.Timestamp(v).date() for v in values]


def _geography_names(frame: pd.DataFrame, counties: Mapping[str, str]) -> list[str]:
    names = []
    for level, code in zip(frame["geography_level"], frame["geography_code"], strict=True):
        if level == "state":
            names.append(STATE_NAME)
        elif level == "county":
            names.append(counties.get(str(code), str(code)))
        else:
            names.append(str(code))
    return names


def build(
    metrics: pd.DataFrame,
    catalog: pd.DataFrame,
    parameters: pd.DataFrame,
    counties: Mapping[str, str] | None = None,
    claims_complete_through: dt.date | None = None,
) -> pd.DataFrame:
    """The tidy extract, one row per published metric x period x geography x subpopulation.

    `claims_complete_through` (fct_feed_completeness): periods of claims metrics ending after it
    are incomplete (`period_complete` false); None when unknown.
    """
    missing = {"measure_id", "metric_type", "baseline_period_end", "source_model"} - set(
        catalog.columns
    )
    if missing:
        raise ExtractError(f"waiver_metrics_catalog lacks {', '.join(sorted(missing))}")
    years = DemonstrationYears.from_parameters(parameters)
    meta = catalog.set_index("metric_id")
    frame = metrics.merge(
        catalog[
            [
                "metric_id",
                "measure_id",
                "metric_name",
                "metric_type",
                "unit",
                "baseline_period",
                "source_model",
            ]
        ],
        on="metric_id",
        how="left",
        validate="m:1",
    )
    unknown = frame.loc[frame["measure_id"].isna(), "metric_id"].unique()
    if len(unknown):
        raise ExtractError(
            f"rpt_waiver_metrics has metrics not in the catalog: {', '.join(unknown)}"
        )
    starts, ends = _dates(frame["period_start"]), _dates(frame["period_end"])
    out = pd.DataFrame(
        {
            "metric_id": frame["measure_id"],
            "warehouse_metric_id": frame["metric_id"],
            "metric_name": frame["metric_name"],
            "metric_type": frame["metric_type"],
            "value_unit": frame["unit"],
            "reporting_period": [
                reporting_period(p, s, years)
                for p, s in zip(frame["period_type"], starts, strict=True)
            ],
            "period_type": frame["period_type"],
            "period_start": starts,
            "period_end": ends,
            "demonstration_year": [
                years.year_label(s, e) for s, e in zip(starts, ends, strict=True)
            ],
            "demonstration_quarter": [
                years.quarter_label(s) if p in ("month", "quarter") else ""
                for p, s in zip(frame["period_type"], starts, strict=True)
            ],
            "is_partial_period": frame["is_partial_period"].astype(bool),
            "period_complete": _period_complete(frame, ends, claims_complete_through),
            "geography_level": frame["geography_level"],
            "geography_code": frame["geography_code"].astype(str),
            "geography_name": _geography_names(frame, counties or {}),
            "subpopulation_type": [label(v) for v in frame["stratum_name"]],
            "subpopulation": [label(v) for v in frame["stratum_value"]],
            "stratum_name": frame["stratum_name"],
            "stratum_value": frame["stratum_value"].astype(str),
            "numerator": pd.to_numeric(frame["numerator"]).round().astype("Int64"),
            "denominator": pd.to_numeric(frame["denominator"]).round().astype("Int64"),
            "rate": pd.to_numeric(frame["rate"]).astype("Float64").round(RATE_DECIMALS),
            "value": pd.NA,
            "is_suppressed": frame["is_suppressed"].astype(bool),
            "numerator_is_suppressed": frame["numerator_is_suppressed"].astype(bool),
            "denominator_is_suppressed": frame["denominator_is_suppressed"].astype(bool),
            "baseline_period": frame["baseline_period"],
        }
    )
    counts_or_dollars = out["metric_type"].isin(["count", "dollars"])
    out["value"] = out["rate"].where(
        ~(out["metric_type"] == "count"), out["numerator"].astype("Float64")
    )
    # A count's rate is its numerator and dollars are no rate: `value` carries them.
    out.loc[counts_or_dollars, "rate"] = pd.NA
    out = _with_baseline(out, meta)
    out["data_issue_ids"] = ""
    out = out.sort_values(
        ["warehouse_metric_id", "period_type", "period_start", "geography_level", "geography_code",
         "stratum_name", "stratum_value"],
        key=_order,
    ).reset_index(drop=True)  # fmt: skip
    for issue in data_issues(out, years):
        mask = issue.rows(out)
        out.loc[mask, "data_issue_ids"] = [
            f"{ids}; {issue.issue_id}" if ids else issue.issue_id
            for ids in out.loc[mask, "data_issue_ids"]
        ]
    return out[list(COLUMNS)]


def _order(values: pd.Series) -> pd.Series:
    if values.name == "period_type":
        return values.map({p: i for i, p in enumerate(PERIOD_ORDER)})
    if values.name == "geography_level":
        return values.map({p: i for i, p in enumerate(LEVEL_ORDER)})
    if values.name == "stratum_name":
        return values.map(lambda v: "" if v == "all" else v)
    return values


def _with_baseline(out: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """`baseline_value`: each metric's value over its one baseline period (the catalog's
    baseline_period_end; a state fiscal year, else a calendar year ending that day), for the
    row's geography and subpopulation, whatever the row's period type."""
    ends = {m: pd.Timestamp(meta.loc[m, "baseline_period_end"]).date() for m in meta.index}
    keys = [
        "warehouse_metric_id",
        "geography_level",
        "geography_code",
        "stratum_name",
        "stratum_value",
    ]
    candidates = out[
        out["period_type"].isin(BASELINE_PERIOD_TYPES)
        & (out["period_end"] == out["warehouse_metric_id"].map(ends))
    ].copy()
    candidates["preference"] = candidates["period_type"].map(
        {p: i for i, p in enumerate(BASELINE_PERIOD_TYPES)}
    )
    baseline = (
        candidates.sort_values("preference")
        .drop_duplicates(keys)
        .rename(columns={"value": "baseline_value", "is_suppressed": "baseline_is_suppressed"})
    )[[*keys, "baseline_value", "baseline_is_suppressed"]]
    merged = out.merge(baseline, on=keys, how="left", validate="m:1")
    merged["baseline_is_suppressed"] = (
        merged["baseline_is_suppressed"].astype("boolean").fillna(False).astype(bool)
    )
    # A suppressed baseline stays empty even where its count is shown: the value is hidden.
    merged.loc[merged["baseline_is_suppressed"], "baseline_value"] = pd.NA
    return merged


def period_complete(
    partial: Iterable[bool],
    ends: Iterable[dt.date],
    claims: Iterable[bool],
    claims_complete_through: dt.date | None,
) -> list[bool]:
    """Per period: not partial and, for a claims metric, ended by the claims' complete-through
    date (unknown: no run-out check)."""
    return [
        not bool(is_partial)
        and not (is_claims and claims_complete_through and end > claims_complete_through)
        for is_partial, end, is_claims in zip(partial, ends, claims, strict=True)
    ]


def _period_complete(
    frame: pd.DataFrame, ends: list[dt.date], claims_complete_through: dt.date | None
) -> list[bool]:
    claims = frame["source_model"].isin(CLAIMS_SOURCE_MODELS)
    return period_complete(frame["is_partial_period"], ends, claims, claims_complete_through)
