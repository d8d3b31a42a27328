"""The disclosure control against the warehouse: read the cells and the rule, write the pattern
and the witnesses, and audit what the public outputs show.

Tables (schema `disclosure`, internal, never published):
  suppression   one row per cell of int_disclosure_cells: its number, keys, value, and whether
                it is a primary and whether it is suppressed. dbt's public outputs read it.
  witnesses     for each primary, the tables that prove it protected: (witness, target cell,
                cell, change), cells by number.
  runs          one row per run of the engine: fingerprint of the cells and rule, counts, time.
Audit results (schema `audit`): disclosure_primaries (one row per primary: keys, value,
margin, proven intervals, status; internal) and disclosure_summary (information loss per
quantity and geography level, and the audit's verdict; published for the Data quality page).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from peerwh.disclosure.audit import AuditResult, audit
from peerwh.disclosure.protection import Protection, ProtectionRule, Witness, protect
from peerwh.disclosure.system import KEY_COLUMNS, LinkedTables, linked_tables

CELLS_TABLE = "intermediate.int_disclosure_cells"
PUBLISHED_TABLE = "reporting.rpt_published_counts"
PATTERN_TABLE = "disclosure.suppression"
WITNESSES_TABLE = "disclosure.witnesses"
RUNS_TABLE = "disclosure.runs"
PRIMARIES_TABLE = "audit.disclosure_primaries"
SUMMARY_TABLE = "audit.disclosure_summary"
RULE_PARAMETERS = {
    "min_count": "suppression_min_count",
    "max_count": "suppression_max_count",
    "margin_floor": "disclosure_margin_floor",
    "margin_share": "disclosure_margin_share",
}
_KEYS = ", ".join(KEY_COLUMNS)


class DisclosureError(RuntimeError):
    """The disclosure control cannot run (a missing table or policy parameter)."""


def protection_rule(con: duckdb.DuckDBPyConnection, on: dt.date | None = None) -> ProtectionRule:
    """RPT-03's thresholds and margin: the policy parameters in force `on` (today)."""
    on = on or dt.date.today()
    rows = dict(
        con.execute(
            "select parameter_name, value_numeric from reference.policy_parameters "
            "where parameter_name in (select unnest(?)) and effective_from <= ? "
            "and (effective_to is null or effective_to >= ?)",
            [list(RULE_PARAMETERS.values()), on, on],
        ).fetchall()
    )
    missing = sorted(set(RULE_PARAMETERS.values()) - set(rows))
    if missing:
        raise DisclosureError(f"policy_parameters has no value in force for {missing}")
    return ProtectionRule(**{field: float(rows[name]) for field, name in RULE_PARAMETERS.items()})


def read_cells(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(f"select * from {CELLS_TABLE} order by {_KEYS}").df()


def fingerprint(cells: pd.DataFrame, rule: ProtectionRule) -> str:
    """Changes whenever a cell, a value or the rule does: the pattern of an equal one holds."""
    digest = hashlib.sha256(repr(rule).encode())
    digest.update(pd.util.hash_pandas_object(cells, index=False).to_numpy().tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class ProtectionRun:
    cells: int
    primaries: int
    suppressed: int
    witnesses: int
    unprotected: int
    seconds: float
    reused: bool


def protect_warehouse(con: duckdb.DuckDBPyConnection) -> ProtectionRun:
    """Choose the suppression pattern of every public cell and write it with its witnesses.

    When the cells and the rule are those of the last run, its pattern is kept; otherwise the
    last run's witnesses that still hold are kept, and only the rest is worked out again.
    """
    started = time.perf_counter()
    cells = read_cells(con)
    rule = protection_rule(con)
    key = fingerprint(cells, rule)
    con.execute("create schema if not exists disclosure")
    last = _last_run(con)
    if last is not None and last["fingerprint"] == key and _has_table(con, PATTERN_TABLE):
        return ProtectionRun(
            last["cells"],
            last["primaries"],
            last["suppressed"],
            last["witnesses"],
            last["unprotected"],
            time.perf_counter() - started,
            reused=True,
        )
    tables = linked_tables(cells)
    prior = read_witnesses(con, tables)
    protection = protect(tables, rule, workers=min(4, os.cpu_count() or 1), prior=prior)
    run = ProtectionRun(
        cells=tables.size,
        primaries=int(protection.primary.sum()),
        suppressed=int(protection.suppressed.sum()),
        witnesses=len(protection.witnesses),
        unprotected=len(protection.unprotected),
        seconds=time.perf_counter() - started,
        reused=False,
    )
    _write_protection(con, tables, protection, key, run)
    return run


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    schema, table = name.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? "
            "and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    )


def _last_run(con: duckdb.DuckDBPyConnection) -> dict[str, object] | None:
    if not _has_table(con, RUNS_TABLE):
        return None
    frame = con.execute(f"select * from {RUNS_TABLE} order by ran_at desc limit 1").df()
    return None if frame.empty else frame.iloc[0].to_dict()


def _write_protection(
    con: duckdb.DuckDBPyConnection,
    tables: LinkedTables,
    protection: Protection,
    key: str,
    run: ProtectionRun,
) -> None:
    pattern = tables.cells.loc[:, ["cell", *KEY_COLUMNS]].assign(
        value=tables.values.astype("int64"),
        is_primary=protection.primary,
        is_suppressed=protection.suppressed,
    )
    witnesses = _witness_frame(protection.witnesses)
    runs = pd.DataFrame(
        [
            {
                "ran_at": dt.datetime.now(dt.UTC),
                "fingerprint": key,
                "cells": run.cells,
                "primaries": run.primaries,
                "suppressed": run.suppressed,
                "witnesses": run.witnesses,
                "unprotected": run.unprotected,
                "seconds": run.seconds,
            }
        ]
    )
    con.execute("begin transaction")
    try:
        con.register("pattern_frame", pattern)
        con.register("witness_frame", witnesses)
        con.register("run_frame", runs)
        con.execute(f"create or replace table {PATTERN_TABLE} as select * from pattern_frame")
        con.execute(f"create or replace table {WITNESSES_TABLE} as select * from witness_frame")
        if _has_table(con, RUNS_TABLE):
            con.execute(f"insert into {RUNS_TABLE} select * from run_frame")
        else:
            con.execute(f"create table {RUNS_TABLE} as select * from run_frame")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        for name in ("pattern_frame", "witness_frame", "run_frame"):
            con.unregister(name)


def _witness_frame(witnesses: list[Witness]) -> pd.DataFrame:
    if not witnesses:
        return pd.DataFrame(
            {
                "witness": pd.Series(dtype="int64"),
                "target": pd.Series(dtype="int64"),
                "cell": pd.Series(dtype="int64"),
                "delta": pd.Series(dtype="float64"),
            }
        )
    sizes = [len(w.cells) for w in witnesses]
    return pd.DataFrame(
        {
            "witness": np.repeat(np.arange(len(witnesses)), sizes),
            "target": np.repeat([w.target for w in witnesses], sizes),
            "cell": np.concatenate([w.cells for w in witnesses]),
            "delta": np.concatenate([w.delta for w in witnesses]),
        }
    )


def read_witnesses(con: duckdb.DuckDBPyConnection, tables: LinkedTables) -> list[Witness]:
    """The engine's witnesses, renumbered to `tables` by cell keys (none if it never ran)."""
    if not (_has_table(con, WITNESSES_TABLE) and _has_table(con, PATTERN_TABLE)):
        return []
    con.register("audit_cells", tables.cells.loc[:, ["cell", *KEY_COLUMNS]])
    try:
        rows = con.execute(
            f"""
            select witnesses.witness, now_target.cell as target, now_cell.cell, witnesses.delta
            from {WITNESSES_TABLE} as witnesses
            join {PATTERN_TABLE} as target_then on witnesses.target = target_then.cell
            join {PATTERN_TABLE} as cell_then on witnesses.cell = cell_then.cell
            join audit_cells as now_target on {_same_keys("now_target", "target_then")}
            join audit_cells as now_cell on {_same_keys("now_cell", "cell_then")}
            order by witnesses.witness
            """
        ).df()
    finally:
        con.unregister("audit_cells")
    witnesses = []
    for _, group in rows.groupby("witness", sort=True):
        witnesses.append(
            Witness(
                int(group["target"].iloc[0]),
                group["cell"].to_numpy(dtype=np.int64),
                group["delta"].to_numpy(dtype=float),
                frozenset(),  # the audit works out which counties a witness moves
            )
        )
    return witnesses


def _same_keys(left: str, right: str) -> str:
    return " and ".join(f"{left}.{key} = {right}.{key}" for key in KEY_COLUMNS)


def published_mask(con: duckdb.DuckDBPyConnection, tables: LinkedTables) -> tuple[np.ndarray, int]:
    """Which cells some public output shows, and how many shown counts differ from the truth
    (a public table that does not show what the pattern protected)."""
    con.register("audit_cells", tables.cells.loc[:, ["cell", *KEY_COLUMNS, "value"]])
    try:
        rows = con.execute(
            f"""
            select audit_cells.cell, bool_or(published.value <> audit_cells.value) as differs
            from {PUBLISHED_TABLE} as published
            join audit_cells on {_same_keys("audit_cells", "published")}
            group by audit_cells.cell
            """
        ).fetchall()
    finally:
        con.unregister("audit_cells")
    published = np.zeros(tables.size, dtype=bool)
    cells = np.array([cell for cell, _ in rows], dtype=np.int64)
    published[cells] = True
    return published, sum(1 for _, differs in rows if differs)


def audit_warehouse(con: duckdb.DuckDBPyConnection) -> tuple[AuditResult, int]:
    """Audit the public outputs in the warehouse; write the results; return them with the
    number of published counts that differ from their cell's true value."""
    cells = read_cells(con)
    tables = linked_tables(cells)
    rule = protection_rule(con)
    published, differing = published_mask(con, tables)
    result = audit(tables, published, rule, read_witnesses(con, tables))
    _write_audit(con, result, passed=result.passed and differing == 0)
    return result, differing


def _write_audit(con: duckdb.DuckDBPyConnection, result: AuditResult, passed: bool) -> None:
    checked_at = dt.datetime.now(dt.UTC)
    summary = result.summary.assign(checked_at=checked_at, audit_passed=passed)
    con.execute("create schema if not exists audit")
    con.register("primaries_frame", result.primaries.assign(checked_at=checked_at))
    con.register("summary_frame", summary)
    try:
        con.execute(f"create or replace table {PRIMARIES_TABLE} as select * from primaries_frame")
        con.execute(f"create or replace table {SUMMARY_TABLE} as select * from summary_frame")
    finally:
        con.unregister("primaries_frame")
        con.unregister("summary_frame")
