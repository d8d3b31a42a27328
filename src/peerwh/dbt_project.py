"""The dbt project as Dagster sees it (kept apart so `dagster-dbt project prepare-and-package` can
import it without loading the asset definitions)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from peerwh.config import DBT_PROJECT_DIR

# The dbt installed beside this interpreter, whether or not the venv is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


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
    if force or not dbt_project.manifest_path.exists():
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
    parse_state = dbt_project.manifest_path.parent / "partial_parse.msgpack"
    if parse_state.exists():
        shutil.copyfile(parse_state, target / parse_state.name)
    run_dbt("parse", "--target-path", str(target), env=env)
    run_dbt("docs", "generate", "--static", "--no-compile", "--target-path", str(target), env=env)
    site = site_dir / "index.html"
    shutil.copyfile(target / "static_index.html", site)
    return site


dbt_project.prepare_if_dev()
