"""The SQL several pages run: the counties a scope may see, feed freshness and completeness, the
periods of the public county cells, and the monthly workforce series (Overview and Peer
workforce).

Every function takes a `SnapshotReader` (the signed-in scope and the build) first and names
the tables it reads, so the snapshot layer refuses (`AccessDenied`) anything outside the
scope before running, and its views hold only what the scope may see. Aggregation happens
in DuckDB; pandas only receives the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from peerwh import evaluator_extract
from peerwh.dashboards.access import (
    FEED_FRESHNESS_VIEW,
    AccessDenied,
    Role,
    Scope,
    require_county_detail,
)
from peerwh.dashboards.snapshot import Params, SnapshotReader, read_manifest

WORKFORCE_TABLE = "fct_workforce_monthly"
WAIVER_METRICS_TABLE = "rpt_waiver_metrics"
# Public table listing every county by name, every quarter (names are not in rpt_waiver_metrics).
PUBLIC_COUNTY_NAMES_TABLE = "rpt_complaints_by_county_quarter"
# Per feed: latest extract date, run-out months, complete-through date. Dates only: public.
COMPLETENESS_TABLE = "fct_feed_completeness"
CLAIMS_FEED = "claims"
# Marts built from claim lines (the extract's list): their figures for months after the claims'
# complete-through date are incomplete (claims run-out).
CLAIMS_SOURCE_MODELS = evaluator_extract.CLAIMS_SOURCE_MODELS


def counties(reader: SnapshotReader) -> pd.DataFrame:
    """Counties whose workforce detail the scope may see: `county_fips`, `county_name`, by name.

    State analysts get every county, a county user its own; evaluators none (`AccessDenied`).
    """
    if reader.scope.role is Role.EVALUATOR:
        raise AccessDenied("Evaluators see statewide public, suppressed figures only.")
    return reader.query(
        f"""
        SELECT DISTINCT county_fips, county_name
        FROM {WORKFORCE_TABLE}
        ORDER BY county_name, county_fips
        """,
        tables=(WORKFORCE_TABLE,),
    )


def feed_freshness(reader: SnapshotReader) -> pd.DataFrame:
    """Per feed: `latest_extract_date`, `last_ingested_at`, `files` (every role may see this)."""
    sql = f"""
        SELECT feed, latest_extract_date, last_ingested_at, files
        FROM {FEED_FRESHNESS_VIEW}
        ORDER BY feed
    """
    return reader.query(sql, tables=(FEED_FRESHNESS_VIEW,))


@dataclass(frozen=True)
class Completeness:
    """How far the snapshot's data reach: `data_as_of` is the latest extract date of any feed;
    `complete_through` maps each feed to the last day of its last complete month (None when
    the feed delivered nothing). Empty for a snapshot built before fct_feed_completeness."""

    data_as_of: date | None
    complete_through: dict[str, date | None]

    @property
    def claims_complete_through(self) -> date | None:
        return self.complete_through.get(CLAIMS_FEED)


def _as_date(value: object) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()  # type: ignore[arg-type]


def completeness(reader: SnapshotReader) -> Completeness:
    """The snapshot's `Completeness` (every role may read it). A snapshot without the mart (built
    before it existed) or without it public reads as "unknown" instead of failing the page."""
    if COMPLETENESS_TABLE not in read_manifest(reader.serving_dir, reader.build_id).tables:
        return Completeness(None, {})
    try:
        frame = reader.query(
            f"SELECT feed_name, latest_extract_date, complete_through FROM {COMPLETENESS_TABLE}",
            tables=(COMPLETENESS_TABLE,),
        )
    except AccessDenied:  # a build that published the mart as internal only
        return Completeness(None, {})
    latest = [d for d in map(_as_date, frame["latest_extract_date"]) if d is not None]
    return Completeness(
        max(latest, default=None),
        {
            str(row.feed_name): _as_date(row.complete_through)
            for row in frame.itertuples(index=False)
        },
    )


def public_periods(
    reader: SnapshotReader, period_type: str, metric_id: str = "UT-02"
) -> pd.DataFrame:
    """Periods of `period_type` with county cells of `metric_id` in the public metrics:
    `period_start`, `period_end`, `is_partial_period`, newest first. Public: every role."""
    sql = f"""
        SELECT DISTINCT period_start, period_end, is_partial_period
        FROM {WAIVER_METRICS_TABLE}
        WHERE metric_id = $metric AND period_type = $period_type AND geography_level = 'county'
        ORDER BY period_start DESC
    """
    return reader.query(
        sql,
        {"period_type": period_type, "metric": metric_id},
        tables=(WAIVER_METRICS_TABLE,),
    )


# --- the monthly workforce series (Overview and Peer workforce) ---------------------------------

# The statewide series the disclosure control published (RPT-03): what every role but state
# analysts sees of the state's workforce.
STATEWIDE_WORKFORCE_TABLE = "rpt_workforce_statewide_monthly"
TREND_MEASURES: tuple[str, ...] = ("active_certified_peers", "employed_peers")
# The measures of the public statewide series, summed by month from the mart for the others.
WORKFORCE_DETAIL_MEASURES: tuple[str, ...] = (
    *TREND_MEASURES,
    "supervisors",
    "new_certifications",
    "renewals",
    "reinstatements",
    "lapses",
    "separations",
    "medi_cal_members",
)
# The turnover denominator of each source: the mart's average of the peers employed on the
# month's first and last day; the public series has no average, so its employed peers.
TURNOVER_BASIS_DETAIL = "average employed peers"
TURNOVER_BASIS_PUBLIC = "employed peers"


@dataclass(frozen=True)
class WorkforceMonths:
    """The SELECT of an area's monthly workforce figures, the table it reads and its parameters.

    Columns: `month_start`, each of `WORKFORCE_DETAIL_MEASURES` with `<measure>_is_suppressed`,
    and `turnover_base` (the turnover denominator, see `turnover_basis`) with its flag.
    """

    sql: str
    table: str
    params: Params
    turnover_basis: str


def reads_public_series(scope: Scope, county_fips: str | None) -> bool:
    """Statewide figures for anyone but a state analyst: the public statewide series."""
    return county_fips is None and not scope.is_state


def workforce_months(scope: Scope, county_fips: str | None) -> WorkforceMonths:
    """An area's monthly workforce (None: statewide) as `scope` may see it.

    Statewide for a state analyst and one county's detail (refused unless `scope` may see the
    county) are sums of the mart; statewide for every other role is the public series as
    published, suppressed cells NULL and flagged: no figure of the state is computed here for
    them, so nothing they see can be combined with the public tables to undo a suppression.
    """
    if reads_public_series(scope, county_fips):
        columns = ", ".join(f"{m}, {m}_is_suppressed" for m in WORKFORCE_DETAIL_MEASURES)
        sql = f"""
            SELECT month_start, {columns}, employed_peers AS turnover_base,
                employed_peers_is_suppressed AS turnover_base_is_suppressed
            FROM {STATEWIDE_WORKFORCE_TABLE}
        """
        return WorkforceMonths(sql, STATEWIDE_WORKFORCE_TABLE, (), TURNOVER_BASIS_PUBLIC)
    if county_fips is not None:
        require_county_detail(scope, county_fips)
    sums = ", ".join(
        f"CAST(sum({m}) AS BIGINT) AS {m}, false AS {m}_is_suppressed"
        for m in WORKFORCE_DETAIL_MEASURES
    )
    sql = f"""
        SELECT month_start, {sums},
            CAST(sum(average_employed_peers) AS DECIMAL(14, 1)) AS turnover_base,
            false AS turnover_base_is_suppressed
        FROM {WORKFORCE_TABLE}
        WHERE $county IS NULL OR county_fips = $county
        GROUP BY month_start
    """
    return WorkforceMonths(sql, WORKFORCE_TABLE, {"county": county_fips}, TURNOVER_BASIS_DETAIL)


def statewide_workforce_table(scope: Scope) -> str:
    """The table `scope`'s statewide workforce figures come from (for `open_snapshot`)."""
    return workforce_months(scope, None).table


def workforce_trend(reader: SnapshotReader, county_fips: str | None = None) -> pd.DataFrame:
    """Monthly `active_certified_peers` and `employed_peers`: statewide, or one county's.

    Columns: `month_start`, each measure and `<measure>_is_suppressed`; one row per month, oldest
    first. Statewide figures come from the public series for every role but state analysts
    (`workforce_months`); one county's detail is refused unless `reader.scope` may see that county.
    """
    months = workforce_months(reader.scope, county_fips)
    measures = ", ".join(TREND_MEASURES)
    flags = ", ".join(f"{m}_is_suppressed" for m in TREND_MEASURES)
    sql = f"""
        WITH monthly AS ({months.sql})
        SELECT month_start, {measures}, {flags}
        FROM monthly
        ORDER BY month_start
    """
    return reader.query(sql, months.params, tables=(months.table,))
