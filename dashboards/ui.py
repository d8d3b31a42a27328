"""Streamlit pieces shared by the pages: the current snapshot, headline metrics, footnotes, the
county and public-period pickers."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from peerwh.config import serving_dir
from peerwh.dashboards import shared_queries
from peerwh.dashboards.access import Role, Scope
from peerwh.dashboards.formatting import SUPPRESSED, month_label
from peerwh.dashboards.metrics import Headline, Kpi, kpi_rows
from peerwh.dashboards.snapshot import (
    Manifest,
    SnapshotError,
    SnapshotReader,
    current_build_id,
    read_manifest,
)

_LOG = logging.getLogger(__name__)

NO_SNAPSHOT_MESSAGE = (
    "No published data yet. Run `make run` to build the warehouse and publish a snapshot, "
    "then reload this page."
)
SUPPRESSION_RULE = (
    "Suppressed: counts from 1 to 10 are not shown, nor any figure from which one could be "
    "worked out (RPT-03 small-cell suppression, CalHHS Data De-identification Guidelines)."
)


@dataclass(frozen=True)
class OpenSnapshot:
    serving_dir: Path
    manifest: Manifest

    @property
    def build_id(self) -> str:
        return self.manifest.build_id

    def caption(self) -> str:
        return f"Snapshot {self.build_id}, published {self.manifest.created_at_display()}"

    def reader(self, scope: Scope) -> SnapshotReader:
        """What the page's queries read this snapshot through, as `scope`."""
        return SnapshotReader(scope, self.serving_dir, self.build_id)


def open_snapshot(required_tables: tuple[str, ...] = ()) -> OpenSnapshot | None:
    """The current snapshot, or None after telling the user what is missing."""
    serving = serving_dir()
    try:
        build_id = current_build_id(serving)
        if build_id is None:
            st.info(NO_SNAPSHOT_MESSAGE, icon=":material/info:")
            return None
        manifest = read_manifest(serving, build_id)
    except SnapshotError as exc:
        # The reason names server paths: it is for the operator's log, not for users.
        _LOG.error("the published snapshot cannot be read: %s", exc)
        st.error(
            "The published snapshot cannot be read; the server's log says why. "
            "Run `make run` to publish a new one."
        )
        return None
    missing = [t for t in required_tables if t not in manifest.tables]
    if missing:
        st.error(
            f"Snapshot {build_id} has no {', '.join(f'`{t}`' for t in missing)}. Run `make run`."
        )
        return None
    return OpenSnapshot(serving, manifest)


def show_headline(label: str, headline: Headline | None) -> None:
    """An `st.metric` for the latest month with its change from a year earlier."""
    if headline is None:
        st.metric(label, "No data", border=True)
        return
    title = f"{label}, {month_label(headline.month)}"
    if headline.value is None:
        st.metric(title, SUPPRESSED, border=True, help=SUPPRESSION_RULE)
        return
    if headline.delta is None:
        delta: str | int | None = None
        description = f"no comparable figure for {month_label(headline.comparison_month)}"
    else:
        delta = f"{headline.delta:+,}" if headline.delta else 0
        description = f"vs {month_label(headline.comparison_month)}"
    st.metric(
        title,
        f"{headline.value:,}",
        delta,
        delta_description=description,
        border=True,
    )


def kpi_row(kpis: list[Kpi]) -> None:
    """Bordered metrics side by side, as many to a row as their labels fit (`kpi_rows`): a label
    is never cut off."""
    for row in kpi_rows([kpi.label for kpi in kpis]):
        for column, index in zip(st.columns(len(row)), row, strict=True):
            kpi = kpis[index]
            column.metric(kpi.label, kpi.value, border=True, help=kpi.help)


def page_offset(total: int, page_size: int, key: str, what: str = "rows") -> int:
    """A page picker for a table of `total` rows shown `page_size` at a time: the first row's
    offset of the chosen page. Says which rows are shown."""
    pages = max(1, math.ceil(total / page_size))
    number = 1
    if pages > 1:
        number = int(
            st.number_input(
                f"Page (of {pages:,})", min_value=1, max_value=pages, value=1, step=1, key=key
            )
        )
    offset = (number - 1) * page_size
    shown = f"{offset + 1:,}–{min(total, offset + page_size):,} of {total:,}" if total else "none"
    st.caption(f"{what.capitalize()} {shown}.")
    return offset


def csv_download(label: str, rows: Callable[[], pd.DataFrame], file_name: str, key: str) -> None:
    """A button downloading every row `rows()` returns as CSV; the query runs on the click only
    (deferred), not on every rerun."""

    def data() -> bytes:
        return rows().to_csv(index=False).encode("utf-8")

    st.download_button(
        label,
        data,
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=key,
        on_click="ignore",
    )


# --- county choice --------------------------------------------------------------------------------

STATEWIDE_LABEL = "All counties (statewide)"
COUNTY_PARAM = "county"


def requested_county(names: dict[str, str]) -> str | None:
    """The county of `?county=FIPS` when it is one of `names`, else None.

    A link to a county outside `names` warns: the URL never widens a scope (and the query layer
    refuses such a county anyway).
    """
    requested = st.query_params.get(COUNTY_PARAM)
    if requested is not None and requested not in names:
        st.warning(
            f"County {requested} from the link is outside your scope "
            "(or unknown); showing what your role may see instead.",
            icon=":material/block:",
        )
        return None
    return requested


def county_detail_choice(scope: Scope, names: dict[str, str], key: str) -> str | None:
    """A county selectbox over `names` (the counties whose detail `scope` may see; None is
    statewide, offered to state analysts only), preselected from `?county=FIPS`
    (`requested_county`).
    """
    options: list[str | None] = list(names) if scope.role is Role.COUNTY else [None, *names]
    requested = requested_county(names)
    start = requested if requested is not None else options[0]
    choice: str | None = st.selectbox(
        "County",
        options,
        index=options.index(start),
        format_func=lambda fips: STATEWIDE_LABEL if fips is None else names[fips],
        key=key,
        disabled=len(options) == 1,
    )
    return choice


# --- public periods (rpt_waiver_metrics' county cells: quarters and years) -----------------------

PERIOD_TYPE_LABELS: dict[str, str] = {
    "quarter": "Quarter",
    "state_fiscal_year": "State fiscal year (July-June)",
    "calendar_year": "Calendar year",
}


@dataclass(frozen=True)
class PublicPeriod:
    period_type: str
    start: date
    label: str  # e.g. "Jan 2025 – Mar 2025", "(partial)" appended to an incomplete period


def public_period_choice(
    reader: SnapshotReader, key: str, metric_id: str = "UT-02"
) -> PublicPeriod | None:
    """Two selectboxes, period type and period, over the periods of `metric_id`'s public county
    cells; the latest complete period is preselected. None (after saying so) when there is none.
    """
    type_column, period_column = st.columns(2)
    with type_column:
        period_type: str = st.selectbox(
            "Period type",
            list(PERIOD_TYPE_LABELS),
            format_func=PERIOD_TYPE_LABELS.__getitem__,
            key=f"{key}_period_type",
        )
    periods = shared_queries.public_periods(reader, period_type, metric_id)
    if periods.empty:
        st.info("No published figures for this period type.")
        return None
    labels = {
        row.period_start.date(): f"{row.period_start:%b %Y} – {row.period_end:%b %Y}"
        + (" (partial)" if row.is_partial_period else "")
        for row in periods.itertuples(index=False)
    }
    complete = [not partial for partial in periods["is_partial_period"]]
    with period_column:
        start: date = st.selectbox(
            "Period",
            list(labels),
            format_func=labels.__getitem__,
            index=complete.index(True) if any(complete) else 0,
            key=f"{key}_period",
        )
    return PublicPeriod(period_type, start, labels[start])
