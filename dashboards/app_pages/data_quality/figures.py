"""The Data quality page's figures. Pure functions, data in, figure out; no Streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from peerwh.dashboards.shared_figures import TOP_LEGEND, count_axis, no_data_annotation

STATUS_COLORS: dict[str, str] = {
    "pass": "#2e7d32",
    "fail": "#c62828",
    "not_applicable": "#9e9e9e",
    "error": "#ef6c00",
}
STATUS_LABELS: dict[str, str] = {
    "pass": "Pass",
    "fail": "Fail",
    "not_applicable": "Not applicable",
    "error": "Error",
}


def check_status_figure(df: pd.DataFrame) -> go.Figure:
    """Latest rule results per feed, stacked by status: one horizontal bar trace per status.

    `df` has `feed`, `status`, `results` (one row per feed and status). Every status of
    `STATUS_LABELS` gets a trace (zeros where a feed has none), in that order; feeds A→Z.
    """
    feeds = sorted(str(f) for f in df["feed"].unique())
    counts = {(str(r.feed), str(r.status)): int(r.results) for r in df.itertuples(index=False)}
    fig = go.Figure()
    for status, label in STATUS_LABELS.items():
        fig.add_trace(
            go.Bar(
                y=feeds,
                x=[counts.get((feed, status), 0) for feed in feeds],
                name=label,
                orientation="h",
                marker={"color": STATUS_COLORS[status]},
                hovertemplate="%{y}: %{x:,}<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": "Rule results by feed (latest result per file and rule)"},
        barmode="stack",
        xaxis=count_axis(
            "Results", [sum(counts.get((feed, s), 0) for s in STATUS_LABELS) for feed in feeds]
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
    for column, label, color in (
        ("rows_loaded", "Rows loaded", "#1565c0"),
        ("rows_quarantined", "Rows quarantined", "#c62828"),
    ):
        fig.add_trace(
            go.Bar(
                y=ordered["feed"].astype(str).tolist(),
                x=ordered[column].astype("int64").tolist(),
                name=label,
                orientation="h",
                marker={"color": color},
                hovertemplate="%{y}: %{x:,}<extra>" + label + "</extra>",
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
