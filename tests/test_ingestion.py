"""Ingestion of the tiny generated feeds, judged against the generator's answer key."""

from __future__ import annotations

import pandas as pd

from peerwh.config import FEEDS
from peerwh.contracts import load_contracts
from tests.pipeline import BuiltWarehouse


def _contract_plants(answer_key: pd.DataFrame, severity: str) -> pd.DataFrame:
    rules = {r.rule_id: r for c in load_contracts().values() for r in c.rules}
    plants = answer_key[answer_key["kind"] == "contract"].copy()
    plants["severity"] = plants["rule_id"].map(lambda rule_id: rules[rule_id].severity)
    return plants[plants["severity"] == severity]


def test_every_landed_file_is_recorded(built_warehouse: BuiltWarehouse) -> None:
    landed = {(feed, p.name) for feed in FEEDS for p in (built_warehouse.landing / feed).iterdir()}
    recorded = built_warehouse.query("select feed, file_name from audit.ingest_files")
    assert set(map(tuple, recorded.to_numpy())) == landed
    assert len(recorded) == len(landed)


def test_rows_received_equal_loaded_plus_quarantined(built_warehouse: BuiltWarehouse) -> None:
    files = built_warehouse.query("select * from audit.ingest_files")
    assert (files["rows_received"] == files["rows_loaded"] + files["rows_quarantined"]).all()
    assert (files["status"] == "loaded").all(), files[files["status"] != "loaded"]


def test_raw_and_quarantine_account_for_every_row(built_warehouse: BuiltWarehouse) -> None:
    for feed in FEEDS:
        counts = built_warehouse.query(
            f"""
            select f.file_name, f.rows_loaded, f.rows_quarantined,
                   (select count(*) from raw.{feed} r where r._batch_id = f.batch_id) as in_raw,
                   (select count(distinct q.row_number) from audit.quarantine q
                     where q.batch_id = f.batch_id) as in_quarantine
            from audit.ingest_files f where f.feed = ?
            """,
            [feed],
        )
        assert (counts["rows_loaded"] == counts["in_raw"]).all(), counts
        assert (counts["rows_quarantined"] == counts["in_quarantine"]).all(), counts


def test_every_planted_error_violation_is_quarantined_under_its_rule(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    plants = _contract_plants(answer_key, "error")
    assert len(plants) > 0
    quarantined = built_warehouse.query(
        "select feed, file_name, row_number::varchar as row_number, rule_id from audit.quarantine"
    )
    found = set(map(tuple, quarantined.to_numpy()))
    expected = set(map(tuple, plants[["feed", "file", "row_number", "rule_id"]].to_numpy()))
    assert expected - found == set()


def test_no_clean_row_is_quarantined(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    plants = _contract_plants(answer_key, "error")
    planted_rows = set(map(tuple, plants[["feed", "file", "row_number"]].to_numpy()))
    quarantined = built_warehouse.query(
        "select distinct feed, file_name, row_number::varchar from audit.quarantine"
    )
    assert set(map(tuple, quarantined.to_numpy())) - planted_rows == set()


def test_planted_warnings_load_and_are_reported(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    plants = _contract_plants(answer_key, "warn")
    assert len(plants) > 0
    warned = built_warehouse.query(
        "select feed, file_name, row_number::varchar, rule_id from audit.row_warnings"
    )
    found = set(map(tuple, warned.to_numpy()))
    expected = set(map(tuple, plants[["feed", "file", "row_number", "rule_id"]].to_numpy()))
    assert expected - found == set()


def test_every_rule_outcome_is_a_check_result(built_warehouse: BuiltWarehouse) -> None:
    results = built_warehouse.query(
        "select feed, file_name, check_id, status, rows_checked, rows_violated, percent_violated"
        " from audit.check_results"
    )
    files = built_warehouse.query("select feed, file_name from audit.ingest_files")
    for contract in load_contracts().values():
        n_files = int((files["feed"] == contract.feed).sum())
        for rule in contract.rules:
            rows = results[results["check_id"] == rule.rule_id]
            assert len(rows) == n_files, rule.rule_id
    assert set(results["status"]) <= {"pass", "fail", "error", "not_applicable"}
    assert not (results["status"] == "error").any()
    assert (results["rows_violated"] <= results["rows_checked"]).all()


def test_messages_name_file_row_column_and_rule(built_warehouse: BuiltWarehouse) -> None:
    messages = built_warehouse.query("select * from audit.quarantine")
    for _, row in messages.iterrows():
        assert row["file_name"] in row["message"]
        assert f"row {row['row_number']}" in row["message"]
        assert f"[{row['rule_id']}]" in row["message"]


def test_pii_values_never_appear_in_messages(built_warehouse: BuiltWarehouse) -> None:
    cins = built_warehouse.query(
        "select q.message, json_extract_string(q.raw_values, '$.beneficiary_cin') as cin"
        " from audit.quarantine q where q.feed = 'claims'"
    )
    for _, row in cins.dropna().iterrows():
        assert row["cin"] not in row["message"]


def test_gx_data_docs_are_built(built_warehouse: BuiltWarehouse) -> None:
    docs = built_warehouse.warehouse / "gx" / "gx" / "uncommitted" / "data_docs" / "local_site"
    assert (docs / "index.html").exists()
    assert any((docs / "validations").rglob("*.html"))
