"""Demonstration years, numbered from the policy parameters, and each row's reporting period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from peerwh.evaluator_extract.layout import ExtractError


@dataclass(frozen=True)
class DemonstrationYears:
    """The numbering of demonstration years: `base_number` is the year starting `base_start`."""

    base_number: int
    base_start: dt.date

    @classmethod
    def from_parameters(cls, parameters: pd.DataFrame) -> DemonstrationYears:
        values = parameters.set_index("parameter_name")
        try:
            number = values.loc["demonstration_year_number_base", "value_numeric"]
            start = values.loc["demonstration_year_number_base_start", "value_date"]
        except KeyError as missing:
            raise ExtractError(
                f"policy_parameters has no {missing.args[0]}: cannot number demonstration years"
            ) from None
        return cls(int(float(number)), pd.Timestamp(start).date())

    def number(self, day: dt.date) -> int | None:
        years = day.year - self.base_start.year
        if (day.month, day.day) < (self.base_start.month, self.base_start.day):
            years -= 1
        return self.base_number + years if years >= 0 else None

    def year_label(self, start: dt.date, end: dt.date) -> str:
        first, last = self.number(start), self.number(end)
        if first is None and last is None:
            return ""
        if first is None or first == last:
            return f"DY{last}"
        return f"DY{first}-DY{last}"

    def quarter_label(self, start: dt.date) -> str:
        number = self.number(start)
        if number is None:
            return ""
        months = (start.month - self.base_start.month) % 12
        return f"DY{number} Q{months // 3 + 1}"


def reporting_period(period_type: str, start: dt.date, years: DemonstrationYears) -> str:
    if period_type == "month":
        return start.strftime("%Y-%m")
    if period_type == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if period_type == "state_fiscal_year":
        return f"SFY {start.year}-{(start.year + 1) % 100:02d}"
    if period_type == "calendar_year":
        return f"CY {start.year}"
    return years.year_label(start, start)
