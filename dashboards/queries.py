"""The SQL behind the pages. Aggregation happens in DuckDB; pandas only receives the result."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboards.snapshot import query

WORKFORCE_TABLE = "fct_workforce_monthly"


def counties(serving_dir: Path, build_id: str) -> pd.DataFrame:
    """One row per county in the workforce mart: `county_fips`, `county_name`, ordered by name."""
    return query(
        serving_dir,
        build_id,
        f"""
        SELECT DISTINCT county_fips, county_name
        FROM {WORKFORCE_TABLE}
        ORDER BY county_name, county_fips
        """,
    )


def workforce_trend(
    serving_dir: Path, build_id: str, county_fips: str | None = None
) -> pd.DataFrame:
    """Monthly `active_certified_peers` and `employed_peers`: statewide sums, or one county's.

    Columns: `month_start`, `active_certified_peers`, `employed_peers`;
    one row per month, oldest first.
    """
    where = "WHERE county_fips = ?" if county_fips is not None else ""
    sql = f"""
        SELECT
            month_start,
            CAST(sum(active_certified_peers) AS BIGINT) AS active_certified_peers,
            CAST(sum(employed_peers) AS BIGINT) AS employed_peers
        FROM {WORKFORCE_TABLE}
        {where}
        GROUP BY month_start
        ORDER BY month_start
    """
    return query(serving_dir, build_id, sql, (county_fips,) if county_fips is not None else ())
