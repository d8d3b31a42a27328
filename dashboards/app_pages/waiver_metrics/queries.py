"""The Waiver metrics page's SQL: the published, suppressed `rpt_waiver_metrics` and the
metric definitions (every role).

Conventions as in `shared_queries`: a `SnapshotReader` first, the tables read named.
"""

from __future__ import annotations

import pandas as pd

from peerwh.dashboards.access import (
    WAIVER_METRICS_CATALOG_TABLE,
)
from peerwh.dashboards.shared_queries import (
    PUBLIC_COUNTY_NAMES_TABLE,
    WAIVER_METRICS_TABLE,
)
from peerwh.dashboards.snapshot import SnapshotReader

POLICY_PARAMETERS_TABLE = "policy_parameters"

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


def waiver_metrics_catalog(reader: SnapshotReader) -> pd.DataFrame:
    """The metric definitions (the `waiver_metrics_catalog` seed) of the published metrics."""
    sql = f"""
        SELECT c.metric_id, c.metric_name, c.definition, c.numerator, c.denominator, c.unit,
            c.baseline_period, c.rule_ids, c.source_model
        FROM {WAIVER_METRICS_CATALOG_TABLE} AS c
        WHERE c.metric_id IN (SELECT DISTINCT metric_id FROM {WAIVER_METRICS_TABLE})
        ORDER BY c.metric_id
    """
    return reader.query(
        sql,
        tables=(WAIVER_METRICS_CATALOG_TABLE, WAIVER_METRICS_TABLE),
    )


def waiver_metric_cells(reader: SnapshotReader, metric_id: str) -> pd.DataFrame:
    """The (period type, geography level, geography code, stratum) combinations of a metric.

    Columns `period_type`, `geography_level`, `geography_code`, `stratum_name`; for the pickers.
    """
    sql = f"""
        SELECT DISTINCT period_type, geography_level, geography_code, stratum_name
        FROM {WAIVER_METRICS_TABLE}
        WHERE metric_id = $metric
        ORDER BY ALL
    """
    return reader.query(sql, {"metric": metric_id}, tables=(WAIVER_METRICS_TABLE,))


def waiver_metric_rows(
    reader: SnapshotReader,
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
    return reader.query(
        sql,
        params,
        tables=(WAIVER_METRICS_TABLE, WAIVER_METRICS_CATALOG_TABLE),
    )


def all_waiver_metrics(reader: SnapshotReader) -> pd.DataFrame:
    """Every row of the published `rpt_waiver_metrics` (the evaluator extract's input)."""
    return reader.query(
        f"SELECT * FROM {WAIVER_METRICS_TABLE} ORDER BY ALL", tables=(WAIVER_METRICS_TABLE,)
    )


def full_catalog(reader: SnapshotReader) -> pd.DataFrame:
    """Every column of the metric catalog (the extract's metric sheet and baselines)."""
    return reader.query(
        f"SELECT * FROM {WAIVER_METRICS_CATALOG_TABLE} ORDER BY metric_id",
        tables=(WAIVER_METRICS_CATALOG_TABLE,),
    )


def policy_parameters(reader: SnapshotReader) -> pd.DataFrame:
    """The published policy parameters: demonstration-year numbering, suppression thresholds."""
    return reader.query(
        f"SELECT parameter_name, value_numeric, value_date FROM {POLICY_PARAMETERS_TABLE}",
        tables=(POLICY_PARAMETERS_TABLE,),
    )


def county_names(reader: SnapshotReader) -> dict[str, str]:
    """County FIPS -> name, from a public table (every role may read it)."""
    names = reader.query(
        f"SELECT DISTINCT county_fips, county_name FROM {PUBLIC_COUNTY_NAMES_TABLE}",
        tables=(PUBLIC_COUNTY_NAMES_TABLE,),
    )
    return dict(zip(names["county_fips"], names["county_name"], strict=True))
