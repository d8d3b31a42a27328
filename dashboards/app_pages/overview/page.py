"""Overview: statewide headline figures with their trend, the freshness of each feed, the build.

Statewide figures are the public statewide series (suppressed by the disclosure control, RPT-03)
for every role but state analysts; feed freshness (latest extract date per feed) is metadata of
the internal feeds, shown to state analysts and county users (evaluators read public tables only).
"""

from __future__ import annotations

import streamlit as st

from peerwh.dashboards import session, shared_figures, shared_queries
from peerwh.dashboards.access import FEED_FRESHNESS_VIEW, readable
from peerwh.dashboards.app_pages.overview.tables import freshness_table
from peerwh.dashboards.metrics import last_months, latest_with_year_change
from peerwh.dashboards.snapshot import SnapshotReader
from peerwh.dashboards.ui import SUPPRESSION_RULE, open_snapshot, show_headline

PERIODS: dict[str, int | None] = {"Last 12 months": 12, "Last 24 months": 24, "All months": None}


def render() -> None:
    scope = session.scope()
    st.title("Overview")
    snapshot = open_snapshot((shared_queries.statewide_workforce_table(scope),))
    if snapshot is None:
        return
    reader = snapshot.reader(scope)
    build, published = st.columns(2)
    build.metric("Build", snapshot.build_id, border=True)
    published.metric("Published", snapshot.manifest.created_at_display(), border=True)

    st.subheader("Peer workforce, statewide")
    trend = shared_queries.workforce_trend(reader)
    left, right = st.columns(2)
    with left:
        show_headline(
            "Active certified peers", latest_with_year_change(trend, "active_certified_peers")
        )
    with right:
        show_headline("Employed peers", latest_with_year_change(trend, "employed_peers"))
    period = st.selectbox("Period", list(PERIODS), key="overview_period")
    shown = last_months(trend, PERIODS[period])
    st.plotly_chart(shared_figures.workforce_trend_figure(shown, "Statewide"), width="stretch")
    flags = [f"{m}_is_suppressed" for m in shared_queries.TREND_MEASURES]
    if bool(shown[flags].to_numpy().any()):
        st.caption(SUPPRESSION_RULE)

    if readable(scope, FEED_FRESHNESS_VIEW, snapshot.manifest.public_tables()):
        _feed_freshness(reader)
    st.caption(snapshot.caption())


def _feed_freshness(reader: SnapshotReader) -> None:
    st.subheader("Feed freshness")
    freshness = shared_queries.feed_freshness(reader)
    if freshness.empty:
        st.info("No feed files were ingested into this snapshot.")
    else:
        st.table(freshness_table(freshness))
        st.caption(
            "Latest extract date: the newest extract of each feed that was loaded (rejected "
            "files do not count). Files: every file received for the feed."
        )


render()
