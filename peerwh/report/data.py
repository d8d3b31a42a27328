"""The rows of the annual program report, read from the warehouse DuckDB file.

Why the warehouse file and not the published snapshot: the internal edition reads the
unsuppressed `intermediate.int_annual_program_report__*` tables, which are never published.
Both editions therefore read one place, through a read-only connection.
"""

from __future__ import annotations

import json
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
    """One table of the report (RPT-01): the dbt model of each edition and its counts."""

    name: str
    title: str
    count_columns: tuple[str, ...]

    def model(self, edition: Edition) -> str:
        prefix = "rpt" if edition == "public" else "int"
        return f"{prefix}_annual_program_report__{self.name}"

    def relation(self, edition: Edition) -> str:
        schema = "reporting" if edition == "public" else "intermediate"
        return f"{schema}.{self.model(edition)}"


TABLES: tuple[ReportTable, ...] = (
    ReportTable("certification", "Certification", ("peers",)),
    ReportTable(
        "employment",
        "Employment",
        (
            "employed_peers",
            "employed_peers_on_period_end",
            "supervisors_on_period_end",
            "hires",
            "separations",
        ),
    ),
    ReportTable("complaints", "Complaints and actions", ("complaints",)),
)

# Columns that hold the reporting year; the same on every row of one report, so the
# rendered tables leave them out and the title carries them.
PERIOD_COLUMNS = (
    "report_year",
    "year_type",
    "report_period_label",
    "period_start",
    "period_end",
    "is_complete_year",
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
    edition: Edition
    period: ReportPeriod
    tables: dict[str, pd.DataFrame]


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


def load(con: duckdb.DuckDBPyConnection, edition: Edition, period: ReportPeriod) -> ReportData:
    """The rows of each table of one edition for one reporting year, in a stable order."""
    tables: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        relation = table.relation(edition)
        try:
            frame = con.execute(
                f"select * from {relation} where report_year = ? and year_type = ? order by all",
                [period.report_year, period.year_type],
            ).df()
        except duckdb.CatalogException as error:
            raise ReportError(
                f"the warehouse has no {relation}; build it with `peerwh run`"
            ) from error
        # The state first, then regions, then counties: the order a reader scans in.
        level = frame["geography_level"].map(GEOGRAPHY_ORDER)
        tables[table.name] = frame.iloc[level.argsort(kind="stable")].reset_index(drop=True)
    return ReportData(edition, period, tables)


def definitions(manifest_path: Path, edition: Edition) -> pd.DataFrame:
    """Table and column definitions of one edition's models, from dbt's manifest."""
    manifest = json.loads(manifest_path.read_text())
    nodes = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    rows: list[dict[str, str]] = []
    for table in TABLES:
        node = nodes.get(table.model(edition))
        if node is None:
            raise ReportError(f"dbt's manifest has no model {table.model(edition)}")
        described = [("", node["description"])]
        described += [(c["name"], c["description"]) for c in node["columns"].values()]
        rows += [
            {
                "table": table.name,
                "model": node["name"],
                "column": column,
                "definition": " ".join(text.split()),
            }
            for column, text in described
        ]
    return pd.DataFrame(rows)
