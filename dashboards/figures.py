"""Plotly figures: pure functions, data in, figure out. No Streamlit, no I/O."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

SUPPRESSION_FOOTNOTE = (
    "Gaps are suppressed small cells: counts from 1 to 10 are not shown (RPT-03)."
)
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
        xaxis={"title": {"text": "Results"}, "tickformat": ","},
        yaxis={"title": {"text": "Feed"}, "autorange": "reversed"},
        legend={
            "orientation": "h",
            "traceorder": "normal",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "left",
            "x": 0,
        },
        margin={"t": 80},
        height=max(300, 60 + 45 * len(feeds)),
    )
    if not feeds:
        fig.add_annotation(
            text="No rule results in this snapshot",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
        )
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
        xaxis={"title": {"text": "Rows"}, "tickformat": ","},
        yaxis={"title": {"text": "Feed"}, "autorange": "reversed"},
        legend={
            "orientation": "h",
            "traceorder": "normal",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "left",
            "x": 0,
        },
        margin={"t": 80},
        height=max(300, 60 + 45 * len(ordered)),
    )
    return fig


# --- Program integrity and waiver metrics ---------------------------------------------------------

_TOP_LEGEND: dict[str, object] = {
    "orientation": "h",
    "traceorder": "normal",
    "yanchor": "bottom",
    "y": 1.02,
    "xanchor": "left",
    "x": 0,
}


def _no_data_annotation(fig: go.Figure, text: str = "No data for this selection") -> None:
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)


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
        yaxis={
            "title": {"text": y_title},
            "rangemode": "tozero",
            "tickformat": "$,.0f" if money else ",",
        },
        # One entry per rule: a column at the right never runs into the title, as a row would.
        legend={"title": {"text": series.replace("_", " ").capitalize()}, "traceorder": "normal"},
        margin={"t": 60},
    )
    if df.empty:
        _no_data_annotation(fig)
    return fig


WAIVER_RATE_SUPPRESSED_FOOTNOTE = (
    "Gaps are suppressed cells: counts from 1 to 10, and figures from which one could be worked "
    "out, are not published (RPT-03)."
)


def waiver_metric_figure(df: pd.DataFrame, metric_name: str, unit: str) -> go.Figure:
    """A waiver metric's rate by period, one line per stratum value, its baseline dashed.

    `df` is the tidy table (`period_start`, `stratum_value`, `rate`, `baseline_rate`,
    `is_suppressed`), one row per period and stratum value. A suppressed rate (NULL) leaves a
    gap and a footnote; a baseline is drawn only where one is published.
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
        legend=_TOP_LEGEND,
        margin={"t": 80},
    )
    if df.empty:
        _no_data_annotation(fig)
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


# --- utilization and complaints pages (issue 4) --------------------------------------------------

SUPPRESSED_TEXT = "Suppressed"


def breakdown_bar_figure(
    df: pd.DataFrame,
    value_column: str,
    title: str,
    value_label: str,
    *,
    percent: bool = False,
) -> go.Figure:
    """One horizontal bar per `category` of `df`, in the frame's order, with the value as text.

    A suppressed cell (its `<value_column>_is_suppressed` flag set, or without such a column a
    NULL value) gets no bar, the text "Suppressed" and the RPT-03 footnote: the figure never
    holds a number for it. A NULL that is not suppressed (a rate over zero) shows "–".
    `percent` formats values as percentages (0-100).
    """
    categories = df["category"].astype(str).tolist()
    values = [None if pd.isna(v) else float(v) for v in df[value_column]]
    flag = f"{value_column}_is_suppressed"
    hidden = [bool(h) for h in df[flag].fillna(True)] if flag in df else [v is None for v in values]
    number = "{:,.1f}%" if percent else "{:,.0f}"
    labels = [
        SUPPRESSED_TEXT if h else ("–" if v is None else number.format(v))
        for v, h in zip(values, hidden, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=categories,
            x=[0.0 if v is None or h else v for v, h in zip(values, hidden, strict=True)],
            name=value_label,
            orientation="h",
            text=labels,
            textposition="outside",
            cliponaxis=False,
            customdata=labels,
            hovertemplate="%{y}: %{customdata}<extra>" + value_label + "</extra>",
            marker={"color": "#1565c0"},
        )
    )
    fig.update_layout(
        title={"text": title},
        xaxis={
            "title": {"text": value_label},
            "tickformat": ",",
            "rangemode": "tozero",
            **({"ticksuffix": "%"} if percent else {}),
        },
        yaxis={"autorange": "reversed", "type": "category"},
        margin={"t": 60, "r": 80},
        height=max(260, 80 + 28 * len(categories)),
        showlegend=False,
    )
    if not categories:
        _no_data_annotation(fig)
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
        legend=_TOP_LEGEND,
        margin={"t": 80},
    )
    if ordered.empty:
        _no_data_annotation(fig)
    return fig


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
    fig = go.Figure(
        go.Funnel(
            y=list(COMPLAINT_COURSE_STAGES.values()),
            x=counts,
            name="Complaints",
            textinfo="value+percent initial",
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    fig.update_layout(title={"text": f"Course of complaints: {area}"}, margin={"t": 60})
    if not counts[0]:
        _no_data_annotation(fig, "No complaints received in this selection")
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
        yaxis={"title": {"text": "Complaints"}, "rangemode": "tozero", "tickformat": ","},
        legend=_TOP_LEGEND,
        margin={"t": 80},
    )
    if ordered.empty:
        _no_data_annotation(fig)
    return fig


# --- workforce page (issue 4) --------------------------------------------------------------------

PIPELINE_STAGES: dict[str, str] = {
    "applications": "Applications",
    "trained": "Training completed",
    "exam_passed": "Exam passed",
    "certified": "Certified",
}
CERTIFICATION_ACTIVITY_SERIES: dict[str, str] = {
    "new_certifications": "New certifications",
    "renewals": "Renewals",
    "reinstatements": "Reinstatements",
    "lapses": "Lapses",
}
STATEWIDE_AREA = "Statewide"
MAP_MEASURES: dict[str, str] = {
    "active_certified_peers": "Active certified peers",
    "peers_per_100k_members": "Peers per 100,000 Medi-Cal members",
}
SUPPRESSED_COLOR = "#bdbdbd"
NO_DATA_COLOR = "#f0f0f0"
_LEGEND_ON_TOP = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0}


def _numbers(values: pd.Series) -> list[float | None]:
    """Plain numbers for a trace; None (a gap) for suppressed or missing cells."""
    return [None if pd.isna(v) else float(v) for v in values]


def _note(fig: go.Figure, text: str, y: float) -> None:
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0, y=y,
                       xanchor="left")  # fmt: skip


def _finish(fig: go.Figure, title: str, empty: bool, suppressed: bool) -> go.Figure:
    """Title, legend on top, a "no data" note and the suppression footnote where they apply."""
    fig.update_layout(title={"text": title}, legend=_LEGEND_ON_TOP, margin={"t": 80})
    if empty:
        fig.add_annotation(text="No data for this selection", showarrow=False, xref="paper",
                           yref="paper", x=0.5, y=0.5)  # fmt: skip
    if suppressed:
        _note(fig, SUPPRESSION_FOOTNOTE, -0.22)
        fig.update_layout(margin={"t": 80, "b": 110})
    return fig


def certification_pipeline_figure(df: pd.DataFrame, area: str = STATEWIDE_AREA) -> go.Figure:
    """Applications reaching each stage (`PIPELINE_STAGES`), as a funnel.

    `df` holds one row with a column per stage (`queries.certification_pipeline`).
    """
    row = df.iloc[0] if len(df) else None
    counts = [0 if row is None else int(row[column]) for column in PIPELINE_STAGES]
    fig = go.Figure(
        go.Funnel(
            y=list(PIPELINE_STAGES.values()),
            x=counts,
            name="Applications",
            textinfo="value+percent initial",
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    return _finish(fig, f"Certification pipeline: {area}", not any(counts), False)


def certification_activity_figure(df: pd.DataFrame, area: str = STATEWIDE_AREA) -> go.Figure:
    """New certifications, renewals, reinstatements and lapses by month, grouped bars.

    `df` has `month_start` and a column per key of `CERTIFICATION_ACTIVITY_SERIES`; suppressed
    cells (NULL) are left out, with the footnote.
    """
    ordered = df.sort_values("month_start")
    fig = go.Figure()
    for column, label in CERTIFICATION_ACTIVITY_SERIES.items():
        fig.add_trace(
            go.Bar(
                x=pd.to_datetime(ordered["month_start"]),
                y=_numbers(ordered[column]),
                name=label,
                hovertemplate="%{x|%b %Y}: %{y:,}<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        barmode="group",
        xaxis={"title": {"text": "Month"}, "tickformat": "%b %Y"},
        yaxis={"title": {"text": "Peers"}, "rangemode": "tozero", "tickformat": ","},
    )
    suppressed = bool(ordered[list(CERTIFICATION_ACTIVITY_SERIES)].isna().to_numpy().any())
    return _finish(fig, f"Certifications, renewals, lapses: {area}", ordered.empty, suppressed)


def specializations_figure(df: pd.DataFrame, area: str = STATEWIDE_AREA) -> go.Figure:
    """Active peers holding each specialization (CERT-07), horizontal bars, most held first.

    `df` has `category` (specialization code) and `peers`.
    """
    ordered = df.sort_values(["peers", "category"], ascending=[False, True])
    fig = go.Figure(
        go.Bar(
            y=ordered["category"].astype(str).tolist(),
            x=[int(v) for v in ordered["peers"]],
            name="Active peers",
            orientation="h",
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis={"title": {"text": "Active peers"}, "tickformat": ","},
        yaxis={"title": {"text": "Specialization"}, "autorange": "reversed"},
        height=max(300, 80 + 45 * len(ordered)),
    )
    return _finish(fig, f"Specializations of active peers: {area}", ordered.empty, False)


def _monthly_lines(
    df: pd.DataFrame, series: dict[str, str], title: str, y_title: str, tickformat: str
) -> go.Figure:
    ordered = df.sort_values("month_start")
    fig = go.Figure()
    for column, label in series.items():
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(ordered["month_start"]),
                y=_numbers(ordered[column]),
                name=label,
                mode="lines+markers",
                hovertemplate="%{y:" + tickformat + "}<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        xaxis={"title": {"text": "Month"}, "tickformat": "%b %Y"},
        yaxis={"title": {"text": y_title}, "rangemode": "tozero", "tickformat": tickformat},
        hovermode="x unified",
    )
    suppressed = bool(ordered[list(series)].isna().to_numpy().any()) and not ordered.empty
    return _finish(fig, title, ordered.empty, suppressed)


def supervisor_coverage_figure(df: pd.DataFrame, area: str = STATEWIDE_AREA) -> go.Figure:
    """Employed peers per peer supervisor by month (SUP-03: reported, no ratio is required).

    `df` has `month_start` and `peers_per_supervisor` (NULL without supervisors or suppressed).
    """
    return _monthly_lines(
        df,
        {"peers_per_supervisor": "Peers per supervisor"},
        f"Supervisor coverage: {area}",
        "Employed peers per supervisor",
        ",.2f",
    )


def turnover_figure(
    df: pd.DataFrame, area: str = STATEWIDE_AREA, basis: str = "average employed peers"
) -> go.Figure:
    """Monthly turnover: separations / `basis` (the denominator's name), a percentage line.

    `df` has `month_start` and `turnover_rate` (a fraction; NULL when not defined or suppressed).
    """
    return _monthly_lines(
        df,
        {"turnover_rate": "Turnover"},
        f"Monthly turnover of employed peers: {area}",
        f"Separations / {basis}",
        ".1%",
    )


def peers_per_100k_figure(
    area_df: pd.DataFrame, state_df: pd.DataFrame, area: str = STATEWIDE_AREA
) -> go.Figure:
    """Active certified peers per 100,000 Medi-Cal members by month: the area against the state.

    Both frames have `month_start` and `peers_per_100k_members`; when `area` is the statewide
    label only the statewide line is drawn.
    """
    merged = state_df[["month_start", "peers_per_100k_members"]].rename(
        columns={"peers_per_100k_members": STATEWIDE_AREA}
    )
    series = {STATEWIDE_AREA: STATEWIDE_AREA}
    if area != STATEWIDE_AREA:
        county = area_df[["month_start", "peers_per_100k_members"]].rename(
            columns={"peers_per_100k_members": area}
        )
        merged = county.merge(merged, on="month_start", how="outer")
        series = {area: area, STATEWIDE_AREA: STATEWIDE_AREA}
    return _monthly_lines(
        merged,
        series,
        f"Peers per 100,000 Medi-Cal members: {area}"
        + ("" if area == STATEWIDE_AREA else " and the state"),
        "Active certified peers per 100,000 members",
        ",.1f",
    )


# plotly.js fetches the base map of every geo plot (even one drawn with `visible=False`) from its
# CDN; with no internet at run time it is served from dashboards/static/ (Streamlit static
# serving, `app/static/`, enabled by every launch of the app).
OFFLINE_GEO_CONFIG: dict[str, object] = {"topojsonURL": "app/static/"}


def county_map_figure(
    df: pd.DataFrame, geojson: dict[str, object], measure: str = "active_certified_peers"
) -> go.Figure:
    """A choropleth of California's counties: `measure` (a key of `MAP_MEASURES`) per county.

    `df` has `county_fips`, `county_name`, `measure` and `<measure>_is_suppressed`, one row per
    county. Counties with a value form the colored trace; suppressed counties a grey trace
    named "Suppressed" whose hover says so (their value is never in the figure); counties with
    no value that is not suppressed (a rate without members) a pale trace named "No data".
    """
    label = MAP_MEASURES[measure]
    hidden = df[f"{measure}_is_suppressed"].astype(bool)
    missing = ~hidden & df[measure].isna()
    shown = df.loc[~hidden & ~missing]
    number = ",.1f" if measure == "peers_per_100k_members" else ","
    fig = go.Figure(
        go.Choropleth(
            geojson=geojson,
            featureidkey="properties.fips",
            locations=shown["county_fips"].astype(str).tolist(),
            z=[float(v) for v in shown[measure]],
            text=shown["county_name"].astype(str).tolist(),
            name=label,
            colorscale="Blues",
            marker={"line": {"color": "white", "width": 0.5}},
            colorbar={"title": {"text": label}, "tickformat": number},
            hovertemplate="%{text}: %{z:" + number + "}<extra></extra>",
        )
    )
    # Grey where suppressed; pale where there is nothing to show (e.g. no Medi-Cal members on
    # record for a rate), so that "no data" never reads as "suppressed" nor the reverse.
    for rows, name, color, hover in (
        (df.loc[hidden], "Suppressed", SUPPRESSED_COLOR, "suppressed"),
        (df.loc[missing], "No data", NO_DATA_COLOR, "no data"),
    ):
        if len(rows):
            fig.add_trace(
                go.Choropleth(
                    geojson=geojson,
                    featureidkey="properties.fips",
                    locations=rows["county_fips"].astype(str).tolist(),
                    z=[0.0] * len(rows),
                    text=rows["county_name"].astype(str).tolist(),
                    name=name,
                    colorscale=[[0, color], [1, color]],
                    showscale=False,
                    marker={"line": {"color": "white", "width": 0.5}},
                    hovertemplate="%{text}: " + hover + "<extra></extra>",
                )
            )
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(height=600, margin={"t": 60, "l": 0, "r": 0, "b": 40})
    fig.update_layout(title={"text": f"{label} by county"})
    if hidden.any():
        _note(fig, "Grey: " + SUPPRESSION_FOOTNOTE.removeprefix("Gaps are "), -0.05)
    return fig
