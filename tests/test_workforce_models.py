"""fct_workforce_monthly (RPT-01, SUP-03) on the warehouse built from the generator's tiny data.

Each measure is recomputed here straight from the marts and staging it comes from (status
spans, dim_peers, employment spells, certification events, member counts) for a few
county-months, so the intermediate models are checked against an independent reading of the
same rules: active means an `active` status span overlapping the month (suspended and revoked
peers are not active), employed means a peer support specialist spell overlapping the month.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.pipeline import BuiltWarehouse

DASHBOARD_COLUMNS = (
    "month_start",
    "county_fips",
    "county_name",
    "region",
    "active_certified_peers",
    "employed_peers",
)


@pytest.fixture(scope="module")
def workforce(built_warehouse: BuiltWarehouse) -> pd.DataFrame:
    frame = built_warehouse.query("select * from marts.fct_workforce_monthly")
    frame["month_start"] = pd.to_datetime(frame["month_start"]).dt.date
    return frame.set_index(["month_start", "county_fips"]).sort_index()


def month_end(month_start: dt.date) -> dt.date:
    following = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def busiest_cells(workforce: pd.DataFrame, column: str, how_many: int = 3) -> list[tuple]:
    """The county-months with the largest values of a column, plus one with zero."""
    ranked = workforce[column].sort_values(ascending=False)
    cells = list(ranked.index[:how_many])
    zeros = ranked[ranked == 0]
    if len(zeros):
        cells.append(zeros.index[0])
    return cells


def test_keeps_the_columns_the_dashboard_reads(workforce: pd.DataFrame) -> None:
    columns = set(workforce.reset_index().columns)
    assert set(DASHBOARD_COLUMNS) <= columns


def test_every_county_appears_every_month(workforce: pd.DataFrame) -> None:
    months = workforce.index.get_level_values("month_start").unique()
    counties = workforce.index.get_level_values("county_fips").unique()
    assert len(counties) == 58
    assert len(workforce) == len(months) * 58
    assert workforce.index.is_unique


def test_active_certified_peers_come_from_active_status_spans(
    built_warehouse: BuiltWarehouse, workforce: pd.DataFrame
) -> None:
    spans = built_warehouse.query(
        "select spans.certificant_id, spans.valid_from, spans.valid_to, peers.county_fips "
        "from marts.fct_certification_status_spans as spans "
        "inner join marts.dim_peers as peers using (certificant_id) "
        "where spans.status = 'active'"
    )
    spans["valid_from"] = pd.to_datetime(spans["valid_from"]).dt.date
    spans["valid_to"] = pd.to_datetime(spans["valid_to"]).dt.date
    for month_start, county_fips in busiest_cells(workforce, "active_certified_peers"):
        last_day = month_end(month_start)
        overlapping = spans[
            (spans["county_fips"] == county_fips)
            & (spans["valid_from"] <= last_day)
            & (spans["valid_to"].isna() | (spans["valid_to"] > month_start))
        ]
        expected = overlapping["certificant_id"].nunique()
        assert workforce.loc[(month_start, county_fips), "active_certified_peers"] == expected


def test_suspended_or_revoked_peers_are_not_active(built_warehouse: BuiltWarehouse) -> None:
    # A peer whose only span overlapping a month is suspended or revoked is not active then.
    counted_while_out = built_warehouse.query(
        """
        select active.certificant_id, active.month_start
        from intermediate.int_peer_active_months as active
        where not exists (
            select 1
            from marts.fct_certification_status_spans as spans
            where
                spans.certificant_id = active.certificant_id
                and spans.status = 'active'
                and spans.valid_from <= last_day(active.month_start)
                and (spans.valid_to is null or spans.valid_to > active.month_start)
        )
        """
    )
    assert counted_while_out.empty
    out = built_warehouse.query(
        "select count(*) as n from marts.fct_certification_status_spans "
        "where status in ('suspended', 'revoked')"
    )
    assert out["n"].iloc[0] >= 1, "the tiny data should hold at least one suspension or revocation"


def test_employment_measures_come_from_peer_spells(
    built_warehouse: BuiltWarehouse, workforce: pd.DataFrame
) -> None:
    spells = built_warehouse.query(
        "select certificant_id, county_fips, role, hire_date, separation_date, fte "
        "from staging.stg_county__employment"
    )
    spells["hire_date"] = pd.to_datetime(spells["hire_date"]).dt.date
    spells["separation_date"] = pd.to_datetime(spells["separation_date"]).dt.date
    for month_start, county_fips in busiest_cells(workforce, "employed_peers"):
        last_day = month_end(month_start)
        in_county = spells[
            (spells["county_fips"] == county_fips)
            & (spells["hire_date"] <= last_day)
            & (spells["separation_date"].isna() | (spells["separation_date"] >= month_start))
        ]
        peers = in_county[in_county["role"] == "peer_support_specialist"]
        supervisors = in_county[in_county["role"] == "peer_supervisor"]
        row = workforce.loc[(month_start, county_fips)]
        assert row["employed_peers"] == peers["certificant_id"].nunique()
        assert float(row["employed_fte"]) == pytest.approx(float(peers["fte"].sum()), abs=0.005)
        separated = peers[peers["separation_date"].notna() & (peers["separation_date"] <= last_day)]
        assert row["separations"] == separated["certificant_id"].nunique()
        supervisor_count = len(supervisors)  # one spell each in the generated data
        assert row["supervisors"] <= supervisor_count
        if row["supervisors"]:
            assert float(row["peers_per_supervisor"]) == pytest.approx(
                row["employed_peers"] / row["supervisors"], abs=0.005
            )
        else:
            assert pd.isna(row["peers_per_supervisor"])


def test_turnover_is_separations_over_average_headcount(workforce: pd.DataFrame) -> None:
    with_staff = workforce[workforce["average_employed_peers"] > 0]
    assert len(with_staff) > 0
    expected = with_staff["separations"] / with_staff["average_employed_peers"].astype(float)
    assert (with_staff["turnover_rate"].astype(float) - expected).abs().max() < 0.0001
    assert workforce.loc[workforce["average_employed_peers"] == 0, "turnover_rate"].isna().all()


def test_new_certifications_are_first_certified_events(
    built_warehouse: BuiltWarehouse, workforce: pd.DataFrame
) -> None:
    first = built_warehouse.query(
        "select events.certificant_id, min(events.event_date) as first_certified, "
        "any_value(peers.county_fips) as county_fips "
        "from staging.stg_peer_certification__certification_events as events "
        "inner join marts.dim_peers as peers using (certificant_id) "
        "where events.event_type = 'certified' group by events.certificant_id"
    )
    first["month_start"] = pd.to_datetime(first["first_certified"]).dt.to_period("M")
    expected = first.groupby(["month_start", "county_fips"])["certificant_id"].nunique()
    for month_start, county_fips in busiest_cells(workforce, "new_certifications"):
        key = (pd.Period(month_start, "M"), county_fips)
        assert workforce.loc[(month_start, county_fips), "new_certifications"] == expected.get(
            key, 0
        )


def test_medi_cal_members_are_the_certified_eligibles_by_county_of_responsibility(
    built_warehouse: BuiltWarehouse, workforce: pd.DataFrame
) -> None:
    members = built_warehouse.query(
        "select eligibility_month_start as month_start, county_fips, "
        "sum(eligible_members) as members "
        "from staging.stg_medi_cal__member_counts group by all"
    )
    members["month_start"] = pd.to_datetime(members["month_start"]).dt.date
    expected = members.set_index(["month_start", "county_fips"])["members"]
    for month_start, county_fips in busiest_cells(workforce, "medi_cal_members"):
        row = workforce.loc[(month_start, county_fips)]
        assert row["medi_cal_members"] == expected.get((month_start, county_fips), 0)
        if row["medi_cal_members"]:
            assert float(row["peers_per_100k_members"]) == pytest.approx(
                row["active_certified_peers"] * 100000 / row["medi_cal_members"], abs=0.005
            )


def test_counties_add_up_to_the_statewide_count(built_warehouse: BuiltWarehouse) -> None:
    reconciliation = built_warehouse.query(
        "select * from intermediate.int_workforce_statewide_reconciliation"
    )
    assert len(reconciliation) > 0
    for measure in ("active_certified_peers", "new_certifications", "medi_cal_members"):
        placed = reconciliation[f"county_sum_{measure}"] + reconciliation[f"unplaced_{measure}"]
        assert (placed == reconciliation[f"statewide_{measure}"]).all(), measure
    assert reconciliation["statewide_active_certified_peers"].max() > 0
