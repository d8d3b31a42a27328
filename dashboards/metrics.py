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
