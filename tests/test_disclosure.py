"""The disclosure-control engine and its audit on hand-made linked tables (RPT-03).

Each attack of issue 13 is built as a small table with a suppression pattern that a
group-by-group check lets through; the audit must catch it, and the engine's own pattern for
the same table must pass the audit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peerwh.disclosure.audit import EXACT, NARROW, SHOWN, audit, peel
from peerwh.disclosure.protection import ProtectionRule, protect
from peerwh.disclosure.system import CellsError, linked_tables

RULE = ProtectionRule(min_count=1, max_count=10, margin_floor=3, margin_share=0.5)
Q1 = ("2024-01-01", "2024-03-31")
YEAR = ("2024-01-01", "2024-12-31")
MONTHS = [("2024-01-01", "2024-01-31"), ("2024-02-01", "2024-02-29"), ("2024-03-01", "2024-03-31")]
QUARTERS = [
    Q1,
    ("2024-04-01", "2024-06-30"),
    ("2024-07-01", "2024-09-30"),
    ("2024-10-01", "2024-12-31"),
]


def cell(
    value: int,
    level: str = "county",
    code: str = "06001",
    parent: str | None = None,
    period: tuple[str, str] = Q1,
    stratum: tuple[str, str] = ("all", "all"),
    quantity: str = "lines",
    additive: bool = True,
    contained_in: str | None = None,
    same_as: str | None = None,
    part_of: str | None = None,
) -> dict[str, object]:
    return {
        "quantity": quantity,
        "period_start": pd.Timestamp(period[0]),
        "period_end": pd.Timestamp(period[1]),
        "geography_level": level,
        "geography_code": code,
        "parent_geography_code": parent,
        "stratum_name": stratum[0],
        "stratum_value": stratum[1],
        "adds_up_over_time": additive,
        "part_of_quantity": part_of,
        "contained_in_quantity": contained_in,
        "same_as_quantity": same_as,
        "value": value,
    }


def geography(state: int, regions: dict[str, tuple[int, dict[str, int]]], **keys: object) -> list:
    """A state, its regions and their counties, one period and stratum."""
    cells = [cell(state, "state", "06", None, **keys)]
    for region, (total, counties) in regions.items():
        cells.append(cell(total, "region", region, "06", **keys))
        cells += [cell(v, "county", code, region, **keys) for code, v in counties.items()]
    return cells


def shown_except(cells: pd.DataFrame, hidden: list[tuple[str, str]]) -> np.ndarray:
    """Published mask: every cell but those (geography_code, stratum_value) pairs."""
    keys = list(zip(cells["geography_code"], cells["stratum_value"], strict=True))
    return np.array([key not in hidden for key in keys])


def status_of(result: object, code: str, stratum: str = "all") -> str:
    rows = result.primaries
    match = rows[(rows["geography_code"] == code) & (rows["stratum_value"] == stratum)]
    return str(match["status"].iloc[0])


# --- the relations ------------------------------------------------------------------------------


def test_a_region_is_the_sum_of_its_counties_and_the_state_of_its_regions() -> None:
    cells = pd.DataFrame(geography(60, {"R1": (25, {"A": 5, "B": 20}), "R2": (35, {"C": 35})}))
    tables = linked_tables(cells)
    assert tables.equalities.shape[0] == 3  # R1 = A + B, R2 = C, state = R1 + R2
    assert np.allclose(tables.slack, 0)


def test_a_year_is_the_sum_of_its_quarters_not_of_its_months() -> None:
    rows = [cell(12, period=YEAR)] + [cell(3, period=q) for q in QUARTERS]
    rows += [cell(1, period=m) for m in MONTHS]
    tables = linked_tables(pd.DataFrame(rows))
    sizes = sorted(np.diff(tables.equalities.indptr).tolist())
    assert sizes == [4, 5]  # Q1 = its 3 months; the year = its 4 quarters


def test_people_counted_once_per_period_give_inequalities_over_time() -> None:
    rows = [cell(5, period=YEAR, additive=False)]
    rows += [cell(4, period=q, additive=False) for q in QUARTERS]
    tables = linked_tables(pd.DataFrame(rows))
    assert tables.equalities.shape[0] == 0
    # year <= sum of quarters, and each quarter <= the year
    assert tables.inequalities.shape[0] == 5
    assert (tables.inequalities @ tables.values <= 0).all()


def test_a_double_counted_total_is_stated_with_its_true_difference() -> None:
    # A peer in two counties: the region counts 9 people, its counties 5 + 6.
    cells = pd.DataFrame(
        [
            cell(9, "region", "R1", None),
            cell(5, code="A", parent="R1"),
            cell(6, code="B", parent="R1"),
        ]
    )
    tables = linked_tables(cells)
    assert tables.slack.tolist() == [-2.0]


def test_twin_quantities_differ_by_what_the_reader_knows() -> None:
    # The workforce page's active peers (counties summed) and WF-01's (unknown county too).
    cells = pd.DataFrame(
        [
            cell(40, "state", "06", quantity="active_peers"),
            cell(38, "state", "06", quantity="workforce_active_peers", same_as="active_peers"),
        ]
    )
    tables = linked_tables(cells)
    assert tables.equalities.shape[0] == 1
    assert abs(tables.slack[0]) == 2


def test_quantities_that_split_a_total_add_up_to_it() -> None:
    cells = pd.DataFrame(
        [
            cell(30, quantity="complaints"),
            cell(20, quantity="on_time", part_of="complaints"),
            cell(10, quantity="late", part_of="complaints"),
        ]
    )
    tables = linked_tables(cells)
    assert tables.equalities.shape[0] == 1
    assert np.allclose(tables.slack, 0)


def test_parts_add_up_only_where_every_part_is_published() -> None:
    # The year shows complaints resolved on time and late; the quarter only those on time: a
    # reader knows the quarter's on-time count is at most the resolved ones, not their sum.
    cells = pd.DataFrame(
        [
            cell(30, period=YEAR, quantity="resolved"),
            cell(20, period=YEAR, quantity="on_time", part_of="resolved"),
            cell(10, period=YEAR, quantity="late", part_of="resolved"),
            cell(8, quantity="resolved"),
            cell(5, quantity="on_time", part_of="resolved"),
        ]
    )
    tables = linked_tables(cells)
    sums = tables.equalities.toarray()
    assert sums.shape[0] == 1 and sorted(np.abs(sums[0]).nonzero()[0]) == [0, 1, 2]
    assert tables.inequalities.shape[0] == 1
    assert (tables.inequalities @ tables.values).tolist() == [5 - 8]


def test_counties_of_a_table_without_regions_add_up_to_the_state() -> None:
    cells = pd.DataFrame(
        [
            cell(30, "state", "06", None, stratum=("status", "active")),
            cell(12, code="A", parent="R1", stratum=("status", "active")),
            cell(18, code="B", parent="R2", stratum=("status", "active")),
        ]
    )
    tables = linked_tables(cells)
    assert tables.equalities.shape[0] == 1  # state = A + B
    assert np.allclose(tables.slack, 0)


def test_a_subset_count_is_at_most_its_set() -> None:
    cells = pd.DataFrame(
        [cell(40, quantity="lines"), cell(7, quantity="remote_lines", contained_in="lines")]
    )
    tables = linked_tables(cells)
    assert tables.inequalities.shape[0] == 1
    assert (tables.inequalities @ tables.values <= tables.bound).all()


def test_two_cells_with_one_key_are_refused() -> None:
    with pytest.raises(CellsError, match="share a key"):
        linked_tables(pd.DataFrame([cell(1), cell(2)]))


# --- the audit catches the attacks ------------------------------------------------------------


def test_audit_catches_a_chain_across_the_geography_hierarchy() -> None:
    # R1's only county A is 5 (small). Suppressing A and R1 looks fine inside each group, but
    # the state minus R2 gives R1, and R1 gives A.
    cells = pd.DataFrame(geography(75, {"R1": (5, {"A": 5}), "R2": (70, {"B": 30, "C": 40})}))
    tables = linked_tables(cells)
    result = audit(tables, shown_except(cells, [("A", "all"), ("R1", "all")]), RULE)
    assert status_of(result, "A") == EXACT
    assert status_of(result, "R1") == EXACT
    assert not result.passed


def test_audit_catches_a_suppressed_total_whose_parts_are_shown_elsewhere() -> None:
    # R1's `all` total is suppressed (with its small stratum), but the state's `all` minus R2's
    # gives it, and then the shown stratum value gives the small one.
    rows = geography(100, {"R1": (25, {"A": 25}), "R2": (75, {"B": 75})})
    rows += [
        cell(4, "region", "R1", "06", stratum=("sex", "f")),
        cell(21, "region", "R1", "06", stratum=("sex", "m")),
    ]
    cells = pd.DataFrame(rows)
    tables = linked_tables(cells)
    hidden = [("R1", "all"), ("R1", "f"), ("A", "all")]
    result = audit(tables, shown_except(cells, hidden), RULE)
    assert status_of(result, "R1", "f") == EXACT


def test_audit_catches_a_county_subtracting_its_own_figure() -> None:
    # Region 47 = A 4 + B 3 + C 40. Two suppressed counties keep the public at bay (each
    # 1..6), but county A knows it has 4, and so that B has 3.
    cells = pd.DataFrame(geography(47, {"R1": (47, {"A": 4, "B": 3, "C": 40})}))
    tables = linked_tables(cells)
    result = audit(tables, shown_except(cells, [("A", "all"), ("B", "all")]), RULE)
    assert status_of(result, "B") == EXACT
    public = peel(tables.equalities, shown_except(cells, [("A", "all"), ("B", "all")]))
    assert not public[cells["geography_code"] == "B"].any()  # the public alone cannot


def test_audit_catches_a_monthly_series_against_a_quarterly_total() -> None:
    # The dashboard shows renewals by month, with January (2) suppressed; the report shows the
    # quarter. One table to the reader: the quarter minus February and March gives January.
    rows = [cell(72, "state", "06", period=Q1, quantity="renewals")]
    rows += [
        cell(v, "state", "06", period=m, quantity="renewals")
        for v, m in zip([2, 30, 40], MONTHS, strict=True)
    ]
    cells = pd.DataFrame(rows)
    tables = linked_tables(cells)
    published = np.ones(len(cells), dtype=bool)
    published[1] = False
    result = audit(tables, published, RULE)
    assert result.primaries["status"].tolist() == [EXACT]


def test_audit_catches_an_interval_narrower_than_the_margin() -> None:
    # One county by sex: 2 + 2 suppressed beside a shown 50 under a shown 54. Each lies in
    # 1..3, a width of 2 < 3 (no subtraction gives either exactly).
    rows = [cell(54, code="A")]
    rows += [cell(v, code="A", stratum=("sex", s)) for s, v in [("f", 2), ("m", 2), ("x", 50)]]
    cells = pd.DataFrame(rows)
    tables = linked_tables(cells)
    result = audit(tables, shown_except(cells, [("A", "f"), ("A", "m")]), RULE)
    assert set(result.primaries["status"]) == {NARROW}
    row = result.primaries.iloc[0]
    assert (row["public_low"], row["public_high"]) == (1.0, 3.0)


def test_audit_gives_the_exact_interval_from_the_readers_linear_program() -> None:
    # A 4 and B 8 suppressed under a shown region of 42 with C 30: for the public A lies
    # anywhere in 1..11; county B, knowing its own 8, recovers A exactly.
    cells = pd.DataFrame(geography(42, {"R1": (42, {"A": 4, "B": 8, "C": 30})}))
    tables = linked_tables(cells)
    result = audit(tables, shown_except(cells, [("A", "all"), ("B", "all")]), RULE)
    row = result.primaries[result.primaries["geography_code"] == "A"].iloc[0]
    assert (row["public_low"], row["public_high"]) == (1.0, 11.0)
    assert row["status"] == EXACT


def test_audit_fails_a_small_cell_that_is_published() -> None:
    cells = pd.DataFrame(geography(47, {"R1": (47, {"A": 4, "C": 43})}))
    tables = linked_tables(cells)
    result = audit(tables, np.ones(len(cells), dtype=bool), RULE)
    assert status_of(result, "A") == SHOWN


# --- the engine's patterns pass ---------------------------------------------------------------


ATTACK_TABLES = {
    "geography chain": geography(75, {"R1": (5, {"A": 5}), "R2": (70, {"B": 30, "C": 40})}),
    "county own value": geography(47, {"R1": (47, {"A": 4, "B": 3, "C": 40})}),
    "narrow": geography(54, {"R1": (54, {"A": 2, "B": 2, "C": 50})}),
    "months and quarter": [cell(72, "state", "06", period=Q1, quantity="renewals")]
    + [
        cell(v, "state", "06", period=m, quantity="renewals")
        for v, m in zip([2, 30, 40], MONTHS, strict=True)
    ],
}


@pytest.mark.parametrize("name", sorted(ATTACK_TABLES))
def test_the_engines_pattern_passes_the_audit(name: str) -> None:
    cells = pd.DataFrame(ATTACK_TABLES[name])
    tables = linked_tables(cells)
    protection = protect(tables, RULE)
    assert not protection.unprotected
    assert protection.suppressed[protection.primary].all()
    assert not protection.suppressed[tables.values == 0].any()
    result = audit(tables, ~protection.suppressed, RULE, protection.witnesses)
    assert result.passed, result.failures.to_string()


def random_linked_table(seed: int) -> pd.DataFrame:
    """Three regions of counties x two strata x four quarters and their year, sparse counts."""
    rng = np.random.default_rng(seed)
    regions = {"R1": ["A", "B", "C"], "R2": ["D", "E"], "R3": ["F", "G", "H", "I"]}
    rows = []
    parts = {}
    for period in QUARTERS:
        for stratum in ("f", "m"):
            for counties in regions.values():
                for county in counties:
                    parts[(period, stratum, county)] = int(rng.choice([0, 1, 2, 3, 6, 9, 15, 40]))
    periods = [*QUARTERS, YEAR]

    def value(period: tuple[str, str], stratum: str, codes: list[str]) -> int:
        quarters = QUARTERS if period == YEAR else [period]
        strata = ("f", "m") if stratum == "all" else (stratum,)
        return sum(parts[(q, s, c)] for q in quarters for s in strata for c in codes)

    for period in periods:
        for stratum in ("all", "f", "m"):
            key = {
                "period": period,
                "stratum": ("all", "all") if stratum == "all" else ("sex", stratum),
            }
            everyone = [c for cs in regions.values() for c in cs]
            rows.append(cell(value(period, stratum, everyone), "state", "06", None, **key))
            for region, counties in regions.items():
                rows.append(cell(value(period, stratum, counties), "region", region, "06", **key))
                rows += [
                    cell(value(period, stratum, [c]), "county", c, region, **key) for c in counties
                ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_engine_protects_a_random_linked_table_for_the_public_and_every_county(
    seed: int,
) -> None:
    cells = random_linked_table(seed)
    tables = linked_tables(cells)
    protection = protect(tables, RULE)
    result = audit(tables, ~protection.suppressed, RULE, protection.witnesses)
    assert result.passed, result.failures.to_string()
    # The audit does not take the engine's word: without the witnesses it proves it alone.
    alone = audit(tables, ~protection.suppressed, RULE)
    assert alone.passed, alone.failures.to_string()


def test_witnesses_of_an_earlier_build_that_still_hold_are_kept() -> None:
    cells = random_linked_table(4)
    tables = linked_tables(cells)
    first = protect(tables, RULE)
    again = protect(tables, RULE, prior=first.witnesses)
    assert (again.suppressed == first.suppressed).all()
    assert len(again.witnesses) == len(first.witnesses)  # nothing had to be found anew
    # A changed value breaks the witnesses through it; the rest are kept and the result holds.
    changed = cells.copy()
    changed.loc[changed["value"] == 40, "value"] = 41
    tables = linked_tables(changed)
    third = protect(tables, RULE, prior=first.witnesses)
    assert audit(tables, ~third.suppressed, RULE, third.witnesses).passed
