"""Read the current serving snapshot: `serving/current` names a build; `serving/<build>/` holds it.

Every query opens its own in-memory DuckDB connection, exposes the snapshot's tables as views over
their Parquet files, runs, and closes. Connections are never shared (DuckDB connections are not
thread-safe), and the warehouse DuckDB file is never opened, so a running pipeline and a dashboard
cannot block each other. The views are those of the reader's `Scope` (`access.scoped_views`):
a table outside the scope is simply not there, and a county user's view of a county-keyed table
holds only its own county's rows. Results are cached with `st.cache_data`, keyed on the build id
and the scope, so a newly published snapshot is picked up on the next rerun without clearing any
cache, and no scope is ever served another's cached rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from peerwh.dashboards.access import Role, Scope, require, scoped_views

POINTER_FILE = "current"
MANIFEST_FILE = "manifest.json"

_BUILD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:+-]*")
_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

Param = str | int | float | bool | None
Params = Sequence[Param] | Mapping[str, Param]


class SnapshotError(RuntimeError):
    """The pointer names a snapshot that is missing or malformed."""


PUBLIC_FOLDER = "public"


@dataclass(frozen=True)
class TableFile:
    file: str
    rows: int
    folder: str = ""  # "public": the snapshot's folder of public, suppressed outputs

    @property
    def is_public(self) -> bool:
        return self.folder == PUBLIC_FOLDER

    def path(self, snapshot: Path) -> Path:
        return snapshot / self.folder / self.file


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

    def public_tables(self) -> frozenset[str]:
        """The tables of the public folder: what every role may read (`access.readable`)."""
        return frozenset(name for name, table in self.tables.items() if table.is_public)


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
            name: TableFile(
                file=str(entry["file"]),
                rows=int(entry["rows"]),
                folder=str(entry.get("folder", "")),
            )
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
        unsafe = Path(table.file).name != table.file or table.folder not in ("", PUBLIC_FOLDER)
        if not _TABLE_NAME.fullmatch(name) or unsafe:
            raise SnapshotError(f"manifest {path} lists an unsafe table entry: {name!r}")
    return manifest


def run_query(
    serving_dir: Path,
    build_id: str,
    sql: str,
    params: Params = (),
    *,
    scope: Scope,
    tables: Sequence[str] = (),
) -> pd.DataFrame:
    """Run `sql` against the views `scope` may read (named as in the manifest). Uncached.

    `tables` names what `sql` reads: each is checked first against the manifest (a table is
    public by its folder), so a refusal is a clear `AccessDenied` rather than DuckDB's "table
    does not exist". Only those views are created (all of the scope's when `tables` is empty):
    binding a derived view costs up to 0.2 s.
    """
    folder = snapshot_dir(serving_dir, build_id)
    manifest = read_manifest(serving_dir, build_id)
    public = manifest.public_tables()
    require(scope, tables, public)
    parquet_files = {name: str(table.path(folder)) for name, table in manifest.tables.items()}
    views = scoped_views(scope, parquet_files, public)
    if tables:
        views = {name: select for name, select in views.items() if name in tables}
    with duckdb.connect(":memory:") as con:
        for name, select in views.items():
            con.execute(f'CREATE VIEW "{name}" AS {select}')
        bound = dict(params) if isinstance(params, Mapping) else list(params)
        return con.execute(sql, bound).df()


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_query(
    serving_dir: str,
    build_id: str,
    sql: str,
    params: tuple[Param, ...] | tuple[tuple[str, Param], ...],
    named: bool,
    scope_key: tuple[str, str],
    tables: tuple[str, ...],
) -> pd.DataFrame:
    role, county = scope_key
    scope = Scope(Role(role), county or None)
    bound: Params = dict(params) if named else params  # type: ignore[arg-type]
    return run_query(Path(serving_dir), build_id, sql, bound, scope=scope, tables=tables)


@dataclass(frozen=True)
class SnapshotReader:
    """One signed-in scope reading one published build: what every page query takes.

    A page builds one per rerun (`ui.OpenSnapshot.reader`), so its queries cannot mix scopes or
    builds, and the cache key below always carries both.
    """

    scope: Scope
    serving_dir: Path
    build_id: str

    def query(self, sql: str, params: Params = (), *, tables: Sequence[str] = ()) -> pd.DataFrame:
        """`run_query`, cached per (serving dir, build id, sql, params, scope).

        Access is checked inside `run_query`, against the build's manifest: a refusal raises
        through the cache, which keeps no result for it.
        """
        named = isinstance(params, Mapping)
        key = tuple(sorted(params.items())) if isinstance(params, Mapping) else tuple(params)
        return _cached_query(
            str(self.serving_dir),
            self.build_id,
            sql,
            key,
            named,
            self.scope.cache_key(),
            tuple(tables),
        )
