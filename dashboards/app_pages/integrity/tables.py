"""The Program integrity page's tables: pure functions, data in, display frame out."""

from __future__ import annotations

import pandas as pd

from peerwh.dashboards.formatting import count_text
from peerwh.dashboards.labels import label, with_column_labels


def dollars(value: object) -> str:
    """`$1,234.50`."""
    return f"${float(value):,.2f}"  # type: ignore[arg-type]


def _number(value: object, fmt: str) -> str:
    return "–" if pd.isna(value) else fmt.format(value)  # type: ignore[call-overload]


def integrity_rule_table(df: pd.DataFrame) -> pd.DataFrame:
    """Findings per rule: counts with separators, dollars to the cent, indexed by rule."""
    shown = pd.DataFrame(
        {
            "rule_id": df["rule_id"].astype(str),
            "severity": [label(v) for v in df["severity"]],
            "findings": [count_text(v) for v in df["findings"]],
            "claim_lines": [count_text(v) for v in df["claim_lines"]],
            "approved_amount_at_risk": [dollars(v) for v in df["approved_amount_at_risk"]],
        }
    )
    return with_column_labels(shown).set_index("Rule")


# Roll-up measures as shown: counts with separators, rates with one decimal, dollars.
_ROLLUP_FORMATS: dict[str, str] = {
    "approved_lines": "{:,.0f}",
    "flagged_lines": "{:,.0f}",
    "findings": "{:,.0f}",
    "findings_per_1000_lines": "{:,.1f}",
    "flagged_per_1000_lines": "{:,.1f}",
    "denied_lines": "{:,.0f}",
    "denial_rate": "{:.1f}",
    "epsdt_exempt_lines": "{:,.0f}",
}


def rollup_table(df: pd.DataFrame, key: str, key_label: str) -> pd.DataFrame:
    """A roll-up by organization or peer (`queries.integrity_rollup`) for `st.dataframe`: one
    header style, numbers formatted, `key` named `key_label`."""
    shown = pd.DataFrame({key: df[key].fillna("not recorded").astype(str)})
    for column, fmt in _ROLLUP_FORMATS.items():
        shown[column] = [_number(v, fmt) for v in df[column]]
    shown["approved_amount_at_risk"] = [dollars(v) for v in df["approved_amount_at_risk"]]
    labelled = with_column_labels(shown)
    labelled.columns = [key_label, *labelled.columns[1:]]
    return labelled
