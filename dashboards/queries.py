"""The SQL behind the pages. Aggregation happens in DuckDB; pandas only receives the result.

Every function takes the signed-in `Scope` first and names the tables it reads, so the snapshot
layer refuses (`AccessDenied`) anything outside the scope before running, and its views hold
only what the scope may see.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboards.access import (
    COUNTY_WORKFORCE_MAP_VIEW,
    FEED_FRESHNESS_VIEW,
    STATEWIDE_WORKFORCE_DETAIL_MEASURES,
    STATEWIDE_WORKFORCE_DETAIL_VIEW,
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


# --- workforce page (issue 4) --------------------------------------------------------------------

PIPELINE_TABLE = "fct_certification_pipeline"
PEER_CERTIFICATION_TABLE = "agg_peer_certification_by_county"
RENEWAL_WINDOWS_DAYS: tuple[int, ...] = (30, 60, 90)
WORKFORCE_DETAIL_MEASURES: tuple[str, ...] = tuple(STATEWIDE_WORKFORCE_DETAIL_MEASURES)
WORKFORCE_RATES: tuple[str, ...] = (
    "peers_per_supervisor",
    "turnover_rate",
    "peers_per_100k_members",
)
# Rates from the month's sums; NULL when a part is suppressed (NULL) or the denominator is 0.
_RATES_SQL = """
    round(employed_peers * 1.0 / nullif(supervisors, 0), 2) AS peers_per_supervisor,
    supervisors_is_suppressed OR employed_peers_is_suppressed AS peers_per_supervisor_is_suppressed,
    round(separations * 1.0 / nullif(average_employed_peers, 0), 4) AS turnover_rate,
    separations_is_suppressed OR average_employed_peers_is_suppressed
        AS turnover_rate_is_suppressed,
    round(active_certified_peers * 100000.0 / nullif(medi_cal_members, 0), 2)
        AS peers_per_100k_members,
    active_certified_peers_is_suppressed OR medi_cal_members_is_suppressed
        AS peers_per_100k_members_is_suppressed
"""


def _require_detail(scope: Scope, county_fips: str | None, what: str) -> None:
    """Person-level marts: statewide for state analysts only, a county for who may see it."""
    if county_fips is None:
        if not scope.is_state:
            raise AccessDenied(
                f"Statewide {what} is available to state analysts; county users see their own "
                "county's."
            )
        return
    require_county_detail(scope, county_fips)


def workforce_detail(
    scope: Scope, serving_dir: Path, build_id: str, county_fips: str | None = None
) -> pd.DataFrame:
    """Monthly sums of `WORKFORCE_DETAIL_MEASURES` and `WORKFORCE_RATES`, statewide or a county.

    One row per month, oldest first; each measure and rate has `<name>_is_suppressed`. Statewide
    figures are suppressed small cells (NULL) for every role but state analysts, and a rate
    built from a suppressed figure is suppressed; one county's detail is refused unless `scope`
    may see that county.
    """
    measures = ", ".join(WORKFORCE_DETAIL_MEASURES)
    flags = ", ".join(f"{m}_is_suppressed" for m in WORKFORCE_DETAIL_MEASURES)
    if county_fips is None:
        sql = f"""
            SELECT month_start, {measures}, {flags}, {_RATES_SQL}
            FROM {STATEWIDE_WORKFORCE_DETAIL_VIEW}
            ORDER BY month_start
        """
        return query(scope, serving_dir, build_id, sql, tables=(STATEWIDE_WORKFORCE_DETAIL_VIEW,))
    require_county_detail(scope, county_fips)
    sums = ", ".join(
        f"CAST(sum({m}) AS {t}) AS {m}" for m, t in STATEWIDE_WORKFORCE_DETAIL_MEASURES.items()
    )
    no_flags = ", ".join(f"false AS {m}_is_suppressed" for m in WORKFORCE_DETAIL_MEASURES)
    sql = f"""
        WITH monthly AS (
            SELECT month_start, {sums}, {no_flags}
            FROM {WORKFORCE_TABLE}
            WHERE county_fips = ?
            GROUP BY month_start
        )
        SELECT month_start, {measures}, {flags}, {_RATES_SQL}
        FROM monthly
        ORDER BY month_start
    """
    return query(scope, serving_dir, build_id, sql, (county_fips,), tables=(WORKFORCE_TABLE,))


def certification_pipeline(
    scope: Scope, serving_dir: Path, build_id: str, county_fips: str | None = None
) -> pd.DataFrame:
    """One row: applications reaching each stage, the exam pass rate and median days between.

    Columns: `applications`, `trained`, `exam_passed`, `certified`, `exam_attempts`,
    `exams_passed`, `exam_pass_rate` (passed / attempts), and `median_days_*` for application →
    training → exam passed → certified and application → certified. Statewide for state
    analysts only; a county for who may see it.
    """
    _require_detail(scope, county_fips, "certification pipeline detail")
    sql = f"""
        SELECT
            CAST(count(*) AS BIGINT) AS applications,
            CAST(count(trained_on) AS BIGINT) AS trained,
            CAST(count(exam_passed_on) AS BIGINT) AS exam_passed,
            CAST(count(certified_on) AS BIGINT) AS certified,
            CAST(coalesce(sum(exam_attempts), 0) AS BIGINT) AS exam_attempts,
            CAST(coalesce(sum(exams_passed), 0) AS BIGINT) AS exams_passed,
            round(sum(exams_passed) * 1.0 / nullif(sum(exam_attempts), 0), 4) AS exam_pass_rate,
            median(days_application_to_training) AS median_days_application_to_training,
            median(days_training_to_exam_passed) AS median_days_training_to_exam_passed,
            median(days_exam_passed_to_certified) AS median_days_exam_passed_to_certified,
            median(days_application_to_certified) AS median_days_application_to_certified
        FROM {PIPELINE_TABLE}
        WHERE $county IS NULL OR county_fips = $county
    """
    return query(
        scope, serving_dir, build_id, sql, {"county": county_fips}, tables=(PIPELINE_TABLE,)
    )


def peer_certification_counts(
    scope: Scope,
    serving_dir: Path,
    build_id: str,
    breakdown: str,
    county_fips: str | None = None,
) -> pd.DataFrame:
    """Peers on the as-of date by `category` of one `breakdown` of the county aggregate.

    Columns: `as_of_date`, `category`, `peers`, sorted by category. Breakdowns:
    `renewal_due_within_days`, `specialization_of_active_peers`, `current_status`. Statewide for
    state analysts only; a county for who may see it.
    """
    _require_detail(scope, county_fips, "certification detail")
    sql = f"""
        SELECT max(as_of_date) AS as_of_date, category, CAST(sum(peers) AS BIGINT) AS peers
        FROM {PEER_CERTIFICATION_TABLE}
        WHERE breakdown = $breakdown AND ($county IS NULL OR county_fips = $county)
        GROUP BY category
        ORDER BY category
    """
    return query(
        scope,
        serving_dir,
        build_id,
        sql,
        {"breakdown": breakdown, "county": county_fips},
        tables=(PEER_CERTIFICATION_TABLE,),
    )


def renewals_due(
    scope: Scope, serving_dir: Path, build_id: str, county_fips: str | None = None
) -> pd.DataFrame:
    """Active peers whose certification expires within 30, 60, 90 days of the snapshot's as-of
    date: `window_days`, `peers`, `as_of_date`, one row per window in `RENEWAL_WINDOWS_DAYS`."""
    counts = peer_certification_counts(
        scope, serving_dir, build_id, "renewal_due_within_days", county_fips
    )
    counts["window_days"] = counts["category"].astype(int)
    return (
        counts.loc[counts["window_days"].isin(RENEWAL_WINDOWS_DAYS)]
        .sort_values("window_days")
        .loc[:, ["window_days", "peers", "as_of_date"]]
        .reset_index(drop=True)
    )


def county_map(scope: Scope, serving_dir: Path, build_id: str) -> pd.DataFrame:
    """Every county in the latest month: active certified peers and peers per 100,000 members.

    Columns: `month_start`, `county_fips`, `county_name`, `active_certified_peers`,
    `peers_per_100k_members` and their `_is_suppressed` flags. Public, suppressed values for
    every role but state analysts (a county user's own county unsuppressed).
    """
    sql = f"""
        SELECT month_start, county_fips, county_name, active_certified_peers,
            active_certified_peers_is_suppressed, peers_per_100k_members,
            peers_per_100k_members_is_suppressed
        FROM {COUNTY_WORKFORCE_MAP_VIEW}
        WHERE month_start = (SELECT max(month_start) FROM {COUNTY_WORKFORCE_MAP_VIEW})
        ORDER BY county_fips
    """
    return query(scope, serving_dir, build_id, sql, tables=(COUNTY_WORKFORCE_MAP_VIEW,))
