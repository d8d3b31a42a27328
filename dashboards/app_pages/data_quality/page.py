"""Data quality: rule scorecard per feed, quarantine counts, recently ingested files, and the
disclosure control's audit (RPT-03): its verdict and the information lost to suppression.

Internal (state analysts only): file names, rule failures and row counts describe the raw
deliveries. The query layer refuses the audit tables to every other role. Quarantined rows
themselves hold PII and are not in the snapshot; only their counts are shown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from peerwh.dashboards import session
from peerwh.dashboards.access import AccessDenied
from peerwh.dashboards.app_pages.data_quality import figures, queries
from peerwh.dashboards.app_pages.data_quality.tables import disclosure_loss_table, quarantine_table
from peerwh.dashboards.labels import label
from peerwh.dashboards.snapshot import SnapshotReader
from peerwh.dashboards.ui import OpenSnapshot, open_snapshot

ALL_FEEDS = "All feeds"


def _count(header: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(header, format="%,d")


def render() -> None:
    scope = session.scope()
    st.title("Data quality")
    st.caption(
        "Internal: for state analysts only. Counts use the latest result of each rule on each "
        "file. Quarantined rows stay in the warehouse (they may hold PII); only counts are shown."
    )
    snapshot = open_snapshot((queries.CHECK_RESULTS_TABLE, queries.INGEST_FILES_TABLE))
    if snapshot is None:
        return
    reader = snapshot.reader(scope)
    try:
        feed_names = queries.feeds(reader)
        choice = st.selectbox("Feed", [ALL_FEEDS, *feed_names], key="dq_feed")
        feed = None if choice == ALL_FEEDS else choice
        statuses = queries.check_status_counts(reader, feed)
        card = queries.scorecard(reader, feed)
        quarantine = queries.quarantine_by_feed(reader, feed)
        files = queries.recent_files(reader, feed)
    except AccessDenied as exc:
        st.error(str(exc), icon=":material/block:")
        return

    totals = statuses.groupby("status")["results"].sum()
    files_col, fail_col, quarantined_col = st.columns(3)
    files_col.metric("Files ingested", f"{int(quarantine['files'].sum()):,}", border=True)
    fail_col.metric("Failed rule results", f"{int(totals.get('fail', 0)):,}", border=True)
    quarantined_col.metric(
        "Rows quarantined", f"{int(quarantine['rows_quarantined'].sum()):,}", border=True
    )

    st.subheader("Scorecard")
    st.plotly_chart(figures.check_status_figure(statuses), width="stretch", key="dq_status_chart")
    st.dataframe(
        card,
        hide_index=True,
        column_config={
            "feed": st.column_config.TextColumn("Feed"),
            "check_id": st.column_config.TextColumn("Rule"),
            "check_name": st.column_config.TextColumn("Rule name"),
            "severity": st.column_config.TextColumn("Severity"),
            **{status: _count(label(status)) for status in figures.STATUSES},
            "rows_violated": _count("Rows violating"),
        },
    )

    st.subheader("Quarantine")
    st.plotly_chart(figures.quarantine_figure(quarantine), width="stretch", key="dq_quarantine")
    st.table(quarantine_table(quarantine))

    st.subheader("Recent files")
    st.dataframe(
        files,
        hide_index=True,
        column_config={
            "ingested_at": st.column_config.DatetimeColumn("Ingested", format="YYYY-MM-DD HH:mm"),
            "feed": st.column_config.TextColumn("Feed"),
            "file_name": st.column_config.TextColumn("File"),
            "extract_date": st.column_config.DateColumn("Extract date", format="YYYY-MM-DD"),
            "status": st.column_config.TextColumn("Status"),
            "rows_received": _count("Received"),
            "rows_loaded": _count("Loaded"),
            "rows_quarantined": _count("Quarantined"),
            "rows_with_warnings": _count("With warnings"),
        },
    )

    _delivery_freshness(reader, snapshot)
    _disclosure_control(reader, snapshot)
    st.caption(snapshot.caption())


def _delivery_freshness(reader: SnapshotReader, snapshot: OpenSnapshot) -> None:
    """dbt source freshness at build time against each contract's delivery frequency."""
    st.subheader("Deliveries on time")
    if queries.SOURCE_FRESHNESS_TABLE not in snapshot.manifest.tables:
        st.info("This snapshot carries no freshness check.", icon=":material/info:")
        return
    freshness = queries.source_freshness(reader)
    stale = freshness.loc[freshness["status"] != "on_time", "feed"].tolist()
    if stale:
        st.warning(
            f"Late: {', '.join(stale)}. No delivery within the frequency the feed's contract "
            "promises; the warehouse was built from what had arrived.",
            icon=":material/schedule:",
        )
    else:
        st.success(
            "Every feed was delivered within the frequency its contract promises.",
            icon=":material/check_circle:",
        )
    st.dataframe(
        freshness.replace({"status": {"on_time": "On time", "stale": "Late"}}),
        hide_index=True,
        column_config={
            "feed": st.column_config.TextColumn("Feed"),
            "status": st.column_config.TextColumn("Status"),
            "last_loaded_at": st.column_config.DatetimeColumn(
                "Last loaded", format="YYYY-MM-DD HH:mm"
            ),
            "days_since_last_load": st.column_config.NumberColumn("Days since", format="%.1f"),
            "delivery_every_days": st.column_config.NumberColumn("Due every (days)"),
            "checked_at": st.column_config.DatetimeColumn("Checked", format="YYYY-MM-DD HH:mm"),
        },
    )


def _disclosure_control(reader: SnapshotReader, snapshot: OpenSnapshot) -> None:
    """The audit of every public table together: verdict, when, and the loss per quantity."""
    st.subheader("Disclosure control (RPT-03)")
    if queries.DISCLOSURE_SUMMARY_TABLE not in snapshot.manifest.tables:
        st.info("This snapshot carries no disclosure audit.", icon=":material/info:")
        return
    summary = queries.disclosure_summary(reader)
    if summary.empty:
        st.info("The disclosure audit checked no public cell.", icon=":material/info:")
        return
    passed = bool(summary["audit_passed"].all())
    checked_at = pd.Timestamp(summary["checked_at"].max())
    cells, hidden = int(summary["cells"].sum()), int(summary["suppressed_cells"].sum())
    headlines = (
        ("Disclosure audit", "Passed" if passed else "Failed"),
        ("Audited", checked_at.strftime("%Y-%m-%d %H:%M %Z").strip()),
        ("Public cells", f"{cells:,}"),
        ("Cells suppressed", f"{hidden / cells:.1%}" if cells else "–"),
    )
    for column, (text, value) in zip(st.columns(len(headlines)), headlines, strict=True):
        column.metric(text, value, border=True)
    if passed:
        st.caption(
            "Every count from 1 to 10 of the public tables is protected, by the complementary "
            "cells suppressed with it, from the public and from a county user who knows its "
            "own county's figures: the audit proved that none can be worked back."
        )
    else:
        st.error(
            "The disclosure audit failed: a suppressed count could be worked back from the "
            "public tables. See the Failures column.",
            icon=":material/error:",
        )
    st.table(disclosure_loss_table(summary))
    st.caption(
        "Per quantity and geography level: primaries are counts from 1 to 10, complements the "
        "cells suppressed to protect them; the shares are of the cells and of the quantity's "
        "total value."
    )


render()
