"""The download writers: every format keeps suppressed cells empty, flagged and footnoted."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from peerwh.dashboards.app_pages.waiver_metrics.downloads import (
    NOTES_SHEET,
    PARQUET_FOOTNOTE_KEY,
    SUPPRESSION_NOTE_COLUMN,
    csv_bytes,
    parquet_bytes,
    with_suppression_note,
    xlsx_bytes,
)

FOOTNOTE = "Suppressed: counts from 1 to 10 are not shown (RPT-03)."


@pytest.fixture
def tidy() -> pd.DataFrame:
    """Two periods as DuckDB hands them over: the suppressed one's counts NULL (so floats)."""
    frame = pd.DataFrame(
        {
            "metric_id": ["PI-01", "PI-01"],
            "period_start": pd.to_datetime(["2024-01-01", "2024-04-01"]),
            "numerator": [40.0, None],
            "denominator": [200.0, None],
            "rate": [20.0, None],
            "baseline_rate": [18.5, 18.5],
            "numerator_is_suppressed": [False, True],
            "denominator_is_suppressed": [False, True],
            "is_suppressed": [False, True],
        }
    )
    return with_suppression_note(frame, FOOTNOTE)


def test_note_marks_only_suppressed_rows_and_counts_stay_whole(tidy: pd.DataFrame) -> None:
    assert tidy[SUPPRESSION_NOTE_COLUMN].tolist() == ["", FOOTNOTE]
    assert str(tidy["numerator"].dtype) == "Int64"
    assert tidy["numerator"].isna().tolist() == [False, True]


def test_csv_keeps_suppressed_cells_empty_and_flagged(tidy: pd.DataFrame) -> None:
    text = csv_bytes(tidy).decode("utf-8")
    lines = text.splitlines()

    assert lines[0].split(",")[:3] == ["metric_id", "period_start", "numerator"]
    assert lines[1].startswith("PI-01,2024-01-01,40,200,20.0,18.5,False,False,False,")
    back = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert back.loc[1, "numerator"] == "" and back.loc[1, "rate"] == ""
    assert back["is_suppressed"].tolist() == [False, True]
    assert back[SUPPRESSION_NOTE_COLUMN].tolist() == ["", FOOTNOTE]


def test_excel_has_the_rows_the_flags_and_a_notes_sheet(tidy: pd.DataFrame) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(tidy, [("Suppression", FOOTNOTE)])))
    rows = list(book["data"].iter_rows(values_only=True))

    assert rows[0] == tuple(tidy.columns)
    assert rows[1][:4] == ("PI-01", rows[1][1], 40, 200)
    assert rows[1][1].date().isoformat() == "2024-01-01"  # type: ignore[union-attr]
    assert rows[2][2:5] == (None, None, None)
    assert rows[2][-2:] == (True, FOOTNOTE)
    assert list(book[NOTES_SHEET].iter_rows(values_only=True)) == [
        ("note", "text"),
        ("Suppression", FOOTNOTE),
    ]


def test_parquet_keeps_nulls_flags_and_the_footnote(tidy: pd.DataFrame) -> None:
    table = pq.read_table(io.BytesIO(parquet_bytes(tidy, FOOTNOTE)))

    assert table.schema.metadata[PARQUET_FOOTNOTE_KEY].decode() == FOOTNOTE
    assert table.column("numerator").to_pylist() == [40, None]
    assert str(table.schema.field("numerator").type) == "int64"
    assert table.column("is_suppressed").to_pylist() == [False, True]
    assert table.column(SUPPRESSION_NOTE_COLUMN).to_pylist() == ["", FOOTNOTE]
