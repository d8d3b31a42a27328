"""Disclosure control of the public outputs (RPT-03): the suppression pattern, then its audit.

`disclosure/suppression` runs between the two dbt steps (assets/dbt.py): it reads every public
cell (int_disclosure_cells) and writes the pattern the public outputs apply. `disclosure_audit`
runs after them and checks what they actually publish; its check is blocking, so a build
whose public outputs fail the audit publishes no snapshot and no report.
"""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration.defs.dbt import public_dbt_models, warehouse_dbt_models
from peerwh.disclosure.audit import verdict_lines
from peerwh.disclosure.warehouse import audit_warehouse, protect_warehouse

AUDIT_CHECK = "public_outputs_cannot_be_worked_back"


@dg.asset(
    key=["disclosure", "suppression"],
    deps=[warehouse_dbt_models],
    group_name="disclosure",
    kinds={"python", "duckdb"},
    pool="warehouse",
    description="RPT-03: which public counts are suppressed: counts from 1 to 10, and the "
    "complements chosen by linear programs (HiGHS) so that none of them can be worked back "
    "from all public outputs together, by the public or by a county user knowing its own "
    "figures. Written to disclosure.suppression with a witness table per primary.",
)
def disclosure_suppression(duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        run = protect_warehouse(con)
    return dg.MaterializeResult(
        metadata={
            "cells": run.cells,
            "primaries": run.primaries,
            "suppressed": run.suppressed,
            "witnesses": run.witnesses,
            "unprotected": run.unprotected,
            "seconds": round(run.seconds, 1),
            "reused_last_pattern": run.reused,
        }
    )


@dg.asset(
    deps=[public_dbt_models],
    group_name="disclosure",
    kinds={"python", "duckdb"},
    pool="warehouse",
    check_specs=[dg.AssetCheckSpec(AUDIT_CHECK, asset="disclosure_audit", blocking=True)],
    description="RPT-03 disclosure audit of everything the public outputs show "
    "(reporting.rpt_published_counts): for the public and for each county user, every "
    "suppressed count from 1 to 10 must be uncertain by at least the protection margin "
    "(policy parameters disclosure_margin_floor and disclosure_margin_share). Results in "
    "audit.disclosure_primaries and audit.disclosure_summary.",
)
def disclosure_audit(
    duckdb: DuckDBResource,
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    with duckdb.get_connection() as con:
        result, differing = audit_warehouse(con)
    summary = result.summary
    passed = result.passed and not differing
    metadata = {
        "verdict": "\n".join(verdict_lines(result, differing)),
        "primaries_checked": len(result.primaries),
        "failures": len(result.failures) + differing,
        "cells": int(summary["cells"].sum()),
        "cells_suppressed_share": round(
            float(summary["suppressed_cells"].sum() / max(summary["cells"].sum(), 1)), 4
        ),
        "value_suppressed_share": round(
            float(summary["suppressed_value"].sum() / max(summary["total_value"].sum(), 1)), 4
        ),
    }
    yield dg.MaterializeResult(metadata=metadata)
    yield dg.AssetCheckResult(
        check_name=AUDIT_CHECK,
        asset_key="disclosure_audit",
        passed=passed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata=metadata,
    )
