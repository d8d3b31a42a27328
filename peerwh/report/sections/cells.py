"""Reading the report rows into cells, and the table builders every section shares."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from peerwh.labels import label
from peerwh.report.data import ReportData
from peerwh.report.sections.model import HIDDEN, STATE_NAME, Cell, Column, Kind, Table, period_label

# --- reading cells --------------------------------------------------------------------------


def _value(row: pd.Series, column: str, hidden: bool) -> Cell:
    value = row[column]
    if pd.isna(value):
        return HIDDEN if hidden else None
    return float(value)


def _count(frame: pd.DataFrame, column: str, **match: str) -> Cell:
    """One count of a year's model rows; None when the year is not in the data."""
    if frame.empty:
        return None
    rows = frame
    for key, wanted in match.items():
        rows = rows[rows[key] == wanted]
    if rows.empty:
        return 0.0
    row = rows.iloc[0]
    return _value(row, column, bool(row.get("is_suppressed", False)))


def _metric(
    data: ReportData,
    period: str,
    metric_id: str,
    column: str = "rate",
    level: str = "state",
    code: str = "06",
    stratum: tuple[str, str] = ("all", "all"),
) -> Cell:
    metrics = data.metrics
    rows = metrics[
        (metrics["period"] == period)
        & (metrics["metric_id"] == metric_id)
        & (metrics["geography_level"] == level)
        & (metrics["geography_code"] == code)
        & (metrics["stratum_name"] == stratum[0])
        & (metrics["stratum_value"] == stratum[1])
    ]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return _value(row, column, bool(row["is_suppressed"]))


def _has_prior(data: ReportData) -> bool:
    return data.prior is not None


def _both(data: ReportData, read: Callable[[str], Cell]) -> tuple[Cell, Cell]:
    return (read("prior") if _has_prior(data) else None, read("this"))


def _share(part: Cell, whole: Cell) -> Cell:
    if part is HIDDEN or whole is HIDDEN:
        return HIDDEN
    if part is None or whole is None or not whole:
        return None
    return 100.0 * float(part) / float(whole)  # type: ignore[arg-type]


def _year_columns(data: ReportData, kind: Kind) -> tuple[Column, Column]:
    return (Column(period_label(data.prior, data.period), kind), Column(data.period.label, kind))


# A metric's rate as a reader's kind: the catalog unit (waiver_metrics_catalog) decides.
UNIT_KINDS: dict[str, Kind] = {"count": "count", "percent": "percent", "dollars": "dollars"}


def _metric_kind(data: ReportData, metric_id: str) -> Kind:
    units = dict(zip(data.catalog["metric_id"], data.catalog["unit"], strict=True))
    return UNIT_KINDS.get(str(units.get(metric_id, "")), "rate")


def _metric_name(data: ReportData, metric_id: str) -> str:
    names = dict(zip(data.catalog["metric_id"], data.catalog["metric_name"], strict=True))
    return str(names.get(metric_id, metric_id))


Measure = tuple[str, Kind, Callable[[str], Cell]]


def _measure_table(
    data: ReportData,
    key: str,
    title: str,
    measures: Sequence[Measure],
    note: str = "",
    header: str = "Measure",
) -> Table:
    """One row per measure, the prior year and this year side by side."""
    prior, this = _year_columns(data, "count")
    rows = tuple((name, *_both(data, read)) for name, _, read in measures)
    return Table(
        key,
        title,
        (Column(header, "text"), prior, this),
        rows,
        note,
        tuple(kind for _, kind, _ in measures),
    )


def _category_table(
    data: ReportData,
    key: str,
    title: str,
    table: str,
    breakdown: str,
    column: str,
    note: str = "",
    header: str = "Category",
) -> Table:
    """Statewide counts of one breakdown of an annual report model, by category."""
    frames = {"prior": data.prior_tables[table], "this": data.tables[table]}
    this = frames["this"]
    categories = this.loc[this["breakdown"] == breakdown, "category"].drop_duplicates()
    measures: list[Measure] = [
        (
            label(category),
            "count",
            lambda period, category=category: _count(
                frames[period],
                column,
                geography_level="state",
                breakdown=breakdown,
                category=category,
            ),
        )
        for category in categories
    ]
    return _measure_table(data, key, title, measures, note, header)


def _cert(data: ReportData, breakdown: str, category: str) -> Callable[[str], Cell]:
    def read(period: str) -> Cell:
        frame = data.prior_tables if period == "prior" else data.tables
        return _count(
            frame["certification"],
            "peers",
            geography_level="state",
            breakdown=breakdown,
            category=category,
        )

    return read


def _state(data: ReportData, table: str, column: str, **match: str) -> Callable[[str], Cell]:
    def read(period: str) -> Cell:
        frame = data.prior_tables if period == "prior" else data.tables
        return _count(frame[table], column, geography_level="state", **match)

    return read


def _metric_reader(
    data: ReportData, metric_id: str, column: str = "rate", **where: str
) -> Callable[[str], Cell]:
    def read(period: str) -> Cell:
        stratum = (where.get("stratum_name", "all"), where.get("stratum_value", "all"))
        return _metric(data, period, metric_id, column, stratum=stratum)

    return read


def _complaint_share(data: ReportData, breakdown: str) -> Callable[[str], Cell]:
    """The share of complaints judged on a deadline that met it (not-yet-due left out)."""

    def read(period: str) -> Cell:
        frame = (data.prior_tables if period == "prior" else data.tables)["complaints"]
        yes = _count(
            frame, "complaints", geography_level="state", breakdown=breakdown, category="yes"
        )
        no = _count(
            frame, "complaints", geography_level="state", breakdown=breakdown, category="no"
        )
        if yes is HIDDEN or no is HIDDEN:
            return HIDDEN
        if yes is None or no is None:
            return None
        return _share(yes, float(yes) + float(no))  # type: ignore[arg-type]

    return read


def _turnover(data: ReportData) -> Callable[[str], Cell]:
    read = _state(data, "employment", "turnover_rate")

    def percent(period: str) -> Cell:
        value = read(period)
        return 100.0 * float(value) if isinstance(value, float) else value  # type: ignore[arg-type]

    return percent


def _geography_rows(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    return frame[frame["geography_level"] == level].sort_values("geography_name")


def _metric_geographies(data: ReportData) -> list[tuple[str, str, str]]:
    regions = sorted(
        set(data.metrics.loc[data.metrics["geography_level"] == "region", "geography_code"])
    )
    return [("state", "06", STATE_NAME), *(("region", r, str(r)) for r in regions)]
