"""Everything derived from the contracts agrees with them: the GX suites, the dbt sources and
staging code lists (rendered by `peerwh render-contracts`), and the generator's code lists."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from peerwh.config import FEEDS
from peerwh.contracts import load_contract, parse_contract, valid_values
from peerwh.contracts import render as contract_render
from peerwh.contracts.reader import contract_path
from peerwh.dbt_project import MANIFEST_PATH, ensure_manifest
from peerwh.ingest.validation import expectations_for
from peerwh_synthetic import reference
from tests.pipeline import run_cli


@pytest.fixture(scope="module")
def manifest() -> dict:
    ensure_manifest(force=True)  # the committed project, not a manifest left by another branch
    return json.loads(MANIFEST_PATH.read_text())


@pytest.mark.parametrize("feed", FEEDS)
def test_every_contract_rule_becomes_expectations_citing_it(feed: str) -> None:
    contract = load_contract(feed)
    for rule in contract.rules:
        expectations = expectations_for(rule, contract)
        assert expectations, rule.rule_id
        assert all(e.meta["rule_id"] == rule.rule_id for e in expectations)


@pytest.mark.parametrize("feed", FEEDS)
def test_dbt_source_matches_the_contract(feed: str, manifest: dict) -> None:
    contract = load_contract(feed)
    source = manifest["sources"][f"source.peerwh.{contract.source_system}.{feed}"]
    assert source["schema"] == "raw"
    assert source["original_file_path"].startswith(
        f"models/staging/{contract.source_system}/_{contract.source_system}__sources.yml"
    )
    columns = source["columns"]
    assert set(contract.column_names) <= set(columns)
    pii = {name for name, column in columns.items() if column.get("meta", {}).get("pii")}
    assert pii == set(contract.pii_columns)
    assert source["meta"]["dagster"]["asset_key"] == [f"raw_{feed}"]
    assert source["freshness"]["warn_after"] == {
        "count": contract.delivery_every_days,
        "period": "day",
    }


def test_committed_files_are_what_the_contracts_render() -> None:
    stale = contract_render.stale_files()
    assert not stale, f"run `peerwh render-contracts`: {stale}"


def test_a_hand_edit_of_a_rendered_file_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staging = tmp_path / "staging"
    shutil.copytree(contract_render.STAGING_DIR, staging)
    monkeypatch.setattr(contract_render, "STAGING_DIR", staging)
    assert contract_render.stale_files() == []
    edited = contract_render.models_path("complaint_events")
    edited.write_text(edited.read_text().replace('"appeal_filed", ', ""))
    assert contract_render.stale_files() == [edited]
    assert contract_render.write_rendered_files() == [edited]
    assert contract_render.stale_files() == []


def test_the_check_command_passes_on_the_committed_files() -> None:
    result = run_cli("render-contracts", "--check")
    assert result.returncode == 0, result.output
    assert "every rendered file agrees" in result.output


def test_a_new_code_in_a_contract_reaches_the_sources_the_staging_tests_and_the_docs() -> None:
    document = yaml.safe_load(contract_path("complaint_events").read_text())
    column = next(
        p for p in document["schema"][0]["properties"] if p["name"] == "allegation_category"
    )
    rule = next(q for q in column["quality"] if "validValues" in q.get("arguments", {}))
    rule["arguments"]["validValues"].append("harassment")
    changed = parse_contract("complaint_events", document)

    system = [
        changed if c.feed == "complaint_events" else c
        for c in contract_render.contracts_by_system()["peer_certification"]
    ]
    sources = yaml.safe_load(contract_render.render_sources(system))
    table = next(t for t in sources["sources"][0]["tables"] if t["name"] == "complaint_events")
    described = next(c for c in table["columns"] if c["name"] == "allegation_category")
    assert "`harassment`" in described["description"]

    models_yaml = contract_render.models_path("complaint_events").read_text()
    staging = yaml.safe_load(contract_render.render_staging_values(changed, models_yaml))
    tests = next(c for c in staging["models"][0]["columns"] if c["name"] == "allegation_category")[
        "data_tests"
    ]
    accepted = next(t["accepted_values"] for t in tests if "accepted_values" in t)
    assert accepted["arguments"]["values"][-1] == "harassment"

    assert "`harassment`" in contract_render.render_feed_columns([changed])


def test_the_generator_reads_its_code_lists_from_the_contracts() -> None:
    assert valid_values("certification_events", "event_type") == reference.EVENT_TYPES
    assert valid_values("complaint_events", "event_type") == reference.COMPLAINT_EVENT_TYPES
    assert valid_values("eligibility", "race_ethnicity") == reference.RACE
    assert valid_values("claims", "delivery_system") == reference.DELIVERY_SYSTEMS
    assert set(reference.COUNTY_FIPS) == set(valid_values("claims", "county_fips"))


def test_a_code_the_contract_adds_is_generated_and_a_dropped_one_is_an_error() -> None:
    codes = ("a", "b", "new")
    assert reference.weights(codes, {"a": 0.7, "b": 0.3}) == (0.7, 0.3, 0.3)
    with pytest.raises(ValueError, match="no contract lists"):
        reference.weights(("a",), {"a": 0.7, "b": 0.3})
