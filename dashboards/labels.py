"""Labels on the dashboards' tables and legends: pandas helpers over the project's one lookup,
`peerwh.labels` (which the annual report and the evaluator extract read too), so a code and a
column read the same on a page as in the report. Pure functions, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from peerwh.labels import column_label
from peerwh.labels import label as _label

__all__ = ["column_label", "label", "labelled_codes", "labels", "with_column_labels"]


def label(code: object) -> str:
    """`peerwh.labels.label` as a page shows it: a NULL code leaves its cell blank."""
    return _label(code, missing="")


def labels(codes: Iterable[object]) -> list[str]:
    return [label(code) for code in codes]


def with_column_labels(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with every column renamed by `column_label`."""
    return df.rename(columns={c: column_label(str(c)) for c in df.columns})


def labelled_codes(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """`df` for display: the codes of `columns` as labels and every header in the one style."""
    shown = df.copy()
    for column in columns:
        if column in shown:
            shown[column] = labels(shown[column])
    return with_column_labels(shown)
