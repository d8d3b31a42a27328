"""The Dagster code location loads, and its asset graph matches the reviewed snapshot.

When the graph changes on purpose, regenerate the snapshot with
`UPDATE_SNAPSHOTS=1 make test` and review the diff of tests/snapshots/asset_graph.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from peerwh.dbt_project import ensure_manifest

    ensure_manifest(force=True)
    from orchestration.definitions import load_definitions

    return load_definitions()


def test_importing_the_code_location_runs_nothing(tmp_path: Path) -> None:
    """No dbt parse, no defs module, no folder created: the work waits for Dagster's load."""
    warehouse = tmp_path / "warehouse"
    probe = (
        "import sys, orchestration.definitions as d;"
        "loaded = [m for m in sys.modules if m.startswith('orchestration.defs')];"
        "assert not loaded, loaded;"
        "assert d.load_definitions.cache_info().currsize == 0"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PEERWH_WAREHOUSE_DIR": str(warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert not warehouse.exists()


def graph_of(defs: dg.Definitions) -> dict[str, dict[str, object]]:
    graph = defs.resolve_asset_graph()
    checks: dict[str, list[str]] = {}
    for key in graph.asset_check_keys:
        checks.setdefault(key.asset_key.to_user_string(), []).append(key.name)
    return {
        key.to_user_string(): {
            "group": graph.get(key).group_name,
            "deps": sorted(p.to_user_string() for p in graph.get(key).parent_keys),
            "checks": len(checks.get(key.to_user_string(), [])),
        }
        for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string())
    }


def test_asset_graph_matches_snapshot(defs: dg.Definitions) -> None:
    graph = graph_of(defs)
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(graph, indent=2, sort_keys=True) + "\n")
    assert SNAPSHOT.exists(), f"no reviewed snapshot at {SNAPSHOT}; run with UPDATE_SNAPSHOTS=1"
    assert graph == json.loads(SNAPSHOT.read_text())


def test_lineage_runs_from_feed_files_to_the_dashboard(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    dashboard = dg.AssetKey("dashboard_workforce")
    upstream = graph.upstream_key_iterator(dashboard)
    names = {k.to_user_string() for k in upstream}
    for feed in ("certificants", "certification_events", "employment"):
        assert f"landing_{feed}" in names
        assert f"raw_{feed}" in names
    assert "serving_snapshot" in names
    assert "marts/fct_workforce_monthly" in names


def test_error_rules_are_blocking_checks(defs: dg.Definitions) -> None:
    from peerwh.contracts import load_contract

    specs = {
        spec.key.name: spec
        for assets in defs.assets or []
        if isinstance(assets, dg.AssetsDefinition)
        for spec in assets.check_specs
        if spec.asset_key == dg.AssetKey("raw_claims")
    }
    for rule in load_contract("claims").rules:
        assert specs[rule.rule_id.replace("-", "__")].blocking == (rule.severity == "error")


def test_the_sensor_and_the_schedule_target_the_whole_build(defs: dg.Definitions) -> None:
    assert defs.resolve_sensor_def("landing_sensor").job_name == "warehouse_build"
    assert defs.resolve_schedule_def("daily_build").job_name == "warehouse_build"


def test_landing_sensor_requests_a_build_once_per_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.defs.automation import landing_sensor

    monkeypatch.setenv("PEERWH_LANDING_DIR", str(tmp_path))
    empty = landing_sensor(dg.build_sensor_context())
    assert isinstance(empty, dg.SkipReason)
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "claims_20240131.csv").write_text("claim_id\n")
    first = landing_sensor(dg.build_sensor_context())
    assert isinstance(first, dg.SensorResult) and len(first.run_requests or []) == 1
    again = landing_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert isinstance(again, dg.SkipReason)
