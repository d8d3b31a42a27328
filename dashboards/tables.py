"""Small result frames laid out for `st.table`: pure functions, data in, display frame out."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

FRESHNESS_COLUMNS: dict[str, str] = {
    "feed": "Feed",
    "latest_extract_date": "Latest extract date",
    "last_ingested_at": "Last ingested",
    "files": "Files",
}
QUARANTINE_COLUMNS: dict[str, str] = {
    "feed": "Feed",
    "files": "Files",
    "rows_received": "Rows received",
    "rows_loaded": "Rows loaded",
    "rows_quarantined": "Rows quarantined",
    "files_rejected": "Files rejected",
}


def _date(value: object, fmt: str) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime(fmt)  # type: ignore[arg-type]


def _count(value: object) -> str:
    return f"{int(value):,}"  # type: ignore[call-overload]


def freshness_table(df: pd.DataFrame) -> pd.DataFrame:
    """Feed freshness: dates as YYYY-MM-DD, ingestion times to the minute, counts with commas."""
    shown = pd.DataFrame(
        {
            "feed": df["feed"].astype(str),
            "latest_extract_date": [_date(v, "%Y-%m-%d") for v in df["latest_extract_date"]],
            "last_ingested_at": [_date(v, "%Y-%m-%d %H:%M") for v in df["last_ingested_at"]],
            "files": [_count(v) for v in df["files"]],
        }
    )
    return shown.rename(columns=FRESHNESS_COLUMNS).set_index("Feed")


def quarantine_table(df: pd.DataFrame) -> pd.DataFrame:
    """Quarantine counts per feed, counts with thousands separators."""
    shown = pd.DataFrame({"feed": df["feed"].astype(str)})
    for column in list(QUARANTINE_COLUMNS)[1:]:
        shown[column] = [_count(v) for v in df[column]]
    return shown.rename(columns=QUARANTINE_COLUMNS).set_index("Feed")


# --- Program integrity and waiver metrics ---------------------------------------------------------

INTEGRITY_RULE_COLUMNS: dict[str, str] = {
    "rule_id": "Rule",
    "severity": "Severity",
    "findings": "Findings",
    "claim_lines": "Claim lines",
    "approved_amount_at_risk": "Approved amount at risk",
}
NOT_APPLICABLE = "–"
ISO_DATE = "%Y-%m-%d"
WAIVER_TABLE_COLUMNS: tuple[str, ...] = (
    "Period",
    "Stratum",
    "Numerator",
    "Denominator",
    "Rate",
    "Baseline rate",
    "Partial period",
)


def dollars(value: object) -> str:
    """`$1,234.50`."""
    return f"${float(value):,.2f}"  # type: ignore[arg-type]


def rate_text(value: float) -> str:
    """A rate to at most four decimals (as published), trailing zeros dropped: `1,234.5`."""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def integrity_rule_table(df: pd.DataFrame) -> pd.DataFrame:
    """Findings per rule: counts with separators, dollars to the cent, indexed by rule."""
    shown = pd.DataFrame(
        {
            "rule_id": df["rule_id"].astype(str),
            "severity": df["severity"].astype(str),
            "findings": [_count(v) for v in df["findings"]],
            "claim_lines": [_count(v) for v in df["claim_lines"]],
            "approved_amount_at_risk": [dollars(v) for v in df["approved_amount_at_risk"]],
        }
    )
    return shown.rename(columns=INTEGRITY_RULE_COLUMNS).set_index("Rule")


def _cell(value: object, hidden: bool, suppressed: str, text: Callable[[object], str]) -> str:
    if hidden:
        return suppressed
    return NOT_APPLICABLE if pd.isna(value) else text(value)  # type: ignore[call-overload]


def _rate(value: object) -> str:
    return rate_text(float(value))  # type: ignore[arg-type]


def waiver_metric_table(df: pd.DataFrame, suppressed: str) -> pd.DataFrame:
    """The tidy waiver rows for display, one per period and stratum value, indexed by period.

    A suppressed count or rate shows as `suppressed`; a count that does not apply (no
    denominator for a plain count) or a rate that cannot be computed shows as a dash.
    """
    shown = pd.DataFrame(
        [
            {
                "Period": f"{_date(r.period_start, ISO_DATE)} to {_date(r.period_end, ISO_DATE)}",
                "Stratum": str(r.stratum_value),
                "Numerator": _cell(r.numerator, r.numerator_is_suppressed, suppressed, _count),
                "Denominator": _cell(
                    r.denominator, r.denominator_is_suppressed, suppressed, _count
                ),
                "Rate": _cell(r.rate, r.is_suppressed, suppressed, _rate),
                "Baseline rate": _cell(r.baseline_rate, False, suppressed, _rate),
                "Partial period": "yes" if r.is_partial_period else "",
            }
            for r in df.itertuples(index=False)
        ],
        columns=list(WAIVER_TABLE_COLUMNS),
    )
    return shown.set_index("Period")


# --- utilization and complaints pages (issue 4) --------------------------------------------------

SUPPRESSED_CELL = "Suppressed"


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
            SUPPRESSED_CELL if hidden else ("–" if pd.isna(value) else fmt.format(value))
            for value, hidden in zip(shown[column], flags, strict=True)
        ]
    return shown.drop(columns=[c for c in shown.columns if c.endswith("_is_suppressed")])


# --- Data quality: the disclosure control's information loss (RPT-03) -----------------------------

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
    shown = pd.DataFrame({c: df[c].astype(str) for c in ("quantity", "geography_level")})
    for column in list(DISCLOSURE_LOSS_COLUMNS)[2:]:
        text = _share if column in _SHARES else _count
        shown[column] = [text(v) for v in df[column]]
    return shown.rename(columns=DISCLOSURE_LOSS_COLUMNS).set_index("Quantity")


def _share(value: object) -> str:
    return f"{float(value):.1%}"  # type: ignore[arg-type]
