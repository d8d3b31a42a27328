"""Headline numbers for `st.metric`: pure functions over a query result, no Streamlit."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Headline:
    """The latest month's value and its change from the same month a year earlier."""

    month: pd.Timestamp
    value: int
    comparison_month: pd.Timestamp
    delta: int | None  # None when the frame has no row for `comparison_month`


def latest_with_year_change(
    df: pd.DataFrame, column: str, month_column: str = "month_start"
) -> Headline | None:
    """`column` in the latest month of `df` and its change vs 12 months earlier; None if no rows."""
    if df.empty:
        return None
    months = pd.to_datetime(df[month_column])
    latest = months.max()
    year_earlier = latest - pd.DateOffset(months=12)
    value = int(df.loc[months == latest, column].iloc[0])
    earlier_rows = df.loc[months == year_earlier, column]
    delta = value - int(earlier_rows.iloc[0]) if len(earlier_rows) else None
    return Headline(month=latest, value=value, comparison_month=year_earlier, delta=delta)
