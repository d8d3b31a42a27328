"""The report's charts: what each shows (ChartSpec, read from a table of the document, so a
chart and its table always agree), and its Plotly figure. The PDF draws the same specs
natively, so both formats show one chart."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from peerwh.report.sections import HIDDEN, STATE_NAME, Document, Kind, Table, cell_text

SUPPRESSED_COLOR = "#b0b0b0"
BAR_COLOR = "#1f5f8b"


@dataclass(frozen=True)
class ChartSpec:
    """A horizontal bar chart of the report year: one bar per label; None is suppressed."""

    key: str
    title: str
    value_title: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    kind: Kind

    def texts(self) -> list[str]:
        return [cell_text(HIDDEN if v is None else v, self.kind) for v in self.values]


# (table key, the value column's index, chart title ({year} is the report year), bar axis
# title, whether the state row is left out)
CHARTS: tuple[tuple[str, int, str, str, bool], ...] = (
    ("cert_status", 2, "Peers by certification status, end of {year}", "Peers", False),
    ("cert_activity", 2, "Certification activity, {year}", "Peers", False),
    ("workforce_region", 2, "Peers employed during {year} by region", "Peers employed", True),
    (
        "utilization_region",
        2,
        "Beneficiaries served in {year} by region",
        "Beneficiaries served",
        True,
    ),
    (
        "complaints_region",
        2,
        "Complaints per 100 active peers, {year}",
        "Complaints per 100 active peers",
        False,
    ),
    ("complaints_outcome", 2, "Complaints received in {year} by outcome", "Complaints", False),
)


def _spec(
    table: Table, column: int, title: str, value_title: str, skip_state: bool, year: str
) -> ChartSpec:
    rows = [
        (r, row) for r, row in enumerate(table.rows) if not (skip_state and row[0] == STATE_NAME)
    ]
    values: list[float | None] = []
    for _, row in rows:
        value = row[column]
        values.append(None if value is HIDDEN else float(value or 0))  # type: ignore[arg-type]
    kind = table.kind(rows[0][0], column) if rows else table.columns[column].kind
    return ChartSpec(
        table.key,
        title.format(year=year),
        value_title,
        tuple(str(row[0]) for _, row in rows),
        tuple(values),
        kind,
    )


def chart_specs(document: Document) -> list[ChartSpec]:
    """The charts of the report: the report year's column of some of its tables. A chart
    with no bar above zero (every value 0 or suppressed) says nothing its table does not, and
    is left out."""
    tables = {t.key: t for s in document.sections for t in s.tables}
    specs = [
        _spec(tables[key], column, title, value_title, skip_state, document.year)
        for key, column, title, value_title, skip_state in CHARTS
        if key in tables
    ]
    return [spec for spec in specs if any(v for v in spec.values if v is not None)]


def figure(spec: ChartSpec) -> go.Figure:
    """The Plotly figure of a spec; suppressed bars are grey stubs labelled 'suppressed'."""
    shown = [v if v is not None else 0 for v in spec.values]
    colors = [SUPPRESSED_COLOR if v is None else BAR_COLOR for v in spec.values]
    fig = go.Figure(
        go.Bar(
            x=shown,
            y=list(spec.labels),
            orientation="h",
            text=spec.texts(),
            # Outside, so a zero or a suppressed bar still carries its label.
            textposition="outside",
            cliponaxis=False,
            marker_color=colors,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    integer_axis = spec.kind == "count"
    fig.update_layout(
        title=spec.title,
        xaxis={
            "title": spec.value_title,
            "rangemode": "tozero",
            "tickformat": ",d" if integer_axis else ",.1f",
        },
        yaxis={"autorange": "reversed"},
        height=120 + 28 * max(len(spec.labels), 1),
        margin={"l": 10, "r": 80, "t": 50, "b": 40},
        template="plotly_white",
    )
    if integer_axis:
        # Whole-number ticks only: a count has no fractions.
        top = max((v for v in spec.values if v is not None), default=0.0)
        if top < 10:
            fig.update_xaxes(dtick=1)
    return fig
