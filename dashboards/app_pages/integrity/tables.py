"""The Program integrity page's tables: pure functions, data in, display frame out."""

from __future__ import annotations

import pandas as pd

from peerwh.dashboards.formatting import count_text
from peerwh.dashboards.labels import column_label, label, with_column_labels


def dollars(value: object) -> str:
    """`$1,234.50`."""
    return f"${float(value):,.2f}"  # type: ignore[arg-type]


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


# Roll-up measures: st.dataframe formats (the numbers stay numbers, so columns sort as numbers).
ROLLUP_FORMATS: dict[str, str] = {
    "approved_lines": "%,d",
    "flagged_lines": "%,d",
    "findings": "%,d",
    "findings_per_1000_lines": "%,.1f",
    "flagged_per_1000_lines": "%,.1f",
    "approved_amount_at_risk": "dollar",
    "denied_lines": "%,d",
    "denial_rate": "%.1f",
    "epsdt_exempt_lines": "%,d",
}


def rollup_table(df: pd.DataFrame, key: str, key_label: str) -> pd.DataFrame:
    """A roll-up by organization or peer (`queries.integrity_rollup`) for `st.dataframe`: one
    header style, `key` named `key_label` ("not recorded" where the line has none); format the
    measures with `rollup_column_config`."""
    shown = df[[key, *ROLLUP_FORMATS]].copy()
    shown[key] = shown[key].fillna("not recorded").astype(str)
    shown["approved_amount_at_risk"] = shown["approved_amount_at_risk"].astype(float)
    labelled = with_column_labels(shown)
    labelled.columns = [key_label, *labelled.columns[1:]]
    return labelled


def rollup_formats() -> dict[str, str]:
    """{displayed header: st.column_config number format} of `rollup_table`'s measures."""
    return {column_label(column): fmt for column, fmt in ROLLUP_FORMATS.items()}
