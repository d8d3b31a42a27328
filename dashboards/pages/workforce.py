"""Peer workforce: active certified and employed peers by month, statewide or by county."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import figures, queries
from dashboards.metrics import Headline, latest_with_year_change
from dashboards.snapshot import SnapshotError, current_build_id, read_manifest
from orchestration.config import serving_dir

STATEWIDE_LABEL = "All counties (statewide)"
NO_SNAPSHOT_MESSAGE = (
    "No published data yet. Run `make run` to build the warehouse and publish a snapshot, "
    "then reload this page."
)


def _month_label(month: pd.Timestamp) -> str:
    return month.strftime("%b %Y")


def _show_metric(label: str, headline: Headline | None) -> None:
    if headline is None:
        st.metric(label, "No data", border=True)
        return
    if headline.delta is None:
        delta: str | int | None = None
        description = f"no data for {_month_label(headline.comparison_month)}"
    else:
        delta = f"{headline.delta:+,}" if headline.delta else 0
        description = f"vs {_month_label(headline.comparison_month)}"
    st.metric(
        f"{label}, {_month_label(headline.month)}",
        f"{headline.value:,}",
        delta,
        delta_description=description,
        border=True,
    )


def render() -> None:
    st.title("Peer workforce")
    serving = serving_dir()
    try:
        build_id = current_build_id(serving)
        if build_id is None:
            st.info(NO_SNAPSHOT_MESSAGE, icon=":material/info:")
            return
        manifest = read_manifest(serving, build_id)
    except SnapshotError as exc:
        st.error(
            f"The published snapshot cannot be read: {exc}. Run `make run` to publish a new one."
        )
        return
    if queries.WORKFORCE_TABLE not in manifest.tables:
        st.error(f"Snapshot {build_id} has no `{queries.WORKFORCE_TABLE}` table. Run `make run`.")
        return

    county_rows = queries.counties(serving, build_id)
    names: dict[str, str] = dict(
        zip(county_rows["county_fips"], county_rows["county_name"], strict=True)
    )
    county_fips: str | None = st.selectbox(
        "County",
        [None, *names],
        format_func=lambda fips: STATEWIDE_LABEL if fips is None else names[fips],
        key="workforce_county",
    )
    area = "Statewide" if county_fips is None else names[county_fips]
    trend = queries.workforce_trend(serving, build_id, county_fips)

    left, right = st.columns(2)
    with left:
        _show_metric(
            "Active certified peers",
            latest_with_year_change(trend, "active_certified_peers"),
        )
    with right:
        _show_metric("Employed peers", latest_with_year_change(trend, "employed_peers"))

    st.plotly_chart(figures.workforce_trend_figure(trend, area), width="stretch")

    st.dataframe(
        trend.sort_values("month_start", ascending=False),
        hide_index=True,
        column_config={
            "month_start": st.column_config.DateColumn("Month", format="MMM YYYY"),
            "active_certified_peers": st.column_config.NumberColumn(
                "Active certified peers", format="%,d"
            ),
            "employed_peers": st.column_config.NumberColumn("Employed peers", format="%,d"),
        },
    )
    st.caption(f"{area} · snapshot {manifest.build_id}, published {manifest.created_at_display()}")


render()
