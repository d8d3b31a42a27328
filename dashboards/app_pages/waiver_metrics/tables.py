"""The Waiver metrics page's table: a pure function, data in, display frame out."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from peerwh.dashboards.formatting import count_text, date_text

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


def rate_text(value: float) -> str:
    """A rate to at most four decimals (as published), trailing zeros dropped: `1,234.5`."""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


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
                "Period": (
                    f"{date_text(r.period_start, ISO_DATE)} to {date_text(r.period_end, ISO_DATE)}"
                ),
                "Stratum": str(r.stratum_value),
                "Numerator": _cell(r.numerator, r.numerator_is_suppressed, suppressed, count_text),
                "Denominator": _cell(
                    r.denominator, r.denominator_is_suppressed, suppressed, count_text
                ),
                "Rate": _cell(r.rate, r.is_suppressed, suppressed, _rate),
                "Baseline rate": _cell(r.baseline_rate, False, suppressed, _rate),
                "Partial period": (
                    "yes"
                    if r.is_partial_period
                    else ("claims run-out" if not getattr(r, "period_complete", True) else "")
                ),
            }
            for r in df.itertuples(index=False)
        ],
        columns=list(WAIVER_TABLE_COLUMNS),
    )
    return shown.set_index("Period")
