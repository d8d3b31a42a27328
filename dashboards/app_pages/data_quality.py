"""Data quality: rule scorecard per feed, quarantine counts, recently ingested files.

Internal (state analysts only): file names, rule failures and row counts describe the raw
deliveries. The query layer refuses the audit tables to every other role. Quarantined rows
themselves hold PII and are not in the snapshot; only their counts are shown.
"""

from __future__ import annotations

import streamlit as st

from dashboards import figures, queries, session
from dashboards.access import AccessDenied
from dashboards.tables import quarantine_table
from dashboards.ui import open_snapshot

ALL_FEEDS = "All feeds"
STATUS_COLUMNS = {
    "pass": "Pass",
    "fail": "Fail",
    "not_applicable": "Not applicable",
    "error": "Error",
}


def _count(label: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="%,d")


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
    serving, build_id = snapshot.serving_dir, snapshot.build_id
    try:
        feed_names = queries.feeds(scope, serving, build_id)
        choice = st.selectbox("Feed", [ALL_FEEDS, *feed_names], key="dq_feed")
        feed = None if choice == ALL_FEEDS else choice
        statuses = queries.check_status_counts(scope, serving, build_id, feed)
        card = queries.scorecard(scope, serving, build_id, feed)
        quarantine = queries.quarantine_by_feed(scope, serving, build_id, feed)
        files = queries.recent_files(scope, serving, build_id, feed)
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
            **{status: _count(label) for status, label in STATUS_COLUMNS.items()},
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
    st.caption(snapshot.caption())


render()
