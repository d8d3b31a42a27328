"""The Overview page's feed freshness table for `st.table`: data in, display frame out."""

from __future__ import annotations

import pandas as pd

from peerwh.dashboards.formatting import count_text, date_text

FRESHNESS_COLUMNS: dict[str, str] = {
    "feed": "Feed",
    "latest_extract_date": "Latest extract date",
    "last_ingested_at": "Last ingested",
    "files": "Files",
}


def freshness_table(df: pd.DataFrame) -> pd.DataFrame:
    """Feed freshness: dates as YYYY-MM-DD, ingestion times to the minute, counts with commas."""
    shown = pd.DataFrame(
        {
            "feed": df["feed"].astype(str),
            "latest_extract_date": [date_text(v, "%Y-%m-%d") for v in df["latest_extract_date"]],
            "last_ingested_at": [date_text(v, "%Y-%m-%d %H:%M") for v in df["last_ingested_at"]],
            "files": [count_text(v) for v in df["files"]],
        }
    )
    return shown.rename(columns=FRESHNESS_COLUMNS).set_index("Feed")
