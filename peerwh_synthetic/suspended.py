"""The Medi-Cal Suspended and Ineligible Provider list (as delivered monthly).

Mostly providers unrelated to peer support (NPIs outside the generator's organization range),
plus a few former peers listed only after their last claim line (clean), peers whose revocation
was upheld (listed after the revocation, when they no longer bill), and the BILL-10 plants that
plants/billing.py adds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from peerwh_synthetic import ids, names
from peerwh_synthetic.dates import EVENT_CUTOFF, NO_DATE, SI_EXTRACT, day
from peerwh_synthetic.sampling import uniform_int, unique_numbers
from peerwh_synthetic.writer import Col

IntArray = NDArray[np.int64]
ObjArray = NDArray[np.object_]

SI_FILE = "suspended_ineligible_20261001.csv"
LICENSE_PREFIXES = np.array(["A", "G", "C", "PSY", "LCSW", "MFT", "RN"], dtype=object)

SI_COLUMNS: tuple[Col, ...] = (
    Col("npi", "int", "npi", nullable=True),
    Col("provider_name", "text", "provider_name"),
    Col("license_number", "text", "license_number"),
    Col("certification_number", "id", "certno", prefix="CPSS", width=6, nullable=True),
    Col("suspension_effective_date", "date", "effective"),
    Col("suspension_end_date", "date", "end"),
    Col("recorded_at", "timestamp", "recorded"),
)


def si_rows(
    provider_name: ObjArray,
    effective: IntArray,
    npi: IntArray | None = None,
    certno: IntArray | None = None,
    license_number: ObjArray | None = None,
    end: IntArray | None = None,
    plant: IntArray | None = None,
) -> pd.DataFrame:
    n = provider_name.size
    none = np.full(n, -1, dtype=np.int64)
    return pd.DataFrame(
        {
            "provider_name": provider_name,
            "npi": none if npi is None else npi,
            "license_number": np.full(n, None, dtype=object)
            if license_number is None
            else license_number,
            "certno": none if certno is None else certno,
            "effective": effective,
            "end": np.full(n, NO_DATE, dtype=np.int64) if end is None else end,
            "plant": none if plant is None else plant,
        }
    )


def unrelated_providers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    is_person = rng.random(n) < 0.6
    person = names.person_names(rng, n)
    org = names.organization_names(rng, n)
    provider = np.where(is_person, person, org).astype(object)
    npi = ids.make_npis(unique_numbers(rng, n, 300_000_000, 400_000_000))
    npi = np.where(rng.random(n) < 0.7, npi, -1)
    lic_number = np.asarray(uniform_int(rng, 10_000, 99_999, n)).astype(str).astype(object)
    license_number = LICENSE_PREFIXES[rng.integers(0, LICENSE_PREFIXES.size, n)] + lic_number
    license_number[rng.random(n) >= 0.5] = None
    effective = uniform_int(rng, day("2015-01-01"), day("2026-09-15"), n)
    end = effective + uniform_int(rng, 180, 1500, n)
    end = np.where((rng.random(n) < 0.2) & (end <= EVENT_CUTOFF), end, NO_DATE)
    return si_rows(provider, effective, npi=npi, license_number=license_number, end=end)


def finalize_suspended(rng: np.random.Generator, rows: pd.DataFrame) -> pd.DataFrame:
    order = np.lexsort((rows["provider_name"].to_numpy(dtype=str), rows["effective"].to_numpy()))
    frame = rows.iloc[order].reset_index(drop=True)
    n = len(frame)
    frame["recorded"] = (SI_EXTRACT - 1) * 86400 + uniform_int(rng, 0, 86399, n)
    frame["file"] = SI_FILE
    return frame
