"""Certificants: the people known to the certification program (demographics, application)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from peerwh_synthetic import names, reference
from peerwh_synthetic.dates import MAIN_EXTRACT, day, iso
from peerwh_synthetic.sampling import uniform_int, unique_numbers, weighted_codes
from peerwh_synthetic.writer import Col

IntArray = NDArray[np.int64]
ObjArray = NDArray[np.object_]

# When applications arrive: (first day, last day, share of all applications)
APPLICATION_WINDOWS = (
    ("2022-05-01", "2022-12-31", 0.22),
    ("2023-01-01", "2023-12-31", 0.28),
    ("2024-01-01", "2024-12-31", 0.25),
    ("2025-01-01", "2025-12-31", 0.17),
    ("2026-01-01", "2026-08-31", 0.08),
)
GRANDPARENT_SHARE_2022 = 0.35  # of 2022 applications
RECIPROCITY_OUT_SHARE = 0.05
RECIPROCITY_IN_SHARE = 0.02


@dataclass
class People:
    certificant_num: IntArray
    first_name: ObjArray
    last_name: ObjArray
    dob: IntArray
    education: IntArray
    county: IntArray  # index into reference.COUNTIES
    gender: IntArray
    race: IntArray
    language: IntArray
    lived_experience: IntArray
    veteran: IntArray  # 1 true, 0 false, -1 not given
    application_date: IntArray
    pathway: IntArray

    @property
    def n(self) -> int:
        return int(self.dob.size)


def county_weights() -> NDArray[np.float64]:
    w = np.array([c.medi_cal_thousands for c in reference.COUNTIES], dtype=np.float64)
    return w / w.sum()


def application_dates(rng: np.random.Generator, n: int) -> IntArray:
    window = weighted_codes(rng, [w[2] for w in APPLICATION_WINDOWS], n)
    lows = np.array([day(w[0]) for w in APPLICATION_WINDOWS], dtype=np.int64)
    highs = np.array([day(w[1]) for w in APPLICATION_WINDOWS], dtype=np.int64)
    return uniform_int(rng, lows[window], highs[window], n)


def build_people(rng: np.random.Generator, n: int) -> People:
    applied = application_dates(rng, n)
    u = rng.random(n)
    early = applied <= day("2022-12-31")
    pathway = np.full(n, reference.STANDARD, dtype=np.int64)
    pathway[u < RECIPROCITY_OUT_SHARE] = reference.RECIP_OUT
    pathway[(u >= RECIPROCITY_OUT_SHARE) & (u < RECIPROCITY_OUT_SHARE + RECIPROCITY_IN_SHARE)] = (
        reference.RECIP_IN
    )
    pathway[early & (u >= 1 - GRANDPARENT_SHARE_2022)] = reference.GRANDPARENT
    veteran = np.where(rng.random(n) < 0.08, 1, 0)
    veteran[rng.random(n) < 0.05] = -1
    return People(
        certificant_num=unique_numbers(rng, n, 1_000_000, 10_000_000),
        first_name=names.first_names(rng, n),
        last_name=names.last_names(rng, n),
        dob=applied - uniform_int(rng, 19 * 366, 66 * 365, n),
        education=weighted_codes(rng, reference.EDUCATION_WEIGHTS, n),
        county=weighted_codes(rng, county_weights(), n),
        gender=weighted_codes(rng, reference.GENDER_WEIGHTS, n),
        race=weighted_codes(rng, reference.RACE_WEIGHTS_PEERS, n),
        language=weighted_codes(rng, reference.LANGUAGE_WEIGHTS_PEERS, n),
        lived_experience=weighted_codes(rng, reference.LIVED_EXPERIENCE_WEIGHTS, n),
        veteran=veteran.astype(np.int64),
        application_date=applied,
        pathway=pathway,
    )


CERTIFICANT_COLUMNS: tuple[Col, ...] = (
    Col("certificant_id", "id", "certificant_num", prefix="P", width=7),
    Col("first_name", "text"),
    Col("last_name", "text"),
    Col("date_of_birth", "date", "dob"),
    Col("education_level", "enum", "education", labels=reference.EDUCATION),
    Col("county_fips", "enum", "county", labels=reference.COUNTY_FIPS),
    Col("gender", "enum", labels=reference.GENDER),
    Col("race_ethnicity", "enum", "race", labels=reference.RACE),
    Col("primary_language", "enum", "language", labels=reference.LANGUAGES),
    Col("lived_experience", "enum", labels=reference.LIVED_EXPERIENCE),
    Col("veteran", "bool"),
    Col("recorded_at", "timestamp", "recorded"),
)


def certificant_rows(people: People, last_event: IntArray) -> pd.DataFrame:
    """One internal row per person; ``last_event`` is the day of each person's latest event."""
    return pd.DataFrame(
        {
            "pid": np.arange(people.n, dtype=np.int64),
            "certificant_num": people.certificant_num,
            "first_name": people.first_name,
            "last_name": people.last_name,
            "dob": people.dob,
            "education": people.education,
            "county": people.county,
            "gender": people.gender,
            "race": people.race,
            "language": people.language,
            "lived_experience": people.lived_experience,
            "veteran": people.veteran,
            "last_event": last_event,
            "plant": np.full(people.n, -1, dtype=np.int64),
        }
    )


def finalize_certificants(rng: np.random.Generator, rows: pd.DataFrame) -> pd.DataFrame:
    frame = rows.sort_values("certificant_num", kind="stable").reset_index(drop=True)
    n = len(frame)
    recorded_day = np.minimum(
        frame["last_event"].to_numpy() + uniform_int(rng, 0, 3, n), MAIN_EXTRACT - 1
    )
    frame["recorded"] = recorded_day * 86400 + uniform_int(rng, 0, 86399, n)
    frame["file"] = pd.Categorical([f"certificants_{iso(MAIN_EXTRACT).replace('-', '')}.csv"] * n)
    return frame
