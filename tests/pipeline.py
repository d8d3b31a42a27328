"""Helpers for tests that run real parts: the CLI and dbt in child processes, warehouse queries."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
PEERWH = [sys.executable, "-m", "peerwh.cli"]
TEST_HASH_KEY = "test-key-not-a-secret"


@dataclass(frozen=True)
class CliRun:
    returncode: int
    output: str


def run_cli(*args: str, env: dict[str, str] | None = None) -> CliRun:
    """Run `peerwh` in a child process, as a user would, and capture what it prints."""
    completed = subprocess.run(
        [*PEERWH, *args],
        cwd=PROJECT_ROOT,
        env={
            # No DAGSTER_HOME: test runs use an ephemeral instance, not the user's history.
            **{k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"},
            "PEERWH_HASH_KEY": TEST_HASH_KEY,
            "DO_NOT_TRACK": "1",
            "GX_ANALYTICS_ENABLED": "false",
            **(env or {}),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    return CliRun(completed.returncode, completed.stdout + completed.stderr)


@dataclass(frozen=True)
class BuiltWarehouse:
    landing: Path
    warehouse: Path
    first_run: CliRun

    @property
    def database(self) -> Path:
        return self.warehouse / "warehouse.duckdb"

    def query(self, sql: str, params: list[object] | None = None) -> pd.DataFrame:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.execute(sql, params or []).df()


def copy_warehouse(built: BuiltWarehouse, destination: Path) -> Path:
    """A private copy of the built warehouse for tests that run the pipeline again."""
    shutil.copytree(built.warehouse, destination)
    return destination


# dbt-duckdb keeps its DuckDB instance open for the life of the process, which would lock the
# test's own connections out of the warehouse file; so dbt runs in a child process (as Dagster
# runs it) and reports back as JSON.
_DBT_CHILD = """
import json, sys
from dbt.artifacts.schemas.run import RunExecutionResult
from dbt.cli.main import dbtRunner

res = dbtRunner().invoke(sys.argv[1:])
nodes = {}
if isinstance(res.result, RunExecutionResult):
    nodes = {r.node.unique_id: [str(r.status), r.message or ""] for r in res.result.results}
print(json.dumps({"success": res.success, "exception": str(res.exception or ""), "nodes": nodes}))
"""


def run_dbt(
    *command: str,
    warehouse_dir: Path,
    project_dir: Path = DBT_PROJECT_DIR,
    work_dir: Path | None = None,
    hash_key: str = TEST_HASH_KEY,
) -> dict[str, object]:
    """`dbt <command>` on the warehouse in `warehouse_dir`; success, exception, nodes and log.

    `work_dir` takes dbt's target and logs, so a test's parse or build leaves the project alone.
    """
    args = [*command, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    args += ["--target", "dev"]
    if work_dir is not None:
        args += ["--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs")]
    done = subprocess.run(
        [sys.executable, "-c", _DBT_CHILD, *args],
        cwd=project_dir,
        env={
            **os.environ,
            "DO_NOT_TRACK": "1",
            "PEERWH_WAREHOUSE_DIR": str(warehouse_dir),
            "PEERWH_HASH_KEY": hash_key,
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.stdout.strip(), done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["log"] = done.stdout[-5000:]
    return result
