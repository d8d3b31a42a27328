"""The wheel carries every package folder, and `dg` finds the code location where it looks."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())


def import_name(folder: Path) -> str:
    """The import name of a package folder under the mapping in pyproject.toml."""
    relative = folder.relative_to(PROJECT_ROOT).as_posix()
    for name, mapped in PYPROJECT["tool"]["setuptools"].get("package-dir", {}).items():
        if relative == mapped or relative.startswith(f"{mapped}/"):
            return name + relative.removeprefix(mapped).replace("/", ".")
    return relative.replace("/", ".")


def test_every_package_folder_is_in_the_wheel() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    folders = [
        init.parent
        for top in ("peerwh", "peerwh_synthetic", "dashboards")
        for init in (PROJECT_ROOT / top).rglob("__init__.py")
    ]
    assert {import_name(folder) for folder in folders} == listed


@pytest.mark.pipeline
def test_dg_loads_the_code_location(tmp_path: Path) -> None:
    (tmp_path / "dagster.yaml").touch()
    bin_dir = Path(sys.executable).parent
    done = subprocess.run(
        [str(bin_dir / "dg"), "check", "defs"],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "VIRTUAL_ENV": str(bin_dir.parent),
            "DAGSTER_HOME": str(tmp_path),
            "DO_NOT_TRACK": "1",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "All definitions loaded successfully" in done.stdout + done.stderr
