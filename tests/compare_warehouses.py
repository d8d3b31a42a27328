"""Compare two warehouses built from the same landing files, table by table.

    python tests/compare_warehouses.py BEFORE.duckdb AFTER.duckdb [--schema marts ...]

For every table of the schemas (marts, reporting and intermediate by default) in either
warehouse: the same columns in the same order with the same types, and no row of one missing
from the other (EXCEPT ALL both ways, so duplicates count; BUILD_TIME_COLUMNS left out). A
model renamed on purpose is compared under its old name (RENAMED). A table only in one
warehouse is listed, not a failure: a model added on purpose (a split). Exit status 1 on any
difference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

# New name -> old name of the models renamed by the dbt conventions (agg_ is no mart prefix).
RENAMED = {
    "fct_complaints_by_county_quarter": "agg_complaints_by_county_quarter",
    "fct_peer_certification_by_county": "agg_peer_certification_by_county",
}
SCHEMAS = ("marts", "reporting", "intermediate")
# Columns that record when a build ran, not what it computed: left out of the row comparison.
# _ingested_at: when ingestion loaded a row; inputs_ingested_through: its maximum; checked_at:
# when the disclosure audit ran.
BUILD_TIME_COLUMNS = {"_ingested_at", "inputs_ingested_through", "checked_at"}


def tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ?",
        [catalog, schema],
    ).fetchall()
    return {name for (name,) in rows}


def columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[tuple]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()


def compare(
    before: Path,
    after: Path,
    schemas: tuple[str, ...],
    renamed: dict[str, str] | None = None,
) -> list[str]:
    """Differences between the two warehouses' tables; `renamed` maps new to old names (default
    RENAMED, for a build before the renames; pass {} for two builds of today's project)."""
    renamed = RENAMED if renamed is None else renamed
    con = duckdb.connect()
    con.execute(f"attach '{before}' as before (read_only)")
    con.execute(f"attach '{after}' as after (read_only)")
    problems: list[str] = []
    for schema in schemas:
        old = tables(con, "before", schema)
        new = tables(con, "after", schema)
        pairs = {name: renamed.get(name, name) for name in new}
        for name in sorted(old - set(pairs.values())):
            print(f"  only before: {schema}.{name}")
        for name, old_name in sorted(pairs.items()):
            if old_name not in old:
                print(f"  only after:  {schema}.{name} (added)")
                continue
            label = f"{schema}.{name}" + (f" (was {old_name})" if old_name != name else "")
            cols_before = columns(con, "before", schema, old_name)
            cols_after = columns(con, "after", schema, name)
            if cols_before != cols_after:
                problems.append(f"{label}: columns {cols_before} -> {cols_after}")
                continue
            kept = ", ".join(f'"{c}"' for c, _ in cols_after if c not in BUILD_TIME_COLUMNS)
            a = f'before."{schema}"."{old_name}"'
            b = f'after."{schema}"."{name}"'
            a_rows, b_rows = f"select {kept} from {a}", f"select {kept} from {b}"
            missing = con.execute(f"select count(*) from ({a_rows} except all {b_rows})").fetchone()
            extra = con.execute(f"select count(*) from ({b_rows} except all {a_rows})").fetchone()
            rows = con.execute(f"select count(*) from {a}").fetchone()
            assert missing and extra and rows
            status = "identical" if missing[0] == extra[0] == 0 else "DIFFERENT"
            print(f"  {status}: {label}, {rows[0]} rows, -{missing[0]} +{extra[0]}")
            if status != "identical":
                problems.append(f"{label}: {missing[0]} rows only before, {extra[0]} only after")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--schema", action="append", dest="schemas")
    args = parser.parse_args()
    problems = compare(args.before, args.after, tuple(args.schemas or SCHEMAS))
    print("\n".join(["", *problems]) if problems else "\nevery table compared is identical")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
