"""The Peer workforce page's figures: pipeline, certification activity, specializations,
supervisor coverage, turnover, peers per 100,000 members and the county map. Pure
functions, data in, figure out; no Streamlit, no I/O.
"""

from __future__ import annotations

from itertools import pairwise

import pandas as pd
import plotly.graph_objects as go

from peerwh.dashboards.labels import labels
from peerwh.dashboards.shared_figures import (
    SUPPRESSION_FOOTNOTE,
    count_axis,
    flat_counties,
    funnel_figure,
)

# Standard-pathway applications (CERT-03) reaching each stage having reached every earlier one,
# so each stage is a subset of the one above (`queries.certification_pipeline`).
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
# The map's measures, the rate first: the map opens on it, since counties differ in size by
# three orders of magnitude and a count would only show where the people live.
MAP_MEASURES: dict[str, str] = {
    "peers_per_100k_members": "Peers per 100,000 Medi-Cal members",
    "active_certified_peers": "Active certified peers",
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
    """Standard-pathway applications reaching each stage (`PIPELINE_STAGES`), as a funnel.

    `df` holds one row with a column per stage (`queries.certification_pipeline`), each a subset
    of the one before; a stage larger than the one before is refused (`ValueError`): it would
    mean the counts were not of one funnel.
    """
    row = df.iloc[0] if len(df) else None
    counts = [0 if row is None else int(row[column]) for column in PIPELINE_STAGES]
    if any(later > earlier for earlier, later in pairwise(counts)):
        raise ValueError(f"pipeline stages are not nested: {counts}")
    fig = funnel_figure(
        dict(zip(PIPELINE_STAGES.values(), counts, strict=True)),
        "Applications",
        f"Certification pipeline, standard pathway (CERT-03): {area}",
    )
    return _finish(fig, fig.layout.title.text, not any(counts), False)


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
        yaxis=count_axis("Peers", ordered[list(CERTIFICATION_ACTIVITY_SERIES)].to_numpy().ravel()),
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
            y=labels(ordered["category"]),
            x=[int(v) for v in ordered["peers"]],
            name="Active peers",
            orientation="h",
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis=count_axis("Active peers", ordered["peers"]),
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
                flat_counties(
                    geojson,
                    rows["county_fips"].astype(str).tolist(),
                    [f"{county}: {hover}" for county in rows["county_name"].astype(str)],
                    name,
                    color,
                )
            )
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(height=600, margin={"t": 60, "l": 0, "r": 0, "b": 40})
    fig.update_layout(title={"text": f"{label} by county"})
    if hidden.any():
        _note(fig, "Grey: " + SUPPRESSION_FOOTNOTE.removeprefix("Gaps are "), -0.05)
    return fig
