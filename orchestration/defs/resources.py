"""Dagster resources: the warehouse connection and the run's landing and warehouse folders."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from peerwh import config
from peerwh.dbt_project import DBT_EXECUTABLE, dbt_project


class WarehousePaths(dg.ConfigurableResource):
    """The folders a run reads from and writes to (from PEERWH_* variables by default)."""

    landing_dir: str
    warehouse_dir: str

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_dir)


@dg.definitions
def resources() -> dg.Definitions:
    """The resources every asset shares, and one writer on the DuckDB file: every step runs
    in one process, one after another."""
    warehouse = config.warehouse_dir()
    warehouse.mkdir(parents=True, exist_ok=True)
    return dg.Definitions(
        resources={
            "paths": WarehousePaths(
                landing_dir=str(config.landing_dir()), warehouse_dir=str(warehouse)
            ),
            "duckdb": DuckDBResource(database=str(config.warehouse_path())),
            "dbt": DbtCliResource(project_dir=dbt_project(), dbt_executable=DBT_EXECUTABLE),
        },
        executor=dg.in_process_executor,
    )
