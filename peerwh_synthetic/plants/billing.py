"""Billing plants (BILL): claim lines that break one billing rule each.

Planted lines are approved, so a rule applied to approved lines only finds them too.

answer_key.business_key: ``claim_id:line_number`` of the line (BILL-11: both lines of a pair).
BILL-06-EPSDT-EXEMPT names an under-21 line in a county/delivery system not opted in on the
service date. It is not a finding: a warehouse must NOT flag these lines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peerwh_synthetic import ids
from peerwh_synthetic import reference as ref
from peerwh_synthetic.claims import (
    Claims,
    adjudicate,
    claims_extract_day,
    lines_frame,
    new_beneficiaries,
)
from peerwh_synthetic.dates import (
    EVENT_CUTOFF,
    H0050_RATE_START,
    NEVER,
    NO_DATE,
    SERVICE_END,
    SERVICE_START,
    iso,
    month_index,
    quarter_index,
)
from peerwh_synthetic.eligibility import month_key
from peerwh_synthetic.plants.base import BoolArray, IntArray, Planter, Stage, World, ceil_div
from peerwh_synthetic.sampling import pick, uniform_int


def pick_lapse_workers(w: World) -> None:
    """People whose first span lapsed early enough to keep working (unbilled by clean data)
    after the lapse; BILL-01 lines are planted in that gap. Chosen before jobs are built, which
    keep them employed past the lapse."""
    rng, life, used, n = w.rng, w.life, w.used, w.plants_per_rule
    spans = life.spans
    first = spans[spans["span"].to_numpy() == 0]
    ok = first["end"].to_numpy() <= EVENT_CUTOFF - 75
    candidates = first["pid"].to_numpy()[ok]
    chosen = pick(rng, candidates[~used[candidates]], 2 * ceil_div(n, 3) + 2)
    used[chosen] = True
    w.lapse_workers = np.sort(chosen)


def plant_billing(w: World) -> None:
    """BILL-02/03/04/07/05 on clean lines changed in place, BILL-11 as copies of clean lines,
    BILL-01/06 (and EPSDT-exempt lines) as new lines of their own with new beneficiaries."""
    rng, key, emp, life, optin, cins = w.rng, w.key, w.emp, w.life, w.optin, w.cins
    claims, segs, actions, lapse_workers = w.claims, w.segs, w.actions, w.lapse_workers
    used, n = w.used, w.plants_per_rule
    lines = claims.lines
    benes = claims.benes
    touched = np.zeros(len(benes), dtype=bool)
    plant = lines["plant"].to_numpy().copy()
    bene = lines["bene"].to_numpy()
    base = (lines["status"].to_numpy() == ref.APPROVED) & ~used[lines["pid"].to_numpy()]

    def choose(mask: BoolArray, k: int) -> IntArray:
        candidates = pick(
            rng, np.flatnonzero(mask & base & (plant < 0) & ~touched[bene]), 50 * k + 200
        )
        _, first = np.unique(bene[candidates], return_index=True)
        chosen = np.sort(candidates[np.sort(first)][:k])
        touched[bene[chosen]] = True
        return chosen

    hcpcs = lines["hcpcs"].to_numpy().copy()
    group_size = lines["group_size"].to_numpy().copy()
    loc = lines["loc"].to_numpy().copy()
    ds = lines["ds"].to_numpy()
    service = lines["service_date"].to_numpy()

    for i, row in enumerate(choose(hcpcs == ref.H0038, n)):
        hcpcs[row] = (ref.HCPCS.index("H2017"), ref.HCPCS.index("H0004"), ref.HCPCS.index("T1017"))[
            i % 3
        ]
        plant[row] = key.policy(
            "BILL-02", "claims", f"peer line billed with {ref.HCPCS[hcpcs[row]]}"
        )
    for i, row in enumerate(choose(hcpcs == ref.H0025, n)):
        group_size[row] = (-1, 15, 1)[i % 3]
        size = "no group size" if group_size[row] < 0 else f"group size {group_size[row]}"
        plant[row] = key.policy("BILL-03", "claims", f"H0025 with {size}")
    early_cm = (ds == ref.DMC_ODS) & (hcpcs == ref.H0038) & (service < H0050_RATE_START)
    for row in choose(early_cm, n):
        hcpcs[row] = ref.H0050
        plant[row] = key.policy(
            "BILL-04", "claims", f"H0050 on {iso(service[row])}, before 2023-11-01"
        )
    variants = [(ref.DMC_ODS, -1), (ref.SMHS, 1), (ref.DMC, 2)]
    for i in range(n):
        system, level = variants[i % 3]
        rows = choose(ds == system, 1)
        if rows.size == 0:
            system, level = variants[(i + 1) % 2]
            rows = choose(ds == system, 1)
        for row in rows:
            loc[row] = level
            what = (
                "without level_of_care"
                if level < 0
                else f"with level_of_care {ref.ASAM_LEVELS[level]}"
            )
            plant[row] = key.policy(
                "BILL-07", "claims", f"{ref.DELIVERY_SYSTEMS[system]} line {what}"
            )

    line_key = month_key(bene, month_index(service))  # clean lines are sorted by beneficiary, date
    run = np.cumsum(np.r_[True, line_key[1:] != line_key[:-1]]) - 1
    single = np.bincount(run)[run] == 1
    removed = []
    for row in choose(single, n):
        removed.append(line_key[row])
        plant[row] = key.policy(
            "BILL-05", "claims", "beneficiary not eligible in the month of service"
        )
    lines = lines.assign(hcpcs=hcpcs, group_size=group_size, loc=loc, plant=plant)

    templates = choose(np.ones(len(lines), dtype=bool), n)
    extract = claims_extract_day(quarter_index(service[templates]))
    templates = templates[lines["adjudicated"].to_numpy()[templates] <= extract - 3]
    clones = lines.iloc[templates].copy()
    next_claim = int(lines["claim"].max()) + 1
    clones["claim"] = next_claim + np.arange(len(clones))
    clones["line_number"] = 1
    adjudicate(rng, clones, claims.county_factor, approve_all=True)
    pair_plants = []
    for j in range(len(clones)):
        note = (
            f"duplicate pair {j + 1}: same beneficiary, peer, code, date and minutes, both approved"
        )
        plant[templates[j]] = key.policy("BILL-11", "claims", note)
        pair_plants.append(key.policy("BILL-11", "claims", note))
    lines["plant"] = plant
    clones["plant"] = np.array(pair_plants, dtype=np.int64)
    next_claim += len(clones)

    new_parts: list[pd.DataFrame] = []
    new_benes: list[pd.DataFrame] = []
    peers = emp.peers
    npi_of_org = emp.orgs["npi"].to_numpy()

    def add_lines(
        peer_rows: IntArray,
        days: IntArray,
        under_21: BoolArray,
        notes: list[tuple[str, str]],
        certno: IntArray | None = None,
    ) -> None:
        nonlocal next_claim
        k = peer_rows.size
        if k == 0:
            return
        pseg = pd.DataFrame(
            {
                "peer_row": peer_rows,
                "pid": peers["pid"].to_numpy()[peer_rows],
                "certno": life.certno[peers["pid"].to_numpy()[peer_rows]]
                if certno is None
                else certno,
                "org": peers["org"].to_numpy()[peer_rows],
                "npi": npi_of_org[peers["org"].to_numpy()[peer_rows]],
                "county": peers["county"].to_numpy()[peer_rows],
                "ds": peers["ds"].to_numpy()[peer_rows],
            }
        )
        fresh = new_beneficiaries(
            rng, cins.take(k), pseg["county"].to_numpy(), days, days, under_21
        )
        fresh["seg"] = -1
        offset = len(benes) + sum(len(b) for b in new_benes)
        part = lines_frame(
            rng,
            pseg,
            np.arange(k),
            np.arange(k),
            fresh,
            days,
            next_claim + np.arange(k, dtype=np.int64),
        )
        part["bene"] = offset + np.arange(k)
        part["line_number"] = 1
        adjudicate(rng, part, claims.county_factor, approve_all=True)
        part["plant"] = [key.policy(rule, "claims", note) for rule, note in notes]
        fresh["plant"] = part["plant"].to_numpy()
        next_claim += k
        new_parts.append(part)
        new_benes.append(fresh)

    prow = np.arange(len(peers))
    pid = peers["pid"].to_numpy()
    county = peers["county"].to_numpy()
    pds = peers["ds"].to_numpy()
    span_end = peers["span_end"].to_numpy()
    sep = peers["sep"].to_numpy()
    opted = optin[county, pds]

    # BILL-01: lapsed peer still employed after the lapse
    worker = np.isin(pid, lapse_workers) & (sep > span_end + 3) & (span_end < EVENT_CUTOFF)
    lo = span_end + 2
    hi = np.minimum.reduce([sep - 2, span_end + 50, np.full(len(peers), SERVICE_END)])
    rows = np.sort(pick(rng, prow[worker & (hi >= lo) & (opted <= lo)], ceil_div(n, 3)))
    days = uniform_int(rng, lo[rows], hi[rows], rows.size)
    add_lines(
        rows,
        days,
        np.zeros(rows.size, dtype=bool),
        [
            ("BILL-01", f"rendering peer's certification expired {iso(span_end[r])} (lapsed)")
            for r in rows
        ],
    )
    # BILL-01: certification number never issued
    clean_segs = segs[~used[segs["pid"].to_numpy()] & (segs["hole_start"].to_numpy() == NEVER)]
    chosen = np.sort(pick(rng, np.arange(len(clean_segs)), ceil_div(n, 3)))
    issued = set(life.certno[life.certno >= 0].tolist())
    fake = np.array(
        [c for c in range(100_000, 100_000 + 10 * n + 10_000) if c not in issued][: chosen.size]
    )
    seg_rows = clean_segs.iloc[chosen]
    days = uniform_int(rng, seg_rows["start"].to_numpy(), seg_rows["stop"].to_numpy(), chosen.size)
    add_lines(
        seg_rows["peer_row"].to_numpy(),
        days,
        np.zeros(chosen.size, dtype=bool),
        [("BILL-01", f"certification number CPSS{c:06d} was never issued") for c in fake],
        certno=fake.astype(np.int64),
    )
    # BILL-01: peer suspended on the service date
    susp = actions.suspensions
    days = uniform_int(rng, susp["start"].to_numpy() + 1, susp["end"].to_numpy() - 1, len(susp))
    add_lines(
        susp["peer_row"].to_numpy(),
        days,
        np.zeros(len(susp), dtype=bool),
        [
            ("BILL-01", f"rendering peer suspended {iso(s)} to {iso(e)}")
            for s, e in zip(susp["start"], susp["end"], strict=True)
        ],
    )
    # BILL-06 (adults) and the EPSDT exemption (under 21): county/system not yet opted in
    lo = np.maximum.reduce(
        [
            peers["hire"].to_numpy(),
            peers["span_start"].to_numpy(),
            np.full(len(peers), SERVICE_START),
        ]
    )
    hi = np.minimum.reduce([opted - 1, sep - 1, span_end - 1, np.full(len(peers), SERVICE_END)])
    window = ~used[pid] & ~np.isin(pid, lapse_workers) & (hi >= lo)
    rows = rng.permutation(prow[window])[: 2 * n]
    days = uniform_int(rng, lo[rows], hi[rows], rows.size)
    child = np.arange(rows.size) >= ceil_div(rows.size, 2)
    notes = []
    for r, d, is_child in zip(rows, days, child, strict=True):
        fips = ref.COUNTIES[county[r]].fips
        system = ref.DELIVERY_SYSTEMS[pds[r]]
        when = "never opted in" if opted[r] >= NEVER else f"opted in only from {iso(opted[r])}"
        if is_child:
            notes.append(
                ("BILL-06-EPSDT-EXEMPT", f"under 21; {fips} {system} {when}: must NOT be flagged")
            )
        else:
            notes.append(("BILL-06", f"adult; {fips} {system} {when}; service {iso(d)}"))
    add_lines(rows, days, child, notes)

    all_lines = pd.concat([lines, clones, *new_parts], ignore_index=True)
    all_benes = pd.concat([benes, *new_benes], ignore_index=True)
    w.claims = Claims(all_benes, all_lines, claims.county_factor)
    w.removed_months = np.asarray(removed, dtype=np.int64)


def plant_exclusions(w: World) -> None:
    """BILL-10: a few peers and organizations put on the S&I list while still billing. Every
    line of theirs on or after the effective date is planted (and approved). Sets the S&I rows
    to add (provider_name, npi, certno, effective)."""
    rng, key, people, emp, used, n = w.rng, w.key, w.people, w.emp, w.used, w.plants_per_rule
    lines = w.claims.lines
    plant = lines["plant"].to_numpy().copy()
    service = lines["service_date"].to_numpy()
    status = lines["status"].to_numpy().copy()
    adjudicated = lines["adjudicated"].to_numpy().copy()
    approved = lines["approved"].to_numpy().copy()
    denial = lines["denial"].to_numpy().copy()
    bad_pid = used[np.maximum(lines["pid"].to_numpy(), 0)] | (lines["pid"].to_numpy() < 0)
    rows_out: list[dict[str, object]] = []
    org_names = emp.orgs["name"].to_numpy(dtype=object)

    for column, count in (("certno", ceil_div(n, 2)), ("npi", ceil_div(n, 2))):
        values = lines[column].to_numpy()
        tainted = np.unique(values[(plant >= 0) | bad_pid])
        totals = pd.Series(values).value_counts()
        totals = totals[(totals >= 3) & ~totals.index.isin(tainted)]
        if column == "npi":
            totals = totals.sort_values(kind="stable").iloc[: max(10, 5 * count)]
        entities = pick(rng, totals.index.to_numpy(), count)
        for i, entity in enumerate(np.sort(entities)):
            mine = np.flatnonzero(values == entity)
            days = np.sort(service[mine])
            threshold = days[-(1 + i % 3)]
            earlier = days[days < threshold]
            effective = int(earlier[-1] + 1) if earlier.size else int(threshold)
            hit = mine[service[mine] >= threshold]
            if column == "certno":
                person = int(lines["pid"].to_numpy()[mine[0]])
                name = f"{people.first_name[person]} {people.last_name[person]}"
                what = f"peer {ids.text_id(ids.CERTIFICATION_NUMBER, entity)}"
            else:
                org = int(lines["org"].to_numpy()[mine[0]])
                name = str(org_names[org])
                what = f"organization NPI {entity}"
            for row in np.sort(hit):
                plant[row] = key.policy(
                    "BILL-10", "claims", f"{what} on the S&I list from {iso(effective)}"
                )
            extract = claims_extract_day(quarter_index(service[hit]))
            adjudicated[hit] = np.where(
                adjudicated[hit] == NO_DATE,
                np.minimum(lines["submitted"].to_numpy()[hit] + 2, extract - 1),
                adjudicated[hit],
            )
            approved[hit] = np.where(
                status[hit] == ref.APPROVED,
                approved[hit],
                np.round(lines["billed"].to_numpy()[hit] * 0.95, 2),
            )
            status[hit] = ref.APPROVED
            denial[hit] = -1
            rows_out.append(
                {
                    "provider_name": name,
                    "npi": int(entity) if column == "npi" else -1,
                    "certno": int(entity) if column == "certno" else -1,
                    "effective": effective,
                }
            )
    recorded = lines["recorded"].to_numpy().copy()
    changed = (status != lines["status"].to_numpy()) | (
        adjudicated != lines["adjudicated"].to_numpy()
    )
    extract = claims_extract_day(quarter_index(service))
    recorded = np.where(changed, np.minimum(adjudicated + 1, extract - 1) * 86400 + 3600, recorded)
    out = lines.assign(
        plant=plant,
        status=status,
        adjudicated=adjudicated,
        approved=approved,
        denial=denial,
        recorded=recorded,
    )
    w.claims.lines = out
    w.exclusions = pd.DataFrame(rows_out, columns=["provider_name", "npi", "certno", "effective"])


PLANTERS: tuple[Planter, ...] = (
    Planter(("BILL-01",), Stage.LIFECYCLE, pick_lapse_workers),
    Planter(
        (
            "BILL-01",
            "BILL-02",
            "BILL-03",
            "BILL-04",
            "BILL-05",
            "BILL-06",
            "BILL-06-EPSDT-EXEMPT",
            "BILL-07",
            "BILL-11",
        ),
        Stage.CLAIMS,
        plant_billing,
    ),
    Planter(("BILL-10",), Stage.CLAIMS, plant_exclusions),
)
