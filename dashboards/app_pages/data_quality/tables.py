"""The Data quality page's tables for `st.table`: pure functions, data in, display frame out."""

from __future__ import annotations

import pandas as pd

from peerwh.dashboards.formatting import count_text
from peerwh.dashboards.labels import labels

QUARANTINE_COLUMNS: dict[str, str] = {
    "feed": "Feed",
    "files": "Files",
    "rows_received": "Rows received",
    "rows_loaded": "Rows loaded",
    "rows_quarantined": "Rows quarantined",
    "files_rejected": "Files rejected",
}


def quarantine_table(df: pd.DataFrame) -> pd.DataFrame:
    """Quarantine counts per feed, counts with thousands separators."""
    shown = pd.DataFrame({"feed": df["feed"].astype(str)})
    for column in list(QUARANTINE_COLUMNS)[1:]:
        shown[column] = [count_text(v) for v in df[column]]
    return shown.rename(columns=QUARANTINE_COLUMNS).set_index("Feed")


# --- the disclosure control's information loss (RPT-03) -----------------------------------------

DISCLOSURE_LOSS_COLUMNS: dict[str, str] = {
    "quantity": "Quantity",
    "geography_level": "Geography",
    "cells": "Cells",
    "primaries": "Primaries (1 to 10)",
    "complements": "Complements",
    "suppressed_cells": "Suppressed cells",
    "cells_suppressed_share": "Share of cells suppressed",
    "value_suppressed_share": "Share of the total suppressed",
    "failures": "Failures",
}
_SHARES = ("cells_suppressed_share", "value_suppressed_share")


def disclosure_loss_table(df: pd.DataFrame) -> pd.DataFrame:
    """Information loss per quantity and geography level: counts with separators, shares as
    percentages with one decimal, indexed by quantity."""
    shown = pd.DataFrame({c: labels(df[c]) for c in ("quantity", "geography_level")})
    for column in list(DISCLOSURE_LOSS_COLUMNS)[2:]:
        text = _share if column in _SHARES else count_text
        shown[column] = [text(v) for v in df[column]]
    return shown.rename(columns=DISCLOSURE_LOSS_COLUMNS).set_index("Quantity")


def _share(value: object) -> str:
    return f"{float(value):.1%}"  # type: ignore[arg-type]
