"""The annual program report (RPT-01, RPT-03) on the tiny warehouse: its dbt models, the
`peerwh report` files (HTML, Excel, PDF) of both editions, and the Dagster asset.

Expected values are recomputed from the marts or read straight from the models; the files
are parsed back (openpyxl, the stdlib HTML parser, pypdf) and compared with the model rows.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from tests.pipeline import BuiltWarehouse, copy_warehouse, run_cli

TABLES = {
    "certification": ["peers"],
    "employment": [
        "employed_peers",
        "employed_peers_on_period_end",
        "supervisors_on_period_end",
        "hires",
        "separations",
    ],
    "complaints": ["complaints"],
}
RELATIONS = {
    "public": "reporting.rpt_annual_program_report__{}",
    "internal": "intermediate.int_annual_program_report__{}",
}
SFY_2024 = "report_year = 2024 and year_type = 'state_fiscal_year'"
STEM = "annual_program_report_SFY_2023-24_{}"


def model_rows(built: BuiltWarehouse, edition: str, table: str, where: str) -> pd.DataFrame:
    return built.query(f"select * from {RELATIONS[edition].format(table)} where {where}")


@pytest.fixture(scope="module")
def report_dir(built_warehouse: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    result = run_cli(
        "report",
        "--year",
        "2024",
        "--edition",
        "both",
        "--warehouse",
        str(built_warehouse.warehouse),
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.output
    return out


class _Tables(HTMLParser):
    """Every <table id=...> of a page as a list of rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._current: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._current = self.tables.setdefault(dict(attrs).get("id") or "", [])
        elif tag == "tr" and self._current is not None:
            self._current.append([])
        elif tag in ("td", "th") and self._current is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._current is not None:
            self._current[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(path: Path) -> dict[str, pd.DataFrame]:
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return {name: pd.DataFrame(rows[1:], columns=rows[0]) for name, rows in parser.tables.items()}


def sort_rows(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)


def keys_of(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("geography_level", "geography_code", "breakdown", "category") if c in frame]


# --- the models ---------------------------------------------------------------------------


def test_every_reporting_year_of_the_data_is_carried(built_warehouse: BuiltWarehouse) -> None:
    periods = built_warehouse.query(
        "select distinct report_year, year_type, report_period_label, period_start, period_end "
        "from reporting.rpt_annual_program_report__certification"
    )
    assert {"state_fiscal_year", "calendar_year"} == set(periods["year_type"])
    sfy = periods[(periods["year_type"] == "state_fiscal_year") & (periods["report_year"] == 2024)]
    assert sfy["report_period_label"].tolist() == ["SFY 2023-24"]
    assert pd.Timestamp(sfy["period_start"].iloc[0]).date() == dt.date(2023, 7, 1)
    assert pd.Timestamp(sfy["period_end"].iloc[0]).date() == dt.date(2024, 6, 30)
    cy = periods[(periods["year_type"] == "calendar_year") & (periods["report_year"] == 2023)]
    assert cy["report_period_label"].tolist() == ["CY 2023"]
    for table in TABLES:
        other = built_warehouse.query(
            "select distinct report_year, year_type "
            f"from reporting.rpt_annual_program_report__{table}"
        )
        assert len(other) == len(periods), table


def test_active_status_at_year_end(built_warehouse: BuiltWarehouse) -> None:
    for year_type, year, end in (
        ("state_fiscal_year", 2024, "2024-06-30"),
        ("calendar_year", 2023, "2023-12-31"),
    ):
        expected = built_warehouse.query(
            "select count(distinct certificant_id) as n from marts.fct_certification_status_spans "
            f"where status = 'active' and valid_from <= date '{end}' "
            f"and (valid_to is null or valid_to > date '{end}')"
        )["n"].iloc[0]
        published = built_warehouse.query(
            "select peers from reporting.rpt_annual_program_report__certification "
            "where geography_level = 'state' and breakdown = 'status_at_period_end' "
            "and category = 'active' and report_year = ? and year_type = ?",
            [year, year_type],
        )["peers"].iloc[0]
        assert expected > 10
        assert published == expected


def test_employed_peers_statewide(built_warehouse: BuiltWarehouse) -> None:
    for year_type, year, start, end in (
        ("state_fiscal_year", 2024, "2023-07-01", "2024-06-30"),
        ("calendar_year", 2023, "2023-01-01", "2023-12-31"),
    ):
        expected = built_warehouse.query(
            "select count(distinct certificant_id) as n from staging.stg_county__employment "
            f"where role = 'peer_support_specialist' and hire_date <= date '{end}' "
            f"and (separation_date is null or separation_date >= date '{start}')"
        )["n"].iloc[0]
        # The internal edition: the public one may suppress even a statewide total as a
        # complement (RPT-03), and shows the same number where it shows one.
        counted = built_warehouse.query(
            "select employed_peers from intermediate.int_annual_program_report__employment "
            "where geography_level = 'state' and report_year = ? and year_type = ?",
            [year, year_type],
        )["employed_peers"].iloc[0]
        assert expected > 10
        assert counted == expected


def test_public_models_publish_no_small_counts(built_warehouse: BuiltWarehouse) -> None:
    for table, columns in TABLES.items():
        frame = built_warehouse.query(f"select * from reporting.rpt_annual_program_report__{table}")
        for column in columns:
            assert not frame[column].dropna().between(1, 10).any(), (table, column)


def test_public_models_are_the_internal_rows_suppressed(built_warehouse: BuiltWarehouse) -> None:
    for table, columns in TABLES.items():
        public = model_rows(built_warehouse, "public", table, "true")
        internal = model_rows(built_warehouse, "internal", table, "true")
        keys = ["report_year", "year_type", *keys_of(public)]
        joined = public.merge(internal, on=keys, suffixes=("", "_internal"), validate="1:1")
        assert len(joined) == len(public) == len(internal), table
        small = joined[columns[0] + "_internal"].between(1, 10)
        assert small.any(), f"{table}: no small count on tiny data, the test would prove nothing"
        for column in columns:
            shown = joined[column].notna()
            assert (joined.loc[shown, column] == joined.loc[shown, f"{column}_internal"]).all()


# --- peerwh report --------------------------------------------------------------------------

SECTIONS = {
    "public": [
        "Summary",
        "Certification",
        "Workforce",
        "Utilization and billing",
        "Complaints and actions",
        "Methods and definitions",
        "Data notes",
    ],
}
SECTIONS["internal"] = [*SECTIONS["public"][:4], "Program integrity (internal edition)",
                        *SECTIONS["public"][4:]]  # fmt: skip
# Codes that must never reach a reader: each has a label.
RAW_CODES = (
    "status_at_period_end",
    "new_certification",
    "pathway_of_active_peers",
    "hispanic_latino",
    "closed_no_finding",
    "telehealth_video",
    "DMC_ODS",
)


def _state_count(
    built: BuiltWarehouse, edition: str, table: str, column: str, where: str
) -> float | None:
    rows = model_rows(built, edition, table, f"geography_level = 'state' and {where}")
    value = rows[column].iloc[0]
    return None if pd.isna(value) else float(value)


def _shown(value: float | None) -> str:
    return "suppressed" if value is None else f"{round(value):,}"


def test_the_report_writes_three_files_per_edition(report_dir: Path) -> None:
    for edition in ("public", "internal"):
        for suffix in ("html", "xlsx", "pdf"):
            path = report_dir / f"{STEM.format(edition)}.{suffix}"
            assert path.stat().st_size > 1000, path


@pytest.mark.parametrize("edition", ["public", "internal"])
def test_html_has_the_sections_in_order_with_each_year_beside_the_prior(
    built_warehouse: BuiltWarehouse, report_dir: Path, edition: str
) -> None:
    page = (report_dir / f"{STEM.format(edition)}.html").read_text(encoding="utf-8")
    positions = [page.find(f"<h2>{html.escape(title)}</h2>") for title in SECTIONS[edition]]
    assert all(p > 0 for p in positions) and positions == sorted(positions), positions
    assert ("Program integrity" in page) == (edition == "internal")
    tables = html_tables(report_dir / f"{STEM.format(edition)}.html")
    summary = tables["table-summary"].set_index("Measure")
    assert list(summary.columns) == ["SFY 2022-23", "SFY 2023-24"]
    status = "breakdown = 'status_at_period_end' and category = 'active'"
    for year, column in ((2023, "SFY 2022-23"), (2024, "SFY 2023-24")):
        where = f"report_year = {year} and year_type = 'state_fiscal_year' and {status}"
        active = _state_count(built_warehouse, edition, "certification", "peers", where)
        assert summary.loc["Certified peers active at year end", column] == _shown(active)
    for code in RAW_CODES:
        assert f">{code}<" not in page, code
    # Titles that promise regions have a row per region after California.
    regions = tables["table-workforce_region"]["Region"].tolist()
    assert regions[0] == "California" and set(regions[1:]) == {
        "Bay Area", "Central", "Los Angeles", "Southern", "Superior"
    }  # fmt: skip
    for name in ("appendix_a_certification", "appendix_b_employment", "appendix_c_complaints"):
        assert len(tables[f"table-{name}"]) == 58, name  # one row per county
    assert re.search(r"Data as of \d{4}-\d{2}-\d{2}", page)
    assert not re.search(r"<script[^>]+src=", page)  # offline: plotly.js is inlined
    # Charts with a bar above zero only (at tiny scale the public edition suppresses some).
    assert page.count("Plotly.newPlot") >= 3


@pytest.mark.parametrize("edition", ["public", "internal"])
def test_workbook_is_readable_frozen_filtered_and_typed(
    built_warehouse: BuiltWarehouse, report_dir: Path, edition: str
) -> None:
    book = openpyxl.load_workbook(report_dir / f"{STEM.format(edition)}.xlsx")
    assert book.sheetnames[0] == "contents"
    assert ("integrity_rules" in book.sheetnames) == (edition == "internal")
    for name in book.sheetnames[1:]:
        sheet = book[name]
        assert sheet.freeze_panes == "B4", name
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A3:"), name
    summary = {row[0]: row[1:] for row in book["summary"].iter_rows(min_row=4, values_only=True)}
    where = "report_year = 2024 and year_type = 'state_fiscal_year' and breakdown = 'received'"
    received = _state_count(built_warehouse, edition, "complaints", "complaints", where)
    assert summary["Complaints received"][1] == ("suppressed" if received is None else received)
    turnover = next(
        r for r in book["summary"].iter_rows(min_row=4) if r[0].value == "Peer turnover"
    )
    assert all(c.number_format == "0.0%" for c in turnover[1:] if isinstance(c.value, float))
    extracts = list(book["extracts"].iter_rows(min_row=4))
    assert extracts and all(
        row[1].is_date and row[1].number_format == "yyyy-mm-dd" for row in extracts
    )
    counts = [
        cell.value
        for sheet in book.worksheets[1:]
        if sheet.title != "extracts"  # files loaded per feed: not a count of people or events
        for row in sheet.iter_rows(min_row=4)
        for cell in row
        if cell.number_format == "#,##0" and isinstance(cell.value, int | float)
    ]
    assert counts
    small = [v for v in counts if 1 <= v <= 10]
    if edition == "public":
        assert not small, small  # RPT-03: no count from 1 to 10 in the public edition
    else:
        assert small, "tiny data has small counts: the public check would prove nothing"


@pytest.mark.parametrize("edition", ["public", "internal"])
def test_pdf_is_a_report_with_every_section(
    built_warehouse: BuiltWarehouse, report_dir: Path, edition: str
) -> None:
    reader = PdfReader(report_dir / f"{STEM.format(edition)}.pdf")
    assert len(reader.pages) >= 8
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Annual Report SFY 2023-24" in flat
    for title in SECTIONS[edition]:
        assert title in flat, title
    assert "Appendix A. Certification by county of residence" in flat
    assert ("INTERNAL EDITION" in flat) == (edition == "internal")
    assert "Data as of" in flat and "Claims run-out" in flat
    where = "breakdown = 'status_at_period_end' and category = 'active'"
    active = [
        _state_count(
            built_warehouse, edition, "certification", "peers",
            f"report_year = {year} and year_type = 'state_fiscal_year' and {where}",
        )
        for year in (2023, 2024)
    ]  # fmt: skip
    expected = " ".join(_shown(v) for v in active)
    assert f"Certified peers active at year end {expected}" in flat, expected
    for code in RAW_CODES:
        assert code not in flat, code


def test_calendar_year_without_rebuilding(built_warehouse: BuiltWarehouse, tmp_path: Path) -> None:
    result = run_cli(
        "report", "--year", "2023", "--calendar", "--warehouse", str(built_warehouse.warehouse),
        "--out", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.output
    assert "CY 2023" in result.output
    tables = html_tables(tmp_path / "annual_program_report_CY_2023_public.html")
    assert list(tables["table-summary"].columns) == ["Measure", "CY 2022", "CY 2023"]
    book = openpyxl.load_workbook(tmp_path / "annual_program_report_CY_2023_public.xlsx")
    employed = {r[0]: r[1:] for r in book["workforce_state"].iter_rows(min_row=4, values_only=True)}
    where = "report_year = 2023 and year_type = 'calendar_year'"
    value = _state_count(built_warehouse, "public", "employment", "employed_peers", where)
    assert employed["Peers employed during the year"][1] == (
        "suppressed" if value is None else value
    )
    assert not list(tmp_path.glob("*internal*"))


def test_year_semantics_agree_in_readme_docs_and_help() -> None:
    """A report year is named by the year it ends in, everywhere it is described."""
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    docs = (root / "docs" / "annual-report.md").read_text(encoding="utf-8")
    help_text = re.sub(r"\s+", " ", run_cli("report", "--help").output)
    assert "`--year 2024` is SFY 2023-24" in readme
    assert "peerwh report --year 2024                      # SFY 2023-24" in docs
    assert (
        "2024 = SFY 2023-24" in help_text and "--year 2024 --calendar writes CY 2024" in help_text
    )
    for text in (readme, docs, help_text):
        assert "2024-25" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "1999"], "Error: no state fiscal year 1999 in the warehouse (years available:"),
        (["--year", "1999", "--calendar"], "Error: no calendar year 1999 in the warehouse"),
    ],
)
def test_an_unknown_year_is_a_one_line_error(
    built_warehouse: BuiltWarehouse, tmp_path: Path, args: list[str], message: str
) -> None:
    result = run_cli("report", *args, "--warehouse", str(built_warehouse.warehouse))
    assert result.returncode == 1
    assert result.output.strip().startswith(message), result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_a_missing_warehouse_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_cli("report", "--year", "2024", "--warehouse", str(tmp_path / "none"))
    assert result.returncode == 1
    assert result.output.strip().startswith("Error: no warehouse at "), result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


# --- Dagster --------------------------------------------------------------------------------


def test_the_dagster_asset_writes_the_latest_complete_year(
    built_warehouse: BuiltWarehouse, tmp_path: Path
) -> None:
    import dagster as dg
    from dagster_duckdb import DuckDBResource

    from orchestration.defs.resources import WarehousePaths
    from orchestration.defs.serving import annual_program_report

    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    latest = built_warehouse.query(
        "select max(report_year) as y from intermediate.int_annual_report_periods "
        "where year_type = 'state_fiscal_year' and is_complete_year"
    )["y"].iloc[0]
    result = dg.materialize(
        [annual_program_report],
        resources={
            "duckdb": DuckDBResource(database=str(warehouse / "warehouse.duckdb")),
            "paths": WarehousePaths(
                landing_dir=str(built_warehouse.landing), warehouse_dir=str(warehouse)
            ),
        },
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    written = sorted(p.name for p in (warehouse / "reports" / str(latest)).iterdir())
    label = f"SFY_{latest - 1}-{latest % 100:02d}"
    assert written == sorted(
        f"annual_program_report_{label}_{edition}.{suffix}"
        for edition in ("internal", "public")
        for suffix in ("html", "pdf", "xlsx")
    )


def test_peerwh_run_writes_the_report_of_the_latest_complete_year(
    built_warehouse: BuiltWarehouse,
) -> None:
    assert "annual_program_report failed" not in built_warehouse.first_run.output
    latest = built_warehouse.query(
        "select max(report_year) as y from intermediate.int_annual_report_periods "
        "where year_type = 'state_fiscal_year' and is_complete_year"
    )["y"].iloc[0]
    written = list((built_warehouse.warehouse / "reports" / str(latest)).iterdir())
    assert len(written) == 6, written


def test_every_exposure_is_an_asset_downstream_of_its_models() -> None:
    import json

    import dagster as dg

    from orchestration.definitions import load_definitions
    from peerwh.config import FEEDS
    from peerwh.dbt_project import MANIFEST_PATH

    graph = load_definitions().resolve_asset_graph()
    manifest = json.loads(MANIFEST_PATH.read_text())
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert {
        "dashboard_overview",
        "dashboard_workforce",
        "dashboard_utilization",
        "dashboard_program_integrity",
        "dashboard_complaints",
        "dashboard_waiver_metrics",
        "dashboard_data_quality",
        "annual_program_report",
    } <= set(exposures)
    for name, exposure in exposures.items():
        parents = {k.to_user_string() for k in graph.get(dg.AssetKey(name)).parent_keys}
        expected = {manifest["nodes"][n]["name"] for n in exposure["depends_on"]["nodes"]}
        if exposure["config"]["meta"].get("reads_ingest_audit"):
            # A page reading the audit tables follows the ingestion assets that write them.
            expected |= {f"raw_{feed}" for feed in FEEDS}
        assert expected, name
        assert {p.split("/")[-1] for p in parents} >= expected, name
    report_parents = graph.get(dg.AssetKey("annual_program_report")).parent_keys
    assert dg.AssetKey(["reporting", "rpt_annual_program_report__certification"]) in report_parents
