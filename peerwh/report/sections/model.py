"""The model of the annual report's document (RPT-01): typed tables in sections.

One model of the document, built from the report rows and rendered alike by every writer
(HTML, Excel, PDF): each table knows the kind of each column (a count, a percentage, dollars),
so a writer formats it as what it is, and a cell is a number, `None` (not applicable or not in
the data, shown as a dash) or `HIDDEN` (suppressed under RPT-03, shown as "suppressed").
Every figure is shown for the report's year beside the year before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from peerwh.report.data import ReportPeriod

Kind = Literal["text", "count", "percent", "rate", "dollars", "days", "date"]


class _Hidden:
    """A suppressed cell (RPT-03)."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = _Hidden()
Cell = object  # a number, a str, a date, None or HIDDEN

STATE_NAME = "California"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind


@dataclass(frozen=True)
class Table:
    """A titled table; `row_kinds`, when given, is the kind of each row's numbers (a table of
    measures mixes counts and percentages row by row)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    row_kinds: tuple[Kind, ...] = ()

    def kind(self, row: int, column: int) -> Kind:
        own = self.columns[column].kind
        if self.row_kinds and own != "text":
            return self.row_kinds[row]
        return own

    def text_rows(self) -> list[list[str]]:
        """Every cell as the text a reader sees."""
        return [
            [cell_text(value, self.kind(r, c)) for c, value in enumerate(row)]
            for r, row in enumerate(self.rows)
        ]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    suppression: str
    year: str
    sections: tuple[Section, ...]
    appendices: tuple[Table, ...] = field(default=())


# --- formatting -----------------------------------------------------------------------------

SUPPRESSED_TEXT = "suppressed"
NOT_APPLICABLE = "–"


def cell_text(value: Cell, kind: Kind) -> str:
    """A cell as a reader sees it: `1,234`, `39.2%`, `$12,345`, `2024-06-30`."""
    if value is HIDDEN:
        return SUPPRESSED_TEXT
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return NOT_APPLICABLE
    if kind == "count":
        return f"{round(float(value)):,}"  # type: ignore[arg-type]
    if kind == "percent":
        return f"{float(value):,.1f}%"  # type: ignore[arg-type]
    if kind == "dollars":
        return f"${float(value):,.0f}"  # type: ignore[arg-type]
    if kind in ("rate", "days"):
        return f"{float(value):,.1f}"  # type: ignore[arg-type]
    if kind == "date" and isinstance(value, dt.date | pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def period_label(period: ReportPeriod | None, this: ReportPeriod) -> str:
    """The label of the prior year, also when the warehouse does not have it."""
    if period is not None:
        return period.label
    year = this.report_year - 1
    if this.year_type == "calendar_year":
        return f"CY {year}"
    return f"SFY {year - 1}-{year % 100:02d}"
