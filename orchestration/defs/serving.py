"""The published snapshot, the dashboards that read it and the annual program report.

The dashboards and the report are declared once, as dbt exposures
(dbt_project/models/exposures.yml); dagster-dbt 0.29 does not turn exposures into assets, so
the specs below are built from the manifest's exposures, with the dependencies each declares.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration.defs.dbt import WarehouseTranslator, public_dbt_models
from orchestration.defs.disclosure import disclosure_audit
from orchestration.defs.freshness import source_freshness
from orchestration.defs.ingest import ingest_assets
from orchestration.defs.resources import WarehousePaths
from peerwh.dbt_project import MANIFEST_PATH, dbt_environment, dbt_project, generate_docs
from peerwh.publish import publish
from peerwh.report import EDITIONS, default_out_dir, latest_complete_period, write_report

REPORT_EXPOSURE = "annual_program_report"


@dg.asset(
    deps=[public_dbt_models, disclosure_audit, source_freshness],
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
    deps=[public_dbt_models],
    group_name="serving",
    kinds={"dbt", "html"},
    pool="warehouse",
    description="dbt's documentation site (models, columns, tests, lineage from sources to "
    "marts) at <warehouse>/dbt_docs/index.html.",
)
def dbt_docs_site(paths: WarehousePaths) -> dg.MaterializeResult:
    site = generate_docs(paths.warehouse / "dbt_docs", env=dbt_environment())
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(site))})


def _exposures() -> dict[str, Mapping[str, Any]]:
    manifest = json.loads(MANIFEST_PATH.read_text())
    translator = WarehouseTranslator()
    return {
        exposure["name"]: {
            **exposure,
            "asset_deps": [
                *(
                    translator.get_asset_spec(manifest, unique_id, dbt_project()).key
                    for unique_id in exposure["depends_on"]["nodes"]
                ),
                # Audit tables are no dbt model: such a page follows the ingestion that writes them.
                *(
                    asset.key
                    for asset in ingest_assets
                    if exposure["config"]["meta"].get("reads_ingest_audit")
                ),
            ],
        }
        for exposure in manifest["exposures"].values()
    }


EXPOSURES = _exposures()

# Every dashboard page reads the published snapshot, so it follows the snapshot as well as
# the models it reads.
dashboard_specs = [
    dg.AssetSpec(
        key=name,
        deps=[*exposure["asset_deps"], serving_snapshot],
        group_name="dashboards",
        kinds={"streamlit", "plotly"},
        description=" ".join(exposure["description"].split()),
        metadata={"url": dg.MetadataValue.url(exposure["url"])} if exposure.get("url") else {},
    )
    for name, exposure in sorted(EXPOSURES.items())
    if exposure["type"] == "dashboard"
]


# The internal edition also quotes the waiver metrics before suppression. Exposures list
# public models only (dbt-project-evaluator), and this one is internal: the asset names it.
REPORT_PRIVATE_DEPS = (dg.AssetKey(["intermediate", "int_waiver_metric_cells"]),)


@dg.asset(
    name=REPORT_EXPOSURE,
    deps=[*EXPOSURES[REPORT_EXPOSURE]["asset_deps"], *REPORT_PRIVATE_DEPS, disclosure_audit],
    group_name="serving",
    kinds={"html", "excel", "pdf"},
    pool="warehouse",
    description=" ".join(EXPOSURES[REPORT_EXPOSURE]["description"].split())
    + " This asset writes the latest complete state fiscal year, both editions.",
)
def annual_program_report(duckdb: DuckDBResource, paths: WarehousePaths) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        period = latest_complete_period(con)
        if period is None:
            return dg.MaterializeResult(
                metadata={"written": "nothing: no complete state fiscal year in the data"}
            )
        out_dir = default_out_dir(paths.warehouse, period)
        written = write_report(con, period, EDITIONS, out_dir)
    return dg.MaterializeResult(
        metadata={
            "report_period": period.label,
            "path": dg.MetadataValue.path(str(out_dir)),
            **{
                f"{files.edition}_{kind}": dg.MetadataValue.path(str(path))
                for files in written
                for kind, path in (("html", files.html), ("excel", files.excel), ("pdf", files.pdf))
            },
        }
    )
