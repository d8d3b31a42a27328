"""Plotly figures: pure functions, data in, figure out. No Streamlit, no I/O."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

WORKFORCE_SERIES: dict[str, str] = {
    "active_certified_peers": "Active certified peers",
    "employed_peers": "Employed peers",
}


def workforce_trend_figure(df: pd.DataFrame, area: str = "Statewide") -> go.Figure:
    """Active certified peers and employed peers by month, one line each.

    `df` has `month_start` and one column per key of `WORKFORCE_SERIES`, one row per month.
    `area` names what the numbers cover ("Statewide" or a county name) in the title.
    """
    ordered = df.sort_values("month_start")
    fig = go.Figure()
    for column, label in WORKFORCE_SERIES.items():
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(ordered["month_start"]),
                y=ordered[column].astype("int64"),
                name=label,
                mode="lines+markers",
                hovertemplate="%{y:,}<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": f"Peer workforce by month: {area}"},
        xaxis={"title": {"text": "Month"}, "tickformat": "%b %Y"},
        yaxis={"title": {"text": "Peers"}, "rangemode": "tozero", "tickformat": ","},
        hovermode="x unified",
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "left",
            "x": 0,
        },
        margin={"t": 80},
    )
    if ordered.empty:
        fig.add_annotation(
            text="No data for this selection",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
        )
    return fig
