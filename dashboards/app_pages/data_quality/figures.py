"""The Data quality page's figures. Pure functions, data in, figure out; no Streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from peerwh.dashboards.labels import label
from peerwh.dashboards.shared_figures import TOP_LEGEND, count_axis, no_data_annotation

STATUS_COLORS: dict[str, str] = {
    "pass": "#2e7d32",
    "fail": "#c62828",
    "not_applicable": "#9e9e9e",
    "error": "#ef6c00",
}
# The statuses in the order of their traces; each reads as its label from `peerwh.labels`.
STATUSES = tuple(STATUS_COLORS)


def check_status_figure(df: pd.DataFrame) -> go.Figure:
    """Latest rule results per feed, stacked by status: one horizontal bar trace per status.

    `df` has `feed`, `status`, `results` (one row per feed and status). Every status of
    `STATUSES` gets a trace (zeros where a feed has none), in that order; feeds A→Z.
    """
    feeds = sorted(str(f) for f in df["feed"].unique())
    counts = {(str(r.feed), str(r.status)): int(r.results) for r in df.itertuples(index=False)}
    fig = go.Figure()
    for status in STATUSES:
        name = label(status)
        fig.add_trace(
            go.Bar(
                y=feeds,
                x=[counts.get((feed, status), 0) for feed in feeds],
                name=name,
                orientation="h",
                marker={"color": STATUS_COLORS[status]},
                hovertemplate="%{y}: %{x:,}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": "Rule results by feed (latest result per file and rule)"},
        barmode="stack",
        xaxis=count_axis(
            "Results", [sum(counts.get((feed, s), 0) for s in STATUSES) for feed in feeds]
        ),
        yaxis={"title": {"text": "Feed"}, "autorange": "reversed"},
        legend=TOP_LEGEND,
        margin={"t": 80},
        height=max(300, 60 + 45 * len(feeds)),
    )
    if not feeds:
        no_data_annotation(fig, "No rule results in this snapshot")
    return fig


def quarantine_figure(df: pd.DataFrame) -> go.Figure:
    """Rows loaded and rows quarantined per feed, stacked horizontal bars.

    `df` has `feed`, `rows_loaded`, `rows_quarantined`, one row per feed.
    """
    ordered = df.sort_values("feed")
    fig = go.Figure()
    for column, name, color in (
        ("rows_loaded", "Rows loaded", "#1565c0"),
        ("rows_quarantined", "Rows quarantined", "#c62828"),
    ):
        fig.add_trace(
            go.Bar(
                y=ordered["feed"].astype(str).tolist(),
                x=ordered[column].astype("int64").tolist(),
                name=name,
                orientation="h",
                marker={"color": color},
                hovertemplate="%{y}: %{x:,}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": "Rows loaded and quarantined by feed"},
        barmode="stack",
        xaxis=count_axis("Rows", ordered["rows_loaded"] + ordered["rows_quarantined"]),
        yaxis={"title": {"text": "Feed"}, "autorange": "reversed"},
        legend=TOP_LEGEND,
        margin={"t": 80},
        height=max(300, 60 + 45 * len(ordered)),
    )
    return fig
