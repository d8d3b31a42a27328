"""The Complaints page's SQL: complaint detail (state analysts, county users) and complaints
per county and quarter (the public table, or the internal aggregate for state analysts).

Conventions as in `shared_queries`: a `SnapshotReader` first, the tables read named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from peerwh.dashboards.access import (
    require_detail_area,
)
from peerwh.dashboards.snapshot import SnapshotReader

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


def complaint_quarters(reader: SnapshotReader) -> list[date]:
    """First days of the quarters with complaints received (public table: every role)."""
    frame = reader.query(
        f"SELECT DISTINCT quarter_start FROM {COMPLAINTS_PUBLIC_TABLE} ORDER BY 1",
        tables=(COMPLAINTS_PUBLIC_TABLE,),
    )
    return [pd.Timestamp(q).date() for q in frame["quarter_start"]]


def complaints_summary(reader: SnapshotReader, selection: ComplaintsFilter) -> pd.DataFrame:
    """One row: the course (received, acknowledged, investigated, resolved, closed, open),
    appeals, and PI-04 timeliness (judged and on time, for acknowledgement and resolution;
    late), with the median days to resolve."""
    require_detail_area(reader.scope, selection.county_fips)
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
    return reader.query(sql, selection.params(), tables=(COMPLAINTS_TABLE,))


def complaints_by_quarter(reader: SnapshotReader, selection: ComplaintsFilter) -> pd.DataFrame:
    """Per quarter received: `quarter_start`, `received`, `acknowledged`, `resolved`, `late`."""
    require_detail_area(reader.scope, selection.county_fips)
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
    return reader.query(sql, selection.params(), tables=(COMPLAINTS_TABLE,))


def complaints_by(
    reader: SnapshotReader,
    selection: ComplaintsFilter,
    dimension: str,
) -> pd.DataFrame:
    """Complaints in `selection` by one of `COMPLAINT_DIMENSIONS`: `category`, `complaints`."""
    require_detail_area(reader.scope, selection.county_fips)
    sql = f"""
        SELECT {COMPLAINT_DIMENSIONS[dimension]} AS category,
            CAST(count(*) AS BIGINT) AS complaints
        FROM {COMPLAINTS_TABLE}
        WHERE {_COMPLAINTS_WHERE}
        GROUP BY ALL
        ORDER BY complaints DESC, category
    """
    return reader.query(sql, selection.params(), tables=(COMPLAINTS_TABLE,))


def late_complaints(reader: SnapshotReader, selection: ComplaintsFilter) -> pd.DataFrame:
    """The PI-04 list: complaints acknowledged or resolved late, oldest received first."""
    require_detail_area(reader.scope, selection.county_fips)
    sql = f"""
        SELECT complaint_id, county_fips, received_date, acknowledged_date,
            business_days_to_acknowledge, resolution_due_date, resolved_date, days_to_resolve,
            late_reasons
        FROM {COMPLAINTS_TABLE}
        WHERE is_late AND {_COMPLAINTS_WHERE}
        ORDER BY received_date, complaint_id
    """
    return reader.query(sql, selection.params(), tables=(COMPLAINTS_TABLE,))


def complaints_by_county(reader: SnapshotReader, start: date, end: date) -> pd.DataFrame:
    """Complaints received per county and quarter from `start` to `end` quarters.

    Columns: `quarter_start`, `county_fips`, `county_name`, `complaints_received` and its
    `_is_suppressed` flag. Every role but state analysts reads the public table as the
    disclosure control published it (suppressed counts NULL and flagged); state analysts read
    the internal aggregate, with `complaints_substantiated` and `substantiated_pct` besides.
    """
    if reader.scope.is_state:
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
    return reader.query(
        sql,
        {"start": start.isoformat(), "end": end.isoformat()},
        tables=(table,),
    )
