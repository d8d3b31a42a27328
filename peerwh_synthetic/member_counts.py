"""Certified eligible Medi-Cal members (feed ``member_counts``): counts, not people.

The population behind every per-member rate. Each county's members are split into groups of
age (DHCS's groups), sex, race/ethnicity and primary language with fixed shares (statewide
mixes below, varied a little per county), and the county total follows its enrollment share
(``reference.COUNTIES``) and a statewide trend: growth under continuous coverage to a peak in
spring 2023, the unwinding of 2023-24, then a flat to slowly falling enrollment. At the
``small`` scale the state averages about 15 million members a month (California's figure,
domain notes section 9); other scales scale the population with the workforce
(``Scale.medi_cal_members``) so that peers per 100,000 members and penetration stay realistic.

Deliveries: one file per past year (final counts), then two in 2026 that overlap: the later one
replaces the months both carry, as DHCS revises a month for about four months while
retroactive eligibility arrives (a month first reported one month after its end lacks about
3.6% of its members).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from peerwh.contracts import valid_values
from peerwh_synthetic import reference as ref
from peerwh_synthetic.dates import SERVICE_END, day, month_index
from peerwh_synthetic.eligibility import FIRST_MONTH
from peerwh_synthetic.writer import Col

FloatArray = NDArray[np.float64]

AGE_GROUPS = valid_values("member_counts", "age_group")
# Medi-Cal covers over half of California's children and about a fifth of its 65+ (domain notes
# section 9): children are a third of members.
AGE_WEIGHTS = ref.weights(
    AGE_GROUPS,
    {
        "0-5": 0.11,
        "6-11": 0.12,
        "12-17": 0.12,
        "18-20": 0.05,
        "21-44": 0.31,
        "45-64": 0.20,
        "65+": 0.09,
    },
)
# Primary language given race/ethnicity: (race, language, share of the race's members). The
# statewide language mix comes out near reference.LANGUAGE_WEIGHTS_MEMBERS; a language only
# appears with the groups that speak it, which keeps the feed to the groups that exist.
_LANGUAGE_BY_RACE: tuple[tuple[str, str, float], ...] = (
    ("hispanic_latino", "es", 0.66),
    ("hispanic_latino", "en", 0.34),
    ("white", "en", 0.875),
    ("white", "hy", 0.05),
    ("white", "ru", 0.025),
    ("white", "fa", 0.025),
    ("white", "ar", 0.025),
    ("black", "en", 1.0),
    ("asian", "en", 0.25),
    ("asian", "vi", 0.25),
    ("asian", "zh", 0.25),
    ("asian", "tl", 0.10),
    ("asian", "ko", 0.10),
    ("asian", "km", 0.03),
    ("asian", "pa", 0.02),
    ("native_hawaiian_pacific_islander", "en", 1.0),
    ("american_indian_alaska_native", "en", 1.0),
    ("multiracial", "en", 1.0),
    ("other", "en", 0.6),
    ("other", "es", 0.4),
    ("declined", "en", 0.6),
    ("declined", "es", 0.4),
)
# Statewide members (millions) at turning points of the trend, linear in between.
_TREND = (("2022-01-01", 14.3), ("2023-04-01", 15.7), ("2024-06-01", 14.9), ("2026-09-01", 14.6))
_TREND_MEAN = 15.0  # the trend's level that Scale.medi_cal_members stands for
COUNTY_SPREAD = 0.15  # per-county variation of group shares (log scale)
RETRO_SHARE_PER_MONTH = 0.012  # members still missing per month of run-out left
RUN_OUT_MONTHS = 4

# (extract date, first month, last month) of each delivery, in delivery order.
DELIVERIES: tuple[tuple[str, str, str], ...] = (
    ("2023-01-15", "2022-01-01", "2022-12-01"),
    ("2024-01-15", "2023-01-01", "2023-12-01"),
    ("2025-01-15", "2024-01-01", "2024-12-01"),
    ("2026-01-15", "2025-01-01", "2025-12-01"),
    ("2026-07-15", "2026-01-01", "2026-06-01"),
    ("2026-10-15", "2026-03-01", "2026-09-01"),
)
# The yearly files are the history as finally counted; the 2026 deliveries carry run-out.
RUN_OUT_FROM = "2026-07-15"

MEMBER_COUNT_COLUMNS: tuple[Col, ...] = (
    Col("eligibility_month", "month", "month"),
    Col("county_fips", "enum", "county", labels=ref.COUNTY_FIPS),
    Col("age_group", "enum", "age", labels=AGE_GROUPS),
    Col("sex", "enum", labels=ref.SEX),
    Col("race_ethnicity", "enum", "race", labels=ref.RACE),
    Col("primary_language", "enum", "language", labels=ref.LANGUAGES),
    Col("eligible_members", "int", "members"),
    Col("recorded_at", "timestamp", "recorded"),
)


def _month(iso_date: str) -> int:
    return int(month_index(np.array([day(iso_date)]))[0])


def statewide_trend(months: NDArray[np.int64]) -> FloatArray:
    """Statewide members in each month as a share of the trend's mean level."""
    points = np.array([_month(d) for d, _ in _TREND], dtype=np.float64)
    level = np.array([v for _, v in _TREND])
    return np.interp(months.astype(np.float64), points, level) / _TREND_MEAN


def group_shares(rng: np.random.Generator) -> tuple[pd.DataFrame, FloatArray]:
    """The member groups (age, sex, race, language codes) and each county's share of its
    members in each group (counties x groups, rows sum to 1)."""
    race = {code: i for i, code in enumerate(ref.RACE)}
    language = {code: i for i, code in enumerate(ref.LANGUAGES)}
    race_weight = dict(zip(ref.RACE, ref.RACE_WEIGHTS_MEMBERS, strict=True))
    combos = [(race[r], language[lang], race_weight[r] * w) for r, lang, w in _LANGUAGE_BY_RACE]
    a, s, c = np.meshgrid(
        np.arange(len(AGE_GROUPS)), np.arange(len(ref.SEX)), np.arange(len(combos)), indexing="ij"
    )
    a, s, c = a.ravel(), s.ravel(), c.ravel()
    groups = pd.DataFrame(
        {
            "age": a.astype(np.int8),
            "sex": s.astype(np.int8),
            "race": np.array([combos[i][0] for i in c], dtype=np.int8),
            "language": np.array([combos[i][1] for i in c], dtype=np.int8),
        }
    )
    base = (
        np.asarray(AGE_WEIGHTS)[a]
        * np.asarray(ref.SEX_WEIGHTS)[s]
        * np.array([combos[i][2] for i in c])
    )
    spread = rng.lognormal(0.0, COUNTY_SPREAD, (len(ref.COUNTIES), base.size))
    shares = base[None, :] * spread
    return groups, shares / shares.sum(axis=1, keepdims=True)


def build_member_counts(rng: np.random.Generator, statewide_members: int) -> pd.DataFrame:
    """Every delivery's rows: month, county, group codes, members, recorded time, file."""
    groups, shares = group_shares(rng)
    enrollment = np.array([c.medi_cal_thousands for c in ref.COUNTIES])
    county_members = statewide_members * enrollment / enrollment.sum()
    last_month = int(month_index(np.array([SERVICE_END]))[0])
    frames = []
    for extract, first, last in DELIVERIES:
        months = np.arange(max(_month(first), FIRST_MONTH), min(_month(last), last_month) + 1)
        lag = _month(extract) - months
        complete = np.ones(months.size)
        if day(extract) >= day(RUN_OUT_FROM):
            complete -= RETRO_SHARE_PER_MONTH * np.clip(RUN_OUT_MONTHS - lag, 0, None)
        totals = statewide_trend(months) * complete  # month factor
        # months x counties x groups, rounded to whole members; empty groups are not sent
        counts = np.rint(
            totals[:, None, None] * county_members[None, :, None] * shares[None, :, :]
        ).astype(np.int64)
        m, county, group = np.nonzero(counts)
        recorded = (day(extract) - 2) * 86400 + 6 * 3600
        frames.append(
            pd.DataFrame(
                {
                    "month": months[m].astype(np.int16),
                    "county": county.astype(np.int8),
                    "age": groups["age"].to_numpy()[group],
                    "sex": groups["sex"].to_numpy()[group],
                    "race": groups["race"].to_numpy()[group],
                    "language": groups["language"].to_numpy()[group],
                    "members": counts[m, county, group],
                    "recorded": np.full(m.size, recorded, dtype=np.int64),
                    "file": f"member_counts_{extract.replace('-', '')}.csv",
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["file"] = pd.Categorical(out["file"], categories=sorted(out["file"].unique()))
    return out
