"""The generator's planter registry (peerwh_synthetic/plants/) and the answer key agree."""

from __future__ import annotations

import pandas as pd
import pytest

from peerwh_synthetic import generate
from peerwh_synthetic.answer_key import AnswerKey
from peerwh_synthetic.contract_plants import CONTRACT_RULES
from peerwh_synthetic.plants import PLANTERS, RULE_IDS


@pytest.fixture(scope="module")
def answer_key(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("tiny")
    generate(out, scale="tiny", seed=42, progress=False)
    return pd.read_csv(out / "answer_key.csv", dtype=str, keep_default_na=False)


def test_every_planter_names_its_rules() -> None:
    for planter in PLANTERS:
        assert planter.rule_ids, planter.plant.__name__


def test_every_answer_key_rule_comes_from_a_registered_planter(answer_key: pd.DataFrame) -> None:
    policy = answer_key[answer_key.kind == "policy"]
    contract = answer_key[answer_key.kind == "contract"]
    assert set(policy.rule_id) == set(RULE_IDS)
    assert set(contract.rule_id) <= set(CONTRACT_RULES)


def test_the_answer_key_refuses_an_unregistered_rule() -> None:
    key = AnswerKey([*RULE_IDS, *CONTRACT_RULES])
    key.policy("BILL-02", "claims", "registered")
    with pytest.raises(ValueError, match="BILL-99"):
        key.policy("BILL-99", "claims", "no planter plants this")
