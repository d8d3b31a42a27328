"""fct_feed_completeness on the tiny warehouse: each feed's latest extract, run-out and the date
through which it is complete (issue 16, completeness)."""

from __future__ import annotations

import pandas as pd
import pytest

from peerwh.config import FEEDS
from tests.pipeline import BuiltWarehouse

STAGED = {
    "claims": "stg_sdmc__claim_lines",
    "eligibility": "stg_medi_cal__eligibility_months",
    "employment": "stg_county__employment",
    "certificants": "stg_peer_certification__certificants",
    "certification_events": "stg_peer_certification__certification_events",
    "complaint_events": "stg_peer_certification__complaint_events",
    "suspended_ineligible": "stg_dhcs__suspended_ineligible_providers",
    "member_counts": "stg_medi_cal__member_counts",
}


@pytest.fixture(scope="module")
def completeness(built_warehouse: BuiltWarehouse) -> pd.DataFrame:
    return built_warehouse.query("select * from marts.fct_feed_completeness").set_index("feed_name")


def test_one_row_per_feed_with_its_latest_staged_extract(
    built_warehouse: BuiltWarehouse, completeness: pd.DataFrame
) -> None:
    assert set(completeness.index) == set(STAGED) == set(FEEDS)
    for feed, model in STAGED.items():
        latest = built_warehouse.query(f"select max(_extract_date) as d from staging.{model}")
        assert completeness.loc[feed, "latest_extract_date"] == latest["d"].iloc[0], feed


def test_run_out_comes_from_the_policy_parameters(
    built_warehouse: BuiltWarehouse, completeness: pd.DataFrame
) -> None:
    parameters = built_warehouse.query(
        "select parameter_name, value_numeric from reference.policy_parameters "
        "where parameter_name like '%_run_out_months'"
    ).set_index("parameter_name")["value_numeric"]
    for feed in STAGED:
        assert completeness.loc[feed, "run_out_months"] == int(parameters[f"{feed}_run_out_months"])
    assert completeness.loc["claims", "run_out_months"] == 3


def test_complete_through_is_the_month_end_run_out_months_before_the_extract_month(
    completeness: pd.DataFrame,
) -> None:
    for feed, row in completeness.iterrows():
        extract = pd.Timestamp(row["latest_extract_date"])
        open_month = (extract + pd.Timedelta(days=1)).to_period("M").to_timestamp()
        expected = (
            open_month - pd.DateOffset(months=int(row["run_out_months"])) - pd.Timedelta(days=1)
        )
        assert pd.Timestamp(row["complete_through"]) == expected, feed


def test_the_claims_fall_of_the_last_months_is_after_complete_through(
    built_warehouse: BuiltWarehouse, completeness: pd.DataFrame
) -> None:
    """The run-out months hold fewer approved lines than the complete months before them."""
    through = pd.Timestamp(completeness.loc["claims", "complete_through"])
    monthly = built_warehouse.query(
        "select date_trunc('month', service_date) as month, count(*) as lines "
        "from marts.fct_claim_lines group by 1"
    ).set_index("month")["lines"]
    complete = monthly[monthly.index <= through].sort_index()
    incomplete = monthly[monthly.index > through]
    assert len(incomplete) >= 1
    assert incomplete.max() < complete.iloc[-3:].mean()
