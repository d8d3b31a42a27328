"""Complaints: volume, course (received → acknowledged → resolved), actions, appeals and
outcomes, PI-04 timeliness (share on time, the late ones listed).

Detail (`fct_complaints`, unsuppressed) is for state analysts (statewide or any county, also via
`?county=FIPS`) and county users (their own county). Complaints per county and quarter: county
users and evaluators read the public table as the disclosure control published it (received
only); state analysts the internal aggregate, with the substantiated ones. Evaluators see only
that table. The URL never
widens a scope: a county outside it is refused by the query layer.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from peerwh.dashboards import session, shared_figures, shared_queries
from peerwh.dashboards.access import AccessDenied, Role
from peerwh.dashboards.app_pages.complaints import figures, queries
from peerwh.dashboards.formatting import share_text, suppressed_labels
from peerwh.dashboards.labels import column_label, labels
from peerwh.dashboards.metrics import Kpi
from peerwh.dashboards.snapshot import SnapshotReader
from peerwh.dashboards.ui import SUPPRESSION_RULE, county_detail_choice, kpi_row, open_snapshot

BREAKDOWNS: dict[str, str] = {
    "outcome": "Outcome (PI-01)",
    "most_severe_action": "Most severe action (PI-03)",
    "appeal_outcome": "Appeals and their outcomes (PI-01)",
    "allegation_category": "Allegation",
}
LATE_COLUMNS: dict[str, str] = {
    "complaint_id": "Complaint",
    "county_fips": column_label("county_fips"),
    "received_date": "Received",
    "acknowledged_date": "Acknowledged",
    "business_days_to_acknowledge": "Business days to acknowledge",
    "resolution_due_date": "Resolution due",
    "resolved_date": "Resolved",
    "days_to_resolve": "Days to resolve",
    "late_reasons": "Why late",
}

LATE_FORMATS: dict[str, str] = {
    "received_date": "{:%Y-%m-%d}",
    "acknowledged_date": "{:%Y-%m-%d}",
    "resolution_due_date": "{:%Y-%m-%d}",
    "resolved_date": "{:%Y-%m-%d}",
    "business_days_to_acknowledge": "{:,.0f}",
    "days_to_resolve": "{:,.0f}",
}


def quarter_label(quarter: date) -> str:
    return f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}"


def quarter_end(quarter: date) -> date:
    return (pd.Timestamp(quarter) + pd.offsets.QuarterEnd(0)).date()


# A fragment: choosing a county reruns the detail section only, not the public table.
@session.fragment
def _detail(reader: SnapshotReader, first: date, last: date) -> None:
    scope = reader.scope
    county_rows = shared_queries.counties(reader)
    names = dict(zip(county_rows["county_fips"], county_rows["county_name"], strict=True))
    county_fips = county_detail_choice(scope, names, "complaints_county")
    area = "Statewide" if county_fips is None else names[county_fips]
    selection = queries.ComplaintsFilter(first, quarter_end(last), county_fips)
    try:
        summary = queries.complaints_summary(reader, selection)
    except AccessDenied as exc:
        st.error(str(exc), icon=":material/block:")
        return
    row = summary.iloc[0]
    received = int(row["received"])
    median = row["median_days_to_resolve"]
    kpi_row(
        [
            Kpi("Complaints received", f"{received:,}"),
            Kpi("Still open", f"{int(row['still_open']):,}"),
            Kpi(
                "Acknowledged on time",
                share_text(int(row["acknowledged_on_time"]), int(row["acknowledgement_judged"])),
            ),
            Kpi(
                "Resolved on time",
                share_text(int(row["resolved_on_time"]), int(row["resolution_judged"])),
            ),
            Kpi("Median days to resolve", "–" if pd.isna(median) else f"{float(median):,.0f}"),
        ]
    )
    st.caption(
        "PI-04: acknowledged within 5 business days, resolved within 90 days (120 when the "
        "investigation was extended in time). Shares are of the complaints already judged; one "
        "still within its due date is not judged yet."
    )

    left, right = st.columns(2)
    with left:
        st.plotly_chart(figures.complaint_course_figure(summary, area), width="stretch")
    with right:
        by_quarter = queries.complaints_by_quarter(reader, selection)
        st.plotly_chart(figures.complaints_by_quarter_figure(by_quarter, area), width="stretch")
    for index, (dimension, title) in enumerate(BREAKDOWNS.items()):
        frame = queries.complaints_by(reader, selection, dimension)
        with left if index % 2 == 0 else right:
            st.plotly_chart(
                shared_figures.breakdown_bar_figure(frame, "complaints", title, "Complaints"),
                width="stretch",
            )

    late = queries.late_complaints(reader, selection)
    st.markdown(f"**Late complaints (PI-04): {len(late):,}**")
    if late.empty:
        st.caption("No complaint in this selection was acknowledged or resolved late.")
    else:
        st.table(
            suppressed_labels(late.assign(late_reasons=labels(late["late_reasons"])), LATE_FORMATS)
            .rename(columns=LATE_COLUMNS)
            .set_index("Complaint")
        )
    st.caption(f"{area} · received {quarter_label(first)} – {quarter_label(last)}")


# The county table's columns: received for every role; substantiated (internal aggregate) for
# state analysts only, since the public table publishes no substantiated counts by quarter.
BY_COUNTY_COLUMNS: dict[str, str] = {
    "quarter": "Quarter",
    "county_fips": column_label("county_fips"),
    "county_name": "County",
    "complaints_received": "Received",
    "complaints_substantiated": "Substantiated",
    "substantiated_pct": "Substantiated (%)",
}
BY_COUNTY_FORMATS: dict[str, str] = {
    "complaints_received": "{:,.0f}",
    "complaints_substantiated": "{:,.0f}",
    "substantiated_pct": "{:.1f}",
}


def _by_county(reader: SnapshotReader, first: date, last: date) -> None:
    frame = queries.complaints_by_county(reader, first, last)
    formats = {c: f for c, f in BY_COUNTY_FORMATS.items() if c in frame.columns}
    shown = suppressed_labels(
        frame.assign(
            quarter=[quarter_label(pd.Timestamp(q).date()) for q in frame["quarter_start"]]
        ),
        formats,
    )
    columns = {c: label for c, label in BY_COUNTY_COLUMNS.items() if c in shown.columns}
    st.dataframe(
        shown[list(columns)],
        hide_index=True,
        column_config=columns,
        key="complaints_public_table",
    )
    if not reader.scope.is_state:
        st.caption(SUPPRESSION_RULE)


def render() -> None:
    scope = session.scope()
    st.title("Complaints")
    snapshot = open_snapshot((queries.COMPLAINTS_TABLE, queries.COMPLAINTS_PUBLIC_TABLE))
    if snapshot is None:
        return
    reader = snapshot.reader(scope)
    quarters = queries.complaint_quarters(reader)
    if not quarters:
        st.info("No complaint quarters in this snapshot.")
        return
    first, last = st.select_slider(
        "Quarters received",
        options=quarters,
        value=(quarters[0], quarters[-1]),
        format_func=quarter_label,
        key="complaints_quarters",
    )
    if scope.role is Role.EVALUATOR:
        st.caption("Evaluators see public, suppressed complaint figures only.")
    else:
        if scope.role is Role.COUNTY:
            st.caption(
                "Your account covers your county's complaints; other counties appear below only "
                "as public, suppressed figures."
            )
        st.subheader("Complaints against certified peers")
        _detail(reader, first, last)
    st.subheader(
        "Complaints by county and quarter" + ("" if scope.is_state else " (public, suppressed)")
    )
    _by_county(reader, first, last)
    st.caption(snapshot.caption())


render()
