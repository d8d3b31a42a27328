"""The Program integrity page's SQL (state analysts only: `access.PROGRAM_INTEGRITY_TABLES`):
claim-line findings by month and rule, the lines behind them, certification and
supervision findings.

Conventions as in `shared_queries`: a `SnapshotReader` first, the tables read named.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from peerwh.dashboards.snapshot import Param, SnapshotReader

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
    reader: SnapshotReader,
    sql: str,
    selection: IntegrityFilter,
    **extra: Param,
) -> pd.DataFrame:
    return reader.query(
        sql,
        {**selection.params(), **extra},
        tables=(INTEGRITY_FINDINGS_TABLE, CLAIM_LINES_TABLE),
    )


def integrity_filter_options(reader: SnapshotReader) -> pd.DataFrame:
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
    return reader.query(sql, tables=INTEGRITY_TABLES)


def integrity_findings_by_month(reader: SnapshotReader, selection: IntegrityFilter) -> pd.DataFrame:
    """Claim-line findings per service month and rule: `service_month`, `rule_id`, `findings`,
    `claim_lines`, `approved_amount_at_risk`; oldest month first."""
    sql = f"""
        SELECT l.service_month, f.rule_id, {_PER_RULE_MEASURES}
        FROM {_FILTERED_FINDINGS}
        GROUP BY l.service_month, f.rule_id
        ORDER BY l.service_month, f.rule_id
    """
    return _findings_query(reader, sql, selection)


def integrity_findings_by_rule(reader: SnapshotReader, selection: IntegrityFilter) -> pd.DataFrame:
    """Per rule: `rule_id`, `severity`, `findings`, `claim_lines`, `approved_amount_at_risk`."""
    sql = f"""
        SELECT f.rule_id, any_value(f.severity) AS severity, {_PER_RULE_MEASURES}
        FROM {_FILTERED_FINDINGS}
        GROUP BY f.rule_id
        ORDER BY f.rule_id
    """
    return _findings_query(reader, sql, selection)


def integrity_totals(reader: SnapshotReader, selection: IntegrityFilter) -> pd.DataFrame:
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
    return _findings_query(reader, sql, selection)


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
    reader: SnapshotReader,
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
    return _findings_query(reader, sql, selection, limit=limit)


_DETECTED_IN_MONTHS = """
    ($first_month IS NULL OR detected_on >= CAST($first_month AS DATE))
    AND ($last_month IS NULL OR detected_on < CAST($last_month AS DATE) + INTERVAL 1 MONTH)
"""


def policy_findings_by_month(
    reader: SnapshotReader,
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
    return reader.query(sql, params, tables=(table,))


def policy_findings(
    reader: SnapshotReader,
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
    return reader.query(sql, params, tables=(table,))
