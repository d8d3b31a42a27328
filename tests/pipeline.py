"""Helpers for tests that run the real pipeline: the CLI in a child process, warehouse queries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PEERWH = [sys.executable, "-m", "orchestration.cli"]
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
