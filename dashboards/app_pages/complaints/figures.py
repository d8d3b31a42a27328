"""The Complaints page's figures (its breakdown bars are `shared_figures.breakdown_bar_figure`).
Pure functions, data in, figure out; no Streamlit, no I/O.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from peerwh.dashboards.shared_figures import (
    TOP_LEGEND,
    count_axis,
    funnel_figure,
    no_data_annotation,
)

COMPLAINT_COURSE_STAGES: dict[str, str] = {
    "received": "Received",
    "acknowledged": "Acknowledged",
    "investigated": "Investigation opened",
    "resolved": "Resolved",
    "closed": "Closed",
}


def complaint_course_figure(summary: pd.DataFrame, area: str = "Statewide") -> go.Figure:
    """The course of the complaints as a funnel: received → acknowledged → … → closed.

    `summary` is one row with a column per key of `COMPLAINT_COURSE_STAGES`.
    """
    row = summary.iloc[0] if len(summary) else None
    counts = [0 if row is None else int(row[stage]) for stage in COMPLAINT_COURSE_STAGES]
    fig = funnel_figure(
        dict(zip(COMPLAINT_COURSE_STAGES.values(), counts, strict=True)),
        "Complaints",
        f"Course of complaints: {area}",
    )
    if not counts[0]:
        no_data_annotation(fig, "No complaints received in this selection")
    return fig


COMPLAINT_QUARTER_SERIES: dict[str, str] = {
    "received": "Received",
    "resolved": "Resolved",
    "late": "Late (PI-04)",
}


def complaints_by_quarter_figure(df: pd.DataFrame, area: str = "Statewide") -> go.Figure:
    """Complaints by quarter received: received, resolved and late, grouped bars.

    `df` has `quarter_start` and one column per key of `COMPLAINT_QUARTER_SERIES`.
    """
    ordered = df.sort_values("quarter_start")
    quarters = pd.to_datetime(ordered["quarter_start"])
    labels = [f"{q.year} Q{q.quarter}" for q in quarters]
    fig = go.Figure()
    for column, label in COMPLAINT_QUARTER_SERIES.items():
        fig.add_trace(
            go.Bar(
                x=labels,
                y=ordered[column].astype("int64"),
                name=label,
                hovertemplate="%{x}: %{y:,}<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": f"Complaints by quarter received: {area}"},
        barmode="group",
        xaxis={"title": {"text": "Quarter received"}, "type": "category"},
        yaxis=count_axis("Complaints", ordered[list(COMPLAINT_QUARTER_SERIES)].to_numpy().ravel()),
        legend=TOP_LEGEND,
        margin={"t": 80},
    )
    if ordered.empty:
        no_data_annotation(fig)
    return fig
