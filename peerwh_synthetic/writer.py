"""Writing feed files: typed pandas frames in, RFC 4180 CSV out, through DuckDB ``COPY``.

A feed module describes its output columns as ``Col`` specs over an internal frame that holds
numbers and codes; all text formatting (ids, dates, months, timestamps, decimals) happens in
DuckDB while writing, which keeps generation vectorised and fast at 10M rows. An internal column
``ovr__<name>`` (text, mostly NULL) overrides the formatted value of output column ``<name>`` on
its rows (planted malformed values); an override of ``''`` writes an empty (NULL) field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from peerwh_synthetic.dates import NO_DATE
from peerwh_synthetic.ids import sql_cin, sql_date, sql_id, sql_month, sql_timestamp


@dataclass(frozen=True)
class Col:
    """One output column. ``kind`` is one of: enum (codes, -1 = NULL, into ``labels``), date (day
    numbers, NO_DATE = NULL), month (months since 1970-01), int (-1 = NULL when ``nullable``),
    decimal (NaN = NULL, ``places`` decimals), bool (1/0, -1 = NULL), timestamp (seconds),
    text (None = NULL), id (number shown as ``prefix`` + zero-padded ``width`` digits, -1 = NULL
    when ``nullable``), cin (number*26 + letter, see ``ids.cin``) or const (the SQL literal
    ``value``)."""

    name: str
    kind: str
    source: str = ""
    labels: tuple[str, ...] = ()
    places: int = 2
    nullable: bool = False
    prefix: str = ""
    width: int = 0
    value: str = ""

    @property
    def src(self) -> str:
        return self.source or self.name


def _prepared(frame: pd.DataFrame, cols: Sequence[Col]) -> tuple[pd.DataFrame, list[str]]:
    data: dict[str, object] = {}
    select: list[str] = []
    for col in cols:
        alias = f"c_{len(select)}"
        if col.kind == "enum":
            codes = frame[col.src].to_numpy()
            data[alias] = pd.Categorical.from_codes(
                codes, categories=list(col.labels), validate=False
            )
            expr = f'"{alias}"'
        elif col.kind == "date":
            days = frame[col.src].to_numpy().astype(np.int64)
            data[alias] = pd.arrays.IntegerArray(days.astype(np.int32), days == NO_DATE)
            expr = sql_date(f'"{alias}"')
        elif col.kind == "month":
            data[alias] = frame[col.src].to_numpy().astype(np.int64)
            expr = sql_month(f'"{alias}"')
        elif col.kind == "int":
            values = frame[col.src].to_numpy().astype(np.int64)
            mask = values == -1 if col.nullable else np.zeros(values.size, dtype=bool)
            data[alias] = pd.arrays.IntegerArray(values, mask)
            expr = f'"{alias}"'
        elif col.kind == "decimal":
            values = frame[col.src].to_numpy().astype(np.float64)
            data[alias] = pd.arrays.FloatingArray(values, np.isnan(values))
            expr = f'CAST("{alias}" AS DECIMAL(14, {col.places}))'
        elif col.kind == "bool":
            values = frame[col.src].to_numpy().astype(np.int8)
            data[alias] = pd.arrays.BooleanArray(values == 1, values < 0)
            expr = f'"{alias}"'
        elif col.kind == "timestamp":
            data[alias] = frame[col.src].to_numpy().astype(np.int64)
            expr = sql_timestamp(f'"{alias}"')
        elif col.kind == "text":
            data[alias] = frame[col.src].to_numpy(dtype=object)
            expr = f'"{alias}"'
        elif col.kind == "id":
            values = frame[col.src].to_numpy().astype(np.int64)
            mask = values == -1 if col.nullable else np.zeros(values.size, dtype=bool)
            data[alias] = pd.arrays.IntegerArray(values, mask)
            expr = sql_id(f'"{alias}"', col.prefix, col.width)
        elif col.kind == "cin":
            data[alias] = frame[col.src].to_numpy().astype(np.int64)
            expr = sql_cin(f'"{alias}"')
        elif col.kind == "const":
            expr = col.value
        else:
            raise ValueError(f"unknown column kind {col.kind!r}")
        override = f"ovr__{col.name}"
        if override in frame.columns:
            o_alias = f"o_{len(select)}"
            data[o_alias] = frame[override].to_numpy(dtype=object)
            expr = f"NULLIF(COALESCE(\"{o_alias}\", CAST(({expr}) AS VARCHAR)), '')"
        select.append(f'{expr} AS "{col.name}"')
    return pd.DataFrame(data, index=pd.RangeIndex(len(frame))), select


def write_csv(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, cols: Sequence[Col], path: Path
) -> int:
    """Write ``frame`` (already in file order) as one CSV file; returns the number of rows.
    Row order is the frame's: DuckDB keeps insertion order (``preserve_insertion_order``)."""
    prepared, select = _prepared(frame, cols)
    path.parent.mkdir(parents=True, exist_ok=True)
    con.register("frame__", prepared)
    try:
        con.execute(
            f"COPY (SELECT {', '.join(select)} FROM frame__) "
            f"TO '{path.as_posix()}' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"')"
        )
    finally:
        con.unregister("frame__")
    return len(frame)


def write_feed(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    feed: str,
    frame: pd.DataFrame,
    cols: Sequence[Col],
) -> dict[str, int]:
    """Write every file of a feed. ``frame`` must carry ``file`` (file name) and be sorted by
    file then row order; returns rows per file name."""
    written: dict[str, int] = {}
    for name, begin, finish in file_runs(frame):
        part = frame.iloc[begin:finish]
        written[name] = write_csv(con, part, cols, out_dir / feed / name)
    return written


def file_runs(frame: pd.DataFrame) -> list[tuple[str, int, int]]:
    """(file name, first row, end row) of each run of equal ``file`` values."""
    column = frame["file"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        labels = np.asarray(column.cat.categories, dtype=object)
    else:
        labels, codes = np.unique(column.to_numpy(dtype=object).astype(str), return_inverse=True)
    if codes.size == 0:
        return []
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], codes.size]
    return [(str(labels[codes[b]]), int(b), int(e)) for b, e in zip(starts, ends, strict=True)]


def connect(threads: int = 2) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {threads}")
    con.execute("SET preserve_insertion_order = true")
    return con
