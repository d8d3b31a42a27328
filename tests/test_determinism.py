"""Determinism: two warehouses built from the same landing with the same key are identical in
every mart (and every reporting and intermediate model), row for row.

The second warehouse is built by `peerwh run` into a folder of its own, from the very landing of
the session's warehouse, with the same hash key; tests/compare_warehouses.py compares them
(EXCEPT ALL both ways, so duplicated rows count too; only the columns that record when a build
ran are left out).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.compare_warehouses import SCHEMAS, compare, tables
from tests.pipeline import BuiltWarehouse, run_cli


def _tables(database: Path) -> dict[str, set[str]]:
    with duckdb.connect(str(database), read_only=True) as con:
        catalog = database.stem
        return {schema: tables(con, catalog, schema) for schema in SCHEMAS}


def test_two_builds_from_one_landing_are_identical_in_every_mart(
    built_warehouse: BuiltWarehouse, tmp_path: Path
) -> None:
    second = tmp_path / "warehouse"
    result = run_cli("run", "--landing", str(built_warehouse.landing), "--warehouse", str(second))
    assert result.returncode == 0, result.output
    database = second / "warehouse.duckdb"

    first_tables, second_tables = _tables(built_warehouse.database), _tables(database)
    # compare() only lists a table found in one warehouse; here that is a difference too.
    assert first_tables == second_tables
    assert len(first_tables["marts"]) >= 10, first_tables["marts"]
    assert compare(built_warehouse.database, database, SCHEMAS) == []
