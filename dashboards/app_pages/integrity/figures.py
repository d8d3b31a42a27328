"""The Program integrity page's figures. Pure functions, data in, figure out; no Streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from peerwh.dashboards.labels import column_label
from peerwh.dashboards.shared_figures import (
    count_axis,
    no_data_annotation,
)


def stacked_monthly_bars(
    df: pd.DataFrame,
    *,
    month: str,
    series: str,
    value: str,
    title: str,
    y_title: str,
    money: bool = False,
) -> go.Figure:
    """Bars per month stacked by `series` (e.g. findings per service month and rule id).

    `df` has one row per (`month`, `series`) with the number in `value`; one trace per series
    value, sorted, each with only its months, oldest first. `money` formats dollars.
    """
    fig = go.Figure()
    number = "$%{y:,.2f}" if money else "%{y:,}"
    for name in sorted(str(s) for s in df[series].unique()):
        rows = df.loc[df[series].astype(str) == name].sort_values(month)
        values = pd.to_numeric(rows[value]).astype("float64" if money else "int64")
        fig.add_trace(
            go.Bar(
                x=pd.to_datetime(rows[month]),
                y=values,
                name=name,
                hovertemplate="%{x|%b %Y}: " + number + "<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        title={"text": title},
        barmode="stack",
        xaxis={"title": {"text": "Month"}, "tickformat": "%b %Y"},
        yaxis=(
            {"title": {"text": y_title}, "rangemode": "tozero", "tickformat": "$,.0f"}
            if money
            else count_axis(y_title, df.groupby(month)[value].sum() if len(df) else [])
        ),
        # One entry per rule: a column at the right never runs into the title, as a row would.
        legend={"title": {"text": column_label(series)}, "traceorder": "normal"},
        margin={"t": 60},
    )
    if df.empty:
        no_data_annotation(fig)
    return fig
