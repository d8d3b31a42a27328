"""Publish the marts as a Parquet snapshot that dashboards and evaluators read.

`serving/<build_id>/` gets one Parquet file per mart and reporting model, the audit summaries,
the reference tables the dashboards show (metric definitions, policy parameters such as the
suppression thresholds), and `manifest.json`; then the pointer file `serving/current` is
switched with one atomic `os.replace`. Raw, staging and quarantine tables are never exported,
and a column that a contract classifies as PII stops the publication.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.contracts import load_contracts

PUBLISHED_SCHEMAS = ("marts", "reporting")
PUBLISHED_AUDIT_TABLES = ("check_results", "ingest_files")
# Seeds (schema `reference`) the dashboards read: metric definitions for the waiver metrics page,
# and the policy parameters from which the query layer takes the RPT-03 suppression thresholds.
PUBLISHED_REFERENCE_TABLES = ("waiver_metrics_catalog", "policy_parameters")
BUILDS_KEPT = 5
# Dashboards filter by county and then by month. Writing each county's rows together, in small
# row groups, lets DuckDB skip the row groups of other counties by their min/max statistics
# (a county's utilization detail at medium scale: 0.66 s -> 0.10 s).
SORT_COLUMNS = ("county_fips", "service_month", "month_start")
ROW_GROUP_SIZE = 20_000


class PublishError(RuntimeError):
    """The snapshot would break a publication rule; nothing was switched."""


@dataclass(frozen=True)
class Snapshot:
    build_id: str
    path: Path
    tables: dict[str, int]


def current_build_id(serving_dir: Path) -> str | None:
    pointer = serving_dir / "current"
    return pointer.read_text().strip() if pointer.exists() else None


def _published_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(schema, table, file stem) of every relation the snapshot carries."""
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in (select unnest(?)) order by 1, 2",
        [list(PUBLISHED_SCHEMAS)],
    ).fetchall()
    tables = [(schema, name, name) for schema, name in rows]
    tables += [("audit", name, f"audit__{name}") for name in PUBLISHED_AUDIT_TABLES]
    tables += [("reference", name, name) for name in PUBLISHED_REFERENCE_TABLES]
    return tables


def _pii_columns() -> set[str]:
    return {c for contract in load_contracts().values() for c in contract.pii_columns}


def publish(
    con: duckdb.DuckDBPyConnection, serving_dir: Path, now: dt.datetime | None = None
) -> Snapshot:
    now = now or dt.datetime.now(dt.UTC)
    build_id = now.strftime("%Y%m%dT%H%M%S%fZ")
    target = serving_dir / build_id
    staging = serving_dir / f".{build_id}.partial"
    staging.mkdir(parents=True, exist_ok=False)
    forbidden = _pii_columns()
    counts: dict[str, int] = {}
    manifest_tables: dict[str, dict[str, object]] = {}
    try:
        for schema, table, stem in _published_tables(con):
            columns = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
            ]
            leaked = sorted(set(columns) & forbidden)
            if leaked:
                raise PublishError(f"{schema}.{table} carries PII column(s) {leaked}")
            path = staging / f"{stem}.parquet"
            order = [c for c in SORT_COLUMNS if c in columns]
            ordered = f" order by {', '.join(order)}" if order else ""
            con.execute(
                f"copy (select * from {schema}.{table}{ordered}) to '{path}' "
                f"(format parquet, compression zstd, row_group_size {ROW_GROUP_SIZE})"
            )
            counts[stem] = con.execute(f"select count(*) from {schema}.{table}").fetchall()[0][0]
            manifest_tables[stem] = {
                "file": path.name,
                "rows": counts[stem],
                "source": f"{schema}.{table}",
                "columns": columns,
            }
        manifest = {
            "build_id": build_id,
            "created_at": now.isoformat(),
            "tables": manifest_tables,
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2))
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    pointer = serving_dir / "current.tmp"
    pointer.write_text(build_id)
    os.replace(pointer, serving_dir / "current")
    _prune(serving_dir, keep=build_id)
    return Snapshot(build_id, target, counts)


def _prune(serving_dir: Path, keep: str) -> None:
    builds = sorted(p for p in serving_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in builds[:-BUILDS_KEPT]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
