"""The Dagster code location: assembles assets, checks, resources and automation."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource
from peerwh.orchestration.defs.automation import daily_build, landing_sensor, warehouse_build
from peerwh.orchestration.defs.dbt import public_dbt_models, warehouse_dbt_models
from peerwh.orchestration.defs.disclosure import disclosure_audit, disclosure_suppression
from peerwh.orchestration.defs.freshness import source_freshness
from peerwh.orchestration.defs.ingest import ingest_assets, landing_specs
from peerwh.orchestration.defs.resources import default_resources
from peerwh.orchestration.defs.serving import (
    annual_program_report,
    dashboard_specs,
    dbt_docs_site,
    serving_snapshot,
)

from peerwh.dbt_project import DBT_EXECUTABLE, dbt_project
from peerwh.permissions import restrict_new_files

# `dg dev` and its run workers load this module in processes that `peerwh` did not start: what
# they write (the warehouse, snapshots, GX results) is for the owner's eyes only too.
restrict_new_files()

defs = dg.Definitions(
    assets=[
        *landing_specs,
        *ingest_assets,
        source_freshness,
        warehouse_dbt_models,
        disclosure_suppression,
        public_dbt_models,
        disclosure_audit,
        dbt_docs_site,
        serving_snapshot,
        annual_program_report,
        *dashboard_specs,
    ],
    jobs=[warehouse_build],
    sensors=[landing_sensor],
    schedules=[daily_build],
    resources={
        **default_resources(),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
    },
    # One writer on the DuckDB file: run every step in one process, one after another.
    executor=dg.in_process_executor,
)
