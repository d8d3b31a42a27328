"""Contract rules as Great Expectations expectations, on tiny hand-made batches."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from peerwh.contracts import Contract, load_contract, parse_contract
from peerwh.ingest.validation import BatchValidator, npi_check_digit_ok, parse_typed

EXTRACT = dt.date(2024, 3, 31)


def test_parse_typed_accepts_only_real_iso_dates() -> None:
    values = pd.Series(["2024-02-29", "2023-02-29", "2024/02/01", "2024-1-05", None])
    parsed = parse_typed(values, "date")
    assert parsed.notna().tolist() == [True, False, False, False, False]
    assert parsed[0] == (dt.date(2024, 2, 29) - dt.date(1970, 1, 1)).days


def test_parse_typed_months_and_numbers() -> None:
    assert parse_typed(pd.Series(["2024-12", "2024-13"]), "month").notna().tolist() == [
        True,
        False,
    ]
    assert parse_typed(pd.Series(["-2", "1.5", "x"]), "integer").tolist()[0] == -2
    assert parse_typed(pd.Series(["1.5", ".5", "1e3"]), "number").notna().tolist() == [
        True,
        True,
        False,
    ]


def test_npi_check_digit() -> None:
    # 1234567893 is the CMS example NPI; changing its check digit breaks it.
    values = pd.Series(["1234567893", "1234567890", "123456789", None])
    assert npi_check_digit_ok(values).tolist()[:3] == [True, False, False]
    assert pd.isna(npi_check_digit_ok(values)[3])


@pytest.fixture(scope="module")
def validator(tmp_path_factory: pytest.TempPathFactory) -> BatchValidator:
    return BatchValidator(tmp_path_factory.mktemp("gx"))


def _violations(validator: BatchValidator, contract: Contract, frame: pd.DataFrame) -> dict:
    frame = frame.set_axis(pd.RangeIndex(1, len(frame) + 1))
    outcomes = validator.validate(contract, iter([frame]), EXTRACT, set(frame.columns))
    return {o.rule.rule_id: list(o.violating_rows) for o in outcomes if o.violating_rows}


def _suspended_rows(**overrides: list[str | None]) -> pd.DataFrame:
    rows = {
        "npi": ["1234567893", "1234567893"],
        "provider_name": ["Clinic A", "Clinic B"],
        "license_number": [None, None],
        "certification_number": ["CPSS000001", None],
        "suspension_effective_date": ["2023-01-01", "2023-06-01"],
        "suspension_end_date": [None, "2024-01-01"],
        "recorded_at": ["2024-01-01T00:00:00", "2024-01-01T00:00:00"],
    }
    return pd.DataFrame(rows | overrides)


def test_clean_rows_break_no_rule(validator: BatchValidator) -> None:
    contract = load_contract("suspended_ineligible")
    assert _violations(validator, contract, _suspended_rows()) == {}


def test_each_broken_rule_names_exactly_the_bad_row(validator: BatchValidator) -> None:
    contract = load_contract("suspended_ineligible")
    frame = _suspended_rows(
        npi=["1234567890", "1234567893"],
        provider_name=["Clinic A", None],
        suspension_effective_date=["2023-01-01", "2023-13-01"],
    )
    assert _violations(validator, contract, frame) == {
        "suspended_ineligible-npi-npi_check_digit": [1],
        "suspended_ineligible-provider_name-required": [2],
        "suspended_ineligible-suspension_effective_date-type": [2],
    }


def test_cross_field_order_rule(validator: BatchValidator) -> None:
    contract = load_contract("suspended_ineligible")
    frame = _suspended_rows(suspension_end_date=[None, "2022-12-31"])
    violations = _violations(validator, contract, frame)
    assert [rows for rule, rows in violations.items() if "suspension_end_date" in rule] == [[2]]


def test_conditional_rule_applies_only_where_its_condition_holds(
    validator: BatchValidator,
) -> None:
    contract = load_contract("claims")
    rule = contract.rule("claims-denial_reason-required_when_denied")
    assert rule.when is not None
    frame = pd.DataFrame(
        {"claim_status": ["approved", "denied", "denied"], "denial_reason": [None, "16", None]}
    )
    only = Contract("claims", "test", contract.columns, (rule,))
    assert _violations(validator, only, frame) == {rule.rule_id: [3]}


def test_rules_on_absent_optional_columns_are_not_applicable(
    validator: BatchValidator,
) -> None:
    contract = load_contract("suspended_ineligible")
    frame = _suspended_rows().drop(columns=["npi"]).set_axis(pd.RangeIndex(1, 3))
    outcomes = validator.validate(contract, iter([frame]), EXTRACT, set(frame.columns))
    status = {o.rule.rule_id: o.status for o in outcomes}
    assert status["suspended_ineligible-npi-npi_check_digit"] == "not_applicable"


def test_contract_with_two_checks_in_one_rule_is_refused() -> None:
    document = {
        "apiVersion": "v3.2.0", "kind": "DataContract", "id": "x", "version": "1",
        "status": "active",
        "schema": [{"name": "demo", "properties": [{"name": "a", "logicalType": "string",
            "quality": [{"id": "demo-a-bad", "type": "library", "metric": "invalidValues",
                         "arguments": {"pattern": "^a$", "validValues": ["a"]},
                         "mustBeLessOrEqualTo": 5, "unit": "percent", "severity": "error",
                         "customProperties": [{"property": "category",
                                               "value": "conformance"}]}]}]}],
    }  # fmt: skip
    with pytest.raises(ValueError, match="exactly one check"):
        parse_contract("demo", document)


def test_gx_data_docs_render(validator: BatchValidator) -> None:
    contract = load_contract("suspended_ineligible")
    _violations(validator, contract, _suspended_rows())
    docs: Path = validator.build_docs()
    assert (docs / "index.html").exists()


def test_values_found_by_pii_rules_stay_out_of_gx_results_and_docs(
    validator: BatchValidator,
) -> None:
    contract = load_contract("eligibility")
    frame = pd.DataFrame(
        {
            "beneficiary_cin": ["90001510G", "9000151OG", "90001510G"],
            "eligibility_month": ["2023-09", "2023-10", "2023-09"],
            "aid_code": ["3R", "ZZZ9", "3R"],
            "date_of_birth": ["1986-05-06", "1986-02-30", "1986-05-06"],
        }
    )
    assert _violations(validator, contract, frame) == {
        "eligibility-beneficiary_cin-pattern": [2],
        "eligibility-aid_code-pattern": [2],
        "eligibility-date_of_birth-type": [2],
        "eligibility-beneficiary_cin_eligibility_month-unique": [1, 3],
    }
    validator.build_docs()
    stored = "".join(
        path.read_text(errors="replace")
        for path in Path(validator.context.root_directory).rglob("*")
        if path.is_file()
    )
    assert "9000151OG" not in stored and "90001510G" not in stored and "1986-02-30" not in stored
    assert "ZZZ9" in stored  # a value of a column that is not PII helps analysts
