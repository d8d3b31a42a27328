"""Peer workforce for county leadership, statewide or by county: active and employed peers by
month; the certification pipeline, renewals due and specializations; lapses and reinstatements;
supervisor coverage; turnover; peers per 100,000 Medi-Cal members against the state; a county map.
The sections below the trend are tabs that rerun when switched, so only the open one is drawn.

State analysts may pick any county (also via `?county=FIPS`); a county user sees its own county's
detail; the statewide figures of county users and evaluators are the public series, and their
county map the public county cells of a quarter or a year, as the disclosure control published
them (RPT-03). The URL never widens a scope: a county outside it is refused by the query layer.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from peerwh.dashboards import session, shared_figures, shared_queries
from peerwh.dashboards.access import AccessDenied, Role
from peerwh.dashboards.app_pages.workforce import figures, queries
from peerwh.dashboards.formatting import SUPPRESSED, month_label, with_suppressed_labels
from peerwh.dashboards.geo import OFFLINE_GEO_CONFIG, load_california_counties
from peerwh.dashboards.labels import column_label, labelled_codes
from peerwh.dashboards.metrics import Kpi, latest_with_year_change
from peerwh.dashboards.snapshot import SnapshotReader
from peerwh.dashboards.ui import (
    STATEWIDE_LABEL,
    SUPPRESSION_RULE,
    OpenSnapshot,
    kpi_row,
    open_snapshot,
    public_period_choice,
    requested_county,
    show_headline,
)

# A tab's section: (reader, county or None for statewide, area name).
Section = Callable[[SnapshotReader, str | None, str], None]


def render() -> None:
    scope = session.scope()
    st.title("Peer workforce")
    snapshot = open_snapshot((shared_queries.statewide_workforce_table(scope),))
    if snapshot is None:
        return
    reader = snapshot.reader(scope)

    names: dict[str, str] = {}
    if scope.role is not Role.EVALUATOR:
        county_rows = shared_queries.counties(reader)
        names = dict(zip(county_rows["county_fips"], county_rows["county_name"], strict=True))

    area_sections(reader, names)
    county_map_section(reader, snapshot)
    st.caption(snapshot.caption())


# Fragments: choosing a county reruns the sections of that area only, not the county map (and
# choosing the map's measure only the map), so a filter change redraws what it changes.
@session.fragment
def area_sections(reader: SnapshotReader, names: dict[str, str]) -> None:
    scope = reader.scope
    options: list[str | None] = [None, *names]
    requested = requested_county(names)
    default_fips = scope.county_fips if scope.role is Role.COUNTY else None
    start = requested if requested is not None else default_fips
    county_fips: str | None = st.selectbox(
        "County",
        options,
        index=options.index(start),
        format_func=lambda fips: STATEWIDE_LABEL if fips is None else names[fips],
        key="workforce_county",
        disabled=len(options) == 1,
    )
    if scope.role is Role.COUNTY:
        st.caption(
            "Your account covers your county's detail; statewide figures are public, suppressed."
        )
    elif scope.role is Role.EVALUATOR:
        st.caption("Evaluators see public, suppressed statewide figures only.")

    area = "Statewide" if county_fips is None else names[county_fips]
    try:
        trend = shared_queries.workforce_trend(reader, county_fips)
    except AccessDenied as exc:
        st.error(str(exc), icon=":material/block:")
        return

    left, right = st.columns(2)
    with left:
        show_headline(
            "Active certified peers", latest_with_year_change(trend, "active_certified_peers")
        )
    with right:
        show_headline("Employed peers", latest_with_year_change(trend, "employed_peers"))

    st.plotly_chart(shared_figures.workforce_trend_figure(trend, area), width="stretch")

    flags = [f"{m}_is_suppressed" for m in shared_queries.TREND_MEASURES]
    suppressed = bool(trend[flags].to_numpy().any())
    table = trend.sort_values("month_start", ascending=False)
    if suppressed:
        table = with_suppressed_labels(table, shared_queries.TREND_MEASURES)
    else:
        table = table.drop(columns=flags)
    column = st.column_config.TextColumn if suppressed else st.column_config.NumberColumn
    kwargs = {} if suppressed else {"format": "%,d"}
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "month_start": st.column_config.DateColumn("Month", format="MMM YYYY"),
            "active_certified_peers": column("Active certified peers", **kwargs),
            "employed_peers": column("Employed peers", **kwargs),
        },
    )
    if suppressed:
        st.caption(SUPPRESSION_RULE)

    # One section at a time: the tabs rerun this fragment when switched, and only the open tab
    # runs its queries and draws its chart, so a county change redraws two charts, not seven.
    tabs = st.tabs(list(SECTIONS), key="workforce_section", on_change="rerun")
    for section, tab in zip(SECTIONS.values(), tabs, strict=True):
        if tab.open:
            with tab:
                section(reader, county_fips, area)
    st.caption(area)


def _count(value: object) -> str:
    return SUPPRESSED if pd.isna(value) else f"{int(value):,}"  # type: ignore[call-overload]


def _days(value: object) -> str:
    return "No data" if pd.isna(value) else f"{float(value):,.0f} days"  # type: ignore[arg-type]


def _ratio(value: object, suppressed: bool) -> str:
    if suppressed:
        return SUPPRESSED
    return "No supervisors" if pd.isna(value) else f"{float(value):,.2f}"  # type: ignore[arg-type]


def _percent(value: object) -> str:
    return "No data" if pd.isna(value) else f"{float(value):.1%}"  # type: ignore[arg-type]


def pipeline_section(reader: SnapshotReader, county_fips: str | None, area: str) -> None:
    """Person-level marts, like the renewals and specializations: statewide figures are for
    state analysts only; a county user sees them for its own county."""
    try:
        pipeline = queries.certification_pipeline(reader, county_fips)
        pathways = queries.certification_pathways(reader, county_fips)
    except AccessDenied as exc:
        st.info(str(exc), icon=":material/lock:")
        return
    row = pipeline.iloc[0]
    st.caption(
        "Every application on record, with the first date each stage was reached before the "
        "next application. Pass rate and median days: every pathway."
    )
    kpi_row(
        [
            Kpi(
                "Exam pass rate",
                _percent(row["exam_pass_rate"]),
                f"{int(row['exams_passed']):,} of {int(row['exam_attempts']):,} exams",
            ),
            Kpi(
                "Days to training",
                _days(row["median_days_application_to_training"]),
                "Median days from application to training completed.",
            ),
            Kpi(
                "Days, training to exam",
                _days(row["median_days_training_to_exam_passed"]),
                "Median days from training completed to exam passed.",
            ),
            Kpi(
                "Days, exam to certified",
                _days(row["median_days_exam_passed_to_certified"]),
                "Median days from exam passed to certified.",
            ),
        ]
    )
    st.plotly_chart(figures.certification_pipeline_figure(pipeline, area), width="stretch")
    st.caption(
        "The funnel follows the standard pathway (CERT-03), each stage counting the "
        "applications that reached it and every stage above it. Grandparent (CERT-08) and "
        "reciprocity (CERT-09) applicants need no 80-hour initial training, so counted with "
        "them more applicants pass the exam than complete the training; they are in the "
        "table below."
    )
    st.dataframe(
        labelled_codes(pathways, ("pathway",)),
        hide_index=True,
        column_config={
            column_label(c): st.column_config.NumberColumn(format="%,d")
            for c in ("applications", "trained", "exam_passed", "certified")
        },
        key="workforce_pathways",
    )


def renewals_section(reader: SnapshotReader, county_fips: str | None, area: str) -> None:
    try:
        renewals = queries.renewals_due(reader, county_fips)
        specializations = queries.peer_certification_counts(
            reader, "specialization_of_active_peers", county_fips
        )
    except AccessDenied as exc:
        st.info(str(exc), icon=":material/lock:")
        return
    as_of = renewals["as_of_date"].dropna()
    as_of_text = pd.Timestamp(as_of.iloc[0]).strftime("%Y-%m-%d") if len(as_of) else "unknown"
    st.markdown(f"**As of {as_of_text}**")
    st.caption(
        f"Active peers whose certification expires within the window, counted from "
        f"{as_of_text}: the latest certification extract, not today (CERT-04, CERT-05)."
    )
    kpi_row(
        [
            Kpi(f"Due within {r.window_days} days", f"{int(r.peers):,}")
            for r in renewals.itertuples()
        ]
    )
    if county_fips is not None:
        _renewal_roster(reader, county_fips, area)
    st.plotly_chart(figures.specializations_figure(specializations, area), width="stretch")


def _renewal_roster(reader: SnapshotReader, county_fips: str, area: str) -> None:
    """A county's own peers due to renew: who, when, and how many days are left."""
    window = max(queries.RENEWAL_WINDOWS_DAYS)
    roster = queries.renewal_roster(reader, county_fips, window)
    st.markdown(f"**{area}: peers due to renew within {window} days ({len(roster):,})**")
    if roster.empty:
        st.caption("No active peer of the county is due to renew in the window.")
        return
    shown = labelled_codes(roster.drop(columns=["as_of_date", "county_fips"]), ())
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            column_label("current_expiration_date"): st.column_config.DateColumn(
                format="YYYY-MM-DD"
            ),
        },
        key="workforce_renewal_roster",
    )
    st.download_button(
        "Download the roster (CSV)",
        roster.to_csv(index=False).encode("utf-8"),
        file_name=f"renewals_due_{county_fips}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="workforce_roster_csv",
        on_click="ignore",
    )


def _detail(reader: SnapshotReader, county_fips: str | None) -> pd.DataFrame | None:
    """The monthly workforce detail of the area; None (and the refusal shown) if out of scope."""
    try:
        return queries.workforce_detail(reader, county_fips)
    except AccessDenied as exc:
        st.error(str(exc), icon=":material/block:")
        return None


def _detail_chart(figure: Callable[[pd.DataFrame, str], go.Figure]) -> Section:
    """A section that is one chart of the area's monthly workforce detail."""

    def section(reader: SnapshotReader, county_fips: str | None, area: str) -> None:
        detail = _detail(reader, county_fips)
        if detail is not None:
            st.plotly_chart(figure(detail, area), width="stretch")

    return section


def supervision_section(reader: SnapshotReader, county_fips: str | None, area: str) -> None:
    detail = _detail(reader, county_fips)
    if detail is None:
        return
    if len(detail):
        latest = detail.iloc[-1]
        month = month_label(latest["month_start"])
        left, right = st.columns(2)
        left.metric(f"Peer supervisors, {month}", _count(latest["supervisors"]), border=True)
        right.metric(
            f"Peers per supervisor, {month}",
            _ratio(
                latest["peers_per_supervisor"], bool(latest["peers_per_supervisor_is_suppressed"])
            ),
            border=True,
            help="SUP-03: reported only; DHCS sets no ratio.",
        )
    st.plotly_chart(figures.supervisor_coverage_figure(detail, area), width="stretch")


def turnover_section(reader: SnapshotReader, county_fips: str | None, area: str) -> None:
    """Separations over employed peers; the public statewide series has no average of the
    peers employed at the month's start and end, so its turnover is over its employed peers."""
    detail = _detail(reader, county_fips)
    if detail is not None:
        basis = shared_queries.workforce_months(reader.scope, county_fips).turnover_basis
        st.plotly_chart(figures.turnover_figure(detail, area, basis), width="stretch")


def members_section(reader: SnapshotReader, county_fips: str | None, area: str) -> None:
    """Peers per 100,000 Medi-Cal members, against the state as the user may see it."""
    detail = _detail(reader, county_fips)
    statewide = detail if county_fips is None else _detail(reader, None)
    if detail is not None and statewide is not None:
        st.plotly_chart(figures.peers_per_100k_figure(detail, statewide, area), width="stretch")


# The workforce page's tabs: label -> the section drawn when that tab is open.
SECTIONS: dict[str, Section] = {
    "Certification pipeline": pipeline_section,
    "Renewals and specializations": renewals_section,
    "Lapses and reinstatements": _detail_chart(figures.certification_activity_figure),
    "Supervisor coverage": supervision_section,
    "Turnover": turnover_section,
    "Peers per 100,000 members": members_section,
}


@session.fragment
def county_map_section(reader: SnapshotReader, snapshot: OpenSnapshot) -> None:
    st.header("County map", divider="gray")
    measure: str = st.radio(
        "Map measure",
        list(figures.MAP_MEASURES),
        format_func=figures.MAP_MEASURES.__getitem__,
        horizontal=True,
        key="workforce_map_measure",
    )
    if reader.scope.is_state:
        frame: pd.DataFrame | None = _state_map(reader)
    else:
        frame = _public_map(reader, snapshot)
    if frame is None:
        return
    st.plotly_chart(
        figures.county_map_figure(frame, load_california_counties(), measure),
        width="stretch",
        config=OFFLINE_GEO_CONFIG,
    )
    if bool(frame[f"{measure}_is_suppressed"].any()):
        st.caption(SUPPRESSION_RULE)


def _state_map(reader: SnapshotReader) -> pd.DataFrame:
    """A state analyst's map: the latest month with members, every county unsuppressed."""
    frame = queries.county_map(reader)
    if len(frame):
        st.caption(
            f"{month_label(frame['month_start'].iloc[0])}: the latest month with Medi-Cal "
            "members on record."
        )
    return frame


def _public_map(reader: SnapshotReader, snapshot: OpenSnapshot) -> pd.DataFrame | None:
    """County users and evaluators: a period's public county cells (WF-01, WF-03), as published;
    a county user's own county from its own detail where its public cell is suppressed."""
    if shared_queries.WAIVER_METRICS_TABLE not in snapshot.manifest.tables:
        st.info("This snapshot publishes no county figures.", icon=":material/info:")
        return None
    period = public_period_choice(reader, "workforce_map", queries.MAP_PERIOD_METRIC)
    if period is None:
        return None
    frame = queries.public_county_map(reader, period.period_type, period.start)
    st.caption(
        f"{period.label}: active certified peers on some day of the period (WF-01) and per "
        "100,000 average monthly certified eligible Medi-Cal members (WF-03)."
    )
    if reader.scope.role is Role.COUNTY:
        st.caption("Other counties are shown as public, suppressed figures.")
        own = frame.loc[frame["detail_month"].notna()]
        if len(own):
            month = month_label(pd.Timestamp(own["detail_month"].iloc[0]))
            st.caption(
                f"{own['county_name'].iloc[0]}'s public figure for the period is suppressed: "
                f"your county is shown from its own detail for {month}."
            )
    else:
        st.caption("Public, suppressed figures.")
    return frame


render()
