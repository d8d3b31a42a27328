"""What the annual report says, section by section, as typed tables (RPT-01).

The document's model (`model`: tables whose columns know their kind, cells that are a number,
`None` or `HIDDEN`) is built here from the report rows, one module per section in reading order,
and rendered alike by every writer (HTML, Excel, PDF). Every figure is shown for the report's
year beside the year before it.
"""

from __future__ import annotations

import datetime as dt

from peerwh.report.data import ReportData
from peerwh.report.sections.appendices import _county_appendices
from peerwh.report.sections.certification import _certification
from peerwh.report.sections.complaints import _complaints
from peerwh.report.sections.data_notes import _data_notes, data_as_of, suppression_rule
from peerwh.report.sections.integrity import _integrity
from peerwh.report.sections.methods import _methods
from peerwh.report.sections.model import (
    HIDDEN,
    NOT_APPLICABLE,
    STATE_NAME,
    SUPPRESSED_TEXT,
    Cell,
    Column,
    Document,
    Kind,
    Section,
    Table,
    cell_text,
    period_label,
)
from peerwh.report.sections.summary import _summary
from peerwh.report.sections.utilization import _utilization
from peerwh.report.sections.workforce import _workforce

__all__ = [
    "HIDDEN",
    "NOT_APPLICABLE",
    "STATE_NAME",
    "SUPPRESSED_TEXT",
    "Cell",
    "Column",
    "Document",
    "Kind",
    "Section",
    "Table",
    "build_document",
    "cell_text",
    "data_as_of",
    "period_label",
    "subtitle",
    "suppression_rule",
    "title",
]


def title(data: ReportData) -> str:
    return f"Peer Support Specialist Program - Annual Report {data.period.label}"


def subtitle(data: ReportData) -> str:
    period = data.period
    edition = "Public edition (suppressed)" if data.edition == "public" else "Internal edition"
    complete = "" if period.is_complete else " (year not complete in the data)"
    as_of = data_as_of(data)
    as_of_text = f" Data as of {as_of.isoformat()}." if as_of else ""
    return f"{edition}. {period.period_start} to {period.period_end}{complete}.{as_of_text}"


def build_document(data: ReportData, generated: dt.date | None = None) -> Document:
    """The whole report of one edition: its sections in reading order, then the appendices."""
    sections = [
        _summary(data),
        _certification(data),
        _workforce(data),
        _utilization(data),
        _integrity(data),
        _complaints(data),
        _methods(data),
        _data_notes(data, generated or dt.date.today()),
    ]
    return Document(
        title(data),
        subtitle(data),
        suppression_rule(data),
        data.period.label,
        tuple(s for s in sections if s is not None),
        _county_appendices(data),
    )
