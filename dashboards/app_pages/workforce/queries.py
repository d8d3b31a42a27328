"""The Peer workforce page's SQL: monthly detail and rates, the certification pipeline,
certification counts and renewals due, and the county maps.

Conventions as in `shared_queries`: a `SnapshotReader` first, the tables read named.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from peerwh.dashboards.access import (
    PEER_ROSTER_VIEW,
    AccessDenied,
    Role,
    Scope,
    require_county_detail,
)
from peerwh.dashboards.shared_queries import (
    PUBLIC_COUNTY_NAMES_TABLE,
    WAIVER_METRICS_TABLE,
    WORKFORCE_DETAIL_MEASURES,
    WORKFORCE_TABLE,
    workforce_months,
)
from peerwh.dashboards.snapshot import Param, SnapshotReader

PIPELINE_TABLE = "fct_certification_pipeline"
PEER_CERTIFICATION_TABLE = "fct_peer_certification_by_county"
RENEWAL_WINDOWS_DAYS: tuple[int, ...] = (30, 60, 90)
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


def workforce_detail(reader: SnapshotReader, county_fips: str | None = None) -> pd.DataFrame:
    """Monthly `WORKFORCE_DETAIL_MEASURES` and `WORKFORCE_RATES`, statewide or a county.

    One row per month, oldest first; each measure and rate has `<name>_is_suppressed`, and a
    rate of a suppressed figure is suppressed. Sources as in `workforce_months`.
    """
    months = workforce_months(reader.scope, county_fips)
    measures = ", ".join(WORKFORCE_DETAIL_MEASURES)
    flags = ", ".join(f"{m}_is_suppressed" for m in WORKFORCE_DETAIL_MEASURES)
    sql = f"""
        WITH monthly AS ({months.sql})
        SELECT month_start, {measures}, {flags}, {_RATES_SQL}
        FROM monthly
        ORDER BY month_start
    """
    return reader.query(sql, months.params, tables=(months.table,))


# The funnel follows the standard pathway (CERT-03): only it requires the 80-hour training
# before the exam. Grandparent and reciprocity applicants (CERT-08, CERT-09) pass the exam
# without it, so counted over every pathway "exam passed" overtook "training completed".
# Each stage counts the applications that reached it and every stage before it, so the
# funnel is monotone by construction; `certification_pathways` shows every pathway.
_STANDARD = "pathway = 'standard'"
_REACHED = {
    "trained": "trained_on IS NOT NULL",
    "exam_passed": "trained_on IS NOT NULL AND exam_passed_on IS NOT NULL",
    "certified": (
        "trained_on IS NOT NULL AND exam_passed_on IS NOT NULL AND certified_on IS NOT NULL"
    ),
}


def certification_pipeline(reader: SnapshotReader, county_fips: str | None = None) -> pd.DataFrame:
    """One row: the standard-pathway funnel, the exam pass rate and median days between stages.

    Columns: `applications`, `trained`, `exam_passed`, `certified` (standard-pathway
    applications reaching the stage and every stage before it: each a subset of the one
    before), `all_applications` (every pathway), `exam_attempts`, `exams_passed`,
    `exam_pass_rate` (passed / attempts, every pathway), and `median_days_*` for application →
    training → exam passed → certified and application → certified. Statewide for state
    analysts only; a county for who may see it.
    """
    _require_detail(reader.scope, county_fips, "certification pipeline detail")
    stages = ",\n            ".join(
        f"CAST(count(*) FILTER (WHERE {_STANDARD} AND {reached}) AS BIGINT) AS {stage}"
        for stage, reached in _REACHED.items()
    )
    sql = f"""
        SELECT
            CAST(count(*) FILTER (WHERE {_STANDARD}) AS BIGINT) AS applications,
            {stages},
            CAST(count(*) AS BIGINT) AS all_applications,
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
    return reader.query(sql, {"county": county_fips}, tables=(PIPELINE_TABLE,))


def certification_pathways(reader: SnapshotReader, county_fips: str | None = None) -> pd.DataFrame:
    """Per pathway: `pathway`, `applications`, `trained`, `exam_passed`, `certified` (each stage
    reached, whatever the others), most applications first. Scope as the pipeline's."""
    _require_detail(reader.scope, county_fips, "certification pipeline detail")
    sql = f"""
        SELECT pathway, CAST(count(*) AS BIGINT) AS applications,
            CAST(count(trained_on) AS BIGINT) AS trained,
            CAST(count(exam_passed_on) AS BIGINT) AS exam_passed,
            CAST(count(certified_on) AS BIGINT) AS certified
        FROM {PIPELINE_TABLE}
        WHERE $county IS NULL OR county_fips = $county
        GROUP BY pathway
        ORDER BY applications DESC, pathway
    """
    return reader.query(sql, {"county": county_fips}, tables=(PIPELINE_TABLE,))


def peer_certification_counts(
    reader: SnapshotReader,
    breakdown: str,
    county_fips: str | None = None,
) -> pd.DataFrame:
    """Peers on the as-of date by `category` of one `breakdown` of the county aggregate.

    Columns: `as_of_date`, `category`, `peers`, sorted by category. Breakdowns:
    `renewal_due_within_days`, `specialization_of_active_peers`, `current_status`. Statewide for
    state analysts only; a county for who may see it.
    """
    _require_detail(reader.scope, county_fips, "certification detail")
    sql = f"""
        SELECT max(as_of_date) AS as_of_date, category, CAST(sum(peers) AS BIGINT) AS peers
        FROM {PEER_CERTIFICATION_TABLE}
        WHERE breakdown = $breakdown AND ($county IS NULL OR county_fips = $county)
        GROUP BY category
        ORDER BY category
    """
    return reader.query(
        sql,
        {"breakdown": breakdown, "county": county_fips},
        tables=(PEER_CERTIFICATION_TABLE,),
    )


def renewals_due(reader: SnapshotReader, county_fips: str | None = None) -> pd.DataFrame:
    """Active peers whose certification expires within 30, 60, 90 days of the snapshot's as-of
    date: `window_days`, `peers`, `as_of_date`, one row per window in `RENEWAL_WINDOWS_DAYS`."""
    counts = peer_certification_counts(reader, "renewal_due_within_days", county_fips)
    counts["window_days"] = counts["category"].astype(int)
    return (
        counts.loc[counts["window_days"].isin(RENEWAL_WINDOWS_DAYS)]
        .sort_values("window_days")
        .loc[:, ["window_days", "peers", "as_of_date"]]
        .reset_index(drop=True)
    )


def renewal_roster(
    reader: SnapshotReader, county_fips: str, within_days: int = max(RENEWAL_WINDOWS_DAYS)
) -> pd.DataFrame:
    """A county's own active peers whose certification expires within `within_days` of the
    as-of date (the latest certification extract), soonest first: `certification_number`,
    `certificant_id`, `current_expiration_date`, `days_to_expiration`, `specializations`,
    `county_fips`, `as_of_date`. The peers counted by `renewals_due` (CERT-04, CERT-05);
    refused unless the scope may see the county's detail."""
    require_county_detail(reader.scope, county_fips)
    sql = f"""
        SELECT certification_number, certificant_id, current_expiration_date,
            CAST(current_expiration_date - as_of_date AS INTEGER) AS days_to_expiration,
            specializations, county_fips, as_of_date
        FROM {PEER_ROSTER_VIEW}
        WHERE county_fips = $county AND current_status = 'active'
            AND current_expiration_date >= as_of_date
            AND current_expiration_date <= as_of_date + CAST($days AS INTEGER)
        ORDER BY current_expiration_date, certification_number
    """
    return reader.query(
        sql, {"county": county_fips, "days": within_days}, tables=(PEER_ROSTER_VIEW,)
    )


# The county map's public metrics: active certified peers (WF-01's numerator) and peers per
# 100,000 Medi-Cal members (WF-03), counted over a quarter or a year by county.
MAP_METRICS: dict[str, str] = {"active_certified_peers": "WF-01", "peers_per_100k_members": "WF-03"}
MAP_PERIOD_METRIC = "WF-01"
_MAP_COLUMNS = """county_fips, county_name, active_certified_peers,
    active_certified_peers_is_suppressed, peers_per_100k_members,
    peers_per_100k_members_is_suppressed, detail_month"""


def county_map(reader: SnapshotReader) -> pd.DataFrame:
    """A state analyst's map: every county in the latest month of the mart with Medi-Cal
    members on record (the map opens on a rate of them; eligibility arrives later than the
    other feeds, so the very last months may have none yet), unsuppressed.

    Columns: `month_start`, `_MAP_COLUMNS` (flags false, `detail_month` the month).
    """
    if not reader.scope.is_state:
        raise AccessDenied("The monthly county map is for state analysts; see public_county_map.")
    sql = f"""
        SELECT month_start, county_fips, county_name,
            CAST(active_certified_peers AS BIGINT) AS active_certified_peers,
            false AS active_certified_peers_is_suppressed,
            CAST({PER_100K_MEMBERS} AS DOUBLE) AS peers_per_100k_members,
            false AS peers_per_100k_members_is_suppressed, month_start AS detail_month
        FROM {WORKFORCE_TABLE}
        WHERE month_start = (
            SELECT coalesce(
                max(month_start) FILTER (WHERE medi_cal_members > 0), max(month_start)
            )
            FROM {WORKFORCE_TABLE}
        )
        ORDER BY county_fips
    """
    return reader.query(sql, tables=(WORKFORCE_TABLE,))


def public_county_map(reader: SnapshotReader, period_type: str, period_start: date) -> pd.DataFrame:
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
    if reader.scope.role is Role.COUNTY:
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
        params["county"] = reader.scope.county_fips
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
    return reader.query(sql, params, tables=tables)


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
