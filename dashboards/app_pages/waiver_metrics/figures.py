"""The Waiver metrics page's figure. Pure functions, data in, figure out; no Streamlit."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from peerwh.dashboards.shared_figures import (
    TOP_LEGEND,
    no_data_annotation,
    shade_incomplete,
)

WAIVER_RATE_SUPPRESSED_FOOTNOTE = (
    "Gaps are suppressed cells: counts from 1 to 10, and figures from which one could be worked "
    "out, are not published (RPT-03)."
)


def waiver_metric_figure(
    df: pd.DataFrame, metric_name: str, unit: str, complete_through: date | None = None
) -> go.Figure:
    """A waiver metric's rate by period, one line per stratum value, its baseline dashed.

    `df` is the tidy table (`period_start`, `period_end`, `stratum_value`, `rate`,
    `baseline_rate`, `is_suppressed`), one row per period and stratum value. A suppressed rate
    (NULL) leaves a gap and a footnote; a baseline is drawn only where one is published.
    Periods ending after `complete_through` (claims metrics: the claims' complete-through date)
    are shaded as incomplete (claims run-out).
    """
    fig = go.Figure()
    for stratum in sorted(str(s) for s in df["stratum_value"].unique()):
        rows = df.loc[df["stratum_value"].astype(str) == stratum].sort_values("period_start")
        periods = pd.to_datetime(rows["period_start"])
        label = "Rate" if stratum == "all" else stratum
        fig.add_trace(
            go.Scatter(
                x=periods,
                y=pd.to_numeric(rows["rate"]).astype("float64"),
                name=label,
                legendgroup=stratum,
                mode="lines+markers",
                hovertemplate="%{x|%Y-%m-%d}: %{y:,.4~f}<extra>" + label + "</extra>",
            )
        )
        baseline = pd.to_numeric(rows["baseline_rate"]).astype("float64")
        if baseline.notna().any():
            fig.add_trace(
                go.Scatter(
                    x=periods,
                    y=baseline,
                    name=f"{label} baseline",
                    legendgroup=stratum,
                    mode="lines",
                    line={"dash": "dash"},
                    hovertemplate="%{y:,.4~f}<extra>" + label + " baseline</extra>",
                )
            )
    fig.update_layout(
        title={"text": metric_name},
        xaxis={"title": {"text": "Period start"}},
        yaxis={"title": {"text": unit}, "rangemode": "tozero"},
        hovermode="x unified",
        legend=TOP_LEGEND,
        margin={"t": 80},
    )
    if df.empty:
        no_data_annotation(fig)
    shade_incomplete(fig, df["period_start"], complete_through, ends=df["period_end"])
    if bool(df["is_suppressed"].astype(bool).any()):
        fig.add_annotation(
            text=WAIVER_RATE_SUPPRESSED_FOOTNOTE,
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0,
            y=-0.3,
            xanchor="left",
        )
        # Below the axis title, not on it.
        fig.update_layout(margin={"t": 80, "b": 120})
    return fig
