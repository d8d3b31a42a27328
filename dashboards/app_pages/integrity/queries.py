"""The Program integrity page's SQL: claim-line findings by month and rule, the lines behind
them, roll-ups by provider organization and by peer, claims processing (denials, submission to
adjudication, EPSDT-exempt lines); certification and supervision findings.

Claim-line integrity reads the scoped views of `access` (`INTEGRITY_VIEWS`): state analysts
every county, a county user its own county's lines only, evaluators nothing. Certification and
supervision findings have no county and are state-only (`access.PROGRAM_INTEGRITY_TABLES`).

Conventions as in `shared_queries`: a `SnapshotReader` first, the tables read named.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from peerwh.dashboards.access import INTEGRITY_FINDINGS_VIEW, INTEGRITY_LINES_VIEW
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
# What the claim-line queries read: the scoped views over the two tables above.
LINE_VIEWS: tuple[str, ...] = (INTEGRITY_FINDINGS_VIEW, INTEGRITY_LINES_VIEW)
POLICY_FINDINGS_TABLES: tuple[str, ...] = (CERTIFICATION_FINDINGS_TABLE, SUPERVISION_FINDINGS_TABLE)


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
_IN_AREA_AND_MONTHS = """
    ($county IS NULL OR l.county_fips = $county)
    AND ($first_month IS NULL OR l.service_month >= CAST($first_month AS DATE))
    AND ($last_month IS NULL OR l.service_month <= CAST($last_month AS DATE))
"""
_SELECTED_RULES = "($rules_csv = '' OR list_contains(string_split($rules_csv, ','), f.rule_id))"
_FILTERED_FINDINGS = f"""
    {INTEGRITY_FINDINGS_VIEW} AS f
    INNER JOIN {INTEGRITY_LINES_VIEW} AS l USING (claim_id, line_number)
    WHERE {_SELECTED_RULES} AND {_IN_AREA_AND_MONTHS}
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
    # DuckDB refuses a named parameter the statement does not use: pass those it names.
    params = {
        name: value for name, value in {**selection.params(), **extra}.items() if f"${name}" in sql
    }
    return reader.query(sql, params, tables=LINE_VIEWS)


def integrity_filter_options(reader: SnapshotReader) -> pd.DataFrame:
    """Filter choices: `kind`, `value`, `label`, sorted within each kind.

    `kind` is `rule` (claim-line rule ids), `county` (counties with claim-line findings) or
    `month` (`value` YYYY-MM-DD): every month with a finding, claim-line (service month) and,
    for state analysts, certification or supervision (month detected), so the full range
    misses none.
    """
    policy_months = "".join(
        f"UNION ALL SELECT date_trunc('month', detected_on) FROM {table} "
        for table in POLICY_FINDINGS_TABLES
        if reader.scope.is_state
    )
    sql = f"""
        SELECT DISTINCT 'rule' AS kind, f.rule_id AS value, f.rule_id AS label
        FROM {INTEGRITY_FINDINGS_VIEW} AS f
        UNION ALL
        SELECT DISTINCT 'county', f.county_fips, f.county_fips
        FROM {INTEGRITY_FINDINGS_VIEW} AS f
        WHERE f.county_fips IS NOT NULL
        UNION ALL
        SELECT DISTINCT 'month', strftime(month, '%Y-%m-%d'), strftime(month, '%b %Y')
        FROM (
            SELECT f.service_month AS month FROM {INTEGRITY_FINDINGS_VIEW} AS f
            {policy_months}
        )
        ORDER BY kind, value
    """
    tables = (INTEGRITY_FINDINGS_VIEW, *(POLICY_FINDINGS_TABLES if reader.scope.is_state else ()))
    return reader.query(sql, tables=tables)


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


def _finding_lines_sql(selection_limit: bool) -> str:
    finding_columns = {"rule_id", "severity", "detail", "approved_amount_at_risk"}
    columns = ", ".join(
        f"f.{c}" if c in finding_columns else f"l.{c}" for c in FINDING_LINE_COLUMNS
    )
    return f"""
        SELECT {columns}
        FROM {_FILTERED_FINDINGS}
        ORDER BY f.approved_amount_at_risk DESC, l.service_date, f.claim_id, f.line_number,
            f.rule_id
        {"LIMIT $limit OFFSET $offset" if selection_limit else ""}
    """


FINDING_LINES_PAGE_SIZE = 500


def integrity_finding_lines(
    reader: SnapshotReader,
    selection: IntegrityFilter,
    limit: int = FINDING_LINES_PAGE_SIZE,
    offset: int = 0,
) -> pd.DataFrame:
    """One page of the line findings (`FINDING_LINE_COLUMNS`), most money at risk first: rows
    `offset` to `offset + limit`. `count_finding_lines` says how many there are in all."""
    return _findings_query(reader, _finding_lines_sql(True), selection, limit=limit, offset=offset)


def count_finding_lines(reader: SnapshotReader, selection: IntegrityFilter) -> int:
    """How many line findings `selection` holds (the rows of every page together)."""
    sql = f"SELECT count(*) AS n FROM {_FILTERED_FINDINGS}"
    return int(_findings_query(reader, sql, selection)["n"].iloc[0])


def all_finding_lines(reader: SnapshotReader, selection: IntegrityFilter) -> pd.DataFrame:
    """Every line finding of `selection`, in the pages' order: the export."""
    return _findings_query(reader, _finding_lines_sql(False), selection)


# --- roll-ups by provider organization and by peer, and claims processing -----------------------

ROLLUP_KEYS: dict[str, str] = {
    "organization_npi": "Provider organization",
    "rendering_certification_number": "Rendering peer",
}
# Rates per 1,000 approved lines: findings are judged on approved lines only (BILL-01..11).
_ROLLUP_SQL = """
    WITH lines AS (
        SELECT l.*, l.{key} AS entity
        FROM {lines} AS l
        WHERE {area}
    ),
    flagged AS (
        SELECT f.claim_id, f.line_number, count(*) AS findings,
            max(f.approved_amount_at_risk) AS at_risk
        FROM {findings} AS f
        INNER JOIN lines AS l USING (claim_id, line_number)
        WHERE {rules}
        GROUP BY f.claim_id, f.line_number
    ),
    per_entity AS (
        SELECT l.entity,
            count(*) FILTER (WHERE l.claim_status = 'approved') AS approved_lines,
            count(*) FILTER (WHERE l.claim_status = 'denied') AS denied_lines,
            count(flagged.claim_id) AS flagged_lines,
            coalesce(sum(flagged.findings), 0) AS findings,
            coalesce(sum(flagged.at_risk), 0) AS approved_amount_at_risk,
            count(*) FILTER (WHERE l.claim_status = 'approved' AND l.epsdt_exempt_opt_in)
                AS epsdt_exempt_lines
        FROM lines AS l
        LEFT JOIN flagged USING (claim_id, line_number)
        GROUP BY l.entity
    )
    SELECT entity AS {key},
        CAST(approved_lines AS BIGINT) AS approved_lines,
        CAST(flagged_lines AS BIGINT) AS flagged_lines,
        CAST(findings AS BIGINT) AS findings,
        round(1000.0 * findings / nullif(approved_lines, 0), 1) AS findings_per_1000_lines,
        round(1000.0 * flagged_lines / nullif(approved_lines, 0), 1) AS flagged_per_1000_lines,
        CAST(approved_amount_at_risk AS DECIMAL(14, 2)) AS approved_amount_at_risk,
        CAST(denied_lines AS BIGINT) AS denied_lines,
        round(100.0 * denied_lines / nullif(approved_lines + denied_lines, 0), 1) AS denial_rate,
        CAST(epsdt_exempt_lines AS BIGINT) AS epsdt_exempt_lines
    FROM per_entity
"""


def _rollup_sql(key: str) -> str:
    if key not in ROLLUP_KEYS:
        raise ValueError(f"not a roll-up key: {key}")
    return _ROLLUP_SQL.format(
        key=key,
        lines=INTEGRITY_LINES_VIEW,
        findings=INTEGRITY_FINDINGS_VIEW,
        area=_IN_AREA_AND_MONTHS,
        rules=_SELECTED_RULES,
    )


def integrity_rollup(
    reader: SnapshotReader,
    selection: IntegrityFilter,
    key: str,
    limit: int | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """Per provider organization or rendering peer (`key`, one of `ROLLUP_KEYS`) in the
    selection's county and months: `approved_lines`, `flagged_lines` and `findings` (of the
    selected rules), `findings_per_1000_lines` and `flagged_per_1000_lines` (per 1,000 approved
    lines), `approved_amount_at_risk` (each line once), `denied_lines`, `denial_rate` (% of
    approved and denied lines), `epsdt_exempt_lines` (BILL-06). Most findings per 1,000 lines
    first; `limit` rows from `offset` (all when None)."""
    sql = f"""
        SELECT * FROM ({_rollup_sql(key)})
        ORDER BY findings_per_1000_lines DESC NULLS LAST, findings DESC, {key}
        {"LIMIT $limit OFFSET $offset" if limit is not None else ""}
    """
    extra: dict[str, Param] = {"limit": limit, "offset": offset} if limit is not None else {}
    return _findings_query(reader, sql, selection, **extra)


def count_rollup(reader: SnapshotReader, selection: IntegrityFilter, key: str) -> int:
    """How many organizations or peers (`key`) `integrity_rollup` has in all."""
    sql = f"SELECT count(*) AS n FROM ({_rollup_sql(key)})"
    return int(_findings_query(reader, sql, selection)["n"].iloc[0])


ADJUDICATION_DATE_COLUMNS: tuple[str, ...] = ("submitted_date", "adjudicated_date")


def has_adjudication_dates(reader: SnapshotReader) -> bool:
    """Does the snapshot's `fct_claim_lines` carry the claims feed's submitted and adjudicated
    dates? (The mart publishes them from the build that adds them.)"""
    columns = reader.query(f"SELECT * FROM {INTEGRITY_LINES_VIEW} LIMIT 0", tables=(
        INTEGRITY_LINES_VIEW,
    )).columns  # fmt: skip
    return all(c in columns for c in ADJUDICATION_DATE_COLUMNS)


def claims_processing(
    reader: SnapshotReader, selection: IntegrityFilter, with_adjudication_days: bool = False
) -> pd.DataFrame:
    """One row for the selection's county and months: lines by status (`approved_lines`,
    `denied_lines`, `pending_lines`, `voided_lines`), `denial_rate` (% of approved and denied),
    `epsdt_exempt_lines` and `epsdt_exempt_beneficiaries` (approved lines of members under 21
    in a county and delivery system not opted in: BILL-06 counts them apart and does not flag
    them), and with `with_adjudication_days` `median_days_to_adjudication` and
    `mean_days_to_adjudication` (submitted to adjudicated, adjudicated lines)."""
    days = (
        """,
        median(l.adjudicated_date - l.submitted_date) AS median_days_to_adjudication,
        round(avg(l.adjudicated_date - l.submitted_date), 1) AS mean_days_to_adjudication"""
        if with_adjudication_days
        else ""
    )
    sql = f"""
        SELECT
            CAST(count(*) FILTER (WHERE l.claim_status = 'approved') AS BIGINT) AS approved_lines,
            CAST(count(*) FILTER (WHERE l.claim_status = 'denied') AS BIGINT) AS denied_lines,
            CAST(count(*) FILTER (WHERE l.claim_status = 'pending') AS BIGINT) AS pending_lines,
            CAST(count(*) FILTER (WHERE l.claim_status = 'voided') AS BIGINT) AS voided_lines,
            round(100.0 * count(*) FILTER (WHERE l.claim_status = 'denied')
                / nullif(count(*) FILTER (WHERE l.claim_status IN ('approved', 'denied')), 0), 1)
                AS denial_rate,
            CAST(count(*) FILTER (WHERE l.claim_status = 'approved' AND l.epsdt_exempt_opt_in)
                AS BIGINT) AS epsdt_exempt_lines,
            CAST(count(DISTINCT l.beneficiary_key)
                FILTER (WHERE l.claim_status = 'approved' AND l.epsdt_exempt_opt_in) AS BIGINT)
                AS epsdt_exempt_beneficiaries{days}
        FROM {INTEGRITY_LINES_VIEW} AS l
        WHERE {_IN_AREA_AND_MONTHS}
    """
    return _findings_query(reader, sql, selection)


def epsdt_exempt_lines(reader: SnapshotReader, selection: IntegrityFilter) -> pd.DataFrame:
    """BILL-06's EPSDT exemption by county and delivery system: `county_fips`,
    `delivery_system`, `epsdt_exempt_lines`, `beneficiaries`, `approved_amount`; approved lines
    only, most lines first."""
    sql = f"""
        SELECT l.county_fips, l.delivery_system,
            CAST(count(*) AS BIGINT) AS epsdt_exempt_lines,
            CAST(count(DISTINCT l.beneficiary_key) AS BIGINT) AS beneficiaries,
            CAST(coalesce(sum(l.approved_amount), 0) AS DECIMAL(14, 2)) AS approved_amount
        FROM {INTEGRITY_LINES_VIEW} AS l
        WHERE l.claim_status = 'approved' AND l.epsdt_exempt_opt_in AND {_IN_AREA_AND_MONTHS}
        GROUP BY ALL
        ORDER BY epsdt_exempt_lines DESC, l.county_fips, l.delivery_system
    """
    return _findings_query(reader, sql, selection)


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


POLICY_FINDINGS_SHOWN = 500


def policy_findings(
    reader: SnapshotReader,
    table: str,
    first_month: str | None = None,
    last_month: str | None = None,
    limit: int | None = POLICY_FINDINGS_SHOWN,
) -> pd.DataFrame:
    """The certification or supervision findings themselves, newest first (`limit` rows; all
    of them when None: the export)."""
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
        {"" if limit is None else "LIMIT $limit"}
    """
    params: dict[str, Param] = {"first_month": first_month, "last_month": last_month}
    if limit is not None:
        params["limit"] = limit
    return reader.query(sql, params, tables=(table,))
