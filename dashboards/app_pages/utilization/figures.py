"""The Utilization page's figures (its breakdown bars are `shared_figures.breakdown_bar_figure`).
Pure functions, data in, figure out; no Streamlit, no I/O.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from peerwh.dashboards.shared_figures import (
    TOP_LEGEND,
    no_data_annotation,
)

UTILIZATION_SERIES: dict[str, str] = {
    "services": "Services (approved lines)",
    "beneficiaries_served": "Beneficiaries served",
}


def utilization_trend_figure(df: pd.DataFrame, area: str = "Statewide") -> go.Figure:
    """Services and distinct beneficiaries served by month, one line each.

    `df` has `category` (the service month) and one column per key of `UTILIZATION_SERIES`.
    """
    ordered = df.assign(category=pd.to_datetime(df["category"])).sort_values("category")
    fig = go.Figure()
    for column, label in UTILIZATION_SERIES.items():
        fig.add_trace(
            go.Scatter(
                x=ordered["category"],
                y=ordered[column].astype("int64"),
                name=label,
                mode="lines+markers",
                hovertemplate="%{y:,}<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": f"Peer support services by month: {area}"},
        xaxis={"title": {"text": "Service month"}, "tickformat": "%b %Y"},
        yaxis={"title": {"text": "Count"}, "rangemode": "tozero", "tickformat": ","},
        hovermode="x unified",
        legend=TOP_LEGEND,
        margin={"t": 80},
    )
    if ordered.empty:
        no_data_annotation(fig)
    return fig
