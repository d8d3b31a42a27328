"""The Utilization page's SQL: approved services (detail, for state analysts and county
users) and the public utilization metrics (every role).

Conventions as in `shared_queries`: a `SnapshotReader` first, the tables read named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from peerwh.dashboards.access import (
    CLAIM_SERVICES_VIEW,
    require_detail_area,
)
from peerwh.dashboards.shared_queries import (
    PUBLIC_COUNTY_NAMES_TABLE,
    WAIVER_METRICS_TABLE,
)
from peerwh.dashboards.snapshot import SnapshotReader

UTILIZATION_TABLE = "fct_utilization_monthly"
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


def service_months(reader: SnapshotReader) -> list[date]:
    """Months with approved services the scope may see in detail, oldest first."""
    require_detail_area(reader.scope, reader.scope.county_fips)
    frame = reader.query(
        f"SELECT DISTINCT service_month FROM {CLAIM_SERVICES_VIEW} ORDER BY service_month",
        tables=(CLAIM_SERVICES_VIEW,),
    )
    return [pd.Timestamp(m).date() for m in frame["service_month"]]


def delivery_systems(reader: SnapshotReader) -> list[str]:
    require_detail_area(reader.scope, reader.scope.county_fips)
    frame = reader.query(
        f"SELECT DISTINCT delivery_system FROM {CLAIM_SERVICES_VIEW} ORDER BY 1",
        tables=(CLAIM_SERVICES_VIEW,),
    )
    return [str(d) for d in frame["delivery_system"]]


def utilization_summary(reader: SnapshotReader, selection: UtilizationFilter) -> pd.DataFrame:
    """One row: `beneficiaries_served` and `under_21_served` (distinct over the range),
    `services`, `collateral_services`, `units` of the approved lines in `selection`."""
    require_detail_area(reader.scope, selection.county_fips)
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
    return reader.query(sql, selection.params(), tables=(CLAIM_SERVICES_VIEW,))


def utilization_breakdowns(
    reader: SnapshotReader,
    selection: UtilizationFilter,
    dimensions: tuple[str, ...],
) -> pd.DataFrame:
    """Approved services in `selection` by each of `dimensions` (keys of
    `UTILIZATION_DIMENSIONS`), in one query: the page's charts share one scan.

    Columns: `dimension`, `category` (text), `beneficiaries_served` (distinct within the category
    over the range), `services`, `collateral_services`, `collateral_share` (fraction); by
    dimension in the order given, then category.
    """
    require_detail_area(reader.scope, selection.county_fips)
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
    return reader.query(sql, selection.params(), tables=(CLAIM_SERVICES_VIEW,))


def utilization_by(
    reader: SnapshotReader,
    selection: UtilizationFilter,
    dimension: str,
) -> pd.DataFrame:
    """`utilization_breakdowns` of one dimension, without the `dimension` column."""
    frame = utilization_breakdowns(reader, selection, (dimension,))
    return frame.drop(columns="dimension").reset_index(drop=True)


def utilization_by_county(reader: SnapshotReader, selection: UtilizationFilter) -> pd.DataFrame:
    """Per county in the scope: `county_fips`, `county_name`, `services`, `units`,
    `service_minutes`, `approved_amount`, `collateral_services` (sums of the monthly mart)."""
    require_detail_area(reader.scope, selection.county_fips)
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
    return reader.query(
        sql,
        selection.params(),
        tables=(UTILIZATION_TABLE, PUBLIC_COUNTY_NAMES_TABLE),
    )


def penetration_by_county(
    reader: SnapshotReader, period_type: str, period_start: date
) -> pd.DataFrame:
    """UT-02 per county from the public metrics (suppressed for every role, RPT-03).

    Columns: `county_fips`, `county_name`, `beneficiaries_served` (numerator),
    `member_months` (denominator: certified eligible member months of the period),
    `penetration_per_1000` (per 1,000 average monthly members), their `*_is_suppressed` flags;
    by county name.
    """
    sql = f"""
        WITH names AS (
            SELECT DISTINCT county_fips, county_name FROM {PUBLIC_COUNTY_NAMES_TABLE}
        )
        SELECT m.geography_code AS county_fips,
            coalesce(names.county_name, m.geography_code) AS county_name,
            m.numerator AS beneficiaries_served,
            m.numerator_is_suppressed AS beneficiaries_served_is_suppressed,
            m.denominator AS member_months,
            m.denominator_is_suppressed AS member_months_is_suppressed,
            CAST(m.rate AS DOUBLE) AS penetration_per_1000,
            m.is_suppressed AS penetration_per_1000_is_suppressed
        FROM {WAIVER_METRICS_TABLE} AS m
        LEFT JOIN names ON names.county_fips = m.geography_code
        WHERE m.metric_id = 'UT-02' AND m.period_type = $period_type
            AND m.period_start = CAST($period_start AS DATE)
            AND m.geography_level = 'county' AND m.stratum_name = 'all'
        ORDER BY county_name
    """
    return reader.query(
        sql,
        {"period_type": period_type, "period_start": period_start.isoformat()},
        tables=(WAIVER_METRICS_TABLE, PUBLIC_COUNTY_NAMES_TABLE),
    )


def public_utilization_metrics(
    reader: SnapshotReader,
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
    return reader.query(
        sql,
        {
            "period_type": period_type,
            "period_start": period_start.isoformat(),
            "geography": geography_code,
        },
        tables=(WAIVER_METRICS_TABLE,),
    )


# --- reference: the peer taxonomy (BILL-02) and the benefit opt-in (BILL-06) ---------------------

HCPCS_CODES_TABLE = "hcpcs_codes"
COUNTY_OPT_IN_TABLE = "county_opt_in"


def peer_hcpcs_codes(reader: SnapshotReader) -> dict[str, str]:
    """The peer taxonomy's codes (BILL-02) -> description, from the published seed; any other
    code on a peer line is a finding. Every role (reference data)."""
    frame = reader.query(
        f"SELECT code, description FROM {HCPCS_CODES_TABLE} ORDER BY code",
        tables=(HCPCS_CODES_TABLE,),
    )
    return dict(zip(frame["code"].astype(str), frame["description"].astype(str), strict=True))


def county_opt_in(reader: SnapshotReader, as_of: date) -> pd.DataFrame:
    """Every county × delivery system (those of the seed) on `as_of`: `county_fips`,
    `county_name`, `delivery_system`, `effective_date` (NULL: never opted in), `opted_in`
    (opted in on or before `as_of`, BILL-06). Reference data: every role."""
    sql = f"""
        WITH names AS (
            SELECT DISTINCT county_fips, county_name FROM {PUBLIC_COUNTY_NAMES_TABLE}
        ),
        systems AS (SELECT DISTINCT delivery_system FROM {COUNTY_OPT_IN_TABLE})
        SELECT names.county_fips, names.county_name, systems.delivery_system,
            CAST(o.effective_date AS DATE) AS effective_date,
            coalesce(o.effective_date <= CAST($as_of AS DATE), false) AS opted_in
        FROM names
        CROSS JOIN systems
        LEFT JOIN {COUNTY_OPT_IN_TABLE} AS o
            ON o.county_fips = names.county_fips AND o.delivery_system = systems.delivery_system
        ORDER BY systems.delivery_system, names.county_name
    """
    return reader.query(
        sql,
        {"as_of": as_of.isoformat()},
        tables=(PUBLIC_COUNTY_NAMES_TABLE, COUNTY_OPT_IN_TABLE),
    )
