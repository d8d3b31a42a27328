"""Supervision rules (SUP-01, SUP-02, SUP-03) on the warehouse built from the generator's tiny data.

Findings must match the planted SUP cases exactly, by rule and business key (``employment_id``
of the supervisor for SUP-01, of the peer for SUP-02), with none invented; SUP-03 (no staffing
ratio) is never a finding.
"""

from __future__ import annotations

import pandas as pd

from tests.pipeline import BuiltWarehouse

SUP_RULES = ("SUP-01", "SUP-02")


def planted(answer_key: pd.DataFrame, rule_id: str) -> set[str]:
    rows = answer_key[(answer_key["kind"] == "policy") & (answer_key["rule_id"] == rule_id)]
    return set(rows["business_key"])


def supervision_findings(built: BuiltWarehouse) -> pd.DataFrame:
    return built.query("select * from marts.fct_supervision_findings")


def test_every_planted_supervision_case_is_found_exactly(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    frame = supervision_findings(built_warehouse)
    found = set(zip(frame["rule_id"], frame["employment_id"], strict=True))
    for rule in SUP_RULES:
        wanted = planted(answer_key, rule)
        assert wanted, f"nothing planted for {rule}"
        got = {key for r, key in found if r == rule}
        assert wanted - got == set(), f"{rule}: planted cases not found"
        assert got - wanted == set(), f"{rule}: findings not in the answer key (invented)"
    assert {rule for rule, _ in found} <= set(SUP_RULES)


def test_sup_01_is_on_supervisors_and_sup_02_on_peers(built_warehouse: BuiltWarehouse) -> None:
    frame = built_warehouse.query(
        """
        select findings.rule_id, employment.role, findings.detected_on, employment.hire_date,
            findings.finding
        from marts.fct_supervision_findings as findings
        inner join staging.stg_county__employment as employment
            on findings.employment_id = employment.employment_id
        """
    )
    assert len(frame) == len(supervision_findings(built_warehouse))
    assert set(frame.loc[frame["rule_id"] == "SUP-01", "role"]) == {"peer_supervisor"}
    assert set(frame.loc[frame["rule_id"] == "SUP-02", "role"]) == {"peer_support_specialist"}
    assert (frame["detected_on"] == frame["hire_date"]).all()
    assert frame["finding"].str.len().min() > 0


def test_planted_shortfall_is_named_in_the_finding(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    cases = answer_key[(answer_key["kind"] == "policy") & (answer_key["rule_id"] == "SUP-01")]
    frame = supervision_findings(built_warehouse).set_index("employment_id")
    for key, note in zip(cases["business_key"], cases["note"], strict=True):
        finding = frame.loc[key, "finding"]
        if "without supervisory training" in note:
            assert "no supervisory training" in finding
        else:
            assert "years of behavioral health experience" in finding


def test_no_staffing_ratio_finding(built_warehouse: BuiltWarehouse) -> None:
    frame = supervision_findings(built_warehouse)
    assert "SUP-03" not in set(frame["rule_id"])


def test_supervision_mart_has_no_pii(built_warehouse: BuiltWarehouse) -> None:
    columns = built_warehouse.query(
        "select column_name from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'fct_supervision_findings'"
    )
    assert set(columns["column_name"]) == {"employment_id", "rule_id", "finding", "detected_on"}
