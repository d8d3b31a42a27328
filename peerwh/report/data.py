"""The rows of the annual program report, read from the warehouse DuckDB file.

Why the warehouse file and not the published snapshot: the internal edition reads the
unsuppressed `intermediate.int_annual_program_report__*` tables and the marts, which are never
published. Both editions therefore read one place, through a read-only connection; the public
edition reads only the public (`reporting`, suppressed) models and reference tables, plus the
ingestion log for the extract dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

Edition = Literal["public", "internal"]
YearType = Literal["state_fiscal_year", "calendar_year"]

EDITIONS: tuple[Edition, ...] = ("public", "internal")


@dataclass(frozen=True)
class ReportTable:
    """One annual report model (RPT-01): `rpt_` in the public edition, `int_` in the internal."""

    name: str

    def model(self, edition: Edition) -> str:
        prefix = "rpt" if edition == "public" else "int"
        return f"{prefix}_annual_program_report__{self.name}"

    def relation(self, edition: Edition) -> str:
        schema = "reporting" if edition == "public" else "intermediate"
        return f"{schema}.{self.model(edition)}"


TABLES: tuple[ReportTable, ...] = tuple(
    ReportTable(name) for name in ("certification", "employment", "complaints")
)

GEOGRAPHY_ORDER = {"state": 0, "region": 1, "county": 2}


class ReportError(RuntimeError):
    """A report cannot be written; the message is one line for the user."""


@dataclass(frozen=True)
class ReportPeriod:
    report_year: int
    year_type: YearType
    label: str
    period_start: str
    period_end: str
    is_complete: bool


@dataclass(frozen=True)
class ReportData:
    """Everything one edition of one year's report shows, the prior year beside it.

    `tables` and `prior_tables` are the annual report models' rows; `metrics` the waiver
    metrics (RPT-02) of both years, statewide and by region (`period` is `this` or `prior`);
    `integrity` the internal edition's program-integrity findings (None in the public one);
    `extracts` the latest accepted extract date of each feed.
    """

    edition: Edition
    period: ReportPeriod
    prior: ReportPeriod | None
    tables: dict[str, pd.DataFrame]
    prior_tables: dict[str, pd.DataFrame]
    metrics: pd.DataFrame
    catalog: pd.DataFrame
    integrity: pd.DataFrame | None
    extracts: pd.DataFrame
    parameters: dict[str, float]


def connect(database: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse, or a one-line ReportError."""
    if not database.is_file():
        raise ReportError(f"no warehouse at {database}; build it first with `peerwh run`")
    try:
        return duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        first_line = str(error).strip().splitlines()[0]
        raise ReportError(f"cannot open the warehouse {database}: {first_line}") from error


def periods(con: duckdb.DuckDBPyConnection) -> list[ReportPeriod]:
    """Every reporting year the public tables carry, oldest first."""
    relation = TABLES[0].relation("public")
    try:
        rows = con.execute(
            "select distinct report_year, year_type, report_period_label, "
            "cast(period_start as varchar), cast(period_end as varchar), is_complete_year "
            f"from {relation} order by year_type, report_year"
        ).fetchall()
    except duckdb.CatalogException as error:
        raise ReportError(f"the warehouse has no {relation}; build it with `peerwh run`") from error
    return [ReportPeriod(int(r[0]), r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]


def find_period(
    con: duckdb.DuckDBPyConnection, report_year: int, year_type: YearType
) -> ReportPeriod:
    known = [p for p in periods(con) if p.year_type == year_type]
    for period in known:
        if period.report_year == report_year:
            return period
    kind = "calendar year" if year_type == "calendar_year" else "state fiscal year"
    years = ", ".join(str(p.report_year) for p in known) or "none"
    raise ReportError(f"no {kind} {report_year} in the warehouse (years available: {years})")


def latest_complete_period(
    con: duckdb.DuckDBPyConnection, year_type: YearType = "state_fiscal_year"
) -> ReportPeriod | None:
    complete = [p for p in periods(con) if p.year_type == year_type and p.is_complete]
    return complete[-1] if complete else None


def _query(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> pd.DataFrame:
    """A query's rows; a table missing from the warehouse is a one-line ReportError."""
    try:
        return con.execute(sql, params).df()
    except duckdb.CatalogException as error:
        first_line = str(error).strip().splitlines()[0]
        raise ReportError(
            f"the warehouse lacks a report input ({first_line}); build it with `peerwh run`"
        ) from error


def _tables(
    con: duckdb.DuckDBPyConnection, edition: Edition, period: ReportPeriod | None
) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        frame = _query(
            con,
            f"select * from {table.relation(edition)} "
            "where report_year = ? and year_type = ? order by all",
            [period.report_year if period else -1, period.year_type if period else ""],
        )
        if "is_suppressed" not in frame:
            frame["is_suppressed"] = False  # the internal edition suppresses nothing
        # The state first, then regions, then counties: the order a reader scans in.
        level = frame["geography_level"].map(GEOGRAPHY_ORDER)
        tables[table.name] = frame.iloc[level.argsort(kind="stable")].reset_index(drop=True)
    return tables


# The waiver metrics (RPT-02) the report quotes: the public edition reads the published,
# suppressed table; the internal one the same cells before suppression.
METRIC_RELATIONS: dict[Edition, str] = {
    "public": "reporting.rpt_waiver_metrics",
    "internal": "intermediate.int_waiver_metric_cells",
}


def _metrics(
    con: duckdb.DuckDBPyConnection,
    edition: Edition,
    period: ReportPeriod,
    prior: ReportPeriod | None,
) -> pd.DataFrame:
    suppressed = "is_suppressed" if edition == "public" else "false"
    starts = [period.period_start, prior.period_start if prior else period.period_start]
    frame = _query(
        con,
        "select case when period_start = cast(? as date) then 'this' else 'prior' end as period, "
        "metric_id, geography_level, geography_code, stratum_name, stratum_value, "
        f"numerator, denominator, cast(rate as double) as rate, {suppressed} as is_suppressed "
        f"from {METRIC_RELATIONS[edition]} "
        "where period_type = ? and period_start in (cast(? as date), cast(? as date)) "
        "and geography_level in ('state', 'region') order by all",
        [period.period_start, period.year_type, *starts],
    )
    return frame


def _integrity(
    con: duckdb.DuckDBPyConnection, period: ReportPeriod, prior: ReportPeriod | None
) -> pd.DataFrame:
    """Program-integrity findings (BILL-) on approved lines served in either year, by rule."""
    first = prior.period_start if prior else period.period_start
    return _query(
        con,
        "select case when lines.service_date >= cast(? as date) then 'this' else 'prior' end "
        "as period, findings.rule_id, count(*) as findings, "
        "count(distinct (lines.claim_id, lines.line_number)) as lines, "
        "sum(findings.approved_amount_at_risk) as amount_at_risk "
        "from marts.fct_integrity_findings as findings "
        "join marts.fct_claim_lines as lines using (claim_id, line_number) "
        "where lines.service_date between cast(? as date) and cast(? as date) "
        "group by all order by all",
        [period.period_start, first, period.period_end],
    )


def _extracts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each feed's latest accepted extract date and its number of accepted files."""
    return _query(
        con,
        "select feed, max(extract_date) as latest_extract_date, count(*) as files "
        "from audit.ingest_files where status <> 'rejected' group by feed order by feed",
        [],
    )


def _parameters(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    rows = _query(
        con,
        "select parameter_name, value_numeric from reference.policy_parameters "
        "where value_numeric is not null",
        [],
    )
    return {str(r.parameter_name): float(r.value_numeric) for r in rows.itertuples()}


def prior_period(con: duckdb.DuckDBPyConnection, period: ReportPeriod) -> ReportPeriod | None:
    """The year before `period`, of the same kind, when the warehouse has it."""
    for known in periods(con):
        if known.year_type == period.year_type and known.report_year == period.report_year - 1:
            return known
    return None


def load(con: duckdb.DuckDBPyConnection, edition: Edition, period: ReportPeriod) -> ReportData:
    """The rows of one edition for one reporting year and the year before it."""
    prior = prior_period(con, period)
    catalog = _query(
        con,
        "select metric_id, metric_name, definition, unit from reference.waiver_metrics_catalog "
        "order by metric_id",
        [],
    )
    return ReportData(
        edition=edition,
        period=period,
        prior=prior,
        tables=_tables(con, edition, period),
        prior_tables=_tables(con, edition, prior),
        metrics=_metrics(con, edition, period, prior),
        catalog=catalog,
        integrity=_integrity(con, period, prior) if edition == "internal" else None,
        extracts=_extracts(con),
        parameters=_parameters(con),
    )
