"""Every public figure as one system of linked tables: the cells and the relations between them.

A *cell* is one published count: a quantity (what is counted, e.g. `waiver:served_beneficiaries`
or `complaints_received`) for a period, a geography and a stratum. Every public table is made
of such cells, and a quantity that two outputs show (a dashboard series and a report total) is
one cell, not two, because an attacker sees one number.

The *relations* are what a reader knows about how published figures add up (disclosure.md in
the docs):

* geography: a region is the sum of its counties, the state the sum of its regions (and of
  the counties of a table published by state and county only, without regions);
* strata: `all` is the sum of the values of each stratum (age group, sex, ...);
* time: a quarter is the sum of its months, a year the sum of its quarters, for quantities
  that add up over time (lines, complaints, dollars). People counted once per period do not:
  for them a longer period holds at least as many as each part and at most their sum;
* parts: quantities that split a total quantity (complaints resolved on time, late, not yet
  due) add up to it where every one of them is published; elsewhere each is at most the total;
* containment: a count of a subset (lines for under-21 members) is at most its superset;
* sameness: two quantities that count nearly the same thing (peers active in a month on the
  workforce page and in the waiver metrics) differ by what a reader is assumed to know.

Where people can appear in two parts (a peer working in two counties), a total is less than
the sum of its parts. The system states every equality with the *true* difference (its
"slack") as known to the reader: an attacker who guesses that nobody is counted twice is
then never better off than this model, so protection proven here holds for any reader.

Equalities are rows of `equalities` (parent +1, parts -1) with `equalities @ x == slack`;
inequalities are rows of `inequalities` with `inequalities @ x <= bound`, where the bound is 0
unless the truth itself exceeds it (a monthly sum over counties that counts a peer working in
two counties twice can exceed the year's distinct count): then the truth is the bound. Cells
are numbered in the order of `cells`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

# The columns of the cells table (dbt model int_disclosure_cells), one row per cell.
KEY_COLUMNS: tuple[str, ...] = (
    "quantity",
    "period_start",
    "period_end",
    "geography_level",
    "geography_code",
    "stratum_name",
    "stratum_value",
)
CELL_COLUMNS: tuple[str, ...] = (
    *KEY_COLUMNS,
    "parent_geography_code",
    "adds_up_over_time",
    "part_of_quantity",
    "contained_in_quantity",
    "same_as_quantity",
    "value",
)
ALL_STRATUM = "all"
COUNTY = "county"
PARENT_LEVEL = {"county": "region", "region": "state"}
_SPAN = ["period_start", "period_end"]
_STRATUM = ["stratum_name", "stratum_value"]
_GEOGRAPHY = ["geography_level", "geography_code"]


class CellsError(ValueError):
    """The cells table breaks an assumption of the system (a duplicate key, a negative count)."""


@dataclass(frozen=True)
class LinkedTables:
    """The cells (one row each, numbered by position) and the linear relations between them."""

    cells: pd.DataFrame
    values: np.ndarray
    county: np.ndarray  # county FIPS code of a county cell, "" for region and state cells
    equalities: sp.csr_matrix
    slack: np.ndarray
    inequalities: sp.csr_matrix
    bound: np.ndarray

    @property
    def size(self) -> int:
        return len(self.values)

    def county_cells(self) -> dict[str, np.ndarray]:
        """{county FIPS: the numbers of its cells}: what a county user knows of its own."""
        county_rows = np.nonzero(self.county != "")[0]
        if not len(county_rows):
            return {}
        codes = self.county[county_rows]
        order = np.argsort(codes, kind="stable")
        codes, county_rows = codes[order], county_rows[order]
        starts = np.r_[0, np.nonzero(codes[1:] != codes[:-1])[0] + 1]
        ends = np.r_[starts[1:], len(codes)]
        return {str(codes[s]): county_rows[s:e] for s, e in zip(starts, ends, strict=True)}


def linked_tables(cells: pd.DataFrame) -> LinkedTables:
    """Number the cells and derive every relation between them from their keys."""
    missing = [c for c in CELL_COLUMNS if c not in cells.columns]
    if missing:
        raise CellsError(f"the cells table lacks column(s) {missing}")
    frame = cells.loc[:, list(CELL_COLUMNS)].reset_index(drop=True).copy()
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    duplicated = frame.duplicated(list(KEY_COLUMNS))
    if duplicated.any():
        first = frame.loc[duplicated, list(KEY_COLUMNS)].iloc[0].to_dict()
        raise CellsError(f"{int(duplicated.sum())} cells share a key, e.g. {first}")
    values = frame["value"].to_numpy(dtype=float)
    if (values < 0).any() or np.isnan(values).any():
        raise CellsError("a cell value is negative or missing")
    frame["cell"] = np.arange(len(frame))
    county = np.where(
        frame["geography_level"].to_numpy() == COUNTY, frame["geography_code"].astype(str), ""
    ).astype(object)

    part_sums, part_bounds = _part_groups(frame)
    groups = [_geography_groups(frame), _stratum_groups(frame), part_sums]
    time_pairs = _time_pairs(frame)
    additive = frame["adds_up_over_time"].to_numpy(dtype=bool)
    additive_time = time_pairs[additive[time_pairs["parent"].to_numpy()]]
    distinct_time = time_pairs[~additive[time_pairs["parent"].to_numpy()]]
    groups.append(additive_time)
    equalities = sp.vstack(
        [
            _sum_rows(pd.concat(groups, ignore_index=True), len(frame)),
            _difference_rows(_linked_pairs(frame, "same_as_quantity"), len(frame)),
        ]
    ).tocsr()
    inequalities = sp.vstack(
        [
            _sum_rows(distinct_time, len(frame)),  # a period <= the sum of its parts
            _difference_rows(distinct_time, len(frame)),  # each part <= the period
            _difference_rows(_linked_pairs(frame, "contained_in_quantity"), len(frame)),
            _difference_rows(part_bounds, len(frame)),  # a part where not all are published
        ]
    ).tocsr()
    return LinkedTables(
        cells=frame,
        values=values,
        county=county,
        equalities=equalities,
        slack=equalities @ values,
        inequalities=inequalities,
        bound=np.maximum(inequalities @ values, 0.0),
    )


def _parent_lookup(frame: pd.DataFrame, on: list[str], renamed: dict[str, str]) -> pd.DataFrame:
    """The cells as possible parents: the `on` columns (renamed) and their number as `parent`."""
    return frame.loc[:, [*on, "cell"]].rename(columns={**renamed, "cell": "parent"})


def _geography_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """(parent, part, group) of every region = sum of its counties and state = sum of regions.

    A county whose region has no cell of the same quantity, period and stratum (a table
    published by state and county only) is a part of the state itself: the reader still knows
    that the counties add up to it. The cells are California's, so there is one state.
    """
    children = frame[frame["parent_geography_code"].notna()].copy()
    children["parent_level"] = children["geography_level"].map(PARENT_LEVEL)
    same = ["quantity", *_SPAN, *_STRATUM]
    parents = _parent_lookup(
        frame,
        [*same, *_GEOGRAPHY],
        {"geography_level": "parent_level", "geography_code": "parent_geography_code"},
    )
    pairs = children.merge(parents, on=[*same, "parent_level", "parent_geography_code"], how="left")
    orphans = pairs[pairs["parent"].isna() & (pairs["geography_level"] == COUNTY)]
    states = _parent_lookup(frame[frame["geography_level"] == "state"], same, {})
    adopted = orphans.drop(columns=["parent"]).merge(states, on=same)
    pairs = pd.concat([pairs[pairs["parent"].notna()], adopted], ignore_index=True)
    pairs["parent"] = pairs["parent"].astype("int64")
    return pd.DataFrame(
        {
            "parent": pairs["parent"],
            "part": pairs["cell"],
            "group": "geography:" + pairs["parent"].astype(str),
        }
    )


def _stratum_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """(parent, part, group) of every `all` = sum of the values of one stratum."""
    values = frame[frame["stratum_name"] != ALL_STRATUM]
    same = ["quantity", *_SPAN, *_GEOGRAPHY]
    totals = _parent_lookup(frame[frame["stratum_name"] == ALL_STRATUM], same, {})
    pairs = values.merge(totals, on=same)
    return pd.DataFrame(
        {
            "parent": pairs["parent"],
            "part": pairs["cell"],
            "group": "stratum:" + pairs["parent"].astype(str) + ":" + pairs["stratum_name"],
        }
    )


def _part_groups(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each cell of a total quantity and the cells of the quantities part of it.

    Returns (sums, bounds): (parent, part, group) where every quantity that splits the total
    somewhere in the cells has a cell of the same period, geography and stratum, so that the
    reader knows they add up to it; (parent, part) where some part is not published (the
    waiver metrics' quarters show complaints resolved on time but not those resolved late),
    and a reader knows only that each part is at most the total.
    """
    parts = frame[frame["part_of_quantity"].notna()]
    keys = [c for c in KEY_COLUMNS if c != "quantity"]
    totals = _parent_lookup(frame, ["quantity", *keys], {"quantity": "part_of_quantity"})
    pairs = parts.merge(totals, on=["part_of_quantity", *keys])
    splitting = parts.groupby("part_of_quantity")["quantity"].nunique()
    present = pairs.groupby("parent")["cell"].transform("size").to_numpy()
    complete = present == pairs["part_of_quantity"].map(splitting).to_numpy()
    sums, bounds = pairs[complete], pairs[~complete]
    return (
        pd.DataFrame(
            {
                "parent": sums["parent"],
                "part": sums["cell"],
                "group": "part:" + sums["parent"].astype(str),
            }
        ),
        pd.DataFrame({"parent": bounds["parent"], "part": bounds["cell"]}),
    )


def _time_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """(parent, part, group): each period and the shorter periods that exactly tile it.

    A quarter's parts are its months, a year's its quarters (or its months where no quarter
    of the same cell is published). Periods of equal span (a demonstration year that is a
    calendar year) are one cell already. Lengths are counted in months with data where
    monthly cells exist, so a quarter still running is the sum of its months so far.
    """
    spans = frame.loc[:, _SPAN].drop_duplicates().reset_index(drop=True)
    calendar_months = (
        (spans["period_end"].dt.year - spans["period_start"].dt.year) * 12
        + spans["period_end"].dt.month
        - spans["period_start"].dt.month
        + 1
    )
    spans["kind"] = calendar_months
    # A period that reaches past the data (the current quarter) is the sum of the months that
    # have data: count a span's length in the months published, where months are.
    data_months = spans.loc[calendar_months == 1, "period_start"].to_numpy()
    if len(data_months):
        spans["months"] = [
            int(((data_months >= start) & (data_months <= end)).sum())
            for start, end in zip(spans["period_start"], spans["period_end"], strict=True)
        ]
    else:
        spans["months"] = calendar_months
    pairs = spans.merge(spans, how="cross", suffixes=("", "_part"))
    pairs = pairs[
        (pairs["period_start_part"] >= pairs["period_start"])
        & (pairs["period_end_part"] <= pairs["period_end"])
        & (pairs["kind_part"] < pairs["kind"])
    ]
    same = ["quantity", *_GEOGRAPHY, *_STRATUM]
    present = frame.loc[:, [*same, *_SPAN, "cell"]]
    candidates = present.merge(pairs, on=_SPAN).merge(
        present.rename(
            columns={"period_start": "period_start_part", "period_end": "period_end_part"}
        ),
        on=[*same, "period_start_part", "period_end_part"],
        suffixes=("", "_part"),
    )
    if candidates.empty:
        return pd.DataFrame({"parent": [], "part": [], "group": []}, dtype=int)
    # Keep, per parent, the longest kind of part that covers it month for month.
    covered = candidates.groupby(["cell", "kind_part"], as_index=False).agg(
        months=("months", "first"), covered=("months_part", "sum")
    )
    tiled = covered[covered["covered"] == covered["months"]]
    best = tiled.groupby("cell", as_index=False)["kind_part"].max()
    chosen = candidates.merge(best, on=["cell", "kind_part"])
    return pd.DataFrame(
        {
            "parent": chosen["cell"].to_numpy(),
            "part": chosen["cell_part"].to_numpy(),
            "group": "time:" + chosen["cell"].astype(str),
        }
    )


def _linked_pairs(frame: pd.DataFrame, link: str) -> pd.DataFrame:
    """(parent, part): each cell of a quantity and the same cell of the quantity it names in
    the column `link` (`contained_in_quantity`: a superset; `same_as_quantity`: a twin)."""
    linked = frame[frame[link].notna()]
    keys = [c for c in KEY_COLUMNS if c != "quantity"]
    others = _parent_lookup(frame, ["quantity", *keys], {"quantity": link})
    pairs = linked.merge(others, on=[link, *keys])
    return pd.DataFrame({"parent": pairs["parent"], "part": pairs["cell"]})


def _sum_rows(pairs: pd.DataFrame, size: int) -> sp.csr_matrix:
    """One row per group: +1 for the parent, -1 for each part."""
    if pairs.empty:
        return sp.csr_matrix((0, size))
    group_ids, groups = np.unique(pairs["group"].to_numpy(), return_inverse=True)
    parents = pairs.groupby(groups)["parent"].first().to_numpy()
    rows = np.r_[np.arange(len(group_ids)), groups]
    columns = np.r_[parents, pairs["part"].to_numpy()]
    data = np.r_[np.ones(len(group_ids)), -np.ones(len(pairs))]
    return sp.csr_matrix((data, (rows, columns)), shape=(len(group_ids), size))


def _difference_rows(pairs: pd.DataFrame, size: int) -> sp.csr_matrix:
    """One row per pair: part - parent, so that `row @ x <= 0` says part <= parent."""
    if pairs.empty:
        return sp.csr_matrix((0, size))
    n = len(pairs)
    rows = np.r_[np.arange(n), np.arange(n)]
    columns = np.r_[pairs["part"].to_numpy(), pairs["parent"].to_numpy()]
    data = np.r_[np.ones(n), -np.ones(n)]
    return sp.csr_matrix((data, (rows, columns)), shape=(n, size))
