"""Claim lines rendered by employed, certified peers, and their adjudication.

Each employed peer's billable window is the part of their employment that is also inside an
active certification span, on or after the county/delivery-system opt-in date, outside any
suspension (a "hole"), and within the service period. Beneficiaries are drawn per window (a
caseload), each with an episode of 1-8 months; lines fall on distinct days of the episode, so no
two clean lines share beneficiary, peer, code, date and minutes (BILL-11). H0050 appears only in
DMC-ODS from 2023-11-01 (BILL-04), level of care only on DMC-ODS lines (BILL-07), group size 2-12
only on H0025 (BILL-03), modifiers agree with the modality.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from peerwh_synthetic import reference as ref
from peerwh_synthetic.dates import (
    H0050_RATE_START,
    NEVER,
    NO_DATE,
    SERVICE_END,
    SERVICE_START,
    iso,
    month_first_day,
    month_index,
    quarter_index,
)
from peerwh_synthetic.employment import Employment
from peerwh_synthetic.events import Lifecycle
from peerwh_synthetic.sampling import (
    sorted_unique,
    uniform_int,
    unique_numbers,
    weighted_codes,
)
from peerwh_synthetic.writer import Col

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

LINES_PER_BENEFICIARY = 9.0
UNDER_21_SHARE = 0.10
STATUS_WEIGHTS = (0.90, 0.07, 0.01, 0.02)  # approved, denied, pending, voided
IN_PERSON_POS_SMHS = (2, 4, 3, 7, 8, 9)  # 11, 53, 12, 99, 04, 15
IN_PERSON_POS_SMHS_W = (0.35, 0.25, 0.15, 0.10, 0.08, 0.07)
IN_PERSON_POS_SUD = (5, 2, 6, 3, 8)  # 57, 11, 55, 12, 04
IN_PERSON_POS_SUD_W = (0.45, 0.20, 0.15, 0.10, 0.10)
UNITS_INDIVIDUAL_W = (0.10, 0.30, 0.25, 0.15, 0.08, 0.06, 0.04, 0.02)  # 1..8 units
UNITS_GROUP_W = (0.35, 0.25, 0.20, 0.10, 0.10)  # 4..8 units
GROUP_SIZE_W = (0.05, 0.08, 0.12, 0.14, 0.14, 0.13, 0.11, 0.09, 0.07, 0.04, 0.03)  # 2..12

CLAIM_COLUMNS: tuple[Col, ...] = (
    Col("claim_id", "id", "claim_num", prefix="CLM", width=10),
    Col("line_number", "int"),
    Col("county_fips", "enum", "county", labels=ref.COUNTY_FIPS),
    Col("delivery_system", "enum", "ds", labels=ref.DELIVERY_SYSTEMS),
    Col("organization_npi", "int", "npi"),
    Col("rendering_certification_number", "id", "certno", prefix="CPSS", width=6),
    Col("taxonomy_code", "const", value=f"'{ref.PEER_TAXONOMY}'"),
    Col("beneficiary_cin", "cin", "cin"),
    Col("beneficiary_dob", "date", "dob"),
    Col("service_date", "date"),
    Col("hcpcs_code", "enum", "hcpcs", labels=ref.HCPCS),
    Col("modifiers", "enum", "modifier", labels=ref.MODIFIERS),
    Col("units", "int"),
    Col("service_minutes", "int", "minutes"),
    Col("place_of_service", "enum", "pos", labels=ref.PLACES_OF_SERVICE),
    Col("modality", "enum", labels=ref.MODALITIES),
    Col("group_size", "int", nullable=True),
    Col("level_of_care", "enum", "loc", labels=ref.ASAM_LEVELS),
    Col("collateral", "bool"),
    Col("claim_status", "enum", "status", labels=ref.CLAIM_STATUSES),
    Col("denial_reason", "enum", "denial", labels=ref.DENIAL_REASONS),
    Col("billed_amount", "decimal", "billed"),
    Col("approved_amount", "decimal", "approved"),
    Col("submitted_date", "date", "submitted"),
    Col("adjudicated_date", "date", "adjudicated"),
    Col("recorded_at", "timestamp", "recorded"),
)


LINE_DTYPES: dict[str, str] = {
    "claim": "int64",
    "bene": "int32",
    "seg": "int32",
    "peer_row": "int32",
    "pid": "int32",
    "certno": "int32",
    "npi": "int64",
    "org": "int32",
    "county": "int8",
    "ds": "int8",
    "cin": "int64",
    "dob": "int32",
    "service_date": "int32",
    "hcpcs": "int8",
    "modality": "int8",
    "modifier": "int8",
    "pos": "int8",
    "group_size": "int8",
    "collateral": "int8",
    "units": "int8",
    "minutes": "int16",
    "loc": "int8",
    "line_number": "int16",
    "submitted": "int32",
    "adjudicated": "int32",
    "status": "int8",
    "denial": "int8",
    "recorded": "int64",
    "plant": "int32",
}


def compact(frame: pd.DataFrame, dtypes: dict[str, str] = LINE_DTYPES) -> pd.DataFrame:
    """Narrow integer columns in place (claim lines are the big frame: 10M rows at large)."""
    for column, dtype in dtypes.items():
        if column in frame.columns and frame[column].dtype != dtype:
            frame[column] = frame[column].to_numpy().astype(dtype)
    return frame


def claims_extract_day(quarter: IntArray) -> IntArray:
    """Extract date of a quarter's claims file: the 25th of the month after the quarter."""
    return month_first_day(np.asarray(quarter, dtype=np.int64) * 3 + 3) + 24


def claims_file_name(quarter: int) -> str:
    return f"claims_{iso(int(claims_extract_day(np.array([quarter]))[0])).replace('-', '')}.csv"


class CinPool:
    """Distinct beneficiary CINs (8 digits starting with 9, then a letter A-H)."""

    def __init__(self, rng: np.random.Generator, size: int) -> None:
        numbers = unique_numbers(rng, size, 90_000_000, 100_000_000)
        self._codes = numbers * 26 + rng.integers(0, 8, size)
        self._next = 0

    def take(self, n: int) -> IntArray:
        if self._next + n > self._codes.size:
            raise RuntimeError("CIN pool exhausted")
        out = self._codes[self._next : self._next + n]
        self._next += n
        return out


@dataclass
class Claims:
    benes: pd.DataFrame  # one row per beneficiary (cin, dob, demographics, episode es..ee)
    lines: pd.DataFrame  # one row per claim line (internal columns)
    county_factor: FloatArray  # rate multiplier per county


def billable_segments(
    emp: Employment, life: Lifecycle, optin: IntArray, holes: pd.DataFrame
) -> pd.DataFrame:
    """Billable window of every peer employment: employed, certified, opted in, not suspended."""
    peers = emp.peers
    county = peers["county"].to_numpy()
    ds = peers["ds"].to_numpy()
    start = np.maximum.reduce(
        [peers["hire"].to_numpy(), optin[county, ds], peers["span_start"].to_numpy()]
    )
    start = np.maximum(start, SERVICE_START)
    stop = np.minimum.reduce(
        [
            peers["sep"].to_numpy() - 1,
            peers["span_end"].to_numpy() - 1,
            np.full(len(peers), SERVICE_END),
        ]
    )
    hole_start = np.full(len(peers), NEVER, dtype=np.int64)
    hole_end = np.full(len(peers), NEVER - 1, dtype=np.int64)
    hole_start[holes["peer_row"].to_numpy()] = holes["start"].to_numpy()
    hole_end[holes["peer_row"].to_numpy()] = holes["end"].to_numpy()
    overlap = np.maximum(0, np.minimum(hole_end, stop) - np.maximum(hole_start, start) + 1)
    days = stop - start + 1 - overlap
    segs = pd.DataFrame(
        {
            "peer_row": np.arange(len(peers), dtype=np.int64),
            "pid": peers["pid"].to_numpy(),
            "certno": life.certno[peers["pid"].to_numpy()],
            "org": peers["org"].to_numpy(),
            "npi": emp.orgs["npi"].to_numpy()[peers["org"].to_numpy()],
            "county": county,
            "ds": ds,
            "start": start,
            "stop": stop,
            "hole_start": hole_start,
            "hole_end": hole_end,
            "days": days,
            "fte": peers["fte"].to_numpy(),
        }
    )
    return segs[segs["days"].to_numpy() >= 14].reset_index(drop=True)


def new_beneficiaries(
    rng: np.random.Generator,
    cins: IntArray,
    county: IntArray,
    first: IntArray,
    last: IntArray,
    under_21: BoolArray,
) -> pd.DataFrame:
    """Beneficiaries with an episode of services from ``first`` to ``last``. Under-21s are 12-20
    on the last service day; adults 21-80 on the first."""
    n = cins.size
    dob_child = last - uniform_int(rng, 12 * 366, 20 * 365 + 300, n)
    dob_adult = first - uniform_int(rng, 21 * 366 + 30, 80 * 365, n)
    return pd.DataFrame(
        {
            "cin": cins,
            "dob": np.where(under_21, dob_child, dob_adult),
            "sex": weighted_codes(rng, ref.SEX_WEIGHTS, n),
            "race": weighted_codes(rng, ref.RACE_WEIGHTS_MEMBERS, n),
            "language": weighted_codes(rng, ref.LANGUAGE_WEIGHTS_MEMBERS, n),
            "aid": rng.integers(0, len(ref.AID_CODES), n),
            "county": county,
            "first": first,
            "last": last,
            "loc": weighted_codes(rng, ref.ASAM_WEIGHTS, n),
            "pad_before": rng.integers(0, 3, n),
            "pad_after": rng.integers(0, 3, n),
            "plant": np.full(n, -1, dtype=np.int64),
        }
    )


def line_attributes(
    rng: np.random.Generator, ds: IntArray, service: IntArray, bene_loc: IntArray
) -> dict[str, np.ndarray]:
    """Code, modality, modifiers, place, group size, units/minutes and level of care."""
    n = ds.size
    u = rng.random(n)
    hcpcs = np.full(n, ref.H0038, dtype=np.int64)
    hcpcs[u < 0.16] = ref.H0025
    contingency = (ds == ref.DMC_ODS) & (service >= H0050_RATE_START) & (u >= 0.16) & (u < 0.24)
    hcpcs[contingency] = ref.H0050
    group = hcpcs == ref.H0025
    modality = weighted_codes(rng, (0.62, 0.18, 0.20), n)
    modality = np.where(group, np.where(rng.random(n) < 0.8, ref.IN_PERSON, ref.VIDEO), modality)
    modality = np.where(hcpcs == ref.H0050, ref.IN_PERSON, modality)
    modifier = np.full(n, -1, dtype=np.int64)
    modifier[modality == ref.VIDEO] = 0
    modifier[modality == ref.TELEPHONE] = 1
    modifier[group & (modality == ref.IN_PERSON) & (rng.random(n) < 0.4)] = 2
    smhs_pos = np.asarray(IN_PERSON_POS_SMHS)[weighted_codes(rng, IN_PERSON_POS_SMHS_W, n)]
    sud_pos = np.asarray(IN_PERSON_POS_SUD)[weighted_codes(rng, IN_PERSON_POS_SUD_W, n)]
    pos = np.where(ds == ref.SMHS, smhs_pos, sud_pos)
    pos = np.where(modality == ref.IN_PERSON, pos, np.where(rng.random(n) < 0.4, 0, 1))
    units_individual = 1 + weighted_codes(rng, UNITS_INDIVIDUAL_W, n)
    units_group = 4 + weighted_codes(rng, UNITS_GROUP_W, n)
    units = np.where(group, units_group, units_individual)
    minutes = 15 * (units - 1) + uniform_int(rng, 8, 15, n)
    return {
        "hcpcs": hcpcs,
        "modality": modality,
        "modifier": modifier,
        "pos": pos,
        "group_size": np.where(group, 2 + weighted_codes(rng, GROUP_SIZE_W, n), -1),
        "collateral": ((rng.random(n) < 0.07) & ~group).astype(np.int8),
        "units": units,
        "minutes": minutes,
        "loc": np.where(ds == ref.DMC_ODS, bene_loc, -1),
    }


def adjudicate(
    rng: np.random.Generator,
    lines: pd.DataFrame,
    county_factor: FloatArray,
    approve_all: bool = False,
) -> None:
    """Set submitted/adjudicated dates, status, denial reason, amounts and recorded_at in place.
    ``lines`` must be sorted so that each claim's lines are contiguous (column ``claim``)."""
    n = len(lines)
    if n == 0:
        for column in ("submitted", "adjudicated", "status", "denial", "recorded"):
            lines[column] = np.zeros(0, dtype=np.int64)
        lines["billed"] = np.zeros(0)
        lines["approved"] = np.zeros(0)
        return
    service = lines["service_date"].to_numpy()
    claim = lines["claim"].to_numpy()
    starts = np.flatnonzero(np.r_[True, claim[1:] != claim[:-1]])
    last_service = np.maximum.reduceat(service, starts)
    extract_claim = claims_extract_day(quarter_index(service[starts]))
    submitted_claim = np.minimum(
        last_service + uniform_int(rng, 1, 20, starts.size), extract_claim - 2
    )
    sizes = np.diff(np.r_[starts, n])
    submitted = np.repeat(submitted_claim, sizes)
    extract = np.repeat(extract_claim, sizes)
    adjudicated = submitted + uniform_int(rng, 2, 14, n)
    if approve_all:
        status = np.full(n, ref.APPROVED, dtype=np.int64)
        adjudicated = np.minimum(adjudicated, extract - 1)
    else:
        status = np.array([ref.APPROVED, ref.DENIED, ref.PENDING, ref.VOIDED])[
            weighted_codes(rng, STATUS_WEIGHTS, n)
        ]
        status = np.where(adjudicated > extract - 1, ref.PENDING, status)
    adjudicated = np.where(status == ref.PENDING, NO_DATE, adjudicated)
    rate = np.array([ref.UNIT_RATE[k] for k in (ref.SMHS, ref.DMC, ref.DMC_ODS)])
    ds = lines["ds"].to_numpy()
    billed = np.round(
        lines["units"].to_numpy() * rate[ds] * county_factor[lines["county"].to_numpy()], 2
    )
    approved = np.where(
        status == ref.APPROVED, np.round(billed * (0.85 + 0.15 * rng.random(n)), 2), 0.0
    )
    basis = np.where(adjudicated != NO_DATE, adjudicated, submitted)
    recorded_day = np.minimum(basis + uniform_int(rng, 0, 2, n), extract - 1)
    lines["submitted"] = submitted
    lines["adjudicated"] = adjudicated
    lines["status"] = status
    lines["denial"] = np.where(status == ref.DENIED, weighted_codes(rng, ref.DENIAL_WEIGHTS, n), -1)
    lines["billed"] = billed
    lines["approved"] = approved
    lines["recorded"] = recorded_day * 86400 + uniform_int(rng, 0, 86399, n)
    compact(lines)


def lines_frame(
    rng: np.random.Generator,
    segs: pd.DataFrame,
    seg_of_line: IntArray,
    bene_of_line: IntArray,
    benes: pd.DataFrame,
    service: IntArray,
    claim: IntArray,
) -> pd.DataFrame:
    """Claim lines (without adjudication) for given segment, beneficiary and service date."""
    ds = segs["ds"].to_numpy()[seg_of_line]
    attrs = line_attributes(rng, ds, service, benes["loc"].to_numpy()[bene_of_line])
    frame = pd.DataFrame(
        {
            "claim": claim,
            "bene": bene_of_line,
            "seg": seg_of_line,
            "peer_row": segs["peer_row"].to_numpy()[seg_of_line],
            "pid": segs["pid"].to_numpy()[seg_of_line],
            "certno": segs["certno"].to_numpy()[seg_of_line],
            "npi": segs["npi"].to_numpy()[seg_of_line],
            "org": segs["org"].to_numpy()[seg_of_line],
            "county": segs["county"].to_numpy()[seg_of_line],
            "ds": ds,
            "cin": benes["cin"].to_numpy()[bene_of_line],
            "dob": benes["dob"].to_numpy()[bene_of_line],
            "service_date": service,
            **attrs,
        }
    )
    return compact(frame)


def build_clean_claims(
    rng: np.random.Generator, target_lines: int, segs: pd.DataFrame, cins: CinPool
) -> Claims:
    county_factor = 0.9 + 0.3 * rng.random(len(ref.COUNTIES))
    start = segs["start"].to_numpy()
    stop = segs["stop"].to_numpy()
    weight = segs["days"].to_numpy() * segs["fte"].to_numpy()
    n_benes = max(1, round(target_lines / LINES_PER_BENEFICIARY))
    per_seg = rng.multinomial(n_benes, weight / weight.sum())
    seg = np.repeat(np.arange(len(segs), dtype=np.int64), per_seg)
    n = seg.size
    months = rng.integers(1, 9, n)
    length = months * 30
    span = stop[seg] - start[seg] + 1
    first = start[seg] + (rng.random(n) * np.maximum(0, span - length + 1)).astype(np.int64)
    last = np.minimum(first + length - 1, stop[seg])
    hole_start = segs["hole_start"].to_numpy()[seg]
    hole_end = segs["hole_end"].to_numpy()[seg]
    cut_start = np.maximum(hole_start, first)
    cut = np.maximum(0, np.minimum(hole_end, last) - cut_start + 1)
    days = last - first + 1 - cut
    keep = days > 0
    seg, first, last, days, cut, cut_start = (
        seg[keep],
        first[keep],
        last[keep],
        days[keep],
        cut[keep],
        cut_start[keep],
    )
    n = seg.size

    rate = max(0.0, (target_lines - n) / max(1.0, float((days / 30).sum())))
    per_bene = 1 + rng.poisson(rate * days / 30)
    per_bene = np.minimum(per_bene, np.maximum(1, days // 2))
    bene = np.repeat(np.arange(n, dtype=np.int64), per_bene)
    offset = (rng.random(bene.size) * days[bene]).astype(np.int64)
    service = first[bene] + offset
    service = service + np.where((cut[bene] > 0) & (service >= cut_start[bene]), cut[bene], 0)
    key = sorted_unique(bene * 65_536 + (service - SERVICE_START))  # drops same-day repeats
    bene = key // 65_536
    service = key % 65_536 + SERVICE_START

    under_21 = rng.random(n) < UNDER_21_SHARE
    benes = new_beneficiaries(
        rng, cins.take(n), segs["county"].to_numpy()[seg], first, last, under_21
    )
    benes["seg"] = seg

    month = month_index(service)
    new_claim = np.r_[True, (bene[1:] != bene[:-1]) | (month[1:] != month[:-1])]
    claim = np.cumsum(new_claim) - 1
    lines = lines_frame(rng, segs, seg[bene], bene, benes, service, claim)
    starts = np.flatnonzero(new_claim)
    lines["line_number"] = (
        np.arange(len(lines)) - np.repeat(starts, np.diff(np.r_[starts, len(lines)])) + 1
    )
    adjudicate(rng, lines, county_factor)
    lines["plant"] = -1
    return Claims(benes, compact(lines), county_factor)


def finalize_claims(rng: np.random.Generator, lines: pd.DataFrame) -> pd.DataFrame:
    """Claim numbers (random, so planted claims are spread through the files), one file per
    quarter of service, rows ordered by claim id and line number."""
    claim = lines["claim"].to_numpy()
    n_claims = int(claim.max()) + 1 if claim.size else 0  # claim indices are dense 0..n-1
    numbers = (
        1_000_000_000
        + rng.permutation(n_claims).astype(np.int64) * 7
        + rng.integers(0, 7, n_claims)
    )
    claim_num = numbers[claim]
    quarter = quarter_index(lines["service_date"].to_numpy())
    order = np.lexsort((lines["line_number"].to_numpy(), claim_num, quarter))
    frame = lines.iloc[order].reset_index(drop=True)
    frame["claim_num"] = claim_num[order]
    frame["quarter"] = quarter[order]
    q = frame["quarter"].to_numpy()
    quarters = sorted_unique(q)
    codes = np.searchsorted(quarters, q)
    frame["file"] = pd.Categorical.from_codes(codes, [claims_file_name(int(x)) for x in quarters])
    return frame
