"""The SQL behind the pages. Aggregation happens in DuckDB; pandas only receives the result.

Every function takes the signed-in `Scope` first and names the tables it reads, so the snapshot
layer refuses (`AccessDenied`) anything outside the scope before running, and its views hold
only what the scope may see.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboards.access import (
    FEED_FRESHNESS_VIEW,
    STATEWIDE_WORKFORCE_MEASURES,
    STATEWIDE_WORKFORCE_VIEW,
    AccessDenied,
    Role,
    Scope,
    require_county_detail,
)
from dashboards.snapshot import query

WORKFORCE_TABLE = "fct_workforce_monthly"
CHECK_RESULTS_TABLE = "audit__check_results"
INGEST_FILES_TABLE = "audit__ingest_files"
CHECK_STATUSES: tuple[str, ...] = ("pass", "fail", "not_applicable", "error")


def counties(scope: Scope, serving_dir: Path, build_id: str) -> pd.DataFrame:
    """Counties whose workforce detail `scope` may see: `county_fips`, `county_name`, by name.

    State analysts get every county, a county user its own; evaluators none (`AccessDenied`).
    """
    if scope.role is Role.EVALUATOR:
        raise AccessDenied("Evaluators see statewide public, suppressed figures only.")
    return query(
        scope,
        serving_dir,
        build_id,
        f"""
        SELECT DISTINCT county_fips, county_name
        FROM {WORKFORCE_TABLE}
        ORDER BY county_name, county_fips
        """,
        tables=(WORKFORCE_TABLE,),
    )


def workforce_trend(
    scope: Scope, serving_dir: Path, build_id: str, county_fips: str | None = None
) -> pd.DataFrame:
    """Monthly `active_certified_peers` and `employed_peers`: statewide sums, or one county's.

    Columns: `month_start`, each measure and `<measure>_is_suppressed`; one row per month, oldest
    first. Statewide figures are suppressed small cells (NULL) for every role but state analysts;
    one county's detail is refused unless `scope` may see that county.
    """
    flags = ", ".join(f"{m}_is_suppressed" for m in STATEWIDE_WORKFORCE_MEASURES)
    measures = ", ".join(STATEWIDE_WORKFORCE_MEASURES)
    if county_fips is None:
        sql = f"""
            SELECT month_start, {measures}, {flags}
            FROM {STATEWIDE_WORKFORCE_VIEW}
            ORDER BY month_start
        """
        return query(scope, serving_dir, build_id, sql, tables=(STATEWIDE_WORKFORCE_VIEW,))
    require_county_detail(scope, county_fips)
    sums = ", ".join(f"CAST(sum({m}) AS BIGINT) AS {m}" for m in STATEWIDE_WORKFORCE_MEASURES)
    no_flags = ", ".join(f"false AS {m}_is_suppressed" for m in STATEWIDE_WORKFORCE_MEASURES)
    sql = f"""
        SELECT month_start, {sums}, {no_flags}
        FROM {WORKFORCE_TABLE}
        WHERE county_fips = ?
        GROUP BY month_start
        ORDER BY month_start
    """
    return query(scope, serving_dir, build_id, sql, (county_fips,), tables=(WORKFORCE_TABLE,))


def feed_freshness(scope: Scope, serving_dir: Path, build_id: str) -> pd.DataFrame:
    """Per feed: `latest_extract_date`, `last_ingested_at`, `files` (every role may see this)."""
    sql = f"""
        SELECT feed, latest_extract_date, last_ingested_at, files
        FROM {FEED_FRESHNESS_VIEW}
        ORDER BY feed
    """
    return query(scope, serving_dir, build_id, sql, tables=(FEED_FRESHNESS_VIEW,))


_LATEST_RESULTS = f"""
    latest AS (
        SELECT *
        FROM {CHECK_RESULTS_TABLE}
        WHERE $feed IS NULL OR feed = $feed
        QUALIFY row_number() OVER (
            PARTITION BY feed, file_name, check_id ORDER BY checked_at DESC
        ) = 1
    )
"""


def check_status_counts(
    scope: Scope, serving_dir: Path, build_id: str, feed: str | None = None
) -> pd.DataFrame:
    """Latest result per (file, rule), counted per feed and status: `feed`, `status`, `results`."""
    sql = f"""
        WITH {_LATEST_RESULTS}
        SELECT feed, status, CAST(count(*) AS BIGINT) AS results
        FROM latest
        GROUP BY feed, status
        ORDER BY feed, status
    """
    return query(scope, serving_dir, build_id, sql, {"feed": feed}, tables=(CHECK_RESULTS_TABLE,))


def scorecard(
    scope: Scope, serving_dir: Path, build_id: str, feed: str | None = None
) -> pd.DataFrame:
    """One row per feed and rule: files passing, failing, not applicable, in error.

    Columns: `feed`, `check_id`, `check_name`, `severity`, one per `CHECK_STATUSES`,
    `rows_violated` (sum over files); counts of the latest result per file.
    """
    per_status = ", ".join(
        f"CAST(count(*) FILTER (WHERE status = '{s}') AS BIGINT) AS {s}" for s in CHECK_STATUSES
    )
    sql = f"""
        WITH {_LATEST_RESULTS}
        SELECT feed, check_id, any_value(check_name) AS check_name,
            any_value(severity) AS severity, {per_status},
            CAST(sum(rows_violated) AS BIGINT) AS rows_violated
        FROM latest
        GROUP BY feed, check_id
        ORDER BY feed, fail DESC, error DESC, check_id
    """
    return query(scope, serving_dir, build_id, sql, {"feed": feed}, tables=(CHECK_RESULTS_TABLE,))


def quarantine_by_feed(
    scope: Scope, serving_dir: Path, build_id: str, feed: str | None = None
) -> pd.DataFrame:
    """Per feed: `files`, `rows_received`, `rows_loaded`, `rows_quarantined`, `files_rejected`."""
    sql = f"""
        SELECT feed, CAST(count(*) AS BIGINT) AS files,
            CAST(coalesce(sum(rows_received), 0) AS BIGINT) AS rows_received,
            CAST(coalesce(sum(rows_loaded), 0) AS BIGINT) AS rows_loaded,
            CAST(coalesce(sum(rows_quarantined), 0) AS BIGINT) AS rows_quarantined,
            CAST(count(*) FILTER (WHERE status = 'rejected') AS BIGINT) AS files_rejected
        FROM {INGEST_FILES_TABLE}
        WHERE $feed IS NULL OR feed = $feed
        GROUP BY feed
        ORDER BY feed
    """
    return query(scope, serving_dir, build_id, sql, {"feed": feed}, tables=(INGEST_FILES_TABLE,))


def recent_files(
    scope: Scope, serving_dir: Path, build_id: str, feed: str | None = None, limit: int = 50
) -> pd.DataFrame:
    """The most recently ingested files, newest first, with their row counts and status."""
    sql = f"""
        SELECT ingested_at, feed, file_name, extract_date, status, rows_received, rows_loaded,
            rows_quarantined, rows_with_warnings
        FROM {INGEST_FILES_TABLE}
        WHERE $feed IS NULL OR feed = $feed
        ORDER BY ingested_at DESC, feed, file_name
        LIMIT $limit
    """
    return query(
        scope,
        serving_dir,
        build_id,
        sql,
        {"feed": feed, "limit": limit},
        tables=(INGEST_FILES_TABLE,),
    )


def feeds(scope: Scope, serving_dir: Path, build_id: str) -> list[str]:
    """Feeds with ingested files, sorted."""
    frame = feed_freshness(scope, serving_dir, build_id)
    return [str(f) for f in frame["feed"]]
