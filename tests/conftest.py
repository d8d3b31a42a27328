"""Shared fixtures: tiny generated feeds and a warehouse built from them by the real pipeline.

The warehouse is built once per test session with `peerwh run` (Dagster, GX, dbt, publish),
exactly as a user would; tests that change it work on a copy.

Every test gets one marker by what it runs, so `make test-fast` (`-m unit`) can leave out the
slow parts: `e2e` (a browser on a Streamlit server), `pipeline` (the tiny warehouse, or the
CLI in a child process), `dbt` (a dbt build of its own), `unit` (everything else).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.pipeline import BuiltWarehouse, run_cli

PIPELINE_FIXTURES = {"tiny_landing", "built_warehouse", "published_warehouse", "answer_key"}
# Modules that start the pipeline or the CLI themselves, without the session fixtures.
PIPELINE_MODULES = {"test_pipeline_runs", "test_pii_outside_database", "test_dashboard_server"}
DBT_MODULES = {"test_dbt_project", "test_dbt_conventions"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.stem
        if any(item.get_closest_marker(m) for m in ("unit", "dbt", "pipeline", "e2e")):
            continue  # marked by the test itself
        if "e2e" in item.path.parts:
            marker = "e2e"
        elif PIPELINE_FIXTURES & set(getattr(item, "fixturenames", ())) or (
            module in PIPELINE_MODULES
        ):
            marker = "pipeline"
        elif module in DBT_MODULES:
            marker = "dbt"
        else:
            marker = "unit"
        item.add_marker(marker)


@pytest.fixture(scope="session")
def tiny_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny synthetic feeds with planted problems and `answer_key.csv`."""
    from peerwh_synthetic import generate

    landing = tmp_path_factory.mktemp("landing")
    generate(landing, scale="tiny", seed=7, progress=False)
    return landing


@pytest.fixture(scope="session")
def answer_key(tiny_landing: Path) -> pd.DataFrame:
    return pd.read_csv(tiny_landing / "answer_key.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def built_warehouse(tiny_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    warehouse = tmp_path_factory.mktemp("warehouse")
    result = run_cli("run", "--landing", str(tiny_landing), "--warehouse", str(warehouse))
    assert result.returncode == 0, result.output
    return BuiltWarehouse(tiny_landing, warehouse, result)


@pytest.fixture(scope="session")
def published_warehouse(built_warehouse: BuiltWarehouse) -> Path:
    """A warehouse directory holding a published snapshot (serving/current)."""
    return built_warehouse.warehouse
