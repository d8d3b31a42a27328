"""The dbt project as Dagster sees it (kept apart so `dagster-dbt project prepare-and-package` can
import it without loading the asset definitions)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.config import DBT_PROJECT_DIR

# The dbt installed beside this interpreter, whether or not the venv is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def ensure_manifest(force: bool = False) -> None:
    """Run `dbt parse` (no database needed) when the manifest is missing or `force` is set."""
    if not force and dbt_project.manifest_path.exists():
        return
    completed = subprocess.run(
        [
            DBT_EXECUTABLE,
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "DO_NOT_TRACK": "1"},
        check=False,
    )
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).strip()
        raise RuntimeError(f"dbt parse failed in {DBT_PROJECT_DIR}:\n{output}")


dbt_project.prepare_if_dev()
