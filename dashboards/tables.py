"""Small result frames laid out for `st.table`: pure functions, data in, display frame out."""

from __future__ import annotations

import pandas as pd

FRESHNESS_COLUMNS: dict[str, str] = {
    "feed": "Feed",
    "latest_extract_date": "Latest extract date",
    "last_ingested_at": "Last ingested",
    "files": "Files",
}
QUARANTINE_COLUMNS: dict[str, str] = {
    "feed": "Feed",
    "files": "Files",
    "rows_received": "Rows received",
    "rows_loaded": "Rows loaded",
    "rows_quarantined": "Rows quarantined",
    "files_rejected": "Files rejected",
}


def _date(value: object, fmt: str) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime(fmt)  # type: ignore[arg-type]


def _count(value: object) -> str:
    return f"{int(value):,}"  # type: ignore[call-overload]


def freshness_table(df: pd.DataFrame) -> pd.DataFrame:
    """Feed freshness: dates as YYYY-MM-DD, ingestion times to the minute, counts with commas."""
    shown = pd.DataFrame(
        {
            "feed": df["feed"].astype(str),
            "latest_extract_date": [_date(v, "%Y-%m-%d") for v in df["latest_extract_date"]],
            "last_ingested_at": [_date(v, "%Y-%m-%d %H:%M") for v in df["last_ingested_at"]],
            "files": [_count(v) for v in df["files"]],
        }
    )
    return shown.rename(columns=FRESHNESS_COLUMNS).set_index("Feed")


def quarantine_table(df: pd.DataFrame) -> pd.DataFrame:
    """Quarantine counts per feed, counts with thousands separators."""
    shown = pd.DataFrame({"feed": df["feed"].astype(str)})
    for column in list(QUARANTINE_COLUMNS)[1:]:
        shown[column] = [_count(v) for v in df[column]]
    return shown.rename(columns=QUARANTINE_COLUMNS).set_index("Feed")


# --- utilization and complaints pages (issue 4) --------------------------------------------------

SUPPRESSED_CELL = "Suppressed"


def suppressed_labels(df: pd.DataFrame, formats: dict[str, str]) -> pd.DataFrame:
    """`df` for display: each column of `formats` as text in its format (e.g. "{:,.0f}"), or
    "Suppressed" where its `<column>_is_suppressed` flag is set; an unflagged NULL (a rate
    over zero) shows as "–". Every flag column is dropped."""
    shown = df.copy()
    for column, fmt in formats.items():
        flag_column = f"{column}_is_suppressed"
        flags = (
            shown[flag_column].fillna(True).astype(bool)
            if flag_column in shown
            else pd.Series(False, index=shown.index)
        )
        shown[column] = [
            SUPPRESSED_CELL if hidden else ("–" if pd.isna(value) else fmt.format(value))
            for value, hidden in zip(shown[column], flags, strict=True)
        ]
    return shown.drop(columns=[c for c in shown.columns if c.endswith("_is_suppressed")])
