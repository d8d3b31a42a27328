"""Headline numbers for `st.metric`: pure functions over a query result, no Streamlit."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


def _count(value: object) -> int | None:
    """An int, or None for a suppressed (NULL) cell."""
    return None if pd.isna(value) else int(value)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Headline:
    """The latest month's value and its change from the same month a year earlier."""

    month: pd.Timestamp
    value: int | None  # None when the cell is suppressed
    comparison_month: pd.Timestamp
    delta: int | None  # None when there is no row for `comparison_month` or either is suppressed


def latest_with_year_change(
    df: pd.DataFrame, column: str, month_column: str = "month_start"
) -> Headline | None:
    """`column` in the latest month of `df` and its change vs 12 months earlier; None if no rows."""
    if df.empty:
        return None
    months = pd.to_datetime(df[month_column])
    latest = months.max()
    year_earlier = latest - pd.DateOffset(months=12)
    value = _count(df.loc[months == latest, column].iloc[0])
    earlier_rows = df.loc[months == year_earlier, column]
    earlier = _count(earlier_rows.iloc[0]) if len(earlier_rows) else None
    delta = value - earlier if value is not None and earlier is not None else None
    return Headline(month=latest, value=value, comparison_month=year_earlier, delta=delta)


def last_months(
    df: pd.DataFrame, months: int | None, month_column: str = "month_start"
) -> pd.DataFrame:
    """The rows of the last `months` months up to the latest in `df` (all rows when None)."""
    if months is None or df.empty:
        return df
    dates = pd.to_datetime(df[month_column])
    first = dates.max() - pd.DateOffset(months=months - 1)
    return df.loc[dates >= first]


@dataclass(frozen=True)
class Kpi:
    """One headline number: a short `label` (it must fit its column), the `value` as text, and
    what the label leaves out in `help` (the tooltip)."""

    label: str
    value: str
    help: str | None = None


# Characters of metric label that fit across the page's main column, and the most metrics side
# by side: a label wider than its column is cut off with an ellipsis, so the row splits instead.
KPI_ROW_CHARS = 96
KPI_MAX_PER_ROW = 4


def kpi_rows(
    labels: list[str], row_chars: int = KPI_ROW_CHARS, max_per_row: int = KPI_MAX_PER_ROW
) -> list[list[int]]:
    """Indexes of `labels` grouped into rows, in order: as few rows as the labels allow (a row
    of n metrics gives each `row_chars / n` characters, and every label must fit), as evenly
    filled as they allow (five metrics as three and two, not four and one)."""
    rows: list[list[int]] = []
    start = 0
    while start < len(labels):
        size = 1
        for n in range(min(max_per_row, len(labels) - start), 1, -1):
            if _fits(labels[start : start + n], row_chars // n):
                size = n
                break
        rows.append(list(range(start, start + size)))
        start += size
    if len(rows) > 1:
        even = -(-len(labels) // len(rows))  # ceiling division
        balanced = [list(range(i, min(i + even, len(labels)))) for i in range(0, len(labels), even)]
        if len(balanced) == len(rows) and all(
            _fits([labels[i] for i in row], row_chars // len(row)) for row in balanced
        ):
            return balanced
    return rows


def _fits(labels: list[str], width: int) -> bool:
    return all(len(text) <= width for text in labels)
