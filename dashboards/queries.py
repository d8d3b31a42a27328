"""The SQL behind the pages. Aggregation happens in DuckDB; pandas only receives the result.

Every function takes the signed-in `Scope` first and names the tables it reads, so the snapshot
layer refuses (`AccessDenied`) anything outside the scope before running, and its views hold
only what the scope may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from dashboards.access import (
    CLAIM_SERVICES_VIEW,
    FEED_FRESHNESS_VIEW,
    WAIVER_METRICS_CATALOG_TABLE,
    AccessDenied,
    Role,
    Scope,
    require_county_detail,
)
from dashboards.snapshot import Param, Params, query

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
    """Monthly `active_certified_peers` and `employed_peers`: statewide, or one county's.

    Columns: `month_start`, each measure and `<measure>_is_suppressed`; one row per month, oldest
    first. Statewide figures come from the public series for every role but state analysts
    (`workforce_months`); one county's detail is refused unless `scope` may see that county.
    """
    months = workforce_months(scope, county_fips)
    measures = ", ".join(TREND_MEASURES)
    flags = ", ".join(f"{m}_is_suppressed" for m in TREND_MEASURES)
    sql = f"""
        WITH monthly AS ({months.sql})
        SELECT month_start, {measures}, {flags}
        FROM monthly
        ORDER BY month_start
    """
    return query(scope, serving_dir, build_id, sql, months.params, tables=(months.table,))


def feed_freshness(scope: Scope, serving_dir: Path, build_id: str) -> pd.DataFrame:
    """Per feed: `latest_extract_date`, `last_ingested_at`, `files` (every role may see this)."""
    sql = f"""
        SELECT feed, latest_extract_date, last_ingested_at, files
        FROM {FEED_FRESHNESS_VIEW}
        ORDER BY feed
    """
    return query(scope, serving_dir, build_id, sql, tables=(FEED_FRESHNESS_VIEW,))


SOURCE_FRESHNESS_TABLE = "audit__source_freshness"


def source_freshness(scope: Scope, serving_dir: Path, build_id: str) -> pd.DataFrame:
    """dbt source freshness at build time, per feed: `last_loaded_at`, `days_since_last_load`,
    `delivery_every_days` (the contract's SLA), `status` (`on_time` or `stale`), `checked_at`."""
    sql = f"""
        SELECT feed, status, last_loaded_at, days_since_last_load, delivery_every_days,
            checked_at
        FROM {SOURCE_FRESHNESS_TABLE}
        ORDER BY status DESC, feed
    """
    return query(scope, serving_dir, build_id, sql, tables=(SOURCE_FRESHNESS_TABLE,))


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


# The disclosure control's audit (RPT-03): information loss per quantity and geography level, and
# the verdict. Public (in the snapshot's public folder); the Data quality page shows it.
DISCLOSURE_SUMMARY_TABLE = "audit__disclosure_summary"
GEOGRAPHY_LEVELS: tuple[str, ...] = ("state", "region", "county")


def disclosure_summary(scope: Scope, serving_dir: Path, build_id: str) -> pd.DataFrame:
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
    return query(scope, serving_dir, build_id, sql, tables=(DISCLOSURE_SUMMARY_TABLE,))


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


# --- utilization page (issue 4) ------------------------------------------------------------------

UTILIZATION_TABLE = "fct_utilization_monthly"
# Public table listing every county by name, every quarter (names are not in rpt_waiver_metrics).
PUBLIC_COUNTY_NAMES_TABLE = "rpt_complaints_by_county_quarter"
# Breakdowns of approved services the page offers: dimension -> SQL expression over the view.
UTILIZATION_DIMENSIONS: dict[str, str] = {
    "service_month": "service_month",
    "county_fips": "county_fips",
    "delivery_system": "delivery_system",
    "hcpcs_code": "hcpcs_code",
    "modality": "modality",
    "age_group": "age_group",
    "under_21": "CASE WHEN under_21 THEN 'Under 21' ELSE '21 and over' END",
    "level_of_care": "coalesce(level_of_care, 'not recorded')",
}
UTILIZATION_PUBLIC_METRICS: tuple[str, ...] = ("UT-01", "UT-02", "UT-03", "UT-04", "UT-05", "UT-06")
PUBLIC_PERIOD_TYPES: tuple[str, ...] = ("quarter", "state_fiscal_year", "calendar_year")


@dataclass(frozen=True)
class UtilizationFilter:
    """Service months `start`..`end` (first days), one county's detail, one delivery system."""

    start: date
    end: date
    county_fips: str | None = None
    delivery_system: str | None = None

    def params(self) -> dict[str, str | None]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "county": self.county_fips,
            "ds": self.delivery_system,
        }


_UTILIZATION_WHERE = """
    service_month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    AND ($county IS NULL OR county_fips = $county)
    AND ($ds IS NULL OR delivery_system = $ds)
"""


def require_detail_area(scope: Scope, county_fips: str | None) -> None:
    """Unsuppressed detail of `county_fips` (None: statewide) must be in `scope`.

    Statewide detail is for state analysts; a county user gets its own county only; evaluators
    no detail at all (their figures are the public, suppressed ones).
    """
    if scope.role is Role.EVALUATOR:
        raise AccessDenied("Evaluators see public, suppressed figures only.")
    if county_fips is None:
        if not scope.is_state:
            raise AccessDenied(
                "Statewide detail is not in your scope; other counties are shown only as "
                "public, suppressed figures."
            )
        return
    require_county_detail(scope, county_fips)


def service_months(scope: Scope, serving_dir: Path, build_id: str) -> list[date]:
    """Months with approved services the scope may see in detail, oldest first."""
    require_detail_area(scope, scope.county_fips)
    frame = query(
        scope,
        serving_dir,
        build_id,
        f"SELECT DISTINCT service_month FROM {CLAIM_SERVICES_VIEW} ORDER BY service_month",
        tables=(CLAIM_SERVICES_VIEW,),
    )
    return [pd.Timestamp(m).date() for m in frame["service_month"]]


def delivery_systems(scope: Scope, serving_dir: Path, build_id: str) -> list[str]:
    require_detail_area(scope, scope.county_fips)
    frame = query(
        scope,
        serving_dir,
        build_id,
        f"SELECT DISTINCT delivery_system FROM {CLAIM_SERVICES_VIEW} ORDER BY 1",
        tables=(CLAIM_SERVICES_VIEW,),
    )
    return [str(d) for d in frame["delivery_system"]]


def utilization_summary(
    scope: Scope, serving_dir: Path, build_id: str, selection: UtilizationFilter
) -> pd.DataFrame:
    """One row: `beneficiaries_served` and `under_21_served` (distinct over the range),
    `services`, `collateral_services`, `units` of the approved lines in `selection`."""
    require_detail_area(scope, selection.county_fips)
    sql = f"""
        SELECT CAST(count(DISTINCT beneficiary_key) AS BIGINT) AS beneficiaries_served,
            CAST(count(DISTINCT beneficiary_key) FILTER (WHERE under_21) AS BIGINT)
                AS under_21_served,
            CAST(count(*) AS BIGINT) AS services,
            CAST(count(*) FILTER (WHERE is_collateral) AS BIGINT) AS collateral_services,
            CAST(coalesce(sum(units), 0) AS BIGINT) AS units
        FROM {CLAIM_SERVICES_VIEW}
        WHERE {_UTILIZATION_WHERE}
    """
    return query(
        scope, serving_dir, build_id, sql, selection.params(), tables=(CLAIM_SERVICES_VIEW,)
    )


def utilization_breakdowns(
    scope: Scope,
    serving_dir: Path,
    build_id: str,
    selection: UtilizationFilter,
    dimensions: tuple[str, ...],
) -> pd.DataFrame:
    """Approved services in `selection` by each of `dimensions` (keys of
    `UTILIZATION_DIMENSIONS`), in one query: the page's charts share one scan.

    Columns: `dimension`, `category` (text), `beneficiaries_served` (distinct within the category
    over the range), `services`, `collateral_services`, `collateral_share` (fraction); by
    dimension in the order given, then category.
    """
    require_detail_area(scope, selection.county_fips)
    # One grouping set per dimension: one scan of the lines, not one per chart. The grouped
    # column of a row is the one grouping() marks; the others are null in that row.
    columns = [f"d{index}" for index in range(len(dimensions))]
    selected = ", ".join(
        f"{UTILIZATION_DIMENSIONS[dimension]} AS {column}"
        for dimension, column in zip(dimensions, columns, strict=True)
    )
    position = " ".join(
        f"WHEN grouping({column}) = 0 THEN {index}" for index, column in enumerate(columns)
    )
    # Names from UTILIZATION_DIMENSIONS' keys (looked up above), so safe as literals.
    dimension = " ".join(
        f"WHEN grouping({column}) = 0 THEN '{name}'"
        for name, column in zip(dimensions, columns, strict=True)
    )
    sql = f"""
        WITH lines AS (
            SELECT {selected}, beneficiary_key, is_collateral
            FROM {CLAIM_SERVICES_VIEW}
            WHERE {_UTILIZATION_WHERE}
        ),
        grouped AS (
            SELECT CASE {position} END AS position, CASE {dimension} END AS dimension,
                coalesce({", ".join(f"CAST({c} AS VARCHAR)" for c in columns)}) AS category,
                CAST(count(DISTINCT beneficiary_key) AS BIGINT) AS beneficiaries_served,
                CAST(count(*) AS BIGINT) AS services,
                CAST(count(*) FILTER (WHERE is_collateral) AS BIGINT) AS collateral_services,
                count(*) FILTER (WHERE is_collateral) / count(*) AS collateral_share
            FROM lines
            GROUP BY GROUPING SETS ({", ".join(f"({c})" for c in columns)})
        )
        SELECT dimension, category, beneficiaries_served, services, collateral_services,
            collateral_share
        FROM grouped
        ORDER BY position, category
    """
    return query(
        scope, serving_dir, build_id, sql, selection.params(), tables=(CLAIM_SERVICES_VIEW,)
    )


def utilization_by(
    scope: Scope,
    serving_dir: Path,
    build_id: str,
    selection: UtilizationFilter,
    dimension: str,
) -> pd.DataFrame:
    """`utilization_breakdowns` of one dimension, without the `dimension` column."""
    frame = utilization_breakdowns(scope, serving_dir, build_id, selection, (dimension,))
    return frame.drop(columns="dimension").reset_index(drop=True)


def utilization_by_county(
    scope: Scope, serving_dir: Path, build_id: str, selection: UtilizationFilter
) -> pd.DataFrame:
    """Per county in the scope: `county_fips`, `county_name`, `services`, `units`,
    `service_minutes`, `approved_amount`, `collateral_services` (sums of the monthly mart)."""
    require_detail_area(scope, selection.county_fips)
    sql = f"""
        WITH names AS (
            SELECT DISTINCT county_fips, county_name FROM {PUBLIC_COUNTY_NAMES_TABLE}
        )
        SELECT u.county_fips, any_value(names.county_name) AS county_name,
            CAST(sum(u.services) AS BIGINT) AS services,
            CAST(sum(u.units) AS BIGINT) AS units,
            CAST(sum(u.service_minutes) AS BIGINT) AS service_minutes,
            sum(u.approved_amount) AS approved_amount,
            CAST(sum(u.collateral_services) AS BIGINT) AS collateral_services
        FROM {UTILIZATION_TABLE} AS u
        LEFT JOIN names ON names.county_fips = u.county_fips
        WHERE u.service_month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
            AND ($county IS NULL OR u.county_fips = $county)
            AND ($ds IS NULL OR u.delivery_system = $ds)
        GROUP BY u.county_fips
        ORDER BY services DESC, u.county_fips
    """
    return query(
        scope,
        serving_dir,
        build_id,
        sql,
        selection.params(),
        tables=(UTILIZATION_TABLE, PUBLIC_COUNTY_NAMES_TABLE),
    )


def public_periods(
    scope: Scope, serving_dir: Path, build_id: str, period_type: str, metric_id: str = "UT-02"
) -> pd.DataFrame:
    """Periods of `period_type` with county cells of `metric_id` in the public metrics:
    `period_start`, `period_end`, `is_partial_period`, newest first. Public: every role."""
    sql = f"""
        SELECT DISTINCT period_start, period_end, is_partial_period
        FROM {WAIVER_METRICS_TABLE}
        WHERE metric_id = $metric AND period_type = $period_type AND geography_level = 'county'
        ORDER BY period_start DESC
    """
    return query(
        scope,
        serving_dir,
        build_id,
        sql,
        {"period_type": period_type, "metric": metric_id},
        tables=(WAIVER_METRICS_TABLE,),
    )


def penetration_by_county(
    scope: Scope, serving_dir: Path, build_id: str, period_type: str, period_start: date
) -> pd.DataFrame:
    """UT-02 per county from the public metrics (suppressed for every role, RPT-03).

    Columns: `county_fips`, `county_name`, `beneficiaries_served` (numerator),
    `eligible_members` (denominator), `penetration_pct` (per 100), their `*_is_suppressed`
    flags; by county name.
    """
    sql = f"""
        WITH names AS (
            SELECT DISTINCT county_fips, county_name FROM {PUBLIC_COUNTY_NAMES_TABLE}
        )
        SELECT m.geography_code AS county_fips,
            coalesce(names.county_name, m.geography_code) AS county_name,
            m.numerator AS beneficiaries_served,
            m.numerator_is_suppressed AS beneficiaries_served_is_suppressed,
            m.denominator AS eligible_members,
            m.denominator_is_suppressed AS eligible_members_is_suppressed,
            CAST(m.rate AS DOUBLE) AS penetration_pct,
            m.is_suppressed AS penetration_pct_is_suppressed
        FROM {WAIVER_METRICS_TABLE} AS m
        LEFT JOIN names ON names.county_fips = m.geography_code
        WHERE m.metric_id = 'UT-02' AND m.period_type = $period_type
            AND m.period_start = CAST($period_start AS DATE)
            AND m.geography_level = 'county' AND m.stratum_name = 'all'
        ORDER BY county_name
    """
    return query(
        scope,
        serving_dir,
        build_id,
        sql,
        {"period_type": period_type, "period_start": period_start.isoformat()},
        tables=(WAIVER_METRICS_TABLE, PUBLIC_COUNTY_NAMES_TABLE),
    )


def public_utilization_metrics(
    scope: Scope,
    serving_dir: Path,
    build_id: str,
    period_type: str,
    period_start: date,
    geography_code: str = "06",
) -> pd.DataFrame:
    """The public utilization metrics (UT-01..UT-06) of one period and geography, every stratum.

    Columns: `metric_id`, `stratum_name`, `stratum_value`, `numerator`, `denominator`, `rate`,
    `baseline_rate`, and the suppression flags; NULL counts and rates are suppressed (RPT-03).
    """
    metrics = ", ".join(f"'{m}'" for m in UTILIZATION_PUBLIC_METRICS)
    sql = f"""
        SELECT metric_id, stratum_name, stratum_value, numerator, numerator_is_suppressed,
            denominator, denominator_is_suppressed, CAST(rate AS DOUBLE) AS rate,
            is_suppressed AS rate_is_suppressed, CAST(baseline_rate AS DOUBLE) AS baseline_rate
        FROM {WAIVER_METRICS_TABLE}
        WHERE metric_id IN ({metrics}) AND period_type = $period_type
            AND period_start = CAST($period_start AS DATE) AND geography_code = $geography
        ORDER BY metric_id, stratum_name <> 'all', stratum_name, stratum_value
    """
    return query(
        scope,
        serving_dir,
        build_id,
        sql,
        {
            "period_type": period_type,
            "period_start": period_start.isoformat(),
            "geography": geography_code,
        },
        tables=(WAIVER_METRICS_TABLE,),
    )


# --- complaints page (issue 4) -------------------------------------------------------------------

COMPLAINTS_TABLE = "fct_complaints"
COMPLAINTS_PUBLIC_TABLE = "rpt_complaints_by_county_quarter"
COMPLAINTS_BY_COUNTY_TABLE = "fct_complaints_by_county_quarter"
COMPLAINT_DIMENSIONS: dict[str, str] = {
    "allegation_category": "coalesce(allegation_category, 'unknown')",
    "outcome": "outcome",
    "most_severe_action": "most_severe_action",
    "appeal_outcome": (
        "CASE WHEN appeal_filed_date IS NULL THEN 'no appeal' "
        "ELSE coalesce(appeal_outcome, 'pending') END"
    ),
}


@dataclass(frozen=True)
class ComplaintsFilter:
    """Complaints received from `start` to `end` (inclusive dates), one county's or statewide."""

    start: date
    end: date
    county_fips: str | None = None

    def params(self) -> dict[str, str | None]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "county": self.county_fips,
        }


_COMPLAINTS_WHERE = """
    received_date BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    AND ($county IS NULL OR county_fips = $county)
"""


def complaint_quarters(scope: Scope, serving_dir: Path, build_id: str) -> list[date]:
    """First days of the quarters with complaints received (public table: every role)."""
    frame = query(
        scope,
        serving_dir,
        build_id,
        f"SELECT DISTINCT quarter_start FROM {COMPLAINTS_PUBLIC_TABLE} ORDER BY 1",
        tables=(COMPLAINTS_PUBLIC_TABLE,),
    )
    return [pd.Timestamp(q).date() for q in frame["quarter_start"]]


def complaints_summary(
    scope: Scope, serving_dir: Path, build_id: str, selection: ComplaintsFilter
) -> pd.DataFrame:
    """One row: the course (received, acknowledged, investigated, resolved, closed, open),
    appeals, and PI-04 timeliness (judged and on time, for acknowledgement and resolution;
    late), with the median days to resolve."""
    require_detail_area(scope, selection.county_fips)
    sql = f"""
        SELECT CAST(count(*) AS BIGINT) AS received,
            CAST(count(acknowledged_date) AS BIGINT) AS acknowledged,
            CAST(count(investigation_opened_date) AS BIGINT) AS investigated,
            CAST(count(resolved_date) AS BIGINT) AS resolved,
            CAST(count(closed_date) AS BIGINT) AS closed,
            CAST(count(*) FILTER (WHERE is_open) AS BIGINT) AS still_open,
            CAST(count(appeal_filed_date) AS BIGINT) AS appeals,
            CAST(count(acknowledged_on_time) AS BIGINT) AS acknowledgement_judged,
            CAST(count(*) FILTER (WHERE acknowledged_on_time) AS BIGINT) AS acknowledged_on_time,
            CAST(count(resolved_on_time) AS BIGINT) AS resolution_judged,
            CAST(count(*) FILTER (WHERE resolved_on_time) AS BIGINT) AS resolved_on_time,
            CAST(count(*) FILTER (WHERE is_late) AS BIGINT) AS late,
            median(days_to_resolve) AS median_days_to_resolve
        FROM {COMPLAINTS_TABLE}
        WHERE {_COMPLAINTS_WHERE}
    """
    return query(scope, serving_dir, build_id, sql, selection.params(), tables=(COMPLAINTS_TABLE,))


def complaints_by_quarter(
    scope: Scope, serving_dir: Path, build_id: str, selection: ComplaintsFilter
) -> pd.DataFrame:
    """Per quarter received: `quarter_start`, `received`, `acknowledged`, `resolved`, `late`."""
    require_detail_area(scope, selection.county_fips)
    sql = f"""
        SELECT CAST(date_trunc('quarter', received_date) AS DATE) AS quarter_start,
            CAST(count(*) AS BIGINT) AS received,
            CAST(count(acknowledged_date) AS BIGINT) AS acknowledged,
            CAST(count(resolved_date) AS BIGINT) AS resolved,
            CAST(count(*) FILTER (WHERE is_late) AS BIGINT) AS late
        FROM {COMPLAINTS_TABLE}
        WHERE {_COMPLAINTS_WHERE}
        GROUP BY ALL
        ORDER BY quarter_start
    """
    return query(scope, serving_dir, build_id, sql, selection.params(), tables=(COMPLAINTS_TABLE,))


def complaints_by(
    scope: Scope,
    serving_dir: Path,
    build_id: str,
    selection: ComplaintsFilter,
    dimension: str,
) -> pd.DataFrame:
    """Complaints in `selection` by one of `COMPLAINT_DIMENSIONS`: `category`, `complaints`."""
    require_detail_area(scope, selection.county_fips)
    sql = f"""
        SELECT {COMPLAINT_DIMENSIONS[dimension]} AS category,
            CAST(count(*) AS BIGINT) AS complaints
        FROM {COMPLAINTS_TABLE}
        WHERE {_COMPLAINTS_WHERE}
        GROUP BY ALL
        ORDER BY complaints DESC, category
    """
    return query(scope, serving_dir, build_id, sql, selection.params(), tables=(COMPLAINTS_TABLE,))


def late_complaints(
    scope: Scope, serving_dir: Path, build_id: str, selection: ComplaintsFilter
) -> pd.DataFrame:
    """The PI-04 list: complaints acknowledged or resolved late, oldest received first."""
    require_detail_area(scope, selection.county_fips)
    sql = f"""
        SELECT complaint_id, county_fips, received_date, acknowledged_date,
            business_days_to_acknowledge, resolution_due_date, resolved_date, days_to_resolve,
            late_reasons
        FROM {COMPLAINTS_TABLE}
        WHERE is_late AND {_COMPLAINTS_WHERE}
        ORDER BY received_date, complaint_id
    """
    return query(scope, serving_dir, build_id, sql, selection.params(), tables=(COMPLAINTS_TABLE,))


def complaints_by_county(
    scope: Scope, serving_dir: Path, build_id: str, start: date, end: date
) -> pd.DataFrame:
    """Complaints received per county and quarter from `start` to `end` quarters.

    Columns: `quarter_start`, `county_fips`, `county_name`, `complaints_received` and its
    `_is_suppressed` flag. Every role but state analysts reads the public table as the
    disclosure control published it (suppressed counts NULL and flagged); state analysts read
    the internal aggregate, with `complaints_substantiated` and `substantiated_pct` besides.
    """
    if scope.is_state:
        table = COMPLAINTS_BY_COUNTY_TABLE
        columns = """complaints_received, false AS complaints_received_is_suppressed,
            complaints_substantiated, CAST(substantiated_pct AS DOUBLE) AS substantiated_pct"""
    else:
        table = COMPLAINTS_PUBLIC_TABLE
        columns = "complaints_received, complaints_received_is_suppressed"
    sql = f"""
        SELECT quarter_start, county_fips, county_name, {columns}
        FROM {table}
        WHERE quarter_start BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
        ORDER BY quarter_start DESC, county_name
    """
    return query(
        scope,
        serving_dir,
        build_id,
        sql,
        {"start": start.isoformat(), "end": end.isoformat()},
        tables=(table,),
    )


# --- workforce page (issue 4) --------------------------------------------------------------------

PIPELINE_TABLE = "fct_certification_pipeline"
PEER_CERTIFICATION_TABLE = "fct_peer_certification_by_county"
# The statewide series the disclosure control published (RPT-03): what every role but state
# analysts sees of the state's workforce.
STATEWIDE_WORKFORCE_TABLE = "rpt_workforce_statewide_monthly"
RENEWAL_WINDOWS_DAYS: tuple[int, ...] = (30, 60, 90)
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
WORKFORCE_RATES: tuple[str, ...] = (
    "peers_per_supervisor",
    "turnover_rate",
    "peers_per_100k_members",
)
PER_100K_MEMBERS = "round(active_certified_peers * 100000.0 / nullif(medi_cal_members, 0), 2)"
# Rates of the month's figures; NULL, and flagged, when a part is suppressed (a rate of two
# published counts reveals nothing they do not), NULL when the denominator is 0.
_RATES_SQL = f"""
    round(employed_peers * 1.0 / nullif(supervisors, 0), 2) AS peers_per_supervisor,
    supervisors_is_suppressed OR employed_peers_is_suppressed AS peers_per_supervisor_is_suppressed,
    round(separations * 1.0 / nullif(turnover_base, 0), 4) AS turnover_rate,
    separations_is_suppressed OR turnover_base_is_suppressed AS turnover_rate_is_suppressed,
    {PER_100K_MEMBERS} AS peers_per_100k_members,
    active_certified_peers_is_suppressed OR medi_cal_members_is_suppressed
        AS peers_per_100k_members_is_suppressed
"""
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
    """Monthly `WORKFORCE_DETAIL_MEASURES` and `WORKFORCE_RATES`, statewide or a county.

    One row per month, oldest first; each measure and rate has `<name>_is_suppressed`, and a
    rate of a suppressed figure is suppressed. Sources as in `workforce_months`.
    """
    months = workforce_months(scope, county_fips)
    measures = ", ".join(WORKFORCE_DETAIL_MEASURES)
    flags = ", ".join(f"{m}_is_suppressed" for m in WORKFORCE_DETAIL_MEASURES)
    sql = f"""
        WITH monthly AS ({months.sql})
        SELECT month_start, {measures}, {flags}, {_RATES_SQL}
        FROM monthly
        ORDER BY month_start
    """
    return query(scope, serving_dir, build_id, sql, months.params, tables=(months.table,))


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


# The county map's public metrics: active certified peers (WF-01's numerator) and peers per
# 100,000 Medi-Cal members (WF-03), counted over a quarter or a year by county.
MAP_METRICS: dict[str, str] = {"active_certified_peers": "WF-01", "peers_per_100k_members": "WF-03"}
MAP_PERIOD_METRIC = "WF-01"
_MAP_COLUMNS = """county_fips, county_name, active_certified_peers,
    active_certified_peers_is_suppressed, peers_per_100k_members,
    peers_per_100k_members_is_suppressed, detail_month"""


def county_map(scope: Scope, serving_dir: Path, build_id: str) -> pd.DataFrame:
    """A state analyst's map: every county in the latest month of the mart, unsuppressed.

    Columns: `month_start`, `_MAP_COLUMNS` (flags false, `detail_month` the month).
    """
    if not scope.is_state:
        raise AccessDenied("The monthly county map is for state analysts; see public_county_map.")
    sql = f"""
        SELECT month_start, county_fips, county_name,
            CAST(active_certified_peers AS BIGINT) AS active_certified_peers,
            false AS active_certified_peers_is_suppressed,
            CAST({PER_100K_MEMBERS} AS DOUBLE) AS peers_per_100k_members,
            false AS peers_per_100k_members_is_suppressed, month_start AS detail_month
        FROM {WORKFORCE_TABLE}
        WHERE month_start = (SELECT max(month_start) FROM {WORKFORCE_TABLE})
        ORDER BY county_fips
    """
    return query(scope, serving_dir, build_id, sql, tables=(WORKFORCE_TABLE,))


def public_county_map(
    scope: Scope, serving_dir: Path, build_id: str, period_type: str, period_start: date
) -> pd.DataFrame:
    """Every county's active certified peers and peers per 100,000 members in one period, as
    `rpt_waiver_metrics` publishes them (county cells: quarters and years, stratum `all`).

    Columns: `_MAP_COLUMNS`. Suppressed cells are NULL and flagged, as published. A county
    user knows its own county's figures: where the public cell of its county is suppressed it
    is filled from its own monthly detail, the last month of the period with data
    (`detail_month`; NULL on every row drawn from the public table).
    """
    metrics = ", ".join(f"'{m}'" for m in MAP_METRICS.values())
    public = f"""
        SELECT geography_code AS county_fips,
            any_value(numerator) FILTER (WHERE metric_id = 'WF-01') AS active_certified_peers,
            bool_or(numerator_is_suppressed) FILTER (WHERE metric_id = 'WF-01')
                AS active_certified_peers_is_suppressed,
            CAST(any_value(rate) FILTER (WHERE metric_id = 'WF-03') AS DOUBLE)
                AS peers_per_100k_members,
            bool_or(is_suppressed) FILTER (WHERE metric_id = 'WF-03')
                AS peers_per_100k_members_is_suppressed
        FROM {WAIVER_METRICS_TABLE}
        WHERE metric_id IN ({metrics}) AND period_type = $period_type
            AND period_start = CAST($period_start AS DATE)
            AND geography_level = 'county' AND stratum_name = 'all'
        GROUP BY geography_code
    """
    names = f"SELECT DISTINCT county_fips, county_name FROM {PUBLIC_COUNTY_NAMES_TABLE}"
    params: dict[str, Param] = {
        "period_type": period_type,
        "period_start": period_start.isoformat(),
    }
    tables: tuple[str, ...] = (WAIVER_METRICS_TABLE, PUBLIC_COUNTY_NAMES_TABLE)
    if scope.role is Role.COUNTY:
        sql = f"""
            WITH public AS ({public}), names AS ({names}), own AS ({_OWN_COUNTY_MONTH})
            SELECT p.county_fips, coalesce(n.county_name, p.county_fips) AS county_name,
                {_filled("active_certified_peers")}, {_filled("peers_per_100k_members")},
                CASE WHEN p.active_certified_peers_is_suppressed
                    OR p.peers_per_100k_members_is_suppressed THEN own.month_start END
                    AS detail_month
            FROM public AS p
            LEFT JOIN names AS n USING (county_fips)
            LEFT JOIN own USING (county_fips)
            ORDER BY p.county_fips
        """
        params["county"] = scope.county_fips
        tables = (*tables, WORKFORCE_TABLE)
    else:
        sql = f"""
            WITH public AS ({public}), names AS ({names})
            SELECT p.county_fips, coalesce(n.county_name, p.county_fips) AS county_name,
                p.* EXCLUDE (county_fips), CAST(NULL AS DATE) AS detail_month
            FROM public AS p
            LEFT JOIN names AS n USING (county_fips)
            ORDER BY p.county_fips
        """
    return query(scope, serving_dir, build_id, sql, params, tables=tables)


# A county user's own county in the map's period: its detail in the period's last month with
# data, measured as the map measures (WF-01's count, WF-03's rate of members).
_OWN_COUNTY_MONTH = f"""
    SELECT county_fips, month_start,
        CAST(active_certified_peers AS BIGINT) AS active_certified_peers,
        CAST({PER_100K_MEMBERS} AS DOUBLE) AS peers_per_100k_members
    FROM {WORKFORCE_TABLE}
    WHERE county_fips = $county AND month_start <= (
        SELECT max(period_end) FROM {WAIVER_METRICS_TABLE}
        WHERE period_type = $period_type AND period_start = CAST($period_start AS DATE))
    QUALIFY month_start = max(month_start) OVER ()
"""


def _filled(measure: str) -> str:
    """SQL: the public `measure` of a county, its own detail where the public cell is hidden."""
    hidden = f"p.{measure}_is_suppressed AND own.county_fips IS NOT NULL"
    return (
        f"CASE WHEN {hidden} THEN own.{measure} ELSE p.{measure} END AS {measure}, "
        f"p.{measure}_is_suppressed AND own.county_fips IS NULL AS {measure}_is_suppressed"
    )
