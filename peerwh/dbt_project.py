"""The dbt project: its manifest, the environment dbt reads, and the dbt commands the CLI,
Dagster and the report run. Importing this module runs nothing; `dbt_project()` parses the
project the first time it is asked for (or when the manifest is missing)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from peerwh import config
from peerwh.config import DBT_PROJECT_DIR

# The dbt installed beside this interpreter, whether or not the venv is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"


@functools.cache
def dbt_project() -> DbtProject:
    """The project as dagster-dbt sees it, parsed once per process: `dg dev` re-parses it on
    every load so edits show; elsewhere a missing manifest is parsed."""
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.prepare_if_dev()
    ensure_manifest()
    return project


def dbt_environment() -> dict[str, str]:
    """The variables dbt's profile and models read, so dbt agrees with the CLI and Dagster."""
    key, _ = config.hash_key()
    return {
        "PEERWH_WAREHOUSE_DIR": str(config.warehouse_dir()),
        "PEERWH_HASH_KEY": key,
        "DO_NOT_TRACK": "1",
    }


def export_dbt_environment() -> None:
    """Put `dbt_environment()` in this process's environment, which every dbt child inherits
    (dagster-dbt passes the process environment to the dbt it starts)."""
    os.environ.update(dbt_environment())


def run_dbt(*args: str, env: dict[str, str] | None = None) -> None:
    """Run one dbt command on the project in a child process; raise with dbt's output."""
    completed = subprocess.run(
        [DBT_EXECUTABLE, *args, "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR)],
        capture_output=True,
        text=True,
        env={**os.environ, "DO_NOT_TRACK": "1", **(env or {})},
        check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).strip()
        raise RuntimeError(f"dbt {' '.join(args)} failed in {DBT_PROJECT_DIR}:\n{output}")


def ensure_manifest(force: bool = False) -> None:
    """Run `dbt parse` (no database needed) when the manifest is missing or `force` is set."""
    if force or not MANIFEST_PATH.exists():
        run_dbt("parse")


def generate_docs(site_dir: Path, env: dict[str, str]) -> Path:
    """Build dbt's single-file docs site (descriptions, lineage, column catalog) in site_dir.

    Uncompiled on purpose: compiled SQL of the staging models would show the HMAC key pads.
    dbt 1.11 reads the manifest from the target path for an uncompiled static site, so parse
    writes one there first; the project's partial-parse state, copied beside it, spares that
    parse and the docs command a full parse of the project each.
    """
    target = site_dir / "target"
    target.mkdir(parents=True, exist_ok=True)
    parse_state = MANIFEST_PATH.parent / "partial_parse.msgpack"
    if parse_state.exists():
        shutil.copyfile(parse_state, target / parse_state.name)
    run_dbt("parse", "--target-path", str(target), env=env)
    run_dbt("docs", "generate", "--static", "--no-compile", "--target-path", str(target), env=env)
    site = site_dir / "index.html"
    shutil.copyfile(target / "static_index.html", site)
    return site
