"""The disclosure audit (RPT-03): can anyone work a suppressed small cell back from what is
published?

It models each audience as a reader who sees every published cell and knows every relation
of the linked tables (system.py), and that a suppressed count is at least 1 (zeros are
published):

* the public;
* each county user, who also knows every figure of its own county.

For every primary cell (a true count from 1 to 10) and every audience it then establishes the
values the reader cannot rule out:

1. A primary that is published anywhere fails at once.
2. *Peeling*: a relation with one unknown gives it away; repeated until nothing changes, this
   finds every exact recovery by a chain of subtractions, across all the linked tables.
3. *Witnesses*: a table that differs from the true one only in suppressed cells, keeps every
   relation and bound, and leaves the audience's own cells alone is one the reader cannot tell
   apart from the truth. The protection engine hands one in for each primary; the audit checks
   each against the whole system (it does not trust how it was found).
4. *Linear programs*: where the witnesses do not cover a primary's margin, the reader's own
   problem (min and max of the cell) is solved with HiGHS on a growing block around it, up to
   its whole connected component (of at most 10,000 cells), where the answer is exact.

Once 100 primaries have failed, the rest are left unchecked: the verdict is in.

A primary passes when the proven interval is at least the protection margin wide (the larger
of `disclosure_margin_floor` and `disclosure_margin_share` times its value). The audit also
reports how much is suppressed: the information loss per quantity and geography level.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from peerwh.disclosure.blocks import TOLERANCE, Block, Columns, Neighbours, extreme_value
from peerwh.disclosure.protection import ProtectionRule
from peerwh.disclosure.system import LinkedTables
from peerwh.disclosure.witnesses import (
    PUBLIC,
    Ledger,
    Witness,
    counties_moved,
    valid_witnesses,
)

# How far around a primary the audit's own linear programs look, in turn; the last block is
# the whole connected component (up to this many cells), where the interval is exact.
AUDIT_BLOCKS: tuple[tuple[int, int], ...] = ((4, 2_000), (1_000, 10_000))
# Once this many primaries have failed, the verdict is in: the rest are left unchecked rather
# than each costing linear programs over a pattern that is already known to be unsafe.
FAILURES_REPORTED = 100

PASSED = "protected"
SHOWN = "published"  # a primary shown in a public table
EXACT = "recovered"  # worked back exactly by subtraction
NARROW = "narrow"  # the reader's interval is narrower than the margin
ZERO = "suppressed zero"  # a suppressed 0 breaks the readers' known bound (>= 1)
UNCHECKED = "not checked"  # the audit had failed enough primaries already


@dataclass(frozen=True)
class AuditResult:
    # One row per primary cell: its keys, value, margin, the public interval, the narrowest
    # interval of any county audience (and that county), status.
    primaries: pd.DataFrame
    # Information loss per quantity and geography level.
    summary: pd.DataFrame

    @property
    def passed(self) -> bool:
        return bool((self.primaries["status"] == PASSED).all())

    @property
    def failures(self) -> pd.DataFrame:
        return self.primaries[self.primaries["status"] != PASSED]


def audit(
    tables: LinkedTables,
    published: np.ndarray,
    rule: ProtectionRule,
    witnesses: Iterable[Witness] = (),
) -> AuditResult:
    """Audit the publication `published` (True: the cell's value is shown somewhere)."""
    values = tables.values
    primary = rule.primary(values)
    margin = rule.margin(values)
    suppressed = ~published
    county_cells = tables.county_cells()
    audiences = [PUBLIC, *county_cells]

    status = np.full(len(values), PASSED, dtype=object)
    status[primary & published] = SHOWN
    status[suppressed & (values == 0)] = ZERO
    for audience in audiences:
        known = published.copy()
        if audience != PUBLIC:
            known[county_cells[audience]] = True
        recovered = peel(tables.equalities, known) & ~known
        status[recovered & _targets(tables, primary, audience) & (status == PASSED)] = EXACT

    ledger = Ledger(values, tables.county)
    for witness in valid_witnesses(tables, suppressed, witnesses):
        ledger.add(witness)
    prover = _Prover(tables, suppressed, county_cells)

    rows = []
    failures = int((status[primary] != PASSED).sum())
    for cell in np.nonzero(primary & suppressed)[0].tolist():
        if failures >= FAILURES_REPORTED:
            if status[cell] == PASSED:
                status[cell] = UNCHECKED
            continue
        public = prover.interval(ledger, cell, PUBLIC, margin[cell])
        narrowest, attacker = public, PUBLIC
        if tables.county[cell]:
            for county in sorted(ledger.counties_moving(cell) - {tables.county[cell]}):
                interval = prover.interval(ledger, cell, county, margin[cell])
                if interval[1] - interval[0] < narrowest[1] - narrowest[0]:
                    narrowest, attacker = interval, county
        if status[cell] == PASSED and narrowest[1] - narrowest[0] < margin[cell] - TOLERANCE:
            status[cell] = NARROW
            failures += 1
        rows.append((cell, *public, narrowest[1] - narrowest[0], attacker))
    intervals = pd.DataFrame(
        rows, columns=["cell", "public_low", "public_high", "narrowest_width", "narrowest_audience"]
    )
    primaries = tables.cells.loc[primary].assign(margin=margin[primary], status=status[primary])
    primaries = primaries.merge(intervals, on="cell", how="left").drop(columns=["cell"])
    return AuditResult(primaries, information_loss(tables, suppressed, primary, status))


def _targets(tables: LinkedTables, primary: np.ndarray, audience: str) -> np.ndarray:
    """The primaries an audience must not learn: all for the public; for a county, the county
    cells of other counties (a region or state total minus its own figures tells it about
    other counties only through their own cells, which are targets)."""
    if audience == PUBLIC:
        return primary
    return primary & (tables.county != "") & (tables.county != audience)


def peel(equalities: sp.csr_matrix, known: np.ndarray) -> np.ndarray:
    """Every cell a reader knowing `known` can work out by repeated subtraction."""
    pattern = abs(equalities).tocsr()
    pattern.data[:] = 1.0
    known = known.copy()
    while True:
        unknown = (~known).astype(float)
        single = np.nonzero(pattern @ unknown == 1)[0]
        if not len(single):
            return known
        rows = pattern[single].multiply(unknown[np.newaxis, :]).tocsr()
        rows.eliminate_zeros()
        known[np.unique(rows.indices)] = True


class _Prover:
    """Intervals from the witnesses, completed by the reader's linear programs where short."""

    def __init__(
        self, tables: LinkedTables, suppressed: np.ndarray, county_cells: dict[str, np.ndarray]
    ) -> None:
        self.tables = tables
        self.suppressed = suppressed
        self.county_cells = county_cells
        self.neighbours = Neighbours.of(tables)
        self.columns = Columns.of(tables)

    def interval(
        self, ledger: Ledger, cell: int, audience: str, margin: float
    ) -> tuple[float, float]:
        low, high = ledger.interval(cell, audience)
        if high - low >= margin - TOLERANCE:
            return low, high
        unknown = self.suppressed.copy()
        if audience != PUBLIC:
            unknown[self.county_cells.get(audience, [])] = False
        for depth, cap in AUDIT_BLOCKS:
            cells = self.neighbours.block(cell, unknown, depth, cap)
            block = Block.of(self.tables, cells, self.columns)
            for sense in (-1, +1):
                value, delta = extreme_value(self.tables, block, cell, sense)
                moved = delta != 0
                counties = counties_moved(self.tables, cells[moved])
                ledger.add(Witness(cell, cells[moved], delta[moved], counties))
                low, high = min(low, value), max(high, value)
            if high - low >= margin - TOLERANCE:
                break
        return low, high


def information_loss(
    tables: LinkedTables, suppressed: np.ndarray, primary: np.ndarray, status: np.ndarray
) -> pd.DataFrame:
    """Per quantity and geography level: cells, primaries, complements, suppressed shares."""
    frame = tables.cells.loc[:, ["quantity", "geography_level"]].assign(
        value=tables.values,
        suppressed=suppressed,
        primary=primary & suppressed,
        complement=suppressed & ~primary,
        suppressed_value=np.where(suppressed, tables.values, 0.0),
        failed=primary & (status != PASSED),
    )
    summary = frame.groupby(["quantity", "geography_level"], as_index=False).agg(
        cells=("value", "size"),
        primaries=("primary", "sum"),
        complements=("complement", "sum"),
        suppressed_cells=("suppressed", "sum"),
        total_value=("value", "sum"),
        suppressed_value=("suppressed_value", "sum"),
        failures=("failed", "sum"),
    )
    summary["cells_suppressed_share"] = summary["suppressed_cells"] / summary["cells"]
    summary["value_suppressed_share"] = (
        summary["suppressed_value"] / summary["total_value"].where(summary["total_value"] > 0)
    ).fillna(0.0)
    return summary


def verdict_lines(result: AuditResult, differing: int = 0) -> list[str]:
    """The audit in a few lines: what was checked, the information lost, the first failures
    (`differing`: published counts that are not the values the pattern protected)."""
    summary = result.summary
    cells, suppressed = int(summary["cells"].sum()), int(summary["suppressed_cells"].sum())
    total = float(summary["total_value"].sum())
    share_of_total = float(summary["suppressed_value"].sum()) / total if total else 0.0
    primaries = result.primaries
    checked = primaries[primaries["status"] == PASSED]
    narrowest = (checked["narrowest_width"] / checked["margin"]).min() if len(checked) else None
    lines = [
        f"{cells:,} public cells, {int(summary['primaries'].sum()):,} primary (1 to 10) and "
        f"{int(summary['complements'].sum()):,} complementary suppressions: "
        f"{suppressed / max(cells, 1):.1%} of the cells, {share_of_total:.2%} of the total",
    ]
    if result.passed:
        ratio = f"; narrowest interval {narrowest:.2f} x its margin" if narrowest else ""
        lines.append(
            f"audit passed: every primary protected from the public and each county{ratio}"
        )
    else:
        failed = result.failures[result.failures["status"] != UNCHECKED]
        unchecked = len(result.failures) - len(failed)
        more = f" ({unchecked:,} more not checked once that many had failed)" if unchecked else ""
        lines.append(f"audit FAILED: {len(failed):,} primaries can be worked back{more}")
        lines += [f"  {line}" for line in protection_failures(result)]
    if differing:
        lines.append(f"audit FAILED: {differing} published counts differ from the protected cells")
    return lines


def protection_failures(result: AuditResult, limit: int = 10) -> Sequence[str]:
    """One line per failing primary (at most `limit`), for messages."""
    lines = []
    failures = result.failures[result.failures["status"] != UNCHECKED]
    for row in failures.head(limit).itertuples(index=False):
        lines.append(
            f"{row.quantity} {row.period_start:%Y-%m-%d}..{row.period_end:%Y-%m-%d} "
            f"{row.geography_level} {row.geography_code} {row.stratum_name}={row.stratum_value}: "
            f"{row.status} (interval width {row.narrowest_width:g}, "
            f"margin {row.margin:g}, reader {row.narrowest_audience or 'public'})"
        )
    return lines
