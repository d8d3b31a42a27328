"""Everything derived from the contracts agrees with them: the GX suites, the raw tables and
the dbt sources (columns and PII classification)."""

from __future__ import annotations

import json

import pytest

from orchestration.config import FEEDS
from orchestration.contracts import load_contract
from orchestration.dbt_project import dbt_project, ensure_manifest
from orchestration.ingest.validation import expectations_for


@pytest.fixture(scope="module")
def manifest() -> dict:
    ensure_manifest()
    return json.loads(dbt_project.manifest_path.read_text())


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
    source = manifest["sources"][f"source.peerwh.raw.{feed}"]
    columns = source["columns"]
    assert set(contract.column_names) <= set(columns)
    pii = {name for name, column in columns.items() if column.get("meta", {}).get("pii")}
    assert pii == set(contract.pii_columns)
    assert source["meta"]["dagster"]["asset_key"] == [f"raw_{feed}"]
