"""Plotly pieces several pages draw: the suppression footnote, the legend on top, the "no
data" note, the workforce trend (Overview and Peer workforce) and the breakdown bars
(Utilization and Complaints). Pure functions, data in, figure out; no Streamlit, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go

from peerwh.dashboards import labels
from peerwh.dashboards.formatting import SUPPRESSED

SUPPRESSION_FOOTNOTE = (
    "Gaps are suppressed small cells: counts from 1 to 10 are not shown (RPT-03)."
)
BAR_COLOR = "#1565c0"
FLAG_COLOR = "#c62828"
TOP_LEGEND: dict[str, object] = {
    "orientation": "h",
    "traceorder": "normal",
    "yanchor": "bottom",
    "y": 1.02,
    "xanchor": "left",
    "x": 0,
}


# Below this many units plotly's automatic ticks step by 0.5 or 0.2: counts step by one instead.
_UNIT_TICKS_BELOW = 10


def count_axis(title: str, values: Iterable[object] = ()) -> dict[str, object]:
    """A count axis: whole numbers with thousands separators from zero, never `0.5` or `20.848k`.

    `values` are what the axis shows (for stacked bars, the stacks' totals): when they are all
    below ten the ticks step by one, since plotly would put fractional ticks between them.
    """
    numbers = [float(v) for v in values if v is not None and not pd.isna(v)]  # type: ignore[arg-type]
    axis: dict[str, object] = {"title": {"text": title}, "rangemode": "tozero", "tickformat": ",d"}
    if max(numbers, default=0.0) < _UNIT_TICKS_BELOW:
        axis["dtick"] = 1
    return axis


def funnel_figure(stages: Mapping[str, int], name: str, title: str) -> go.Figure:
    """A funnel of `stages` (label -> count, in order): each stage's count with separators and its
    share of the first (plotly's own `value` text abbreviates, e.g. `20.848k`)."""
    fig = go.Figure(
        go.Funnel(
            y=list(stages),
            x=list(stages.values()),
            name=name,
            texttemplate="%{value:,}<br>%{percentInitial:.1%}",
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    fig.update_layout(title={"text": title}, margin={"t": 60})
    return fig


def flat_counties(
    geojson: dict[str, object], fips: list[str], hover: list[str], name: str, color: str
) -> go.Choropleth:
    """A map trace painting the counties `fips` one `color`, named `name` in the legend, with
    each county's `hover` text (no number in the figure: e.g. suppressed counties)."""
    return go.Choropleth(
        geojson=geojson,
        featureidkey="properties.fips",
        locations=fips,
        z=[0.0] * len(fips),
        text=hover,
        name=name,
        colorscale=[[0, color], [1, color]],
        showscale=False,
        showlegend=True,
        marker={"line": {"color": "white", "width": 0.5}},
        hovertemplate="%{text}<extra></extra>",
    )


def no_data_annotation(fig: go.Figure, text: str = "No data for this selection") -> None:
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)


WORKFORCE_SERIES: dict[str, str] = {
    "active_certified_peers": "Active certified peers",
    "employed_peers": "Employed peers",
}


def workforce_trend_figure(df: pd.DataFrame, area: str = "Statewide") -> go.Figure:
    """Active certified peers and employed peers by month, one line each.

    `df` has `month_start` and one column per key of `WORKFORCE_SERIES`, one row per month.
    `area` names what the numbers cover ("Statewide" or a county name) in the title.
    Suppressed cells (NULL) leave gaps in the lines and a footnote under the chart.
    """
    ordered = df.sort_values("month_start")
    fig = go.Figure()
    suppressed = False
    for column, label in WORKFORCE_SERIES.items():
        values = ordered[column]
        if values.isna().any():
            suppressed = True
            y = pd.to_numeric(values).astype("float64")
        else:
            y = values.astype("int64")
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(ordered["month_start"]),
                y=y,
                name=label,
                mode="lines+markers",
                hovertemplate="%{y:,}<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": f"Peer workforce by month: {area}"},
        xaxis={"title": {"text": "Month"}, "tickformat": "%b %Y"},
        yaxis=count_axis("Peers", ordered[list(WORKFORCE_SERIES)].to_numpy().ravel()),
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
    if suppressed:
        fig.add_annotation(
            text=SUPPRESSION_FOOTNOTE,
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0,
            y=-0.22,
            xanchor="left",
        )
        fig.update_layout(margin={"t": 80, "b": 110})
    return fig


def breakdown_bar_figure(
    df: pd.DataFrame,
    value_column: str,
    title: str,
    value_label: str,
    *,
    percent: bool = False,
    rate: bool = False,
    flagged: Mapping[str, str] | None = None,
) -> go.Figure:
    """One horizontal bar per `category` of `df`, in the frame's order, with the value as text.

    Categories read as labels (`labels.label`), never as codes. A suppressed cell (its
    `<value_column>_is_suppressed` flag set, or without such a column a NULL value) gets no bar,
    the text "Suppressed" and the RPT-03 footnote: the figure never holds a number for it. A
    NULL that is not suppressed (a rate over zero) shows "–". `percent` formats values as
    percentages (0-100), `rate` as a rate with two decimals; otherwise they are counts (whole
    ticks). `flagged` maps categories to a reason they are flagged (e.g. a code outside the
    peer taxonomy, BILL-02): their bars are red and the reason follows their label.
    """
    flagged = flagged or {}
    codes = df["category"].astype(str).tolist()
    categories = [
        f"{labels.label(code)} ⚑ {flagged[code]}" if code in flagged else labels.label(code)
        for code in codes
    ]
    values = [None if pd.isna(v) else float(v) for v in df[value_column]]
    flag = f"{value_column}_is_suppressed"
    hidden = [bool(h) for h in df[flag].fillna(True)] if flag in df else [v is None for v in values]
    number = "{:,.1f}%" if percent else ("{:,.2f}" if rate else "{:,.0f}")
    texts = [
        SUPPRESSED if h else ("–" if v is None else number.format(v))
        for v, h in zip(values, hidden, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=categories,
            x=[0.0 if v is None or h else v for v, h in zip(values, hidden, strict=True)],
            name=value_label,
            orientation="h",
            text=texts,
            textposition="outside",
            cliponaxis=False,
            customdata=texts,
            hovertemplate="%{y}: %{customdata}<extra>" + value_label + "</extra>",
            marker={"color": [FLAG_COLOR if c in flagged else BAR_COLOR for c in codes]},
        )
    )
    if percent or rate:
        axis: dict[str, object] = {
            "title": {"text": value_label},
            "tickformat": ",",
            "rangemode": "tozero",
            **({"ticksuffix": "%"} if percent else {}),
        }
    else:
        axis = count_axis(value_label, values)
    fig.update_layout(
        title={"text": title},
        xaxis=axis,
        yaxis={"autorange": "reversed", "type": "category"},
        margin={"t": 60, "r": 80},
        height=max(260, 80 + 28 * len(categories)),
        showlegend=False,
    )
    if not categories:
        no_data_annotation(fig)
    if any(hidden):
        fig.add_annotation(
            text=SUPPRESSION_FOOTNOTE.replace("Gaps", "Bars marked suppressed"),
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0,
            y=-0.12,
            xanchor="left",
            yanchor="top",
        )
        fig.update_layout(margin={"t": 60, "r": 80, "b": 100})
    return fig
