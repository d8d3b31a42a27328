"""Publish the marts as a Parquet snapshot that dashboards and evaluators read.

`serving/<build_id>/` gets one Parquet file per mart, the audit summaries and `manifest.json`;
its `public/` folder gets the public outputs (every `reporting` model: suppressed by the
disclosure control and audited before this step may run), the reference tables needed to read
them (metric definitions, policy parameters such as the suppression thresholds), the
disclosure audit's summary, and a `manifest.json` of its own, so that an open-data portal can
take the folder as it is. Only that folder is readable by others than the owner. Then the
pointer file `serving/current` is switched with one atomic `os.replace`, after the snapshot and
the pointer's new content are fsync'ed (and the folder after the switch), so that a crash never
serves a pointer to a snapshot the disk does not hold; folders of publications killed mid-way
(`.<build_id>.partial`) are removed by the next one. Raw, staging and
quarantine tables are never exported, and a column that a contract classifies as PII stops the
publication.

A table whose content did not change since the current snapshot (same columns, types, row
count and order-free hash of its rows, recorded as `fingerprint` in the manifest) is not written
again: its file is a hard link to the current snapshot's, so a daily delivery rewrites only the
tables it changed, and pruning an old build never removes a file a newer one still links.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from peerwh.contracts import load_contracts
from peerwh.permissions import make_world_readable

PUBLISHED_SCHEMAS = ("marts", "reporting")
PUBLIC_SCHEMA = "reporting"
PUBLIC_FOLDER = "public"
PUBLISHED_AUDIT_TABLES = (
    "check_results",
    "ingest_files",
    "source_freshness",
    "disclosure_summary",
)
PUBLIC_AUDIT_TABLES = ("disclosure_summary",)
# Seeds (schema `reference`) the dashboards read: metric definitions for the waiver metrics page,
# the policy parameters from which the query layer takes the RPT-03 suppression thresholds, the
# peer taxonomy's HCPCS codes (BILL-02: other codes are flagged on the Utilization page) and the
# counties' benefit opt-in dates by delivery system (BILL-06, the opt-in map). Reference data,
# no counts: public.
PUBLISHED_REFERENCE_TABLES = (
    "waiver_metrics_catalog",
    "policy_parameters",
    "hcpcs_codes",
    "county_opt_in",
)
BUILDS_KEPT = 5
# Dashboards filter by county and then by month. Writing each county's rows together, in small
# row groups, lets DuckDB skip the row groups of other counties by their min/max statistics
# (a county's utilization detail at medium scale: 0.66 s -> 0.10 s).
SORT_COLUMNS = ("county_fips", "service_month", "month_start")
ROW_GROUP_SIZE = 20_000


PUBLIC_ABOUT = (
    "Public outputs of the Medi-Cal Peer Support Specialist program warehouse (RPT-01..03): "
    "counts from 1 to 10, and the complementary cells that keep them from being worked back "
    "from all these tables together, are empty (their *_is_suppressed flag is true). The "
    "suppression passed the disclosure audit summarised in audit__disclosure_summary."
)


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


@dataclass(frozen=True)
class PublishedTable:
    schema: str
    table: str
    stem: str  # the file and table name in the snapshot
    public: bool  # in the snapshot's public/ folder


def _published_tables(con: duckdb.DuckDBPyConnection) -> list[PublishedTable]:
    """Every relation the snapshot carries."""
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in (select unnest(?)) order by 1, 2",
        [list(PUBLISHED_SCHEMAS)],
    ).fetchall()
    tables = [PublishedTable(schema, name, name, schema == PUBLIC_SCHEMA) for schema, name in rows]
    tables += [
        PublishedTable("audit", name, f"audit__{name}", name in PUBLIC_AUDIT_TABLES)
        for name in PUBLISHED_AUDIT_TABLES
        if _exists(con, "audit", name)
    ]
    tables += [PublishedTable("reference", name, name, True) for name in PUBLISHED_REFERENCE_TABLES]
    return tables


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    )


def _fingerprint(con: duckdb.DuckDBPyConnection, source: str, schema: str, table: str) -> str:
    """Content of a table, whatever its row order: column names and types, rows, row hashes."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    # A sum, not a XOR: two equal rows must not cancel out.
    total, rows = con.execute(
        f"select coalesce(sum(hash(t)::hugeint), 0), count(*) from {source} as t"
    ).fetchall()[0]
    return hashlib.sha256(json.dumps([columns, str(total), rows]).encode()).hexdigest()


def _previous_files(serving_dir: Path) -> dict[str, tuple[str, Path, int]]:
    """Table stem -> (fingerprint, file, rows) in the current snapshot, where it has them."""
    build_id = current_build_id(serving_dir)
    manifest = serving_dir / str(build_id) / "manifest.json"
    if build_id is None or not manifest.is_file():
        return {}
    tables = json.loads(manifest.read_text())["tables"]
    return {
        stem: (
            entry["fingerprint"],
            manifest.parent / entry["folder"] / entry["file"],
            entry["rows"],
        )
        for stem, entry in tables.items()
        if "fingerprint" in entry
    }


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not supported
        shutil.copy2(source, target)


def _pii_columns() -> set[str]:
    return {c for contract in load_contracts().values() for c in contract.pii_columns}


def publish(
    con: duckdb.DuckDBPyConnection, serving_dir: Path, now: dt.datetime | None = None
) -> Snapshot:
    now = now or dt.datetime.now(dt.UTC)
    build_id = now.strftime("%Y%m%dT%H%M%S%fZ")
    target = serving_dir / build_id
    staging = serving_dir / f".{build_id}.partial"
    # Folders of publications killed mid-way (signal 9 leaves no `except` to clean up); only
    # one run publishes at a time (peerwh.runlock), so none of them is being written now.
    for leftover in serving_dir.glob(".*.partial") if serving_dir.is_dir() else ():
        shutil.rmtree(leftover, ignore_errors=True)
    staging.mkdir(parents=True, exist_ok=False)
    (staging / PUBLIC_FOLDER).mkdir()
    forbidden = _pii_columns()
    previous = _previous_files(serving_dir)
    counts: dict[str, int] = {}
    manifest_tables: dict[str, dict[str, object]] = {}
    try:
        for table in _published_tables(con):
            source = f"{table.schema}.{table.table}"
            columns = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [table.schema, table.table],
                ).fetchall()
            ]
            leaked = sorted(set(columns) & forbidden)
            if leaked:
                raise PublishError(f"{source} carries PII column(s) {leaked}")
            folder = PUBLIC_FOLDER if table.public else ""
            path = staging / folder / f"{table.stem}.parquet"
            fingerprint = _fingerprint(con, source, table.schema, table.table)
            unchanged = previous.get(table.stem)
            if unchanged and unchanged[0] == fingerprint and unchanged[1].is_file():
                _link_or_copy(unchanged[1], path)
                counts[table.stem] = unchanged[2]
            else:
                order = [c for c in SORT_COLUMNS if c in columns]
                ordered = f" order by {', '.join(order)}" if order else ""
                con.execute(
                    f"copy (select * from {source}{ordered}) to '{path}' "
                    f"(format parquet, compression zstd, row_group_size {ROW_GROUP_SIZE})"
                )
                counts[table.stem] = con.execute(f"select count(*) from {source}").fetchall()[0][0]
            manifest_tables[table.stem] = {
                "file": path.name,
                "folder": folder,
                "rows": counts[table.stem],
                "source": source,
                "columns": columns,
                "fingerprint": fingerprint,
            }
        manifest = {"build_id": build_id, "created_at": now.isoformat(), "tables": manifest_tables}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2))
        public = {
            **manifest,
            "tables": {
                name: {key: value for key, value in entry.items() if key != "folder"}
                for name, entry in manifest_tables.items()
                if entry["folder"] == PUBLIC_FOLDER
            },
            "about": PUBLIC_ABOUT,
        }
        (staging / PUBLIC_FOLDER / "manifest.json").write_text(json.dumps(public, indent=2))
        _sync_tree(staging)
        staging.rename(target)
        make_world_readable(target / PUBLIC_FOLDER, serving_dir.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # Durable before it is served: the snapshot's files and folders are on disk (above), then
    # the new pointer's content, then the rename that switches it.
    pointer = serving_dir / "current.tmp"
    with pointer.open("w") as handle:
        handle.write(build_id)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, serving_dir / "current")
    _sync(serving_dir)
    _prune(serving_dir, keep=build_id)
    return Snapshot(build_id, target, counts)


def _sync(path: Path) -> None:
    """fsync a file or folder (a folder's entries: names created or renamed in it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        _sync(path)
    _sync(root)
    _sync(root.parent)


def _prune(serving_dir: Path, keep: str) -> None:
    builds = sorted(p for p in serving_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in builds[:-BUILDS_KEPT]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
