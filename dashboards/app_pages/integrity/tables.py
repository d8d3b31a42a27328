"""The Program integrity page's tables: pure functions, data in, display frame out."""

from __future__ import annotations

import pandas as pd

from peerwh.dashboards.formatting import count_text

INTEGRITY_RULE_COLUMNS: dict[str, str] = {
    "rule_id": "Rule",
    "severity": "Severity",
    "findings": "Findings",
    "claim_lines": "Claim lines",
    "approved_amount_at_risk": "Approved amount at risk",
}


def dollars(value: object) -> str:
    """`$1,234.50`."""
    return f"${float(value):,.2f}"  # type: ignore[arg-type]


def integrity_rule_table(df: pd.DataFrame) -> pd.DataFrame:
    """Findings per rule: counts with separators, dollars to the cent, indexed by rule."""
    shown = pd.DataFrame(
        {
            "rule_id": df["rule_id"].astype(str),
            "severity": df["severity"].astype(str),
            "findings": [count_text(v) for v in df["findings"]],
            "claim_lines": [count_text(v) for v in df["claim_lines"]],
            "approved_amount_at_risk": [dollars(v) for v in df["approved_amount_at_risk"]],
        }
    )
    return shown.rename(columns=INTEGRITY_RULE_COLUMNS).set_index("Rule")
