"""fct_complaints against the generator's answer key (PI-04, PI-05), on the tiny warehouse.

The generator plants three kinds of late complaint (PI-04) and complaints filed more than
three years after the incident (PI-05); every other complaint is clean: acknowledged within
1-3 business days, closed within 88 days (118 when extended), filed 1-120 days after the
incident. So the warehouse must find exactly the planted complaints, for the planted reason.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.pipeline import BuiltWarehouse

# The answer key's note for each PI-04 plant (peerwh_synthetic/plants/complaints.py) and the
# late_reasons the warehouse must give it.
PI04_REASON_BY_NOTE = {
    "acknowledged 8-12 business days after receipt": "late_acknowledgement",
    "decided and closed 100-130 days after receipt": "late_resolution",
    "extended once, still decided and closed 130-155 days after receipt": (
        "late_resolution_after_extension"
    ),
}


@pytest.fixture(scope="module")
def complaints(built_warehouse: BuiltWarehouse) -> pd.DataFrame:
    return built_warehouse.query("select * from marts.fct_complaints").set_index("complaint_id")


def planted(answer_key: pd.DataFrame, rule_id: str) -> pd.DataFrame:
    rows = answer_key[(answer_key["kind"] == "policy") & (answer_key["rule_id"] == rule_id)]
    return rows.set_index("business_key")


def test_the_tiny_warehouse_has_planted_complaints(answer_key: pd.DataFrame) -> None:
    assert len(planted(answer_key, "PI-04")) >= 3
    assert len(planted(answer_key, "PI-05")) >= 1


def test_one_row_per_complaint_in_the_feed(
    built_warehouse: BuiltWarehouse, complaints: pd.DataFrame
) -> None:
    feed = built_warehouse.query(
        "select distinct complaint_id from staging.stg_peer_certification__complaint_events"
    )
    assert complaints.index.is_unique
    assert set(complaints.index) == set(feed["complaint_id"])


def test_every_planted_pi04_complaint_is_late(
    answer_key: pd.DataFrame, complaints: pd.DataFrame
) -> None:
    plants = planted(answer_key, "PI-04")
    assert set(plants.index) <= set(complaints.index)
    late = complaints.loc[plants.index]
    assert late["is_late"].all(), late[["late_reasons", "days_to_resolve"]]
    assert (late["finding_rule_ids"] == "PI-04").all()


def test_late_reason_is_the_planted_one(answer_key: pd.DataFrame, complaints: pd.DataFrame) -> None:
    plants = planted(answer_key, "PI-04")
    expected = plants["note"].map(PI04_REASON_BY_NOTE)
    assert expected.notna().all(), "a PI-04 plant with an unknown note"
    found = complaints.loc[plants.index, "late_reasons"]
    assert found.to_dict() == expected.to_dict()


def test_no_complaint_is_late_unless_planted(
    answer_key: pd.DataFrame, complaints: pd.DataFrame
) -> None:
    late = set(complaints.index[complaints["is_late"]])
    assert late == set(planted(answer_key, "PI-04").index)


def test_planted_lateness_has_the_planted_size(
    answer_key: pd.DataFrame, complaints: pd.DataFrame
) -> None:
    plants = planted(answer_key, "PI-04")
    rows = complaints.loc[plants.index].assign(reason=plants["note"].map(PI04_REASON_BY_NOTE))
    ack = rows[rows["reason"] == "late_acknowledgement"]
    assert ack["business_days_to_acknowledge"].between(8, 12).all()
    closed = rows[rows["reason"] == "late_resolution"]
    assert closed["days_to_resolve"].between(100, 130).all()
    assert not closed["investigation_extended"].any()
    extended = rows[rows["reason"] == "late_resolution_after_extension"]
    assert extended["days_to_resolve"].between(120 + 1, 155).all()
    assert extended["investigation_extended"].all()


def test_every_planted_pi05_complaint_is_outside_the_filing_window(
    answer_key: pd.DataFrame, complaints: pd.DataFrame
) -> None:
    plants = planted(answer_key, "PI-05")
    rows = complaints.loc[plants.index]
    assert not rows["filed_within_window"].any()
    assert (rows["days_incident_to_received"] > 3 * 365).all()
    assert (rows["finding_rule_ids"] == "PI-05").all()


def test_no_complaint_is_outside_the_window_unless_planted(
    answer_key: pd.DataFrame, complaints: pd.DataFrame
) -> None:
    outside = set(complaints.index[complaints["filed_within_window"].eq(False)])
    assert outside == set(planted(answer_key, "PI-05").index)
    # The other half of PI-05 (conduct while certified) is not planted: nothing to find.
    assert complaints["incident_while_certified"].all()


def test_findings_are_exactly_the_planted_ones(
    answer_key: pd.DataFrame, complaints: pd.DataFrame
) -> None:
    findings = complaints["finding_rule_ids"].dropna().to_dict()
    expected = {key: "PI-04" for key in planted(answer_key, "PI-04").index}
    expected |= {key: "PI-05" for key in planted(answer_key, "PI-05").index}
    assert findings == expected


def test_business_days_match_numpy_for_every_complaint(complaints: pd.DataFrame) -> None:
    rows = complaints.dropna(subset=["received_date", "acknowledged_date"])
    assert len(rows) > 0
    received = rows["received_date"].to_numpy().astype("datetime64[D]")
    acknowledged = rows["acknowledged_date"].to_numpy().astype("datetime64[D]")
    # Business days after receipt, up to and including the acknowledgement: [received+1, ack+1).
    expected = np.busday_count(received + 1, acknowledged + 1)
    assert rows["business_days_to_acknowledge"].to_numpy().tolist() == expected.tolist()


def test_business_days_hand_checked_example(complaints: pd.DataFrame) -> None:
    # A complaint received on a Friday and acknowledged the next Friday took 5 business days;
    # one received on a Monday and acknowledged the Friday of the next week took 9. Checked on
    # whichever complaints of the tiny data have such dates.
    rows = complaints.dropna(subset=["received_date", "acknowledged_date"])
    checked = 0
    for received, acknowledged, days in zip(
        rows["received_date"],
        rows["acknowledged_date"],
        rows["business_days_to_acknowledge"],
        strict=True,
    ):
        r, a = received.date(), acknowledged.date()
        if r.weekday() == 4 and a == r + dt.timedelta(days=7):
            assert days == 5
            checked += 1
        if r.weekday() == 0 and a == r + dt.timedelta(days=11):
            assert days == 9
            checked += 1
    # The planted late acknowledgements of seed 7 include a Monday -> Friday-week case.
    assert checked >= 1


def test_open_and_resolved_are_consistent(complaints: pd.DataFrame) -> None:
    assert (complaints["is_open"] == complaints["closed_date"].isna()).all()
    resolved = complaints.dropna(subset=["resolved_date"])
    assert (resolved["resolved_date"] >= resolved["received_date"]).all()
    closed = complaints.dropna(subset=["closed_date"])
    assert (closed["resolved_date"] <= closed["closed_date"]).all()


def test_public_counts_show_no_small_cells(built_warehouse: BuiltWarehouse) -> None:
    public = built_warehouse.query("select * from reporting.rpt_complaints_by_county_quarter")
    internal = built_warehouse.query("select * from marts.fct_complaints_by_county_quarter")
    assert len(public) == len(internal) > 0
    shown = public["complaints_received"].dropna()
    assert not shown.between(1, 10).any()
    assert (
        public["complaints_received"].isna() == public["complaints_received_is_suppressed"]
    ).all()
    merged = public.merge(internal, on=["quarter_start", "county_fips"], suffixes=("", "_raw"))
    small = merged["complaints_received_raw"].between(1, 10)
    assert merged.loc[small, "complaints_received_is_suppressed"].all()
    shown = ~merged["complaints_received_is_suppressed"]
    assert (
        merged.loc[shown, "complaints_received"] == merged.loc[shown, "complaints_received_raw"]
    ).all()
    assert merged["complaints_received_raw"].sum() > 0
