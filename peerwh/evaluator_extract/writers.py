"""The extract as files: CSV, the Excel workbook and self-documenting Parquet."""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from peerwh import xlsx
from peerwh.evaluator_extract.layout import DICTIONARY, EXTRACT_NAME, SPEC_VERSION, dictionary_frame
from peerwh.evaluator_extract.result import Extract


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV; empty cells are suppressed or not applicable (see the flags)."""
    return table.to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")


def dictionary_csv_bytes() -> bytes:
    header = f"# {EXTRACT_NAME} data dictionary, spec version {SPEC_VERSION}\n"
    return (header + dictionary_frame().to_csv(index=False)).encode("utf-8")


WIDE_COLUMNS = ("description", "definition", "value", "baseline_definition", "baseline_period")


def _widths(frame: pd.DataFrame) -> dict[str, float]:
    return {c: 60.0 if c in WIDE_COLUMNS else 18.0 for c in frame.columns}


def xlsx_bytes(result: Extract) -> bytes:
    """The workbook: `data` (the tidy table), `metrics`, `data_issues`, `data_dictionary` and
    `about`, each with a frozen, filterable header and typed cells."""
    types = {name: kind for name, kind, _ in DICTIONARY}
    sheets = [
        xlsx.Sheet("data", result.table, types, _widths(result.table)),
        xlsx.Sheet(
            "metrics", result.metrics, {"baseline_period_end": "date"}, _widths(result.metrics)
        ),
        xlsx.Sheet(
            "data_issues", result.issues, {"rows_affected": "integer"}, _widths(result.issues)
        ),
        xlsx.Sheet("data_dictionary", dictionary_frame(), {}, _widths(dictionary_frame())),
        xlsx.Sheet("about", result.about, {}, _widths(result.about)),
    ]
    return xlsx.workbook_bytes(sheets)


PARQUET_KEYS = {
    "spec_version": b"peerwh.extract.spec_version",
    "dictionary": b"peerwh.extract.data_dictionary",
    "about": b"peerwh.extract.about",
    "issues": b"peerwh.extract.data_issues",
}


def parquet_bytes(result: Extract) -> bytes:
    """The table as Parquet, with the spec version, data dictionary, about and data issues in
    its schema metadata (JSON), so the file documents itself."""
    table = pa.Table.from_pandas(result.table, preserve_index=False)
    metadata = {
        **(table.schema.metadata or {}),
        PARQUET_KEYS["spec_version"]: SPEC_VERSION.encode(),
        PARQUET_KEYS["dictionary"]: dictionary_frame().to_json(orient="records").encode(),
        PARQUET_KEYS["about"]: json.dumps(dict(result.about.itertuples(index=False))).encode(),
        PARQUET_KEYS["issues"]: result.issues.to_json(orient="records").encode(),
    }
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(metadata), buffer, compression="zstd")
    return buffer.getvalue()
