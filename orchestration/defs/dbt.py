"""dbt models as Dagster assets; dbt tests become asset checks automatically."""

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from peerwh.dbt_project import dbt_project


class WarehouseTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer (staging, intermediate, marts, reporting, reference)."""

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id) or manifest["sources"].get(unique_id) or {}
        layer = node.get("schema") or "dbt"
        return spec.replace_attributes(group_name=layer if layer != "raw" else "ingest")


# Unit tests check the SQL of the models against hand-made rows, not the data: they run in
# `make test` (tests/test_dbt_project.py builds with them), not in every warehouse build,
# as dbt recommends for production runs.
BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test"]

# The public outputs read the disclosure control's suppression pattern (RPT-03), which is
# chosen from the warehouse's cells: so dbt builds in two steps, the warehouse first, then
# every model downstream of the pattern, with the disclosure/suppression asset between them.
PUBLIC_OUTPUTS = "source:disclosure.suppression+"


class DbtBuildConfig(dg.Config):
    """`full_refresh` rebuilds incremental models from scratch: what they hold depends on
    seeds, policy parameters, contracts and code, which carry no delivery time. `peerwh run`
    sets it when any of those changed since the build it last published."""

    full_refresh: bool = False


def build_args(config: DbtBuildConfig) -> list[str]:
    return [*BUILD_ARGS, "--full-refresh"] if config.full_refresh else BUILD_ARGS


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=WarehouseTranslator(),
    exclude=PUBLIC_OUTPUTS,
    pool="warehouse",
)
def warehouse_dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig
) -> Iterator[Any]:
    yield from dbt.cli(build_args(config), context=context).stream()


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=WarehouseTranslator(),
    select=PUBLIC_OUTPUTS,
    pool="warehouse",
)
def public_dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig
) -> Iterator[Any]:
    yield from dbt.cli(build_args(config), context=context).stream()
