"""Correction re-deliveries: a handful of records re-sent with the same business key, one
changed value and a later ``recorded_at``, in a later file (certificants, employment, claims).

Only clean records are re-sent, and only values that no rule depends on change: a
certificant's primary language or last name, a peer's FTE, a claim line's approved amount (or a
pending line now approved). So the latest version of every record is as clean as the first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from peerwh_synthetic import names
from peerwh_synthetic import reference as ref
from peerwh_synthetic.dates import CLAIMS_CORRECTION_EXTRACT, CORRECTION_EXTRACT, NO_DATE, iso
from peerwh_synthetic.employment import FTE_VALUES
from peerwh_synthetic.sampling import pick, uniform_int


def _stamp(
    rng: np.random.Generator, frame: pd.DataFrame, extract_day: int, feed: str
) -> pd.DataFrame:
    n = len(frame)
    frame["recorded"] = (extract_day - 1) * 86400 + uniform_int(rng, 0, 86399, n)
    frame["file"] = f"{feed}_{iso(extract_day).replace('-', '')}.csv"
    frame["plant"] = -1
    return frame


def certificant_corrections(
    rng: np.random.Generator, frame: pd.DataFrame, used: NDArray[np.bool_], k: int
) -> pd.DataFrame:
    clean = np.flatnonzero((frame["plant"].to_numpy() < 0) & ~used[frame["pid"].to_numpy()])
    out = frame.iloc[np.sort(pick(rng, clean, k))].copy().reset_index(drop=True)
    language = out["language"].to_numpy().copy()
    shift = 1 + rng.integers(0, len(ref.LANGUAGES) - 1, len(out))
    language = np.where(
        np.arange(len(out)) % 2 == 0, (language + shift) % len(ref.LANGUAGES), language
    )
    last_name = out["last_name"].to_numpy(dtype=object).copy()
    renamed = np.arange(len(out)) % 2 == 1
    last_name[renamed] = names.last_names(rng, int(renamed.sum()))
    out["language"] = language
    out["last_name"] = last_name
    return _stamp(rng, out, CORRECTION_EXTRACT, "certificants")


def employment_corrections(rng: np.random.Generator, frame: pd.DataFrame, k: int) -> pd.DataFrame:
    clean = np.flatnonzero((frame["plant"].to_numpy() < 0) & (frame["role"].to_numpy() == 0))
    out = frame.iloc[np.sort(pick(rng, clean, k))].copy().reset_index(drop=True)
    fte = out["fte"].to_numpy()
    position = np.searchsorted(-FTE_VALUES, -fte)
    out["fte"] = FTE_VALUES[
        (position + 1 + rng.integers(0, FTE_VALUES.size - 1, len(out))) % FTE_VALUES.size
    ]
    return _stamp(rng, out, CORRECTION_EXTRACT, "employment")


def claims_corrections(rng: np.random.Generator, frame: pd.DataFrame, k: int) -> pd.DataFrame:
    status = frame["status"].to_numpy()
    clean = frame["plant"].to_numpy() < 0
    approved = pick(rng, np.flatnonzero(clean & (status == ref.APPROVED)), k - k // 2)
    pending = pick(rng, np.flatnonzero(clean & (status == ref.PENDING)), k // 2)
    rows = np.sort(np.r_[approved, pending])
    out = frame.iloc[rows].copy().reset_index(drop=True)
    was_pending = out["status"].to_numpy() == ref.PENDING
    billed = out["billed"].to_numpy()
    new_amount = np.round(billed * (0.70 + 0.1 * rng.random(len(out))), 2)
    submitted = out["submitted"].to_numpy()
    adjudicated = np.where(
        was_pending,
        np.minimum(submitted + uniform_int(rng, 2, 14, len(out)), CLAIMS_CORRECTION_EXTRACT - 1),
        out["adjudicated"].to_numpy(),
    )
    out["status"] = ref.APPROVED
    out["adjudicated"] = np.where(adjudicated == NO_DATE, submitted, adjudicated)
    out["approved"] = new_amount
    out["denial"] = -1
    return _stamp(rng, out, CLAIMS_CORRECTION_EXTRACT, "claims")
