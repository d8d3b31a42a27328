"""Medi-Cal member months for every beneficiary who appears in claims.

Each beneficiary is eligible from 0-2 months before their first service month to 0-2 months
after their last, with occasional one-month gaps that never fall in a month with a service
(BILL-05); ``removed`` (beneficiary, month) pairs are taken out on purpose (planted findings).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from peerwh_synthetic import reference as ref
from peerwh_synthetic.dates import SERVICE_END, day, iso, month_index, month_last_day
from peerwh_synthetic.sampling import sorted_member, sorted_unique, uniform_int
from peerwh_synthetic.writer import Col

IntArray = NDArray[np.int64]

FIRST_MONTH = int(month_index(np.array([day("2022-01-01")]))[0])
P_GAP = 0.04
EXTRACT_BY_YEAR = {
    2022: "2023-01-15",
    2023: "2024-01-15",
    2024: "2025-01-15",
    2025: "2026-01-15",
    2026: "2026-10-15",
}

ELIGIBILITY_COLUMNS: tuple[Col, ...] = (
    Col("beneficiary_cin", "cin", "cin"),
    Col("eligibility_month", "month", "month"),
    Col("county_fips", "enum", "county", labels=ref.COUNTY_FIPS),
    Col("aid_code", "enum", "aid", labels=ref.AID_CODES),
    Col("date_of_birth", "date", "dob"),
    Col("sex", "enum", labels=ref.SEX),
    Col("race_ethnicity", "enum", "race", labels=ref.RACE),
    Col("primary_language", "enum", "language", labels=ref.LANGUAGES),
    Col("recorded_at", "timestamp", "recorded"),
)


def month_key(bene: IntArray, month: IntArray) -> IntArray:
    return np.asarray(bene, dtype=np.int64) * 4096 + (np.asarray(month) - FIRST_MONTH)


def build_eligibility(
    rng: np.random.Generator,
    benes: pd.DataFrame,
    lines: pd.DataFrame,
    removed: IntArray,
) -> pd.DataFrame:
    last_month = int(month_index(np.array([SERVICE_END]))[0])
    lo = np.maximum(
        month_index(benes["first"].to_numpy()) - benes["pad_before"].to_numpy(), FIRST_MONTH
    )
    hi = np.minimum(
        month_index(benes["last"].to_numpy()) + benes["pad_after"].to_numpy(), last_month
    )
    count = np.maximum(hi - lo + 1, 0)
    bene = np.repeat(np.arange(len(benes), dtype=np.int64), count)
    starts = np.repeat(np.cumsum(count) - count, count)
    month = lo[bene] + np.arange(bene.size) - starts
    key = month_key(bene, month)
    served = sorted_unique(
        month_key(lines["bene"].to_numpy(), month_index(lines["service_date"].to_numpy()))
    )
    gap = ~sorted_member(key, served) & (rng.random(key.size) < P_GAP)
    keep = ~gap & ~sorted_member(key, sorted_unique(removed))
    bene, month = bene[keep], month[keep]
    year = 1970 + month // 12
    extract = np.array([day(EXTRACT_BY_YEAR[int(y)]) for y in range(2022, 2027)])[year - 2022]
    recorded_day = np.minimum(
        month_last_day(month) + uniform_int(rng, 3, 20, bene.size), extract - 1
    )
    frame = pd.DataFrame(
        {
            "bene": bene.astype(np.int32),
            "cin": benes["cin"].to_numpy()[bene],
            "month": month.astype(np.int16),
            "county": benes["county"].to_numpy()[bene].astype(np.int8),
            "aid": benes["aid"].to_numpy()[bene].astype(np.int8),
            "dob": benes["dob"].to_numpy()[bene].astype(np.int32),
            "sex": benes["sex"].to_numpy()[bene].astype(np.int8),
            "race": benes["race"].to_numpy()[bene].astype(np.int8),
            "language": benes["language"].to_numpy()[bene].astype(np.int8),
            "recorded": recorded_day * 86400 + uniform_int(rng, 0, 86399, bene.size),
            "year": year.astype(np.int16),
            "plant": np.full(bene.size, -1, dtype=np.int32),
        }
    )
    return frame


def eligibility_file_name(year: int) -> str:
    return f"eligibility_{EXTRACT_BY_YEAR[year].replace('-', '')}.csv"


def extract_day_of_year(year: int) -> int:
    return day(EXTRACT_BY_YEAR[year])


__all__ = ["ELIGIBILITY_COLUMNS", "build_eligibility", "eligibility_file_name", "iso"]


def finalize_eligibility(frame: pd.DataFrame) -> pd.DataFrame:
    order = np.lexsort(
        (frame["month"].to_numpy(), frame["cin"].to_numpy(), frame["year"].to_numpy())
    )
    out = frame.iloc[order].reset_index(drop=True)
    year = out["year"].to_numpy()
    years = sorted_unique(year)
    codes = np.searchsorted(years, year)
    out["file"] = pd.Categorical.from_codes(codes, [eligibility_file_name(int(y)) for y in years])
    return out
