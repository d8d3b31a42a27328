"""Read the current serving snapshot: `serving/current` names a build; `serving/<build>/` holds it.

Every query opens its own in-memory DuckDB connection, exposes the snapshot's tables as views over
their Parquet files, runs, and closes. Connections are never shared (DuckDB connections are not
thread-safe), and the warehouse DuckDB file is never opened, so a running pipeline and a dashboard
cannot block each other. Results are cached with `st.cache_data`, keyed on the build id, so a newly
published snapshot is picked up on the next rerun without clearing any cache.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

POINTER_FILE = "current"
MANIFEST_FILE = "manifest.json"

_BUILD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:+-]*")
_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

Param = str | int | float | bool | None


class SnapshotError(RuntimeError):
    """The pointer names a snapshot that is missing or malformed."""


@dataclass(frozen=True)
class TableFile:
    file: str
    rows: int


@dataclass(frozen=True)
class Manifest:
    build_id: str
    created_at: str
    tables: dict[str, TableFile]

    def created_at_display(self) -> str:
        """`created_at` as "YYYY-MM-DD HH:MM TZ" when it parses as ISO 8601, else unchanged."""
        try:
            moment = datetime.fromisoformat(self.created_at)
        except ValueError:
            return self.created_at
        return moment.strftime("%Y-%m-%d %H:%M %Z").strip()


def current_build_id(serving_dir: Path) -> str | None:
    """The build id in `serving/current`, or None when nothing has been published yet."""
    try:
        build_id = (serving_dir / POINTER_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not build_id:
        return None
    if not _BUILD_ID.fullmatch(build_id):
        raise SnapshotError(f"{serving_dir / POINTER_FILE} holds an invalid build id: {build_id!r}")
    return build_id


def snapshot_dir(serving_dir: Path, build_id: str) -> Path:
    if not _BUILD_ID.fullmatch(build_id):
        raise SnapshotError(f"invalid build id: {build_id!r}")
    return serving_dir / build_id


def read_manifest(serving_dir: Path, build_id: str) -> Manifest:
    path = snapshot_dir(serving_dir, build_id) / MANIFEST_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        tables = {
            name: TableFile(file=str(entry["file"]), rows=int(entry["rows"]))
            for name, entry in raw["tables"].items()
        }
        manifest = Manifest(
            build_id=str(raw["build_id"]),
            created_at=str(raw["created_at"]),
            tables=tables,
        )
    except FileNotFoundError as exc:
        raise SnapshotError(f"snapshot {build_id!r} has no manifest at {path}") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SnapshotError(f"malformed manifest {path}: {exc}") from exc
    for name, table in tables.items():
        if not _TABLE_NAME.fullmatch(name) or Path(table.file).name != table.file:
            raise SnapshotError(f"manifest {path} lists an unsafe table entry: {name!r}")
    return manifest


def run_query(
    serving_dir: Path, build_id: str, sql: str, params: Sequence[Param] = ()
) -> pd.DataFrame:
    """Run `sql` against the snapshot's tables (referenced by their manifest names). Uncached."""
    folder = snapshot_dir(serving_dir, build_id)
    manifest = read_manifest(serving_dir, build_id)
    with duckdb.connect(":memory:") as con:
        for name, table in manifest.tables.items():
            parquet = str(folder / table.file).replace("'", "''")
            con.execute(f"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{parquet}')")
        return con.execute(sql, list(params)).df()


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_query(
    serving_dir: str, build_id: str, sql: str, params: tuple[Param, ...]
) -> pd.DataFrame:
    return run_query(Path(serving_dir), build_id, sql, params)


def query(serving_dir: Path, build_id: str, sql: str, params: Sequence[Param] = ()) -> pd.DataFrame:
    """`run_query`, cached per (serving dir, build id, sql, params)."""
    return _cached_query(str(serving_dir), build_id, sql, tuple(params))
