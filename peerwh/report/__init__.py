"""The annual program report (RPT-01): HTML, Excel and PDF for one reporting year, in a
public (suppressed, RPT-03) and an internal (unsuppressed) edition.

Used by `peerwh report` and by the Dagster asset `annual_program_report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from peerwh.report.data import (
    EDITIONS,
    Edition,
    ReportError,
    ReportPeriod,
    YearType,
    connect,
    find_period,
    latest_complete_period,
    load,
)
from peerwh.report.figures import chart_specs
from peerwh.report.sections import build_document
from peerwh.report.writers import write_excel, write_html, write_pdf

__all__ = [
    "EDITIONS",
    "Edition",
    "ReportError",
    "ReportFiles",
    "ReportPeriod",
    "YearType",
    "connect",
    "default_out_dir",
    "find_period",
    "latest_complete_period",
    "write_report",
]


@dataclass(frozen=True)
class ReportFiles:
    edition: Edition
    html: Path
    excel: Path
    pdf: Path


def default_out_dir(warehouse_dir: Path, period: ReportPeriod) -> Path:
    return warehouse_dir / "reports" / str(period.report_year)


def write_report(
    con: duckdb.DuckDBPyConnection,
    period: ReportPeriod,
    editions: tuple[Edition, ...],
    out_dir: Path,
) -> list[ReportFiles]:
    """Write the HTML, Excel and PDF files of each edition; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[ReportFiles] = []
    for edition in editions:
        document = build_document(load(con, edition, period))
        specs = chart_specs(document)
        stem = f"annual_program_report_{period.label.replace(' ', '_')}_{edition}"
        files = ReportFiles(
            edition,
            out_dir / f"{stem}.html",
            out_dir / f"{stem}.xlsx",
            out_dir / f"{stem}.pdf",
        )
        write_html(document, specs, files.html)
        write_excel(document, files.excel)
        write_pdf(document, specs, files.pdf)
        written.append(files)
    return written
