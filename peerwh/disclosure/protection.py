"""RPT-03 suppression for the linked public tables: primary cells, then complements chosen so
that no primary can be worked back by anyone who sees the public tables.

Primary suppression: a count from `min_count` to `max_count` (1 to 10).

Secondary suppression (the complements) works one primary at a time, as τ-ARGUS's modular
method and sdcTable's heuristics do, with a linear program in place of a hand-built box: it
looks for the cheapest change to the published tables that moves the primary by its
protection margin while every relation still holds (`blocks.changed_table`). Each published
cell that the change moves must be suppressed too, or a reader would see the change; the
change itself is then a *witness*: a table the reader cannot tell from the true one, with the
primary that far from its value. Costs make the program prefer cells that are already
suppressed, then small cells, and county cells to regional ones and regional to statewide.

A county user knows its own county's figures. So for a county cell, every county whose cells
a witness moves gets a witness of its own that leaves that county's cells alone.

Witnesses only ever add suppression, and suppressing more can only widen what a reader cannot
know, so a witness stays valid whatever is suppressed after it. The audit (`audit.py`)
re-checks every witness against the final tables.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pandas as pd

from peerwh.disclosure.blocks import TOLERANCE, Block, Columns, Neighbours, changed_table
from peerwh.disclosure.system import ALL_STRATUM, LinkedTables
from peerwh.disclosure.witnesses import (
    PUBLIC,
    Ledger,
    Witness,
    counties_moved,
    valid_witnesses,
)

# How far around a primary to look for a witness, tried in turn: (relations deep, cells at most).
BLOCK_SIZES: tuple[tuple[int, int], ...] = ((3, 400), (4, 1500), (6, 6000))
# Relative cost of moving a cell by one, by geography level (totals are worth more published).
LEVEL_COST = {"county": 1.0, "region": 1.5, "state": 3.0}
# ... and a total over every stratum (`all`) more than one of its parts.
ALL_FACTOR = 1.5
# Moving a cell that is already suppressed costs next to nothing.
SUPPRESSED_COST = 1e-3


@dataclass(frozen=True)
class ProtectionRule:
    """RPT-03 and its protection margin, from the policy parameters."""

    min_count: float = 1
    max_count: float = 10
    margin_floor: float = 3
    margin_share: float = 0.5

    def primary(self, values: np.ndarray) -> np.ndarray:
        return (values >= self.min_count) & (values <= self.max_count)

    def margin(self, values: np.ndarray) -> np.ndarray:
        """How wide a primary's interval must be: the larger of the floor and a share of it."""
        return np.maximum(self.margin_floor, self.margin_share * values)


@dataclass(frozen=True)
class Protection:
    primary: np.ndarray
    suppressed: np.ndarray
    witnesses: list[Witness]
    # (cell, audience) pairs for which no witness was found: the audit will fail them.
    unprotected: list[tuple[int, str]]


def cell_cost(tables: LinkedTables) -> np.ndarray:
    """What moving each published cell by one costs: more for larger and higher-level cells
    (a statewide `all` total is the last thing to suppress)."""
    level = tables.cells["geography_level"].map(LEVEL_COST).fillna(1.0).to_numpy()
    stratum = np.where(tables.cells["stratum_name"].to_numpy() == ALL_STRATUM, ALL_FACTOR, 1.0)
    return np.log(2.0 + tables.values) * level * stratum


def protect(
    tables: LinkedTables,
    rule: ProtectionRule,
    workers: int = 1,
    prior: Sequence[Witness] = (),
) -> Protection:
    """Primary and complementary suppression of every cell of `tables`.

    `prior` are the witnesses of an earlier build, renumbered to `tables`: those that still hold
    for a cell that is still a primary are kept, with the suppressions they need, so a build
    that changes few cells redoes little and publishes a pattern much like the last one.

    With several `workers`, the quantities are shared out among processes and their patterns
    united: each witness moves only cells its own process suppressed, and suppressing more
    never breaks a witness, so the union is protected as each part is.
    """
    primary = rule.primary(tables.values)
    shares = _shares(tables, primary, workers)
    if len(shares) == 1:
        return _protect_cells(tables, rule, shares[0], prior)
    context = multiprocessing.get_context("spawn")  # the caller may hold database handles
    with ProcessPoolExecutor(len(shares), mp_context=context) as pool:
        parts = list(pool.map(_protect_cells, repeat(tables), repeat(rule), shares, repeat(prior)))
    return Protection(
        primary,
        np.logical_or.reduce([part.suppressed for part in parts]),
        [witness for part in parts for witness in part.witnesses],
        [pair for part in parts for pair in part.unprotected],
    )


def _shares(tables: LinkedTables, primary: np.ndarray, workers: int) -> list[np.ndarray]:
    """The primaries split into at most `workers` shares of whole quantities, of similar size
    (a quantity's cells are linked to each other far more than to other quantities')."""
    quantities = tables.cells["quantity"].to_numpy()
    sizes = pd.Series(quantities[primary]).value_counts()
    loads = [0] * max(1, min(workers, len(sizes)))
    chosen: list[list[str]] = [[] for _ in loads]
    for quantity, size in sizes.items():
        emptiest = loads.index(min(loads))
        loads[emptiest] += int(size)
        chosen[emptiest].append(str(quantity))
    return [np.nonzero(primary & np.isin(quantities, share))[0] for share in chosen]


def _protect_cells(
    tables: LinkedTables,
    rule: ProtectionRule,
    primaries: np.ndarray,
    prior: Sequence[Witness] = (),
) -> Protection:
    """Witnesses for `primaries`, one at a time, suppressing what each needs."""
    values = tables.values
    primary = rule.primary(values)
    suppressed = primary.copy()
    margin = rule.margin(values)
    ledger = Ledger(values, tables.county)
    kept = [witness for witness in prior if primary[witness.target]]
    supports = np.concatenate([w.cells for w in kept]) if kept else np.array([], dtype=int)
    for witness in valid_witnesses(
        tables, primary | np.isin(np.arange(tables.size), supports), kept
    ):
        suppressed[witness.cells] = True
        ledger.add(witness)
    finder = _WitnessFinder(tables, suppressed)
    unprotected: list[tuple[int, str]] = []
    for cell in primaries.tolist():
        pending, checked = [PUBLIC], set()
        while pending:
            audience = pending.pop()
            checked.add(audience)
            low, high = ledger.interval(cell, audience)
            if high - low < margin[cell] - TOLERANCE:
                witness = finder.find(cell, audience, margin[cell])
                if witness is None:
                    unprotected.append((cell, audience))
                    continue
                suppressed[witness.cells] = True
                ledger.add(witness)
            if tables.county[cell]:
                pending += sorted(ledger.counties_moving(cell) - checked - {tables.county[cell]})
    return Protection(primary, suppressed, ledger.witnesses, unprotected)


class _WitnessFinder:
    def __init__(self, tables: LinkedTables, suppressed: np.ndarray) -> None:
        self.tables = tables
        self.suppressed = suppressed  # shared with `protect`, which grows it
        self.neighbours = Neighbours.of(tables)
        self.columns = Columns.of(tables)
        self.cost = cell_cost(tables)
        self.nonzero = tables.values > 0
        self.county_cells = tables.county_cells()
        cells = tables.cells
        self.statewide_totals = (
            (cells["geography_level"] == "state") & (cells["stratum_name"] == ALL_STRATUM)
        ).to_numpy()

    def find(self, cell: int, audience: str, margin: float) -> Witness | None:
        tables = self.tables
        movable = self.nonzero.copy()
        if audience != PUBLIC:
            movable[self.county_cells.get(audience, [])] = False
        # The statewide totals are the figures most readers want: a published one is moved
        # only where no block without it has a witness.
        sparing = movable & ~(self.statewide_totals & ~self.suppressed)
        sparing[cell] = True
        # Down first where the cell can fall by the whole margin (its partners then rise, which
        # no bound stops); up otherwise, or when the cells around cannot fall with it.
        changes = [margin] if tables.values[cell] - 1 < margin else [-margin, margin]
        attempts = [(sparing, size) for size in BLOCK_SIZES] + [
            (movable, size) for size in BLOCK_SIZES
        ]
        for allowed, (depth, cap) in attempts:
            cells = self.neighbours.block(cell, allowed, depth, cap)
            block = Block.of(tables, cells, self.columns)
            cost = np.where(self.suppressed[cells], SUPPRESSED_COST, self.cost[cells])
            for change in changes:
                delta = changed_table(tables, block, cell, change, cost)
                if delta is not None:
                    moved = delta != 0
                    return Witness(
                        cell, cells[moved], delta[moved], counties_moved(tables, cells[moved])
                    )
        return None
