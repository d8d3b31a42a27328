"""The Python code stays ruff-clean (sqlfluff runs in `make lint`; it needs minutes)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.pipeline import PROJECT_ROOT


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, str(PROJECT_ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
