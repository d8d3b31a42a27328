"""The three files of one edition: HTML (Plotly charts, plotly.js embedded, no network),
Excel (one sheet per table plus the definitions) and PDF (fpdf2, charts drawn natively)."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd
import plotly.io as pio
from fpdf import FPDF
from fpdf.fonts import FontFace

from peerwh.report.data import PERIOD_COLUMNS, TABLES, ReportData, ReportTable
from peerwh.report.figures import ChartSpec, figure

SUPPRESSED = "suppressed"
SUPPRESSION_NOTE = (
    "Suppressed (RPT-03, CalHHS Data De-identification Guidelines): counts from 1 to 10, and "
    "further cells that would let one be recovered from the totals of this report or of the "
    "other public tables, are not shown; rates, FTE and means derived from a suppressed count "
    "are left blank. A 0 is shown."
)
INTERNAL_NOTE = (
    "INTERNAL EDITION - unsuppressed counts for authorised DHCS state analysts only (RPT-03). "
    "Do not publish or share outside DHCS."
)
# Columns the PDF prints per table; its tables are statewide and regional only (the
# workbook and the HTML report carry every county).
PDF_COLUMNS = {
    "certification": ("breakdown", "category", "peers"),
    "employment": (
        "geography_name",
        "employed_peers",
        "employed_peers_on_period_end",
        "employed_fte_on_period_end",
        "supervisors_on_period_end",
        "peers_per_supervisor",
        "hires",
        "separations",
        "turnover_rate",
    ),
    "complaints": ("breakdown", "category", "complaints", "mean_days_to_resolve"),
}


def title(data: ReportData) -> str:
    return f"Peer Support Specialist Program - Annual Report {data.period.label}"


def subtitle(data: ReportData) -> str:
    period = data.period
    edition = "Public edition (suppressed)" if data.edition == "public" else "Internal edition"
    complete = "" if period.is_complete else " (year not complete in the data)"
    return f"{edition}. {period.period_start} to {period.period_end}{complete}."


def display_frame(frame: pd.DataFrame, table: ReportTable) -> pd.DataFrame:
    """The rows as shown: period columns dropped (the title has them), cells as text."""
    shown = frame.drop(columns=list(PERIOD_COLUMNS))
    out = pd.DataFrame(index=shown.index)
    for column in shown.columns:
        values = shown[column]
        if column in table.count_columns:
            out[column] = [SUPPRESSED if pd.isna(v) else f"{int(v)}" for v in values]
        elif column == "is_suppressed":
            out[column] = ["yes" if v else "no" for v in values]
        else:
            out[column] = ["" if pd.isna(v) else _text(v) for v in values]
    return out.reset_index(drop=True)


def _text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _html_table(frame: pd.DataFrame, table: ReportTable) -> str:
    shown = display_frame(frame, table)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in shown.columns)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>"
        for row in shown.itertuples(index=False)
    )
    return (
        f'<table class="report-table" id="table-{table.name}">'
        f"<thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"
    )


def write_html(
    data: ReportData, specs: list[ChartSpec], definitions: pd.DataFrame, path: Path
) -> None:
    charts = [
        pio.to_html(
            figure(spec),
            full_html=False,
            # plotly.js inline, once: the report opens without a network.
            include_plotlyjs=(i == 0),
            div_id=f"chart-{spec.key}",
            default_width="560px",
            config={"displaylogo": False},
        )
        for i, spec in enumerate(specs)
    ]
    sections = []
    for table in TABLES:
        described = definitions[
            (definitions["table"] == table.name) & (definitions["column"] == "")
        ]
        about = html.escape(described["definition"].iloc[0]) if len(described) else ""
        sections.append(
            f"<section><h2>{html.escape(table.title)}</h2><p class='about'>{about}</p>"
            f"<details open><summary>All geographies ({len(data.tables[table.name])} rows)"
            f"</summary>{_html_table(data.tables[table.name], table)}</details></section>"
        )
    glossary = "".join(
        f"<tr><td>{html.escape(r.model)}</td><td>{html.escape(r.column)}</td>"
        f"<td>{html.escape(r.definition)}</td></tr>"
        for r in definitions.itertuples(index=False)
        if r.column
    )
    banner = f"<p class='internal'>{INTERNAL_NOTE}</p>" if data.edition == "internal" else ""
    note = SUPPRESSION_NOTE if data.edition == "public" else "No suppression in this edition."
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title(data))}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1.5rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; }}
th {{ background: #f0f0f0; }}
.internal {{ background: #fde2e2; border: 2px solid #b00; padding: 0.5rem; font-weight: bold; }}
.note {{ font-size: 0.9rem; color: #555; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 1rem; }}
</style></head><body>
<h1>{html.escape(title(data))}</h1>
<p>{html.escape(subtitle(data))} Generated {dt.date.today().isoformat()} from the warehouse
(RPT-01).</p>
{banner}
<p class="note" id="suppression-note">{html.escape(note)}</p>
<div class="charts">{"".join(f"<div>{c}</div>" for c in charts)}</div>
{"".join(sections)}
<section><h2>Definitions</h2><table id="table-definitions">
<thead><tr><th>model</th><th>column</th><th>definition</th></tr></thead>
<tbody>{glossary}</tbody></table></section>
</body></html>
"""
    path.write_text(page, encoding="utf-8")


def write_excel(data: ReportData, definitions: pd.DataFrame, path: Path) -> None:
    about = pd.DataFrame(
        {
            "item": ["report", "edition", "period", "suppression"],
            "value": [
                title(data),
                subtitle(data),
                f"{data.period.period_start} to {data.period.period_end}",
                SUPPRESSION_NOTE if data.edition == "public" else INTERNAL_NOTE,
            ],
        }
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        about.to_excel(writer, sheet_name="about", index=False)
        for table in TABLES:
            data.tables[table.name].to_excel(writer, sheet_name=table.name, index=False)
        definitions.to_excel(writer, sheet_name="definitions", index=False)


class _Pdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="landscape", format="A4")
        self.footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", size=7)
        self.cell(0, 5, f"{self.footer_text} - page {self.page_no()}", align="C")


def _pdf_chart(pdf: FPDF, spec: ChartSpec) -> None:
    label_width, bar_width, row = 60.0, 150.0, 6.0
    needed = 12 + row * len(spec.labels)
    if pdf.get_y() + needed > pdf.h - 20:
        pdf.add_page()
    pdf.set_font("helvetica", style="B", size=11)
    pdf.cell(0, 8, spec.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=8)
    top = max((v for v in spec.values if v is not None), default=0.0) or 1.0
    for label, value in zip(spec.labels, spec.values, strict=True):
        y = pdf.get_y()
        x = pdf.l_margin
        pdf.set_xy(x, y)
        pdf.cell(label_width, row, label[:40])
        if value is None:
            pdf.set_fill_color(176, 176, 176)
            pdf.rect(x + label_width, y + 1, 3, row - 2, style="F")
            pdf.set_xy(x + label_width + 5, y)
            pdf.cell(30, row, SUPPRESSED)
        else:
            width = bar_width * value / top
            pdf.set_fill_color(31, 95, 139)
            if width > 0:
                pdf.rect(x + label_width, y + 1, width, row - 2, style="F")
            pdf.set_xy(x + label_width + width + 2, y)
            pdf.cell(30, row, f"{value:,.4g}")
        pdf.set_xy(x, y + row)
    pdf.ln(4)


def _pdf_table(pdf: FPDF, frame: pd.DataFrame, table: ReportTable) -> None:
    rows = frame[frame["geography_level"].isin(["state", "region"])]
    shown = display_frame(rows, table)[list(PDF_COLUMNS[table.name])]
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=13)
    pdf.cell(0, 9, f"{table.title}: statewide and by region", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=7)
    headings = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    with pdf.table(headings_style=headings, line_height=4.5, text_align="LEFT") as grid:
        header = grid.row()
        for column in shown.columns:
            header.cell(column.replace("_", " "))
        for values in shown.itertuples(index=False):
            line = grid.row()
            for value in values:
                line.cell(value)
    pdf.ln(2)
    pdf.set_font("helvetica", size=7)
    pdf.multi_cell(0, 4, "County rows: see the Excel workbook or the HTML report.")


def write_pdf(data: ReportData, specs: list[ChartSpec], path: Path) -> None:
    edition = "INTERNAL - not for publication" if data.edition == "internal" else "Public"
    pdf = _Pdf(f"{title(data)} - {edition}")
    pdf.set_title(title(data))
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=16)
    pdf.multi_cell(0, 9, title(data), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 6, subtitle(data), new_x="LMARGIN", new_y="NEXT")
    note = SUPPRESSION_NOTE if data.edition == "public" else INTERNAL_NOTE
    pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for spec in specs:
        _pdf_chart(pdf, spec)
    for table in TABLES:
        _pdf_table(pdf, data.tables[table.name], table)
    pdf.output(str(path))
