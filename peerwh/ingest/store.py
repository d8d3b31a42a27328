"""The raw and audit tables in the warehouse, and the one transaction that loads a batch."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from peerwh.contracts import Contract

LINEAGE_COLUMNS = {
    "_batch_id": "varchar",
    "_source_file": "varchar",
    "_extract_date": "date",
    "_row_number": "bigint",
    "_ingested_at": "timestamp",
    "_extra_columns": "varchar",
    "_load_status": "varchar",
}

AUDIT_DDL = """
create schema if not exists raw;
create schema if not exists audit;
create table if not exists audit.ingest_files (
    batch_id varchar not null,
    feed varchar not null,
    file_name varchar not null,
    file_path varchar not null,
    sha256 varchar not null,
    extract_date date,
    file_format varchar,
    rows_received bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    rows_with_warnings bigint not null,
    status varchar not null,
    messages varchar[],
    ingested_at timestamp not null,
    duplicate_of varchar
);
create table if not exists audit.quarantine (
    batch_id varchar not null,
    feed varchar not null,
    file_name varchar not null,
    row_number bigint not null,
    column_name varchar,
    rule_id varchar not null,
    severity varchar not null,
    message varchar not null,
    raw_values json,
    quarantined_at timestamp not null
);
create table if not exists audit.row_warnings (
    batch_id varchar not null,
    feed varchar not null,
    file_name varchar not null,
    row_number bigint not null,
    column_name varchar,
    rule_id varchar not null,
    message varchar not null
);
create table if not exists audit.check_results (
    batch_id varchar not null,
    feed varchar not null,
    file_name varchar not null,
    check_id varchar not null,
    check_name varchar not null,
    check_level varchar not null,
    category varchar not null,
    severity varchar not null,
    rows_violated bigint not null,
    rows_checked bigint not null,
    percent_violated double not null,
    threshold_percent double not null,
    status varchar not null,
    message varchar,
    checked_at timestamp not null
);
"""

AUDIT_TABLES = ("ingest_files", "quarantine", "row_warnings", "check_results")


def ensure_tables(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Create the audit tables and raw.<feed>, adding any column a newer contract names."""
    con.execute(AUDIT_DDL)
    # Warehouses built before duplicates were recorded lack the column.
    con.execute("alter table audit.ingest_files add column if not exists duplicate_of varchar")
    columns = [*(f'"{c}" varchar' for c in contract.column_names)]
    columns += [f"{name} {kind}" for name, kind in LINEAGE_COLUMNS.items()]
    con.execute(f"create table if not exists raw.{contract.feed} ({', '.join(columns)})")
    existing = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'raw' and table_name = ?",
            [contract.feed],
        ).fetchall()
    }
    for name in contract.column_names:
        if name not in existing:
            con.execute(f'alter table raw.{contract.feed} add column "{name}" varchar')


@dataclass(frozen=True)
class Recorded:
    """What audit.ingest_files holds of a feed's files, to tell a new delivery from a seen one."""

    first_name: dict[str, str]  # sha256 -> name of the file that first brought that content
    seen: set[tuple[str, str]]  # (sha256, file name) of every file recorded, duplicates too


def recorded_files(con: duckdb.DuckDBPyConnection, feed: str) -> Recorded:
    rows = con.execute(
        "select sha256, file_name, status from audit.ingest_files where feed = ?"
        " order by ingested_at, file_name",
        [feed],
    ).fetchall()
    first: dict[str, str] = {}
    for sha256, name, status in rows:
        if status != "duplicate":
            first.setdefault(sha256, name)
    return Recorded(first, {(sha256, name) for sha256, name, _ in rows})


def record_duplicate(con: duckdb.DuckDBPyConnection, file_record: pa.Table) -> None:
    """Record a delivery whose content was loaded before under another name: nothing loads, and
    nothing of the earlier batch (same content, same batch id) is touched."""
    con.register("duplicate_file", file_record)
    con.execute("insert into audit.ingest_files by name select * from duplicate_file")
    con.unregister("duplicate_file")


def write_batch(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    batch_id: str,
    rows: pa.Table | None,
    extra_columns: tuple[str, ...],
    quarantine: pa.Table,
    warnings: pa.Table,
    checks: pa.Table,
    file_record: pa.Table,
) -> None:
    """Load one batch in one transaction: raw rows, quarantine, warnings, checks, the file.

    `rows` holds every row with `_row_number`, `_load_status` and the file's lineage values;
    quarantined rows are left out of raw but kept whole (as JSON) in audit.quarantine.
    """
    con.begin()
    try:
        for table in (f"raw.{contract.feed}", *(f"audit.{t}" for t in AUDIT_TABLES)):
            key = "_batch_id" if table.startswith("raw.") else "batch_id"
            con.execute(f"delete from {table} where {key} = ?", [batch_id])
        if rows is not None:
            con.register("batch_rows", rows)
            con.register("batch_quarantine", quarantine)
            names = ", ".join(f'"{c}"' for c in contract.column_names)
            extras = (
                "json_object(" + ", ".join(f"'{c}', \"{c}\"" for c in extra_columns) + ")"
                if extra_columns
                else "null"
            )
            con.execute(
                f"""
                insert into raw.{contract.feed} by name
                select {names}, _batch_id, _source_file, _extract_date, _row_number,
                       _ingested_at, {extras}::varchar as _extra_columns, _load_status
                from batch_rows
                where _row_number not in (select row_number from batch_quarantine)
                """
            )
            con.execute(
                """
                insert into audit.quarantine by name
                select q.*, to_json(r) as raw_values, r._ingested_at as quarantined_at
                from batch_quarantine q
                join (select * exclude (_batch_id, _extract_date, _load_status) from batch_rows) r
                  on r._row_number = q.row_number
                """
            )
            con.unregister("batch_rows")
            con.unregister("batch_quarantine")
        for name, table in (("row_warnings", warnings), ("check_results", checks)):
            if table.num_rows:
                con.register("batch_audit", table)
                con.execute(f"insert into audit.{name} by name select * from batch_audit")
                con.unregister("batch_audit")
        con.register("batch_file", file_record)
        con.execute("insert into audit.ingest_files by name select * from batch_file")
        con.unregister("batch_file")
        con.commit()
    except Exception:
        con.rollback()
        raise
