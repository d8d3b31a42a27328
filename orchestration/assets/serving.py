"""The published snapshot and the dashboards that read it."""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration.assets.dbt import dbt_environment, warehouse_dbt_models
from orchestration.dbt_project import generate_docs
from orchestration.publish import publish
from orchestration.resources import WarehousePaths


@dg.asset(
    deps=[warehouse_dbt_models],
    group_name="serving",
    kinds={"parquet"},
    pool="warehouse",
    description="Marts, reporting models and audit summaries as Parquet in serving/<build_id>/, "
    "switched into serving/current only after every blocking check passed.",
)
def serving_snapshot(duckdb: DuckDBResource, paths: WarehousePaths) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        snapshot = publish(con, paths.warehouse / "serving")
    return dg.MaterializeResult(
        metadata={
            "build_id": snapshot.build_id,
            "path": dg.MetadataValue.path(str(snapshot.path)),
            "tables": len(snapshot.tables),
            **{f"rows_{name}": n for name, n in snapshot.tables.items()},
        }
    )


@dg.asset(
    deps=[warehouse_dbt_models],
    group_name="serving",
    kinds={"dbt", "html"},
    pool="warehouse",
    description="dbt's documentation site (models, columns, tests, lineage from sources to "
    "marts) at <warehouse>/dbt_docs/index.html.",
)
def dbt_docs_site(paths: WarehousePaths) -> dg.MaterializeResult:
    site = generate_docs(paths.warehouse / "dbt_docs", env=dbt_environment())
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(site))})


workforce_dashboard = dg.AssetSpec(
    key="dashboard_workforce",
    deps=[serving_snapshot],
    group_name="dashboards",
    kinds={"streamlit", "plotly"},
    description="Streamlit app (dashboards/app.py): Overview, Peer workforce and Data quality "
    "pages in dashboards/app_pages/.",
)
