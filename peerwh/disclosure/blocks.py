"""Local linear programs over a block of cells, every cell outside the block held at its value.

Both the protection engine and the audit work one suppressed cell at a time on a *block*: the
cells within a few relations of it. Cells outside the block keep their true values. A table
found this way (the true values plus a change `delta` on the block) satisfies every relation
of the whole system, so it is a table the reader cannot tell from the true one: it proves that
the cell's value is uncertain to the reader by at least the change it shows. Looking further
than the block can only widen that uncertainty, never narrow it, which is what makes local
work sound.

The programs are solved with HiGHS through `scipy.optimize.linprog`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from peerwh.disclosure.system import LinkedTables

# A change smaller than this is rounding in the solver, not a change.
TOLERANCE = 1e-6
# The reader's programs bound every change by this, so that each has a finite answer (and a
# witness table); far beyond any protection margin.
CEILING = 1e6


@dataclass(frozen=True)
class Neighbours:
    """For every cell, the cells that share a relation with it (itself included)."""

    graph: sp.csr_matrix

    @classmethod
    def of(cls, tables: LinkedTables) -> Neighbours:
        pattern = sp.vstack([abs(tables.equalities), abs(tables.inequalities)]).tocsc()
        pattern.data[:] = 1.0
        return cls((pattern.T @ pattern).tocsr())

    def block(self, start: int, movable: np.ndarray, depth: int, cap: int) -> np.ndarray:
        """`start` and the movable cells within `depth` relations of it (breadth first, at most
        `cap` cells), `start` first."""
        seen = np.zeros(self.graph.shape[0], dtype=bool)
        seen[start] = True
        block = [np.array([start])]
        frontier = np.array([start])
        size = 1
        for _ in range(depth):
            reached = np.unique(self.graph[frontier].indices)
            reached = reached[movable[reached] & ~seen[reached]]
            if size + len(reached) > cap:
                reached = reached[: cap - size]
            seen[reached] = True
            block.append(reached)
            size += len(reached)
            frontier = reached
            if size >= cap or not len(frontier):
                break
        return np.concatenate(block)


@dataclass(frozen=True)
class Block:
    """The rows of the system that touch a block, restricted to the block's cells."""

    cells: np.ndarray
    equalities: sp.csr_matrix  # rows touching the block; `equalities @ delta == 0`
    inequalities: sp.csr_matrix  # rows touching the block; `inequalities @ delta <= room`
    room: np.ndarray

    @classmethod
    def of(cls, tables: LinkedTables, cells: np.ndarray, columns: Columns) -> Block:
        _, equalities = _touching_rows(columns.equalities, cells)
        rows, inequalities = _touching_rows(columns.inequalities, cells)
        room = tables.bound[rows] - tables.inequalities[rows] @ tables.values
        return cls(cells, equalities, inequalities, room)


@dataclass(frozen=True)
class Columns:
    """The relation matrices by column, to cut blocks out of them quickly."""

    equalities: sp.csc_matrix
    inequalities: sp.csc_matrix

    @classmethod
    def of(cls, tables: LinkedTables) -> Columns:
        return cls(tables.equalities.tocsc(), tables.inequalities.tocsc())


def _touching_rows(matrix: sp.csc_matrix, cells: np.ndarray) -> tuple[np.ndarray, sp.csr_matrix]:
    """The numbers of the rows with a cell of `cells`, and those rows over `cells` only."""
    part = matrix[:, cells]
    rows = np.unique(part.indices)
    return rows, part.tocsr()[rows]


def changed_table(
    tables: LinkedTables,
    block: Block,
    target: int,
    change: float,
    cost: np.ndarray,
) -> np.ndarray | None:
    """The cheapest change on `block` that moves its first cell by `change` and keeps every
    relation, or None when there is none.

    The change of each cell is split into a rise and a fall (both >= 0) so that `cost` (one
    weight per block cell) prices how far each cell moves. No cell falls below 1: a reader
    knows that a suppressed count is never 0 (zeros are published).
    """
    values = tables.values[block.cells]
    k = len(block.cells)
    eq = sp.hstack([block.equalities, -block.equalities]).tocsr()
    ub = sp.hstack([block.inequalities, -block.inequalities]).tocsr()
    upper = np.r_[np.full(k, np.inf), np.maximum(values - 1.0, 0.0)]
    lower = np.zeros(2 * k)
    position = int(np.nonzero(block.cells == target)[0][0])
    rise, fall = (change, 0.0) if change > 0 else (0.0, -change)
    lower[position] = upper[position] = rise
    lower[k + position] = upper[k + position] = fall
    if fall > upper[k + position] + TOLERANCE:
        return None
    result = linprog(
        np.r_[cost, cost],
        A_ub=ub if ub.shape[0] else None,
        b_ub=block.room if ub.shape[0] else None,
        A_eq=eq if eq.shape[0] else None,
        b_eq=np.zeros(eq.shape[0]) if eq.shape[0] else None,
        bounds=np.c_[lower, upper],
        method="highs-ds",
        options={"presolve": False},  # blocks are small: presolve costs more than it saves
    )
    if result.status != 0:
        return None
    delta = result.x[:k] - result.x[k:]
    delta[np.abs(delta) < TOLERANCE] = 0.0
    return delta


def extreme_value(
    tables: LinkedTables, block: Block, target: int, sense: int
) -> tuple[float, np.ndarray]:
    """The largest (`sense` +1) or smallest (-1) value the reader can give `target` when only the
    block's cells are unknown (each at least 1, at most `CEILING` more than its value), and the
    change on the block that gives it."""
    values = tables.values[block.cells]
    k = len(block.cells)
    objective = np.zeros(k)
    position = int(np.nonzero(block.cells == target)[0][0])
    objective[position] = -float(sense)
    result = linprog(
        objective,
        A_ub=block.inequalities if block.inequalities.shape[0] else None,
        b_ub=block.room if block.inequalities.shape[0] else None,
        A_eq=block.equalities if block.equalities.shape[0] else None,
        b_eq=np.zeros(block.equalities.shape[0]) if block.equalities.shape[0] else None,
        bounds=np.c_[1.0 - values, np.full(k, CEILING)],
        method="highs-ds",
        options={"presolve": False},
    )
    if result.status != 0:
        raise RuntimeError(f"the reader's linear program failed: {result.message}")
    delta = result.x.copy()
    delta[np.abs(delta) < TOLERANCE] = 0.0
    return float(values[position] + delta[position]), delta
