"""The three files of one edition, all rendered from one `Document` (sections.py):

- HTML: the sections with Plotly charts (plotly.js embedded, no network), appendices folded;
- Excel: a contents sheet, then one sheet per table with its title, a frozen header row and
  first column, an autofilter, numbers as numbers in their format (thousands separators,
  percentages, dollars) and dates as date cells;
- PDF (fpdf2): the same sections, tables and charts (drawn natively), appendices at the end.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import plotly.io as pio
from fpdf import FPDF
from fpdf.enums import Align
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from peerwh.report.figures import ChartSpec, figure
from peerwh.report.sections import (
    HIDDEN,
    NOT_APPLICABLE,
    SUPPRESSED_TEXT,
    Cell,
    Document,
    Kind,
    Section,
    Table,
)

INTERNAL_BANNER = (
    "INTERNAL EDITION - unsuppressed counts for authorised DHCS state analysts only (RPT-03). "
    "Do not publish or share outside DHCS."
)
NUMERIC_KINDS: tuple[Kind, ...] = ("count", "percent", "rate", "dollars", "days")


def _is_internal(document: Document) -> bool:
    return document.subtitle.startswith("Internal")


# --- HTML -----------------------------------------------------------------------------------


def _html_table(table: Table) -> str:
    numeric = [c.kind in NUMERIC_KINDS for c in table.columns]
    head = "".join(
        f"<th{' class=num' if n else ''}>{html.escape(c.name)}</th>"
        for c, n in zip(table.columns, numeric, strict=True)
    )
    body = "\n".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if n else ''}>{html.escape(v)}</td>"
            for v, n in zip(row, numeric, strict=True)
        )
        + "</tr>"
        for row in table.text_rows()
    )
    note = f"<p class='note'>{html.escape(table.note)}</p>" if table.note else ""
    return (
        f"<h3>{html.escape(table.title)}</h3>"
        f'<table class="report-table" id="table-{table.key}">'
        f"<thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>{note}"
    )


def _html_chart(spec: ChartSpec, first: bool) -> str:
    return pio.to_html(
        figure(spec),
        full_html=False,
        # plotly.js inline, once: the report opens without a network.
        include_plotlyjs=first,
        div_id=f"chart-{spec.key}",
        default_width="620px",
        config={"displaylogo": False},
    )


def write_html(document: Document, specs: list[ChartSpec], path: Path) -> None:
    charts = {spec.key: spec for spec in specs}
    drawn = 0
    parts: list[str] = []
    for section in document.sections:
        parts.append(f"<section id='section-{section.key}'><h2>{html.escape(section.title)}</h2>")
        parts += [f"<p>{html.escape(p)}</p>" for p in section.paragraphs]
        for table in section.tables:
            parts.append(_html_table(table))
            if table.key in charts:
                parts.append(_html_chart(charts[table.key], drawn == 0))
                drawn += 1
        parts.append("</section>")
    appendices = "".join(
        f"<details><summary>{html.escape(t.title)} ({len(t.rows):,} rows)</summary>"
        f"{_html_table(t)}</details>"
        for t in document.appendices
    )
    contents = "".join(
        f"<li><a href='#section-{s.key}'>{html.escape(s.title)}</a></li>" for s in document.sections
    )
    banner = f"<p class='internal'>{INTERNAL_BANNER}</p>" if _is_internal(document) else ""
    appendix_link = '<li><a href="#appendices">Appendices: county tables</a></li>'
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(document.title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.85rem; margin: 0.3rem 0 0.5rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; }}
th {{ background: #f0f0f0; }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.internal {{ background: #fde2e2; border: 2px solid #b00; padding: 0.5rem; font-weight: bold; }}
.note {{ font-size: 0.85rem; color: #555; margin-top: 0; }}
h3 {{ font-size: 1rem; margin-bottom: 0.2rem; }}
</style></head><body>
<h1>{html.escape(document.title)}</h1>
<p>{html.escape(document.subtitle)}</p>
{banner}
<p class="note" id="suppression-note">{html.escape(document.suppression)}</p>
<nav><h2>Contents</h2><ol>{contents}{appendix_link}</ol></nav>
{"".join(parts)}
<section id="appendices"><h2>Appendices: county tables</h2>{appendices}</section>
</body></html>
"""
    path.write_text(page, encoding="utf-8")


# --- Excel ----------------------------------------------------------------------------------

EXCEL_FORMATS: dict[Kind, str] = {
    "count": "#,##0",
    "percent": "0.0%",
    "rate": "#,##0.0",
    "days": "#,##0.0",
    "dollars": '"$"#,##0',
    "date": "yyyy-mm-dd",
}
HEADER_ROW = 3  # title on row 1, note on row 2, the table from row 3
HEADER_FILL = PatternFill("solid", fgColor="EBEBEB")


def excel_value(value: Cell, kind: Kind) -> tuple[object, str | None]:
    """The cell's value and number format: numbers stay numbers, a percentage is stored as a
    fraction and formatted `0.0%`, a date is a date (no time)."""
    if value is HIDDEN:
        return SUPPRESSED_TEXT, None
    if value is None:
        return NOT_APPLICABLE, None
    if kind == "date" and isinstance(value, dt.date):
        return value, EXCEL_FORMATS["date"]
    if kind in NUMERIC_KINDS and isinstance(value, int | float):
        number = float(value) / 100 if kind == "percent" else float(value)
        if kind == "count":
            return round(number), EXCEL_FORMATS["count"]
        return number, EXCEL_FORMATS[kind]
    return value, None


def sheet_name(table: Table) -> str:
    return table.key[:31]


def _excel_table(sheet: Worksheet, table: Table) -> None:
    sheet.cell(1, 1, table.title).font = Font(bold=True, size=13)
    if table.note:
        sheet.cell(2, 1, table.note).font = Font(italic=True, color="555555")
    for c, column in enumerate(table.columns, start=1):
        cell = sheet.cell(HEADER_ROW, c, column.name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = 48 if c == 1 else 18
        if column.kind == "text" and c > 1:
            width = 90
        sheet.column_dimensions[get_column_letter(c)].width = width
    for r, row in enumerate(table.rows):
        for c, value in enumerate(row):
            shown, number_format = excel_value(value, table.kind(r, c))
            cell = sheet.cell(HEADER_ROW + 1 + r, c + 1, shown)
            if number_format:
                cell.number_format = number_format
            if table.columns[c].kind == "text" and c > 0:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = get_column_letter(len(table.columns))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(table.rows), 1)}"
    # The header row and the label column stay in view while scrolling.
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)


def write_excel(document: Document, path: Path) -> None:
    book = Workbook()
    contents = book.active
    assert contents is not None
    contents.title = "contents"
    contents.cell(1, 1, document.title).font = Font(bold=True, size=14)
    contents.cell(2, 1, document.subtitle)
    if _is_internal(document):
        contents.cell(3, 1, INTERNAL_BANNER).font = Font(bold=True, color="B00000")
    else:
        contents.cell(3, 1, document.suppression)
    for c, name in enumerate(("Section", "Table", "Sheet"), start=1):
        cell = contents.cell(5, c, name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    row = 6
    listed: list[tuple[str, Table]] = [
        (section.title, table) for section in document.sections for table in section.tables
    ]
    listed += [("Appendices", table) for table in document.appendices]
    for section_title, table in listed:
        contents.cell(row, 1, section_title)
        contents.cell(row, 2, table.title)
        link = contents.cell(row, 3, sheet_name(table))
        link.hyperlink = f"#'{sheet_name(table)}'!A1"
        link.font = Font(color="1F5F8B", underline="single")
        _excel_table(book.create_sheet(sheet_name(table)), table)
        row += 1
    contents.column_dimensions["A"].width = 30
    contents.column_dimensions["B"].width = 70
    contents.column_dimensions["C"].width = 28
    contents.auto_filter.ref = f"A5:C{row - 1}"
    contents.freeze_panes = "A6"
    book.save(path)


# --- PDF ------------------------------------------------------------------------------------


def _latin1(text: str) -> str:
    """The core PDF fonts are Latin-1: typographic dashes become hyphens."""
    text = text.replace("–", "-").replace("—", "-").replace("’", "'")
    return text.encode("latin-1", "replace").decode("latin-1")


class _Pdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", format="A4")
        self.footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(16, 16, 16)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", size=7)
        self.cell(0, 5, _latin1(f"{self.footer_text} - page {self.page_no()}"), align="C")


def _pdf_chart(pdf: FPDF, spec: ChartSpec) -> None:
    label_width, bar_width, row = 62.0, 90.0, 5.5
    needed = 12 + row * len(spec.labels)
    if pdf.get_y() + needed > pdf.h - 20:
        pdf.add_page()
    pdf.set_font("helvetica", style="B", size=9)
    pdf.cell(0, 7, _latin1(spec.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=8)
    top = max((v for v in spec.values if v is not None), default=0.0) or 1.0
    for label, value, text in zip(spec.labels, spec.values, spec.texts(), strict=True):
        y = pdf.get_y()
        x = pdf.l_margin
        pdf.set_xy(x, y)
        pdf.cell(label_width, row, _latin1(label[:42]))
        width = 0.0 if value is None else bar_width * value / top
        if value is None:
            pdf.set_fill_color(176, 176, 176)
            pdf.rect(x + label_width, y + 1, 3, row - 2, style="F")
            width = 3.0
        elif width > 0:
            pdf.set_fill_color(31, 95, 139)
            pdf.rect(x + label_width, y + 1, width, row - 2, style="F")
        pdf.set_xy(x + label_width + width + 2, y)
        pdf.cell(30, row, _latin1(text))
        pdf.set_xy(x, y + row)
    pdf.set_fill_color(255, 255, 255)
    pdf.ln(3)


def _pdf_width(name: str, values: list[str], numeric: bool) -> float:
    """A column's width in mm at 7.5 pt: a number column fits its longest value and the
    longest word of its header; a text column its longest value, wrapped beyond 60 mm."""
    longest_word = max((len(w) for w in name.split()), default=1)
    longest_value = max((len(v) for v in values), default=1)
    if numeric:
        return 1.75 * max(longest_word, longest_value, 6) + 3
    return min(1.45 * max(longest_value, longest_word) + 3, 75.0)


def _pdf_table(pdf: FPDF, table: Table) -> None:
    if pdf.get_y() + 30 > pdf.h - 20:
        pdf.add_page()
    pdf.set_font("helvetica", style="B", size=10)
    pdf.multi_cell(0, 6, _latin1(table.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=7.5)
    headings = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    numeric = [c.kind in NUMERIC_KINDS or c.kind == "date" for c in table.columns]
    texts = table.text_rows()
    widths = [
        _pdf_width(column.name, [row[c] for row in texts], numeric[c])
        for c, column in enumerate(table.columns)
    ]
    # A long text column (definitions, notes) takes the width the others leave.
    natural = [len(max((row[c] for row in texts), key=len, default="")) for c in range(len(widths))]
    widest = max(range(len(widths)), key=lambda c: natural[c])
    if not numeric[widest] and natural[widest] > 60:
        widths[widest] = max(pdf.epw - sum(widths) + widths[widest], widths[widest])
    align = tuple(Align.R if n else Align.L for n in numeric)
    with pdf.table(
        headings_style=headings,
        line_height=4.2,
        text_align=align,
        col_widths=tuple(widths),
        repeat_headings=1,
        borders_layout="HORIZONTAL_LINES",
        align="LEFT",
        width=min(sum(widths), pdf.epw),
    ) as grid:
        header = grid.row()
        for column in table.columns:
            header.cell(_latin1(column.name))
        for values in texts:
            line = grid.row()
            for value in values:
                line.cell(_latin1(value))
    if table.note:
        pdf.set_font("helvetica", style="I", size=7)
        pdf.multi_cell(0, 4, _latin1(table.note), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _pdf_section(
    pdf: FPDF, section: Section, charts: dict[str, ChartSpec], new_page: bool = True
) -> None:
    if new_page:
        pdf.add_page()
    else:
        pdf.ln(6)
    pdf.set_font("helvetica", style="B", size=14)
    pdf.cell(0, 9, _latin1(section.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=9)
    for paragraph in section.paragraphs:
        pdf.multi_cell(0, 4.6, _latin1(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    for table in section.tables:
        _pdf_table(pdf, table)
        if table.key in charts:
            _pdf_chart(pdf, charts[table.key])


def write_pdf(document: Document, specs: list[ChartSpec], path: Path) -> None:
    internal = _is_internal(document)
    edition = "INTERNAL - not for publication" if internal else "Public"
    pdf = _Pdf(f"{document.title} - {edition}")
    pdf.set_title(_latin1(document.title))
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=18)
    pdf.multi_cell(0, 9, _latin1(document.title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 6, _latin1(document.subtitle), new_x="LMARGIN", new_y="NEXT")
    if internal:
        pdf.set_text_color(176, 0, 0)
        pdf.set_font("helvetica", style="B", size=10)
        pdf.multi_cell(0, 5, INTERNAL_BANNER, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    else:
        pdf.set_font("helvetica", size=8)
        pdf.multi_cell(0, 4, _latin1(document.suppression), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("helvetica", style="B", size=11)
    pdf.cell(0, 7, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    titles = [s.title for s in document.sections] + ["Appendices: county tables"]
    for number, name in enumerate(titles, start=1):
        pdf.cell(0, 6, _latin1(f"{number}. {name}"), new_x="LMARGIN", new_y="NEXT")
    charts = {spec.key: spec for spec in specs}
    for number, section in enumerate(document.sections):
        # The summary follows the contents on the first page.
        _pdf_section(pdf, section, charts, new_page=number > 0)
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=14)
    pdf.cell(0, 9, "Appendices: county tables", new_x="LMARGIN", new_y="NEXT")
    for table in document.appendices:
        _pdf_table(pdf, table)
    pdf.output(str(path))


def pdf_safe(text: str) -> str:
    """What `write_pdf` prints for `text` (for tests comparing the PDF's text)."""
    return re.sub(r"\s+", " ", _latin1(text)).strip()
