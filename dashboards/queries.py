"""The SQL behind the pages. Aggregation happens in DuckDB; pandas only receives the result.

Every function takes the signed-in `Scope` first and names the tables it reads, so the snapshot
layer refuses (`AccessDenied`) anything outside the scope before running, and its views hold
only what the scope may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboards.access import (
    FEED_FRESHNESS_VIEW,
    STATEWIDE_WORKFORCE_MEASURES,
    STATEWIDE_WORKFORCE_VIEW,
    WAIVER_METRICS_CATALOG_TABLE,
    AccessDenied,
    Role,
    Scope,
    require_county_detail,
)
from dashboards.snapshot import Param, query

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


# --- Program integrity (state analysts only: access.PROGRAM_INTEGRITY_TABLES) ---------------------

INTEGRITY_FINDINGS_TABLE = "fct_integrity_findings"
CLAIM_LINES_TABLE = "fct_claim_lines"
CERTIFICATION_FINDINGS_TABLE = "fct_certification_findings"
SUPERVISION_FINDINGS_TABLE = "fct_supervision_findings"
INTEGRITY_TABLES: tuple[str, ...] = (
    INTEGRITY_FINDINGS_TABLE,
    CLAIM_LINES_TABLE,
    CERTIFICATION_FINDINGS_TABLE,
    SUPERVISION_FINDINGS_TABLE,
)


# A finding is placed in the month of its claim line's service date (the findings carry no date).
@dataclass(frozen=True)
class IntegrityFilter:
    """The page's filters on claim-line findings; the defaults select everything."""

    rules: tuple[str, ...] = ()
    county_fips: str | None = None
    first_month: str | None = None  # YYYY-MM-DD, the first of a month
    last_month: str | None = None

    def params(self) -> dict[str, Param]:
        # Rules travel as one comma-separated string: cached query parameters are scalars.
        return {
            "rules_csv": ",".join(self.rules),
            "county": self.county_fips,
            "first_month": self.first_month,
            "last_month": self.last_month,
        }


# Findings joined to their claim lines and filtered; a finding is placed in the month of its
# line's service date (the findings carry no date).
_FILTERED_FINDINGS = f"""
    {INTEGRITY_FINDINGS_TABLE} AS f
    INNER JOIN {CLAIM_LINES_TABLE} AS l USING (claim_id, line_number)
    WHERE ($rules_csv = '' OR list_contains(string_split($rules_csv, ','), f.rule_id))
        AND ($county IS NULL OR l.county_fips = $county)
        AND ($first_month IS NULL OR l.service_month >= CAST($first_month AS DATE))
        AND ($last_month IS NULL OR l.service_month <= CAST($last_month AS DATE))
"""
_PER_RULE_MEASURES = """
    CAST(count(*) AS BIGINT) AS findings,
    CAST(count(DISTINCT (f.claim_id, f.line_number)) AS BIGINT) AS claim_lines,
    CAST(coalesce(sum(f.approved_amount_at_risk), 0) AS DECIMAL(14, 2))
        AS approved_amount_at_risk
"""


def _findings_query(
    scope: Scope,
    serving_dir: Path,
    build_id: str,
    sql: str,
    selection: IntegrityFilter,
    **extra: Param,
) -> pd.DataFrame:
    return query(
        scope,
        serving_dir,
        build_id,
        sql,
        {**selection.params(), **extra},
        tables=(INTEGRITY_FINDINGS_TABLE, CLAIM_LINES_TABLE),
    )


def integrity_filter_options(scope: Scope, serving_dir: Path, build_id: str) -> pd.DataFrame:
    """Filter choices: `kind`, `value`, `label`, sorted within each kind.

    `kind` is `rule` (claim-line rule ids), `county` (counties with claim-line findings) or
    `month` (`value` YYYY-MM-DD): every month with a finding, claim-line (service month),
    certification or supervision (month detected), so the full range misses none.
    """
    sql = f"""
        SELECT DISTINCT 'rule' AS kind, f.rule_id AS value, f.rule_id AS label
        FROM {INTEGRITY_FINDINGS_TABLE} AS f
        UNION ALL
        SELECT DISTINCT 'county', l.county_fips, l.county_fips
        FROM {INTEGRITY_FINDINGS_TABLE} AS f
        INNER JOIN {CLAIM_LINES_TABLE} AS l USING (claim_id, line_number)
        WHERE l.county_fips IS NOT NULL
        UNION ALL
        SELECT DISTINCT 'month', strftime(month, '%Y-%m-%d'), strftime(month, '%b %Y')
        FROM (
            SELECT l.service_month AS month
            FROM {INTEGRITY_FINDINGS_TABLE} AS f
            INNER JOIN {CLAIM_LINES_TABLE} AS l USING (claim_id, line_number)
            UNION ALL
            SELECT date_trunc('month', detected_on) FROM {CERTIFICATION_FINDINGS_TABLE}
            UNION ALL
            SELECT date_trunc('month', detected_on) FROM {SUPERVISION_FINDINGS_TABLE}
        )
        ORDER BY kind, value
    """
    return query(scope, serving_dir, build_id, sql, tables=INTEGRITY_TABLES)


def integrity_findings_by_month(
    scope: Scope, serving_dir: Path, build_id: str, selection: IntegrityFilter
) -> pd.DataFrame:
    """Claim-line findings per service month and rule: `service_month`, `rule_id`, `findings`,
    `claim_lines`, `approved_amount_at_risk`; oldest month first."""
    sql = f"""
        SELECT l.service_month, f.rule_id, {_PER_RULE_MEASURES}
        FROM {_FILTERED_FINDINGS}
        GROUP BY l.service_month, f.rule_id
        ORDER BY l.service_month, f.rule_id
    """
    return _findings_query(scope, serving_dir, build_id, sql, selection)


def integrity_findings_by_rule(
    scope: Scope, serving_dir: Path, build_id: str, selection: IntegrityFilter
) -> pd.DataFrame:
    """Per rule: `rule_id`, `severity`, `findings`, `claim_lines`, `approved_amount_at_risk`."""
    sql = f"""
        SELECT f.rule_id, any_value(f.severity) AS severity, {_PER_RULE_MEASURES}
        FROM {_FILTERED_FINDINGS}
        GROUP BY f.rule_id
        ORDER BY f.rule_id
    """
    return _findings_query(scope, serving_dir, build_id, sql, selection)


def integrity_totals(
    scope: Scope, serving_dir: Path, build_id: str, selection: IntegrityFilter
) -> pd.DataFrame:
    """One row: `findings`, `claim_lines`, `approved_amount_at_risk` of the selection.

    A line breaking several rules is one claim line and its amount is at risk once (the largest
    amount its findings put at risk), so the total is not the sum of the per-rule totals.
    """
    sql = f"""
        WITH lines AS (
            SELECT f.claim_id, f.line_number, count(*) AS findings,
                max(f.approved_amount_at_risk) AS at_risk
            FROM {_FILTERED_FINDINGS}
            GROUP BY f.claim_id, f.line_number
        )
        SELECT CAST(coalesce(sum(findings), 0) AS BIGINT) AS findings,
            CAST(count(*) AS BIGINT) AS claim_lines,
            CAST(coalesce(sum(at_risk), 0) AS DECIMAL(14, 2)) AS approved_amount_at_risk
        FROM lines
    """
    return _findings_query(scope, serving_dir, build_id, sql, selection)


# The claim-line columns a drill-down shows: the beneficiary only by its keyed hash, never PHI.
FINDING_LINE_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "line_number",
    "rule_id",
    "severity",
    "detail",
    "approved_amount_at_risk",
    "service_date",
    "county_fips",
    "delivery_system",
    "organization_npi",
    "rendering_certification_number",
    "hcpcs_code",
    "units",
    "approved_amount",
    "beneficiary_key",
)


def integrity_finding_lines(
    scope: Scope,
    serving_dir: Path,
    build_id: str,
    selection: IntegrityFilter,
    limit: int = 500,
) -> pd.DataFrame:
    """The claim lines behind the findings (`FINDING_LINE_COLUMNS`), most money at risk first."""
    finding_columns = {"rule_id", "severity", "detail", "approved_amount_at_risk"}
    columns = ", ".join(
        f"f.{c}" if c in finding_columns else f"l.{c}" for c in FINDING_LINE_COLUMNS
    )
    sql = f"""
        SELECT {columns}
        FROM {_FILTERED_FINDINGS}
        ORDER BY f.approved_amount_at_risk DESC, l.service_date, f.claim_id, f.line_number,
            f.rule_id
        LIMIT $limit
    """
    return _findings_query(scope, serving_dir, build_id, sql, selection, limit=limit)


_DETECTED_IN_MONTHS = """
    ($first_month IS NULL OR detected_on >= CAST($first_month AS DATE))
    AND ($last_month IS NULL OR detected_on < CAST($last_month AS DATE) + INTERVAL 1 MONTH)
"""


def policy_findings_by_month(
    scope: Scope,
    serving_dir: Path,
    build_id: str,
    table: str,
    first_month: str | None = None,
    last_month: str | None = None,
) -> pd.DataFrame:
    """Certification (CERT-xx) or supervision (SUP-xx) findings per month detected and rule.

    `table` is `CERTIFICATION_FINDINGS_TABLE` or `SUPERVISION_FINDINGS_TABLE`. Columns:
    `month`, `rule_id`, `findings`; oldest month first.
    """
    if table not in (CERTIFICATION_FINDINGS_TABLE, SUPERVISION_FINDINGS_TABLE):
        raise ValueError(f"not a policy findings table: {table}")
    sql = f"""
        SELECT CAST(date_trunc('month', detected_on) AS DATE) AS month, rule_id,
            CAST(count(*) AS BIGINT) AS findings
        FROM {table}
        WHERE {_DETECTED_IN_MONTHS}
        GROUP BY ALL
        ORDER BY month, rule_id
    """
    params = {"first_month": first_month, "last_month": last_month}
    return query(scope, serving_dir, build_id, sql, params, tables=(table,))


def policy_findings(
    scope: Scope,
    serving_dir: Path,
    build_id: str,
    table: str,
    first_month: str | None = None,
    last_month: str | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """The certification or supervision findings themselves, newest first (`limit` rows)."""
    keys = {
        CERTIFICATION_FINDINGS_TABLE: "certificant_id, event_id",
        SUPERVISION_FINDINGS_TABLE: "employment_id",
    }
    if table not in keys:
        raise ValueError(f"not a policy findings table: {table}")
    sql = f"""
        SELECT detected_on, rule_id, {keys[table]}, finding
        FROM {table}
        WHERE {_DETECTED_IN_MONTHS}
        ORDER BY detected_on DESC, rule_id, {keys[table]}
        LIMIT $limit
    """
    params = {"first_month": first_month, "last_month": last_month, "limit": limit}
    return query(scope, serving_dir, build_id, sql, params, tables=(table,))


# --- Waiver metrics (public, suppressed: every role) ----------------------------------------------

WAIVER_METRICS_TABLE = "rpt_waiver_metrics"
# The tidy table a user sees and downloads, in this column order.
WAIVER_METRIC_COLUMNS: tuple[str, ...] = (
    "metric_id",
    "metric_name",
    "unit",
    "period_type",
    "period_start",
    "period_end",
    "is_partial_period",
    "geography_level",
    "geography_code",
    "stratum_name",
    "stratum_value",
    "numerator",
    "denominator",
    "rate",
    "baseline_period_start",
    "baseline_rate",
    "numerator_is_suppressed",
    "denominator_is_suppressed",
    "is_suppressed",
)


def waiver_metrics_catalog(scope: Scope, serving_dir: Path, build_id: str) -> pd.DataFrame:
    """The metric definitions (the `waiver_metrics_catalog` seed) of the published metrics."""
    sql = f"""
        SELECT c.metric_id, c.metric_name, c.definition, c.numerator, c.denominator, c.unit,
            c.baseline_period, c.rule_ids, c.source_model
        FROM {WAIVER_METRICS_CATALOG_TABLE} AS c
        WHERE c.metric_id IN (SELECT DISTINCT metric_id FROM {WAIVER_METRICS_TABLE})
        ORDER BY c.metric_id
    """
    return query(
        scope,
        serving_dir,
        build_id,
        sql,
        tables=(WAIVER_METRICS_CATALOG_TABLE, WAIVER_METRICS_TABLE),
    )


def waiver_metric_cells(
    scope: Scope, serving_dir: Path, build_id: str, metric_id: str
) -> pd.DataFrame:
    """The (period type, geography level, geography code, stratum) combinations of a metric.

    Columns `period_type`, `geography_level`, `geography_code`, `stratum_name`; for the pickers.
    """
    sql = f"""
        SELECT DISTINCT period_type, geography_level, geography_code, stratum_name
        FROM {WAIVER_METRICS_TABLE}
        WHERE metric_id = $metric
        ORDER BY ALL
    """
    return query(
        scope, serving_dir, build_id, sql, {"metric": metric_id}, tables=(WAIVER_METRICS_TABLE,)
    )


def waiver_metric_rows(
    scope: Scope,
    serving_dir: Path,
    build_id: str,
    metric_id: str,
    period_type: str,
    geography_level: str,
    geography_code: str,
    stratum_name: str,
) -> pd.DataFrame:
    """The tidy rows (`WAIVER_METRIC_COLUMNS`) of one selection, by period then stratum value.

    Suppressed cells stay as published: NULL counts and rates, flagged.
    """
    columns = ", ".join(
        f"c.{c}" if c in ("metric_name", "unit") else f"m.{c}" for c in WAIVER_METRIC_COLUMNS
    )
    sql = f"""
        SELECT {columns}
        FROM {WAIVER_METRICS_TABLE} AS m
        LEFT JOIN {WAIVER_METRICS_CATALOG_TABLE} AS c USING (metric_id)
        WHERE m.metric_id = $metric AND m.period_type = $period_type
            AND m.geography_level = $level AND m.geography_code = $code
            AND m.stratum_name = $stratum
        ORDER BY m.period_start, m.stratum_value
    """
    params = {
        "metric": metric_id,
        "period_type": period_type,
        "level": geography_level,
        "code": geography_code,
        "stratum": stratum_name,
    }
    return query(
        scope,
        serving_dir,
        build_id,
        sql,
        params,
        tables=(WAIVER_METRICS_TABLE, WAIVER_METRICS_CATALOG_TABLE),
    )
