"""The evaluator extract (RPT-02): the whole published waiver-metrics table in the tidy shape of
CMS section 1115 monitoring workbooks, with its data dictionary, metric sheet and data issues.

Built only from public tables of a published snapshot (`rpt_waiver_metrics`, already suppressed
and audited under RPT-03, and the reference tables `waiver_metrics_catalog` and
`policy_parameters`), so it can carry nothing the disclosure audit has not passed: a suppressed
cell stays empty and flagged, and a baseline is copied from a published row, never recomputed.

Pure functions (data in, frames or bytes out); the Waiver metrics page offers the files.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from peerwh import xlsx
from peerwh.labels import label

SPEC_VERSION = "1.0"
EXTRACT_NAME = "peer_support_waiver_metrics"
STATE_NAME = "California"
BASELINE_PERIOD_TYPES = ("state_fiscal_year", "calendar_year")
PERIOD_ORDER = ("month", "quarter", "state_fiscal_year", "calendar_year", "demonstration_year")
LEVEL_ORDER = ("state", "region", "county")
RATE_DECIMALS = 2
OVERLAPPING_STRATA = ("beneficiary_age_group", "delivery_system", "modality", "asam_level")

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


@dataclass(frozen=True)
class DemonstrationYears:
    """The numbering of demonstration years: `base_number` is the year starting `base_start`."""

    base_number: int
    base_start: dt.date

    @classmethod
    def from_parameters(cls, parameters: pd.DataFrame) -> DemonstrationYears:
        values = parameters.set_index("parameter_name")
        try:
            number = values.loc["demonstration_year_number_base", "value_numeric"]
            start = values.loc["demonstration_year_number_base_start", "value_date"]
        except KeyError as missing:
            raise ExtractError(
                f"policy_parameters has no {missing.args[0]}: cannot number demonstration years"
            ) from None
        return cls(int(float(number)), pd.Timestamp(start).date())

    def number(self, day: dt.date) -> int | None:
        years = day.year - self.base_start.year
        if (day.month, day.day) < (self.base_start.month, self.base_start.day):
            years -= 1
        return self.base_number + years if years >= 0 else None

    def year_label(self, start: dt.date, end: dt.date) -> str:
        first, last = self.number(start), self.number(end)
        if first is None and last is None:
            return ""
        if first is None or first == last:
            return f"DY{last}"
        return f"DY{first}-DY{last}"

    def quarter_label(self, start: dt.date) -> str:
        number = self.number(start)
        if number is None:
            return ""
        months = (start.month - self.base_start.month) % 12
        return f"DY{number} Q{months // 3 + 1}"


def reporting_period(period_type: str, start: dt.date, years: DemonstrationYears) -> str:
    if period_type == "month":
        return start.strftime("%Y-%m")
    if period_type == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if period_type == "state_fiscal_year":
        return f"SFY {start.year}-{(start.year + 1) % 100:02d}"
    if period_type == "calendar_year":
        return f"CY {start.year}"
    return years.year_label(start, start)


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
) -> pd.DataFrame:
    """The tidy extract, one row per published metric x period x geography x subpopulation."""
    missing = {"measure_id", "metric_type", "baseline_period_end"} - set(catalog.columns)
    if missing:
        raise ExtractError(f"waiver_metrics_catalog lacks {', '.join(sorted(missing))}")
    years = DemonstrationYears.from_parameters(parameters)
    meta = catalog.set_index("metric_id")
    frame = metrics.merge(
        catalog[
            ["metric_id", "measure_id", "metric_name", "metric_type", "unit", "baseline_period"]
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


@dataclass(frozen=True)
class DataIssue:
    issue_id: str
    title: str
    description: str
    metrics: str
    selector: str

    def rows(self, frame: pd.DataFrame) -> pd.Series:
        if self.selector == "partial":
            return frame["is_partial_period"]
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
            "Partial periods",
            "The period reaches past the last month of data (is_partial_period): its counts "
            "are incomplete and fall towards the end of the data, above all for claims, which "
            "keep arriving for months after the service. Compare complete periods only.",
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


def dictionary_frame() -> pd.DataFrame:
    return pd.DataFrame(DICTIONARY, columns=["column", "type", "description"])


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
) -> Extract:
    """The extract of one snapshot (`build_id`, published at `published`)."""
    table = build(metrics, catalog, parameters, counties)
    complete = table.loc[~table["is_partial_period"], "period_end"]
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


# --- files ----------------------------------------------------------------------------------


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV; empty cells are suppressed or not applicable (see the flags)."""
    return table.to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")


def dictionary_csv_bytes() -> bytes:
    header = f"# {EXTRACT_NAME} data dictionary, spec version {SPEC_VERSION}\n"
    return (header + dictionary_frame().to_csv(index=False)).encode("utf-8")


WIDE_COLUMNS = ("description", "definition", "value", "baseline_definition", "baseline_period")


def _widths(frame: pd.DataFrame) -> dict[str, float]:
    return {c: 60.0 if c in WIDE_COLUMNS else 18.0 for c in frame.columns}


def xlsx_bytes(result: Extract) -> bytes:
    """The workbook: `data` (the tidy table), `metrics`, `data_issues`, `data_dictionary` and
    `about`, each with a frozen, filterable header and typed cells."""
    types = {name: kind for name, kind, _ in DICTIONARY}
    sheets = [
        xlsx.Sheet("data", result.table, types, _widths(result.table)),
        xlsx.Sheet(
            "metrics", result.metrics, {"baseline_period_end": "date"}, _widths(result.metrics)
        ),
        xlsx.Sheet(
            "data_issues", result.issues, {"rows_affected": "integer"}, _widths(result.issues)
        ),
        xlsx.Sheet("data_dictionary", dictionary_frame(), {}, _widths(dictionary_frame())),
        xlsx.Sheet("about", result.about, {}, _widths(result.about)),
    ]
    return xlsx.workbook_bytes(sheets)


PARQUET_KEYS = {
    "spec_version": b"peerwh.extract.spec_version",
    "dictionary": b"peerwh.extract.data_dictionary",
    "about": b"peerwh.extract.about",
    "issues": b"peerwh.extract.data_issues",
}


def parquet_bytes(result: Extract) -> bytes:
    """The table as Parquet, with the spec version, data dictionary, about and data issues in
    its schema metadata (JSON), so the file documents itself."""
    table = pa.Table.from_pandas(result.table, preserve_index=False)
    metadata = {
        **(table.schema.metadata or {}),
        PARQUET_KEYS["spec_version"]: SPEC_VERSION.encode(),
        PARQUET_KEYS["dictionary"]: dictionary_frame().to_json(orient="records").encode(),
        PARQUET_KEYS["about"]: json.dumps(dict(result.about.itertuples(index=False))).encode(),
        PARQUET_KEYS["issues"]: result.issues.to_json(orient="records").encode(),
    }
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(metadata), buffer, compression="zstd")
    return buffer.getvalue()


def dictionary_markdown() -> str:
    """The data dictionary as a Markdown table (docs/evaluator-extract.md carries it)."""
    lines = ["| column | type | description |", "|---|---|---|"]
    lines += [f"| `{n}` | {t} | {d.replace('|', '/')} |" for n, t, d in DICTIONARY]
    return "\n".join(lines)
