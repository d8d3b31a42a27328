"""Witnesses: tables a reader cannot tell from the true one, each proving a primary uncertain.

A witness is the true table plus a change `delta` on a few suppressed cells that keeps every
relation of the linked tables (system.py) and leaves every cell at least 1. A reader who sees
only the published cells cannot rule it out, so the primary it moves lies, for that reader,
anywhere between its true value and its value in the witness (and between the witnesses too:
the tables a reader cannot rule out form a convex set). A county user knows its own county's
cells, so a witness that moves one of them proves nothing to that county.

The protection engine finds witnesses; the audit checks every one against the whole system.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from peerwh.disclosure.blocks import TOLERANCE
from peerwh.disclosure.system import LinkedTables

PUBLIC = ""  # the audience that sees the public tables only; a county audience is its FIPS code


@dataclass(frozen=True)
class Witness:
    """A table the reader cannot tell from the true one: the true values plus `delta` on
    `cells`. `counties` are those whose cells it moves (it is no proof to them)."""

    target: int
    cells: np.ndarray
    delta: np.ndarray
    counties: frozenset[str]


@dataclass
class Ledger:
    """Every witness found, and per cell the values the witnesses give it."""

    values: np.ndarray
    county: np.ndarray
    witnesses: list[Witness] = field(default_factory=list)
    _seen: dict[int, list[tuple[float, frozenset[str]]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, witness: Witness) -> None:
        self.witnesses.append(witness)
        for cell, change in zip(witness.cells.tolist(), witness.delta.tolist(), strict=True):
            self._seen[cell].append((self.values[cell] + change, witness.counties))

    def interval(self, cell: int, audience: str = PUBLIC) -> tuple[float, float]:
        """The values of `cell` proven possible to `audience` (the true value always is)."""
        possible = [
            value for value, counties in self._seen.get(cell, ()) if audience not in counties
        ]
        true = float(self.values[cell])
        return min([true, *possible]), max([true, *possible])

    def counties_moving(self, cell: int) -> set[str]:
        return {county for _, counties in self._seen.get(cell, ()) for county in counties}


def valid_witnesses(
    tables: LinkedTables, suppressed: np.ndarray, witnesses: Iterable[Witness]
) -> list[Witness]:
    """The witnesses that hold against the whole system, with the counties each moves."""
    witnesses = list(witnesses)
    if not witnesses:
        return []
    columns = np.concatenate([np.full(len(w.cells), i) for i, w in enumerate(witnesses)])
    cells = np.concatenate([w.cells for w in witnesses])
    delta = np.concatenate([w.delta for w in witnesses])
    changes = sp.csc_matrix((delta, (cells, columns)), shape=(tables.size, len(witnesses)))
    ok = np.ones(len(witnesses), dtype=bool)
    # Only suppressed cells may move (never a zero: zeros are published), and none below 1.
    values = tables.values[cells]
    bad = ~suppressed[cells] | (values <= 0) | (values + delta < 1 - TOLERANCE)
    ok[np.unique(columns[bad])] = False
    # Every equality still holds.
    moved = (tables.equalities @ changes).tocoo()
    ok[np.unique(moved.col[np.abs(moved.data) > TOLERANCE])] = False
    # Every inequality still holds.
    shift = (tables.inequalities @ changes).tocoo()
    before = tables.inequalities @ tables.values - tables.bound
    ok[np.unique(shift.col[before[shift.row] + shift.data > TOLERANCE])] = False
    return [
        Witness(w.target, w.cells, w.delta, counties_moved(tables, w.cells))
        for w, good in zip(witnesses, ok, strict=True)
        if good
    ]


def counties_moved(tables: LinkedTables, cells: np.ndarray) -> frozenset[str]:
    """The counties some of whose cells are among `cells`."""
    return frozenset(str(county) for county in tables.county[cells] if county)
