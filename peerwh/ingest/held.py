"""Held batches stay on the books until someone settles them.

A file over a blocking threshold is `held`: its rows wait in raw with `_load_status = 'held'`
and no model reads them. Every run lists it and exits non-zero until it is settled:

- released (`peerwh release-batch`): an operator accepts it; its loaded rows become `accepted`;
- dropped (`peerwh drop-batch`): an operator gives it up; its rows stay in raw, never read;
- replaced: a later delivery under the same file name, with other content, was ingested.

Each settlement is a row of audit.batch_actions (who, when, why) and the file's status in
audit.ingest_files becomes `released`, `dropped` or `replaced`.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

import duckdb

BATCH_ACTIONS_DDL = """
create schema if not exists audit;
create table if not exists audit.batch_actions (
    batch_id varchar not null,
    feed varchar not null,
    file_name varchar not null,
    action varchar not null,
    reason varchar,
    acted_by varchar not null,
    acted_at timestamp not null
);
"""
ACTIONS = ("released", "dropped", "replaced")


class BatchError(Exception):
    """The batch named cannot be settled; the message says why, in one line."""


@dataclass(frozen=True)
class HeldBatch:
    batch_id: str
    feed: str
    file_name: str
    ingested_at: dt.datetime
    rows_loaded: int

    def line(self) -> str:
        return (
            f"{self.feed}: {self.file_name} (batch {self.batch_id}, {self.rows_loaded:,} rows "
            f"held since {self.ingested_at:%Y-%m-%d %H:%M})"
        )


def held_batches(con: duckdb.DuckDBPyConnection) -> list[HeldBatch]:
    """Every batch still held, oldest first (none in a warehouse that was never loaded)."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'audit' and table_name = 'ingest_files'"
    ).fetchone()
    if not exists or not exists[0]:
        return []
    rows = con.execute(
        "select batch_id, feed, file_name, ingested_at, rows_loaded from audit.ingest_files "
        "where status = 'held' order by ingested_at, feed, file_name"
    ).fetchall()
    return [HeldBatch(*row) for row in rows]


def settle(
    con: duckdb.DuckDBPyConnection,
    batch: HeldBatch,
    action: str,
    reason: str | None,
    now: dt.datetime | None = None,
) -> None:
    """Release, drop or replace a held batch, and record who did it and why."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(BATCH_ACTIONS_DDL)
    con.begin()
    try:
        if action == "released":
            con.execute(
                f"update raw.{batch.feed} set _load_status = 'accepted' where _batch_id = ?",
                [batch.batch_id],
            )
        con.execute(
            "update audit.ingest_files set status = ? where batch_id = ? and status = 'held'",
            [action, batch.batch_id],
        )
        con.execute(
            "insert into audit.batch_actions values (?, ?, ?, ?, ?, ?, ?)",
            [batch.batch_id, batch.feed, batch.file_name, action, reason, _who(), now],
        )
        con.commit()
    except Exception:
        con.rollback()
        raise


def find_held(con: duckdb.DuckDBPyConnection, name: str) -> HeldBatch:
    """The held batch of that file name or batch id."""
    held = [b for b in held_batches(con) if name in (b.file_name, b.batch_id)]
    if len(held) == 1:
        return held[0]
    if held:
        ids = ", ".join(b.batch_id for b in held)
        raise BatchError(f"{name} names several held batches ({ids}): give the batch id")
    waiting = ", ".join(b.file_name for b in held_batches(con)) or "none"
    raise BatchError(f"no held batch named {name} (held now: {waiting})")


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
