"""File writers for `st.download_button`: a tidy result frame as CSV, Excel or Parquet bytes.

Pure functions, no Streamlit. Suppressed cells stay suppressed in every format: their counts and
rates are empty (NULL), their `*_is_suppressed` flags are kept, and each suppressed row carries
the footnote in a `suppression_note` column; the Excel file repeats the footnote and the metric
definitions on a `notes` sheet, the Parquet file in its schema metadata.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

SUPPRESSION_NOTE_COLUMN = "suppression_note"
SUPPRESSED_FLAG = "is_suppressed"
PARQUET_FOOTNOTE_KEY = b"suppression_footnote"
DATA_SHEET = "data"
NOTES_SHEET = "notes"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Counts are whole numbers even when a suppressed NULL makes pandas hold them as floats.
_COUNT_COLUMNS = ("numerator", "denominator")


def with_suppression_note(df: pd.DataFrame, footnote: str) -> pd.DataFrame:
    """`df` ready to write: counts as nullable integers, `footnote` on every suppressed row."""
    out = df.copy()
    for column in _COUNT_COLUMNS:
        if column in out:
            out[column] = pd.to_numeric(out[column]).round().astype("Int64")
    flags = out[SUPPRESSED_FLAG].astype(bool)
    out[SUPPRESSION_NOTE_COLUMN] = [footnote if hidden else "" for hidden in flags]
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a header row; NULL cells (suppressed ones among them) are empty."""
    return df.to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")


def xlsx_bytes(df: pd.DataFrame, notes: Sequence[tuple[str, str]]) -> bytes:
    """An Excel workbook: `df` on the `data` sheet, `notes` (label, text) on the `notes` sheet."""
    buffer = io.BytesIO()
    data = df.copy()
    for column in data.columns:
        # Excel has no time zones nor a NaT; dates are written as dates.
        if pd.api.types.is_datetime64_any_dtype(data[column]):
            data[column] = data[column].dt.date
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        data.to_excel(writer, sheet_name=DATA_SHEET, index=False)
        pd.DataFrame(list(notes), columns=["note", "text"]).to_excel(
            writer, sheet_name=NOTES_SHEET, index=False
        )
    return buffer.getvalue()


def parquet_bytes(df: pd.DataFrame, footnote: str) -> bytes:
    """A Parquet file of `df`, with `footnote` in its schema metadata (`suppression_footnote`)."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    metadata = {**(table.schema.metadata or {}), PARQUET_FOOTNOTE_KEY: footnote.encode("utf-8")}
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(metadata), buffer, compression="zstd")
    return buffer.getvalue()
