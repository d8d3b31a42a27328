"""Ingest a feed: every new landed file is read, validated against its contract, and loaded.

Per file: good rows go to raw.<feed>, rows breaking an `error` rule to audit.quarantine (one
row per broken rule), `warn` findings to audit.row_warnings, every rule's outcome to
audit.check_results, and the file itself to audit.ingest_files, where always
received = loaded + quarantined. A file whose error-rule violations exceed a threshold is
`held`: its rows load with `_load_status = 'held'` and staging never reads them.
Landing files are only read, never moved or changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from peerwh.contracts import Contract, Rule
from peerwh.ingest.files import (
    LandedFile,
    RejectedFile,
    chunks,
    discover,
    read_batch,
)
from peerwh.ingest.held import held_batches, settle
from peerwh.ingest.store import ensure_tables, record_duplicate, recorded_files, write_batch
from peerwh.ingest.validation import BatchValidator, RuleOutcome

ROWS_PER_CHUNK = 250_000
MAX_MESSAGES_PER_RULE = 5


@dataclass
class FileReport:
    feed: str
    file_name: str
    # loaded | held | rejected | duplicate | deferred (changed while read: not recorded, taken by
    # the next run) | skipped (recorded before: not reported)
    status: str
    rows_received: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_with_warnings: int = 0
    messages: list[str] = field(default_factory=list)
    outcomes: list[RuleOutcome] = field(default_factory=list)


@dataclass
class FeedReport:
    feed: str
    files: list[FileReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def new_files(self) -> list[FileReport]:
        return [f for f in self.files if f.status != "skipped"]

    def failed_rules(self) -> dict[str, list[RuleOutcome]]:
        """Rule id -> its failing outcomes in the files of this run."""
        failed: dict[str, list[RuleOutcome]] = {}
        for report in self.new_files:
            for outcome in report.outcomes:
                if outcome.status in ("fail", "error"):
                    failed.setdefault(outcome.rule.rule_id, []).append(outcome)
        return failed


def _masked(value: object, withheld: bool) -> str:
    """How a value is shown in a message: never one found by a rule that reads a PII column."""
    if withheld:
        return "value withheld: PII"
    return f"value {value!r}" if value is not None else "value empty"


def describe(landed: LandedFile, row: int, column: str, rule: Rule, detail: str) -> str:
    """One line naming the file, row, column and rule."""
    return f"{landed.path}: row {row}, column {column}: {rule.name} [{rule.rule_id}] ({detail})"


def _violation_rows(
    landed: LandedFile,
    contract: Contract,
    table: pa.Table,
    outcomes: list[RuleOutcome],
    severity: str,
) -> tuple[pd.DataFrame, list[str]]:
    """One row per (row, broken rule) of the given severity, plus a few sample messages."""
    records: list[dict[str, object]] = []
    samples: list[str] = []
    for outcome in outcomes:
        rule = outcome.rule
        if rule.severity != severity or not outcome.violating_rows:
            continue
        column = rule.column or ",".join(rule.columns)
        values = (
            table.column(rule.columns[0])
            .take(pa.array([r - 1 for r in outcome.violating_rows]))
            .to_pylist()
        )
        withheld = contract.reads_pii(rule)
        messages = [
            describe(landed, row, column, rule, _masked(value, withheld))
            for row, value in zip(outcome.violating_rows, values, strict=True)
        ]
        records += [
            {"row_number": row, "column_name": column, "rule_id": rule.rule_id,
             "severity": rule.severity, "message": message}
            for row, message in zip(outcome.violating_rows, messages, strict=True)
        ]  # fmt: skip
        samples += messages[:MAX_MESSAGES_PER_RULE]
        if len(messages) > MAX_MESSAGES_PER_RULE:
            samples.append(
                f"{landed.path}: ... and {len(messages) - MAX_MESSAGES_PER_RULE} more rows "
                f"breaking [{rule.rule_id}]"
            )
    frame = pd.DataFrame.from_records(
        records, columns=["row_number", "column_name", "rule_id", "severity", "message"]
    )
    return frame, samples


def _audit_columns(frame: pd.DataFrame, landed: LandedFile) -> pa.Table:
    frame = frame.assign(batch_id=landed.batch_id, feed=landed.feed, file_name=landed.name)
    return pa.Table.from_pandas(frame, preserve_index=False)


def _check_rows(landed: LandedFile, outcomes: list[RuleOutcome], now: dt.datetime) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [
            {
                "check_id": o.rule.rule_id,
                "check_name": o.rule.name,
                "check_level": "field" if o.rule.column else "table",
                "category": o.rule.category,
                "severity": o.rule.severity,
                "rows_violated": o.rows_violated,
                "rows_checked": o.rows_checked,
                "percent_violated": round(o.percent_violated, 4),
                "threshold_percent": o.rule.threshold_percent,
                "status": o.status,
                "message": o.message,
                "checked_at": now,
            }
            for o in outcomes
        ]
    )


def file_check(
    landed: LandedFile,
    check: str,
    name: str,
    severity: str,
    ok: bool,
    message: str,
    now: dt.datetime,
) -> dict[str, object]:
    """A check on the file as a whole (readable, known columns): not from the contract."""
    return {
        "check_id": f"{landed.feed}-file-{check}",
        "check_name": name,
        "check_level": "file",
        "category": "conformance",
        "severity": severity,
        "rows_violated": 0,
        "rows_checked": 0,
        "percent_violated": 0.0,
        "threshold_percent": 0.0,
        "status": "pass" if ok else "fail",
        "message": message,
        "checked_at": now,
    }


def _pandas_chunks(table: pa.Table) -> Iterator[pd.DataFrame]:
    for first_row, part in chunks(table, ROWS_PER_CHUNK):
        frame = part.to_pandas()
        frame.index = pd.RangeIndex(first_row, first_row + part.num_rows)
        yield frame


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    validator: BatchValidator,
    contract: Contract,
    landed: LandedFile,
    now: dt.datetime,
) -> FileReport:
    report = FileReport(landed.feed, landed.name, "loaded")
    file_record = _file_record(landed, now)
    try:
        data = landed.path.read_bytes()
    except OSError as exc:
        data, unreadable = b"", exc.strerror or type(exc).__name__
    else:
        unreadable = None
        if hashlib.sha256(data).hexdigest() != landed.sha256:
            # Changed since it was found: still being written. The hash recorded must be that
            # of the bytes loaded, so nothing is recorded and the next run takes it whole.
            report.status = "deferred"
            report.messages.append(
                f"{landed.path}: changed while being read (still being written?); not loaded "
                "this run, the next run takes it"
            )
            return report
    try:
        if unreadable is not None:
            raise RejectedFile(f"cannot be read: {unreadable}")
        batch = read_batch(landed, contract, data)
    except RejectedFile as exc:
        report.status = "rejected"
        report.messages.append(f"{landed.path}: rejected: {exc} [{landed.feed}-file-readable]")
        checks = pd.DataFrame.from_records(
            [
                file_check(
                    landed,
                    "readable",
                    "file can be read as a table",
                    "error",
                    False,
                    str(exc),
                    now,
                )
            ]
        )
        write_batch(
            con,
            contract,
            landed.batch_id,
            None,
            (),
            pa.table({}),
            pa.table({}),
            _audit_columns(checks, landed),
            _file_table(file_record, report),
        )
        return report

    table = batch.table
    report.rows_received = table.num_rows
    file_checks = [
        file_check(
            landed,
            "readable",
            "file can be read as a table",
            "error",
            True,
            "read",
            now,
        )
    ]
    if batch.extra_columns:
        extra = ", ".join(batch.extra_columns)
        report.messages.append(
            f"{landed.path}: warning: unknown column(s) {extra} kept in raw._extra_columns"
        )
        file_checks.append(
            file_check(
                landed,
                "known_columns",
                "file has only contract columns",
                "warn",
                False,
                f"unknown columns: {extra}",
                now,
            )
        )
    outcomes = validator.validate(
        contract, _pandas_chunks(table), landed.extract_date, set(batch.present_columns)
    )
    report.outcomes = outcomes
    quarantine, quarantine_messages = _violation_rows(landed, contract, table, outcomes, "error")
    warnings, warning_messages = _violation_rows(landed, contract, table, outcomes, "warn")
    report.messages += quarantine_messages + warning_messages
    report.rows_quarantined = int(quarantine["row_number"].nunique())
    report.rows_with_warnings = int(warnings["row_number"].nunique())
    report.rows_loaded = report.rows_received - report.rows_quarantined
    blocking = [o for o in outcomes if o.rule.severity == "error" and o.status in ("fail", "error")]
    if blocking:
        report.status = "held"
        for o in blocking:
            report.messages.append(
                f"{landed.path}: held: [{o.rule.rule_id}] {o.rule.name}: {o.message}"
            )

    rows = table.append_column("_row_number", pa.array(range(1, table.num_rows + 1), pa.int64()))
    lineage = {
        "_batch_id": landed.batch_id,
        "_source_file": landed.name,
        "_extract_date": landed.extract_date,
        "_ingested_at": now,
        "_load_status": "held" if blocking else "accepted",
    }
    for name, value in lineage.items():
        rows = rows.append_column(name, pa.array([value] * table.num_rows))
    checks = pd.concat(
        [pd.DataFrame.from_records(file_checks), _check_rows(landed, outcomes, now)],
        ignore_index=True,
    )
    write_batch(
        con,
        contract,
        landed.batch_id,
        rows,
        batch.extra_columns,
        _audit_columns(quarantine, landed),
        _audit_columns(warnings.drop(columns=["severity"]), landed),
        _audit_columns(checks, landed),
        _file_table(file_record, report),
    )
    return report


def _file_record(landed: LandedFile, now: dt.datetime) -> dict[str, object]:
    return {
        "batch_id": landed.batch_id,
        "feed": landed.feed,
        "file_name": landed.name,
        "file_path": str(landed.path),
        "sha256": landed.sha256,
        "extract_date": landed.extract_date,
        "file_format": landed.file_format,
        "ingested_at": now,
    }


def _file_table(record: dict[str, object], report: FileReport) -> pa.Table:
    row = record | {
        "rows_received": report.rows_received,
        "rows_loaded": report.rows_loaded,
        "rows_quarantined": report.rows_quarantined,
        "rows_with_warnings": report.rows_with_warnings,
        "status": report.status,
        "messages": report.messages,
    }
    return pa.Table.from_pylist([row])


def ingest_feed(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    landing_dir: Path,
    validator: BatchValidator,
    now: dt.datetime | None = None,
) -> FeedReport:
    """Load every file of the feed not recorded before.

    A file whose content an earlier file brought (by content hash) under another name is recorded
    once, as a `duplicate` of that file, and loads nothing; a file recorded before is skipped."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    ensure_tables(con, contract)
    files, problems = discover(landing_dir, contract.feed)
    report = FeedReport(contract.feed, problems=problems)
    recorded = recorded_files(con, contract.feed)
    held = {b.file_name: b for b in held_batches(con) if b.feed == contract.feed}
    for landed in files:
        earlier = recorded.first_name.get(landed.sha256)
        if (landed.sha256, landed.name) in recorded.seen:
            # This very file was recorded by an earlier run: a re-run changes nothing.
            report.files.append(FileReport(landed.feed, landed.name, "skipped"))
        elif earlier is not None:
            report.files.append(_record_duplicate(con, landed, earlier, now))
        else:
            report.files.append(ingest_file(con, validator, contract, landed, now))
            recorded.first_name[landed.sha256] = landed.name
            if any(name == landed.name for _, name in recorded.seen):
                report.files[-1].messages.append(
                    f"{landed.path}: re-delivery: a file of this name was ingested before with "
                    "other content; both are kept, and record by record the later delivery wins"
                )
            earlier_held = held.pop(landed.name, None)
            if earlier_held is not None:
                reason = f"re-delivered under its name as batch {landed.batch_id}"
                settle(con, earlier_held, "replaced", reason, now)
                report.files[-1].messages.append(
                    f"{landed.path}: replaces the held batch {earlier_held.batch_id} of that name"
                )
        recorded.seen.add((landed.sha256, landed.name))
    return report


def _record_duplicate(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, earlier: str, now: dt.datetime
) -> FileReport:
    report = FileReport(
        landed.feed,
        landed.name,
        "duplicate",
        messages=[
            f"{landed.path}: duplicate: the same content as {earlier}, ingested before; "
            "nothing loaded"
        ],
    )
    # A batch id of its own: rows counted by batch id (raw, quarantine) stay the earlier file's.
    batch_id = hashlib.sha256(f"{landed.sha256}:{landed.name}".encode()).hexdigest()[:16]
    record = _file_record(landed, now) | {"batch_id": batch_id, "duplicate_of": earlier}
    record_duplicate(con, _file_table(record, report))
    return report
