"""The Utilization page's figures (its breakdown bars are `shared_figures.breakdown_bar_figure`).
Pure functions, data in, figure out; no Streamlit, no I/O.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from peerwh.dashboards import labels
from peerwh.dashboards.shared_figures import (
    TOP_LEGEND,
    count_axis,
    flat_counties,
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
        yaxis=count_axis("Count", ordered[list(UTILIZATION_SERIES)].to_numpy().ravel()),
        hovermode="x unified",
        legend=TOP_LEGEND,
        margin={"t": 80},
    )
    if ordered.empty:
        no_data_annotation(fig)
    return fig


OPTED_IN_COLOR = "#2e7d32"
NOT_OPTED_IN_COLOR = "#bdbdbd"


def opt_in_map_figure(
    df: pd.DataFrame, geojson: dict[str, object], delivery_system: str, as_of: str
) -> go.Figure:
    """Counties that provide peer support services in `delivery_system` on `as_of` (BILL-06):
    one green trace "Opted in" (hover: since when), one grey trace "Not opted in".

    `df` is `queries.county_opt_in` (every county × delivery system).
    """
    rows = df.loc[df["delivery_system"] == delivery_system]
    fig = go.Figure()
    for opted, name, color in (
        (True, "Opted in", OPTED_IN_COLOR),
        (False, "Not opted in", NOT_OPTED_IN_COLOR),
    ):
        part = rows.loc[rows["opted_in"] == opted]
        hover = [
            f"{county}: {name.lower()}"
            + ("" if pd.isna(since) else f" ({'since' if opted else 'from'} {since:%Y-%m-%d})")
            for county, since in zip(
                part["county_name"], pd.to_datetime(part["effective_date"]), strict=True
            )
        ]
        fig.add_trace(
            flat_counties(
                geojson,
                part["county_fips"].astype(str).tolist(),
                hover,
                f"{name} ({len(part)})",
                color,
            )
        )
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(
        title={"text": f"Benefit opt-in on {as_of}: {labels.label(delivery_system)}"},
        height=560,
        margin={"t": 90, "l": 0, "r": 0, "b": 20},
        legend=TOP_LEGEND,
    )
    if rows.empty:
        no_data_annotation(fig)
    return fig
