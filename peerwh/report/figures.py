"""The report's charts: what each shows (ChartSpec, pure functions of the report rows), and
its Plotly figure. The PDF draws the same specs natively, so both formats show one chart."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from peerwh.report.data import ReportData

SUPPRESSED_COLOR = "#b0b0b0"
BAR_COLOR = "#1f5f8b"


@dataclass(frozen=True)
class ChartSpec:
    """A horizontal bar chart: one bar per label; None is a suppressed value (RPT-03)."""

    key: str
    title: str
    value_title: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]


def _bars(frame: pd.DataFrame, label_column: str, value_column: str) -> tuple[tuple, tuple]:
    labels = tuple(str(v) for v in frame[label_column])
    values = tuple(None if pd.isna(v) else float(v) for v in frame[value_column])
    return labels, values


def _state_breakdown(frame: pd.DataFrame, breakdown: str, value_column: str) -> pd.DataFrame:
    rows = frame[(frame["geography_level"] == "state") & (frame["breakdown"] == breakdown)]
    return rows.sort_values("category")[["category", value_column]]


def chart_specs(data: ReportData) -> list[ChartSpec]:
    """The charts of the report, statewide and by region, for one edition and year."""
    certification = data.tables["certification"]
    employment = data.tables["employment"]
    complaints = data.tables["complaints"]
    specs: list[ChartSpec] = []
    for key, breakdown, title in (
        ("status", "status_at_period_end", "Peers by certification status at year end"),
        ("activity", "activity", "Certification activity in the year"),
        ("pathway", "pathway_of_active_peers", "Peers active in the year by pathway"),
    ):
        labels, values = _bars(
            _state_breakdown(certification, breakdown, "peers"), "category", "peers"
        )
        specs.append(ChartSpec(key, title, "Peers", labels, values))
    regions = employment[employment["geography_level"] == "region"].sort_values("geography_code")
    labels, values = _bars(regions, "geography_name", "employed_peers")
    specs.append(
        ChartSpec("employed", "Peers employed in the year by region", "Peers", labels, values)
    )
    labels, values = _bars(regions, "geography_name", "turnover_rate")
    specs.append(
        ChartSpec("turnover", "Peer turnover rate by region", "Turnover rate", labels, values)
    )
    for key, breakdown, title in (
        ("outcome", "outcome", "Complaints received in the year by outcome"),
        ("resolved", "resolved_on_time", "Complaints resolved on time"),
    ):
        labels, values = _bars(
            _state_breakdown(complaints, breakdown, "complaints"), "category", "complaints"
        )
        specs.append(ChartSpec(key, title, "Complaints", labels, values))
    return specs


def figure(spec: ChartSpec) -> go.Figure:
    """The Plotly figure of a spec; suppressed bars are grey stubs labelled 'suppressed'."""
    shown = [v if v is not None else 0 for v in spec.values]
    text = ["suppressed" if v is None else f"{v:,.4g}" for v in spec.values]
    colors = [SUPPRESSED_COLOR if v is None else BAR_COLOR for v in spec.values]
    fig = go.Figure(
        go.Bar(
            x=shown,
            y=list(spec.labels),
            orientation="h",
            text=text,
            # Outside, so a zero or a suppressed bar still carries its label.
            textposition="outside",
            cliponaxis=False,
            marker_color=colors,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        title=spec.title,
        xaxis={"title": spec.value_title, "rangemode": "tozero"},
        yaxis={"autorange": "reversed"},
        height=120 + 28 * max(len(spec.labels), 1),
        margin={"l": 10, "r": 80, "t": 50, "b": 40},
        template="plotly_white",
    )
    return fig
