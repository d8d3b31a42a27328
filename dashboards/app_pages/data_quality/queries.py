"""The Data quality page's SQL (state analysts only: the audit tables): rule results,
quarantine counts, recent files, source freshness and the disclosure control's audit.

Conventions as in `shared_queries`: a `SnapshotReader` first, the tables read named.
"""

from __future__ import annotations

import pandas as pd

from peerwh.dashboards.shared_queries import (
    feed_freshness,
)
from peerwh.dashboards.snapshot import SnapshotReader

CHECK_RESULTS_TABLE = "audit__check_results"
INGEST_FILES_TABLE = "audit__ingest_files"
CHECK_STATUSES: tuple[str, ...] = ("pass", "fail", "not_applicable", "error")
SOURCE_FRESHNESS_TABLE = "audit__source_freshness"


def source_freshness(reader: SnapshotReader) -> pd.DataFrame:
    """dbt source freshness at build time, per feed: `last_loaded_at`, `days_since_last_load`,
    `delivery_every_days` (the contract's SLA), `status` (`on_time` or `stale`), `checked_at`."""
    sql = f"""
        SELECT feed, status, last_loaded_at, days_since_last_load, delivery_every_days,
            checked_at
        FROM {SOURCE_FRESHNESS_TABLE}
        ORDER BY status DESC, feed
    """
    return reader.query(sql, tables=(SOURCE_FRESHNESS_TABLE,))


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


def check_status_counts(reader: SnapshotReader, feed: str | None = None) -> pd.DataFrame:
    """Latest result per (file, rule), counted per feed and status: `feed`, `status`, `results`."""
    sql = f"""
        WITH {_LATEST_RESULTS}
        SELECT feed, status, CAST(count(*) AS BIGINT) AS results
        FROM latest
        GROUP BY feed, status
        ORDER BY feed, status
    """
    return reader.query(sql, {"feed": feed}, tables=(CHECK_RESULTS_TABLE,))


def scorecard(reader: SnapshotReader, feed: str | None = None) -> pd.DataFrame:
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
    return reader.query(sql, {"feed": feed}, tables=(CHECK_RESULTS_TABLE,))


def quarantine_by_feed(reader: SnapshotReader, feed: str | None = None) -> pd.DataFrame:
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
    return reader.query(sql, {"feed": feed}, tables=(INGEST_FILES_TABLE,))


def recent_files(reader: SnapshotReader, feed: str | None = None, limit: int = 50) -> pd.DataFrame:
    """The most recently ingested files, newest first, with their row counts and status."""
    sql = f"""
        SELECT ingested_at, feed, file_name, extract_date, status, rows_received, rows_loaded,
            rows_quarantined, rows_with_warnings
        FROM {INGEST_FILES_TABLE}
        WHERE $feed IS NULL OR feed = $feed
        ORDER BY ingested_at DESC, feed, file_name
        LIMIT $limit
    """
    return reader.query(
        sql,
        {"feed": feed, "limit": limit},
        tables=(INGEST_FILES_TABLE,),
    )


def feeds(reader: SnapshotReader) -> list[str]:
    """Feeds with ingested files, sorted."""
    frame = feed_freshness(reader)
    return [str(f) for f in frame["feed"]]


# The disclosure control's audit (RPT-03): information loss per quantity and geography level, and
# the verdict. Public (in the snapshot's public folder); the Data quality page shows it.
DISCLOSURE_SUMMARY_TABLE = "audit__disclosure_summary"
GEOGRAPHY_LEVELS: tuple[str, ...] = ("state", "region", "county")


def disclosure_summary(reader: SnapshotReader) -> pd.DataFrame:
    """One row per quantity and geography level (state, region, county first): `cells`,
    `primaries` (1 to 10), `complements`, `suppressed_cells`, `cells_suppressed_share`,
    `total_value`, `suppressed_value`, `value_suppressed_share`, `failures`, `checked_at`,
    `audit_passed` (the whole audit's verdict, the same on every row)."""
    levels = ", ".join(f"'{level}'" for level in GEOGRAPHY_LEVELS)
    sql = f"""
        SELECT quantity, geography_level, cells, primaries, complements, suppressed_cells,
            cells_suppressed_share, total_value, suppressed_value, value_suppressed_share,
            failures, checked_at, audit_passed
        FROM {DISCLOSURE_SUMMARY_TABLE}
        ORDER BY quantity, coalesce(list_position([{levels}], geography_level), 99),
            geography_level
    """
    return reader.query(sql, tables=(DISCLOSURE_SUMMARY_TABLE,))
