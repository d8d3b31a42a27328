"""Organizations, supervisors and peer employment.

Peers are hired during an active certification span and leave at the latest the day after it
lapses, so "employed" implies "certified" for clean records (BILL-01). Every peer has a
supervisor in the same organization and delivery system; when that supervisor is not a
Behavioral Health Professional the peer carries the directing BHP license of the right kind
(LMHP for SMHS, LPHA for DMC/DMC-ODS; SUP-02). Supervisors satisfy their path's SUP-01 minimum
(with margin) and completed supervisory training before they were hired. Certified-peer
supervisors are drawn from people certified continuously through the cutoff.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from peerwh_synthetic import ids, names
from peerwh_synthetic import reference as ref
from peerwh_synthetic.dates import EVENT_CUTOFF, MAIN_EXTRACT, NEVER, NO_DATE, day, iso
from peerwh_synthetic.events import Lifecycle
from peerwh_synthetic.people import People, county_weights
from peerwh_synthetic.sampling import uniform_int, unique_numbers, weighted_codes
from peerwh_synthetic.writer import Col

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

P_EMPLOYED_FIRST_SPAN = 0.80
P_EMPLOYED_AFTER_REINSTATEMENT = 0.60
P_SUPERVISOR_POOL = 0.07
PEERS_PER_SUPERVISOR = 8
FTE_VALUES = np.array([1.0, 0.75, 0.5, 0.25])
FTE_WEIGHTS = (0.55, 0.15, 0.25, 0.05)
PATH_WEIGHTS = (0.20, 0.45, 0.35)  # certified_peer, behavioral_health_professional, experience


@dataclass
class Employment:
    orgs: pd.DataFrame  # county, npi, name, employer_type
    units: pd.DataFrame  # org, ds, county
    peers: pd.DataFrame  # one row per peer employment
    sups: pd.DataFrame  # one row per supervisor employment


def opt_in_table() -> IntArray:
    """Opt-in effective day per (county index, delivery system), NEVER when not opted in."""
    table = np.full((len(ref.COUNTIES), 3), NEVER, dtype=np.int64)
    position = {c.fips: i for i, c in enumerate(ref.COUNTIES)}
    for row in ref.COUNTY_OPT_IN:
        table[position[row.county_fips], ref.DELIVERY_SYSTEMS.index(row.delivery_system)] = day(
            row.effective_date
        )
    return table


def build_organizations(
    rng: np.random.Generator, size_factor: float = 1.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One county behavioral health department per county (SMHS and the county's SUD system)
    plus community-based organizations (one delivery system each), more in bigger counties."""
    counties = np.arange(len(ref.COUNTIES), dtype=np.int64)
    enrollment = np.array([c.medi_cal_thousands for c in ref.COUNTIES])
    n_cbo = np.clip(np.round(enrollment / 60 * size_factor), 0, 60).astype(np.int64)
    org_county = np.concatenate([counties, np.repeat(counties, n_cbo)])
    n_orgs = org_county.size
    is_county = np.arange(n_orgs) < counties.size
    county_names = np.array(
        [f"{c.name} County Behavioral Health" for c in ref.COUNTIES], dtype=object
    )
    org_name = np.where(is_county, "", names.organization_names(rng, n_orgs)).astype(object)
    org_name[is_county] = county_names
    orgs = pd.DataFrame(
        {
            "county": org_county,
            "npi": ids.make_npis(unique_numbers(rng, n_orgs, 100_000_000, 300_000_000)),
            "name": org_name,
            "employer_type": np.where(is_county, 0, 1),
        }
    )
    sud = np.array([ref.DELIVERY_SYSTEMS.index(c.sud_system) for c in ref.COUNTIES])
    cbo = np.flatnonzero(~is_county)
    cbo_ds = np.where(rng.random(cbo.size) < 0.6, ref.SMHS, sud[org_county[cbo]])
    unit_org = np.concatenate([counties, counties, cbo])
    unit_ds = np.concatenate([np.full(counties.size, ref.SMHS), sud, cbo_ds])
    order = np.lexsort((unit_ds, unit_org, org_county[unit_org]))
    units = pd.DataFrame(
        {"org": unit_org[order], "ds": unit_ds[order], "county": org_county[unit_org[order]]}
    )
    return orgs, units


def _pick_units(rng: np.random.Generator, units: pd.DataFrame, county: IntArray) -> IntArray:
    unit_county = units["county"].to_numpy()
    first = np.searchsorted(unit_county, county, side="left")
    count = np.searchsorted(unit_county, county, side="right") - first
    return first + (rng.random(county.size) * count).astype(np.int64)


def supervisor_pool(rng: np.random.Generator, life: Lifecycle, excluded: BoolArray) -> BoolArray:
    """People certified continuously through the cutoff who may supervise as certified peers."""
    spans = life.spans
    n_spans = np.bincount(spans["pid"].to_numpy(), minlength=excluded.size)
    open_end = np.zeros(excluded.size, dtype=bool)
    last = spans[spans["end"].to_numpy() > EVENT_CUTOFF]
    open_end[last["pid"].to_numpy()] = True
    steady = life.certified & (n_spans == 1) & open_end & ~excluded
    steady &= life.cert_date <= day("2025-06-30")
    return steady & (rng.random(excluded.size) < P_SUPERVISOR_POOL)


def build_employment(
    rng: np.random.Generator,
    people: People,
    life: Lifecycle,
    excluded: BoolArray,
    lapse_workers: IntArray,
) -> Employment:
    orgs, units = build_organizations(rng, min(1.0, people.n / 10_000))
    pool = supervisor_pool(rng, life, excluded)
    lapse_worker = np.zeros(people.n, dtype=bool)
    lapse_worker[lapse_workers] = True

    spans = life.spans
    pid = spans["pid"].to_numpy()
    span = spans["span"].to_numpy()
    start = spans["start"].to_numpy()
    end = spans["end"].to_numpy()
    k = pid.size
    chance = np.where(span == 0, P_EMPLOYED_FIRST_SPAN, P_EMPLOYED_AFTER_REINSTATEMENT)
    employed = (rng.random(k) < chance) & ~excluded[pid] & ~pool[pid]
    employed = np.where(lapse_worker[pid], span == 0, employed & ~lapse_worker[pid])
    hire = start + uniform_int(rng, 0, 120, k)
    employed &= hire <= np.minimum(end - 60, EVENT_CUTOFF - 30)
    rows = np.flatnonzero(employed)
    pid, span, start, end, hire = pid[rows], span[rows], start[rows], end[rows], hire[rows]
    k = rows.size

    own = rng.random(k) < 0.85
    county = np.where(own, people.county[pid], weighted_codes(rng, county_weights(), k))
    unit = _pick_units(rng, units, county)

    lapsed = end < EVENT_CUTOFF
    natural = hire + np.maximum(60, rng.exponential(1100, k).astype(np.int64))
    forced = np.where(lapsed, end + 1, NEVER)
    sep = np.minimum(natural, forced)
    reason = np.where(sep == forced, 4, weighted_codes(rng, ref.SEPARATION_WEIGHTS, k))
    worker = lapse_worker[pid] & lapsed
    sep = np.where(worker, end + uniform_int(rng, 60, 120, k), sep)
    reason = np.where(worker, 0, reason)
    reason = np.where(sep > EVENT_CUTOFF, -1, reason)
    sep = np.where(sep > EVENT_CUTOFF, NEVER, sep)

    unit_ds = units["ds"].to_numpy()
    unit_org = units["org"].to_numpy()
    peers = pd.DataFrame(
        {
            "pid": pid,
            "span": span,
            "span_start": start,
            "span_end": end,
            "unit": unit,
            "org": unit_org[unit],
            "county": county,
            "ds": unit_ds[unit],
            "hire": hire,
            "sep": sep,
            "reason": reason,
            "fte": FTE_VALUES[weighted_codes(rng, FTE_WEIGHTS, k)],
        }
    )
    sups, peer_sup = _build_supervisors(rng, units, peers, life, pool)
    peers["sup"] = peer_sup
    path = sups["path"].to_numpy()[peer_sup]
    license_kind = np.where(peers["ds"].to_numpy() == ref.SMHS, ref.LMHP, ref.LPHA)
    peers["license"] = np.where(path == ref.BHP_PATH, -1, license_kind)
    emp_nums = unique_numbers(rng, len(peers) + len(sups), 1_000_000, 10_000_000)
    peers["emp_num"] = emp_nums[: len(peers)]
    sups["emp_num"] = emp_nums[len(peers) :]
    peers["plant"] = -1
    sups["plant"] = -1
    return Employment(orgs, units, peers, sups)


def _build_supervisors(
    rng: np.random.Generator,
    units: pd.DataFrame,
    peers: pd.DataFrame,
    life: Lifecycle,
    pool: BoolArray,
) -> tuple[pd.DataFrame, IntArray]:
    unit = peers["unit"].to_numpy()
    n_units = len(units)
    per_unit = np.bincount(unit, minlength=n_units)
    n_sup = np.where(per_unit > 0, -(-per_unit // PEERS_PER_SUPERVISOR), 0)
    offset = np.concatenate([[0], np.cumsum(n_sup)[:-1]])
    peer_sup = offset[unit] + (rng.random(unit.size) * n_sup[unit]).astype(np.int64)
    total = int(n_sup.sum())
    sup_unit = np.repeat(np.arange(n_units), n_sup)

    first_hire = np.full(total, NEVER, dtype=np.int64)
    np.minimum.at(first_hire, peer_sup, peers["hire"].to_numpy())
    unit_first = np.full(n_units, NEVER, dtype=np.int64)
    np.minimum.at(unit_first, unit, peers["hire"].to_numpy())
    first_hire = np.where(first_hire == NEVER, unit_first[sup_unit], first_hire)

    path = weighted_codes(rng, PATH_WEIGHTS, total)
    hire = first_hire - uniform_int(rng, 30, 900, total)
    sup_pid = np.full(total, -1, dtype=np.int64)

    candidates = np.flatnonzero(pool)
    cand_date = life.cert_date[candidates]
    order = np.argsort(cand_date, kind="stable")
    candidates, cand_date = candidates[order], cand_date[order]
    want = np.flatnonzero(path == ref.CERTIFIED_PEER_PATH)
    peer_hire = first_hire[want] - uniform_int(rng, 0, 60, want.size)
    eligible = np.searchsorted(cand_date, peer_hire - 30, side="right")
    chosen = np.where(
        eligible > 0, (rng.random(want.size) * np.maximum(eligible, 1)).astype(np.int64), -1
    )
    person = np.where(chosen >= 0, candidates[np.maximum(chosen, 0)] if candidates.size else -1, -1)
    _, first_use = np.unique(person, return_index=True)
    unique_use = np.zeros(want.size, dtype=bool)
    unique_use[first_use] = True
    ok = (person >= 0) & unique_use
    sup_pid[want[ok]] = person[ok]
    hire[want[ok]] = peer_hire[ok]
    path[want[~ok]] = ref.BHP_PATH

    is_cp = path == ref.CERTIFIED_PEER_PATH
    years = np.where(
        is_cp,
        2.5 + rng.random(total) * 9.5,
        np.where(
            path == ref.BHP_PATH, 2.5 + rng.random(total) * 22.5, 4.5 + rng.random(total) * 15.5
        ),
    )
    training = np.where(
        is_cp, hire - uniform_int(rng, 1, 25, total), hire - uniform_int(rng, 1, 400, total)
    )
    sup_names = names.person_names(rng, total)
    sup_names[is_cp] = None
    unit_ds = units["ds"].to_numpy()
    unit_org = units["org"].to_numpy()
    unit_county = units["county"].to_numpy()
    sups = pd.DataFrame(
        {
            "unit": sup_unit,
            "org": unit_org[sup_unit],
            "county": unit_county[sup_unit],
            "ds": unit_ds[sup_unit],
            "pid": sup_pid,
            "person_name": sup_names,
            "hire": hire,
            "fte": np.where(rng.random(total) < 0.8, 1.0, 0.5),
            "path": path,
            "years": np.round(years, 1),
            "training": training,
        }
    )
    return sups, peer_sup


EMPLOYMENT_COLUMNS: tuple[Col, ...] = (
    Col("employment_id", "id", "emp_num", prefix="EMP", width=7),
    Col("certificant_id", "id", "certificant_num", prefix="P", width=7, nullable=True),
    Col("person_name", "text"),
    Col("county_fips", "enum", "county", labels=ref.COUNTY_FIPS),
    Col("organization_npi", "int", "npi"),
    Col("organization_name", "text"),
    Col("employer_type", "enum", labels=ref.EMPLOYER_TYPES),
    Col("delivery_system", "enum", "ds", labels=ref.DELIVERY_SYSTEMS),
    Col("role", "enum", labels=ref.ROLES),
    Col("hire_date", "date", "hire"),
    Col("separation_date", "date", "sep"),
    Col("separation_reason", "enum", "reason", labels=ref.SEPARATION_REASONS),
    Col("fte", "decimal"),
    Col("supervisor_employment_id", "id", "sup_num", prefix="EMP", width=7, nullable=True),
    Col("directing_bhp_license", "enum", "license", labels=ref.LICENSES),
    Col("supervisor_path", "enum", "path", labels=ref.SUPERVISOR_PATHS),
    Col("bh_experience_years", "decimal", "years", places=1),
    Col("supervisor_training_date", "date", "training"),
    Col("recorded_at", "timestamp", "recorded"),
)
EMPLOYMENT_FILE = f"employment_{iso(MAIN_EXTRACT).replace('-', '')}.csv"


def employment_rows(emp: Employment, certificant_num: IntArray) -> pd.DataFrame:
    """Peers and supervisors as internal employment rows (unsorted)."""
    peers, sups, orgs = emp.peers, emp.sups, emp.orgs
    n_p, n_s = len(peers), len(sups)
    sup_pid = sups["pid"].to_numpy()
    org = np.r_[peers["org"].to_numpy(), sups["org"].to_numpy()]
    sep = peers["sep"].to_numpy()
    return pd.DataFrame(
        {
            "emp_num": np.r_[peers["emp_num"].to_numpy(), sups["emp_num"].to_numpy()],
            "pid": np.r_[peers["pid"].to_numpy(), sup_pid],
            "certificant_num": np.r_[
                certificant_num[peers["pid"].to_numpy()],
                np.where(sup_pid >= 0, certificant_num[np.maximum(sup_pid, 0)], -1),
            ],
            "person_name": np.r_[
                np.full(n_p, None, dtype=object), sups["person_name"].to_numpy(dtype=object)
            ],
            "county": np.r_[peers["county"].to_numpy(), sups["county"].to_numpy()],
            "npi": orgs["npi"].to_numpy()[org],
            "organization_name": orgs["name"].to_numpy(dtype=object)[org],
            "employer_type": orgs["employer_type"].to_numpy()[org],
            "ds": np.r_[peers["ds"].to_numpy(), sups["ds"].to_numpy()],
            "role": np.r_[np.zeros(n_p, dtype=np.int64), np.ones(n_s, dtype=np.int64)],
            "hire": np.r_[peers["hire"].to_numpy(), sups["hire"].to_numpy()],
            "sep": np.r_[np.where(sep == NEVER, NO_DATE, sep), np.full(n_s, NO_DATE)],
            "reason": np.r_[peers["reason"].to_numpy(), np.full(n_s, -1)],
            "fte": np.r_[peers["fte"].to_numpy(), sups["fte"].to_numpy()],
            "sup_num": np.r_[sups["emp_num"].to_numpy()[peers["sup"].to_numpy()], np.full(n_s, -1)],
            "license": np.r_[peers["license"].to_numpy(), np.full(n_s, -1)],
            "path": np.r_[np.full(n_p, -1), sups["path"].to_numpy()],
            "years": np.r_[np.full(n_p, np.nan), sups["years"].to_numpy()],
            "training": np.r_[np.full(n_p, NO_DATE), sups["training"].to_numpy()],
            "plant": np.r_[peers["plant"].to_numpy(), sups["plant"].to_numpy()],
        }
    )


def finalize_employment(rng: np.random.Generator, rows: pd.DataFrame) -> pd.DataFrame:
    frame = rows.sort_values("emp_num", kind="stable").reset_index(drop=True)
    n = len(frame)
    hire = frame["hire"].to_numpy()
    latest = np.maximum(np.where(hire == NO_DATE, 0, hire), frame["sep"].to_numpy())
    recorded_day = np.minimum(latest + uniform_int(rng, 0, 10, n), MAIN_EXTRACT - 1)
    frame["recorded"] = recorded_day * 86400 + uniform_int(rng, 0, 86399, n)
    frame["file"] = EMPLOYMENT_FILE
    return frame
