"""Find delivered files in the landing zone and read them as text, or reject them whole.

A file is one batch. Every value is read as text (empty or blank = NULL; a typed Parquet
column as the text its CSV form has) so that the contract, not the reader, decides what is well
formed; a file that cannot be read as a table at all is
rejected with one line naming the file and the problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from peerwh.contracts import Contract

FILE_NAME = re.compile(
    r"^(?P<feed>[a-z_]+)_(?P<date>\d{8})(?:_(?P<seq>\d{2}))?\.(?P<ext>csv|parquet)$"
)
READ_BLOCK_BYTES = 16 << 20
# Names a sender writes under before renaming the file into place: never read.
TEMPORARY_SUFFIXES = (".partial", ".tmp", ".part")
# How Arrow reports a row with more or fewer fields than the header (then it quotes the row).
RAGGED_ROW = re.compile(
    r"CSV parse error: (?:Row #(?P<row>\d+): )?"
    r"Expected (?P<expected>\d+) columns, got (?P<actual>\d+)"
)

# Quoted text in a reader's message: a value, or a path the message already names.
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


class RejectedFile(Exception):
    """The file cannot be loaded at all; the message says why, in one line."""


@dataclass(frozen=True)
class LandedFile:
    feed: str
    path: Path
    sha256: str
    extract_date: dt.date
    file_format: str

    @property
    def batch_id(self) -> str:
        # Content-addressed: the same delivery always gets the same batch id.
        return self.sha256[:16]

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Batch:
    """A readable file: its rows as text, the contract columns found and the extras."""

    table: pa.Table  # contract columns (absent optional ones as nulls) then extra columns
    present_columns: frozenset[str]
    extra_columns: tuple[str, ...]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(landing_dir: Path, feed: str) -> tuple[list[LandedFile], list[str]]:
    """The feed's files in delivery order, and one message per file whose name is not valid."""
    folder = landing_dir / feed
    files: list[LandedFile] = []
    problems: list[str] = []
    if not folder.is_dir():
        return files, problems
    inside = landing_dir.resolve()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not _being_written(p)):
        if not path.resolve().is_relative_to(inside):
            # A link out of the landing would load (and quote) whatever it points at.
            problems.append(
                f"{path}: a link to a file outside the landing directory; refused, not read"
            )
            continue
        match = FILE_NAME.match(path.name)
        if not match or match["feed"] != feed:
            problems.append(
                f"{path}: file name does not follow {feed}_YYYYMMDD[_NN].csv|parquet; skipped"
            )
            continue
        try:
            extract_date = dt.datetime.strptime(match["date"], "%Y%m%d").date()
        except ValueError:
            problems.append(f"{path}: {match['date']} in the file name is not a date; skipped")
            continue
        files.append(LandedFile(feed, path, sha256_of(path), extract_date, match["ext"]))
    files.sort(key=lambda f: (f.extract_date, f.name))
    return files, problems


def _being_written(path: Path) -> bool:
    """A file under a temporary name: senders write there, then rename (see operations.md)."""
    return path.name.startswith(".") or path.name.endswith(TEMPORARY_SUFFIXES)


def unknown_folders(landing_dir: Path, feeds: tuple[str, ...]) -> list[str]:
    """One line per folder of the landing that is no feed's: its files are never read."""
    if not landing_dir.is_dir():
        return []
    return [
        f"{path}: not a feed folder (feeds: {', '.join(feeds)}); its files are not read"
        for path in sorted(landing_dir.iterdir())
        if path.is_dir() and path.name not in feeds and not path.name.startswith(".")
    ]


def _split_header(line: str) -> list[str]:
    return next(csv.reader([line.strip("\r\n")]))


def _normalise(names: list[str]) -> list[str]:
    return [n.strip().lower() for n in names]


def _check_header(names: list[str], contract: Contract) -> None:
    # Missing columns first: a file without a header has a data row in its place, and only
    # this message never quotes what the header holds.
    missing = [c for c in contract.required_columns if c not in names]
    if missing:
        raise RejectedFile(f"required column(s) missing from the header: {', '.join(missing)}")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RejectedFile(f"the header repeats column(s) {', '.join(duplicates)}")
    if "" in names:
        raise RejectedFile("the header has an empty column name")


def read_batch(landed: LandedFile, contract: Contract, data: bytes) -> Batch:
    """Read a landed file's bytes (read once: those hashed are those parsed) as text columns;
    raise RejectedFile if they are not a readable table."""
    try:
        if landed.file_format == "parquet":
            table = _read_parquet(data, contract)
        else:
            table = _read_csv(data)
    except RejectedFile:
        raise
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError, UnicodeDecodeError) as exc:
        raise RejectedFile(
            f"cannot be read as {landed.file_format.upper()}: {without_values(exc)}"
        ) from None
    names = _normalise(table.column_names)
    _check_header(names, contract)
    table = table.rename_columns(names)
    if table.num_rows == 0:
        raise RejectedFile("the file has a header but no rows")
    present = frozenset(n for n in names if n in contract.column_names)
    extras = tuple(n for n in names if n not in contract.column_names)
    columns = [
        _blank_as_null(table[c]) if c in present else pa.nulls(table.num_rows, pa.string())
        for c in contract.column_names
    ] + [_blank_as_null(table[c]) for c in extras]
    return Batch(
        table=pa.table(columns, names=[*contract.column_names, *extras]),
        present_columns=present,
        extra_columns=extras,
    )


def without_values(exc: object) -> str:
    """The first line of an error with anything it quotes left out: Arrow and pandas quote the
    values they could not convert, which may be PII."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    return QUOTED.sub("'…'", first)


def _read_csv(data: bytes) -> pa.Table:
    header = _split_header(_first_line(data))
    try:
        return pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(block_size=READ_BLOCK_BYTES, encoding="utf8"),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        ragged = RAGGED_ROW.match(str(exc))
        if ragged is None:
            raise
    # Arrow's message ends with the whole row, which may hold PII: name the line and the column
    # instead, raised after the `except` so that no traceback chains Arrow's message either.
    raise RejectedFile(_ragged_row(data, header, ragged))


def _ragged_row(data: bytes, header: list[str], ragged: re.Match[str]) -> str:
    """Where the first row whose field count differs from the header's is: its row number, the
    line it starts on and the first column it lacks (or the field beyond the header)."""
    expected, actual = int(ragged["expected"]), int(ragged["actual"])
    row, line = (int(ragged["row"]) - 1 if ragged["row"] else None), None  # row 1: the header
    with io.StringIO(data.decode("utf-8-sig", errors="replace"), newline="") as handle:
        records = csv.reader(handle)
        next(records, None)
        number, start = 0, records.line_num + 1
        for fields in records:
            # Arrow skips blank lines and numbers rows only on one thread; count as it does.
            if fields:
                number += 1
                if len(fields) != expected and row in (None, number):
                    row, line, actual = number, start, len(fields)
                    break
            start = records.line_num + 1
    where = f"row {row}" if row is not None else "a row"
    if line is not None:
        where += f" (line {line})"
    if actual < expected:
        column = f"column {_normalise(header)[actual]} and after missing"
    else:
        column = f"field {expected + 1} has no column in the header"
    return (
        f"{where} has {actual} fields where the header has {expected}: {column}"
        " (row not shown: it may hold PII)"
    )


def _first_line(data: bytes) -> str:
    head = data[:4096]
    first = head.split(b"\n", 1)[0]
    if not first.strip():
        raise RejectedFile("the file is empty or its first line (the header) is blank")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RejectedFile("the file is UTF-16 text; feeds must be UTF-8")
    if b"\x00" in head:
        raise RejectedFile("the file is binary, not CSV text")
    try:
        return first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RejectedFile(f"the header is not UTF-8 text ({exc.reason})") from exc


def _read_parquet(data: bytes, contract: Contract) -> pa.Table:
    table = pq.read_table(pa.BufferReader(data))
    types = {c.name: c.parse_type for c in contract.columns}
    return pa.table(
        [
            _as_text(name, table[name], types.get(name.strip().lower(), "string"))
            for name in table.column_names
        ],
        names=table.column_names,
    )


def _as_text(name: str, column: pa.ChunkedArray, parse_type: str) -> pa.ChunkedArray:
    """A typed Parquet column as the text the CSV form of the same values has, so that the
    contract reads one value the same way whatever the format."""
    kind = column.type
    if pa.types.is_timestamp(kind):
        return _timestamp_text(column, date_only=parse_type == "date")
    if pa.types.is_nested(kind) or pa.types.is_time(kind) or pa.types.is_duration(kind):
        raise RejectedFile(f"column {name} has Parquet type {kind}, which no contract type allows")
    # Strings, integers, decimals (with their scale: 1.00), floats (5.0 is "5", an integer),
    # dates (ISO) and booleans (true/false) cast as the CSV form has them.
    return column.cast(pa.string())


def _timestamp_text(column: pa.ChunkedArray, date_only: bool) -> pa.ChunkedArray:
    # A time zone is dropped after conversion to UTC: text without an offset is read as UTC.
    unit = column.type.unit
    naive = column.cast(pa.timestamp(unit, "UTC")).cast(pa.timestamp(unit))
    seconds = naive.cast(pa.timestamp("s"), safe=False)
    whole = pc.all(pc.equal(seconds.cast(naive.type), naive)).as_py() is not False
    if date_only and whole:
        days = seconds.cast(pa.date32())
        if pc.all(pc.equal(days.cast(pa.timestamp("s")), seconds)).as_py() is not False:
            return days.cast(pa.string())  # midnight throughout: dates stored as timestamps
    return pc.strftime(seconds if whole else naive, "%Y-%m-%dT%H:%M:%S")


def _blank_as_null(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Empty or blank text is no value, in a CSV or a Parquet file alike."""
    blank = pc.equal(pc.utf8_trim_whitespace(column), "")
    return pc.if_else(blank, pa.scalar(None, pa.string()), column)


def chunks(table: pa.Table, rows_per_chunk: int) -> Iterator[tuple[int, pa.Table]]:
    """Slices of the batch with the 1-based row number of their first row."""
    for offset in range(0, table.num_rows, rows_per_chunk):
        yield offset + 1, table.slice(offset, rows_per_chunk)
