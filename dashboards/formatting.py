"""Display text for the pages: counts, dates, shares, months, and "Suppressed" where the
disclosure control hid a cell. Pure functions, no Streamlit.
"""

from __future__ import annotations

import pandas as pd

SUPPRESSED = "Suppressed"


def date_text(value: object, fmt: str) -> str:
    """`value` as a date in `fmt`; empty when NULL."""
    return "" if pd.isna(value) else pd.Timestamp(value).strftime(fmt)  # type: ignore[arg-type]


def count_text(value: object) -> str:
    """`1,234`."""
    return f"{int(value):,}"  # type: ignore[call-overload]


def month_label(month: pd.Timestamp) -> str:
    return month.strftime("%b %Y")


def share_text(part: int, whole: int) -> str:
    """`part` of `whole` as a percentage with one decimal; "–" when `whole` is 0."""
    return "–" if whole == 0 else f"{100 * part / whole:.1f}%"


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
            SUPPRESSED if hidden else ("–" if pd.isna(value) else fmt.format(value))
            for value, hidden in zip(shown[column], flags, strict=True)
        ]
    return shown.drop(columns=[c for c in shown.columns if c.endswith("_is_suppressed")])


def with_suppressed_labels(df: pd.DataFrame, measures: tuple[str, ...]) -> pd.DataFrame:
    """`df` for display: each measure as text, "Suppressed" where its flag is set; flags dropped."""
    shown = df.copy()
    for measure in measures:
        flag = shown[f"{measure}_is_suppressed"].astype(bool)
        shown[measure] = [
            SUPPRESSED if hidden else f"{int(value):,}"
            for value, hidden in zip(shown[measure], flag, strict=True)
        ]
    return shown.drop(columns=[f"{m}_is_suppressed" for m in measures])
