"""Planted policy problems (rules.md) with a known answer, recorded in the answer key.

Every plant breaks exactly one rule; the records around it are clean (the rendering peer of a
planted billing line is otherwise active and employed, the beneficiary eligible, the county
opted in, ...). People planted for certification rules are never employed, so no billing or
supervision finding can follow from their flawed certification. Planted billing lines are
approved, so a rule applied to approved lines only finds them too.

answer_key.business_key per rule:

- CERT-01, CERT-02, CERT-03, CERT-09: ``certificant_id:event_id`` of the ``certified`` event;
  CERT-04: of the ``renewed`` event; CERT-06: of the ``reinstated`` event;
  CERT-08: of the ``application_submitted`` event.
- SUP-01: ``employment_id`` of the supervisor; SUP-02: ``employment_id`` of the peer.
- BILL-01 .. BILL-11: ``claim_id:line_number`` of the line (BILL-11: both lines of a pair).
- BILL-06-EPSDT-EXEMPT: ``claim_id:line_number`` of an under-21 line in a county/delivery system
  not opted in on the service date. Not a finding: a warehouse must NOT flag these.
- PI-04, PI-05: ``complaint_id``; the row is the late ``acknowledged`` or ``closed`` event, or
  the ``received`` event (PI-05).
- PI-02: ``certificant_id``; the row is the ``suspended`` or ``revoked`` event. These are the
  status cases to get right: suspended (not certified during the suspension; BILL-01 lines are
  planted inside it), revoked and upheld (not certified from the revocation date; the peer stops
  billing), revoked and overturned on appeal (certified throughout: lines after the revocation
  date must NOT be flagged).

Not planted: CERT-06 "after four years" (and vacated certifications): no certification can
expire before 2024 and the data end in 2026, so four years after an expiration never falls in
the data; CERT-05 lapses appear only through BILL-01.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from peerwh_synthetic import complaints as cx
from peerwh_synthetic import ids
from peerwh_synthetic import reference as ref
from peerwh_synthetic.answer_key import CERT_EVENT, CERTIFICANT, COMPLAINT, AnswerKey
from peerwh_synthetic.claims import (
    CinPool,
    Claims,
    adjudicate,
    claims_extract_day,
    lines_frame,
    new_beneficiaries,
)
from peerwh_synthetic.dates import (
    EVENT_CUTOFF,
    GRANDPARENT_CLOSE,
    H0050_RATE_START,
    NEVER,
    NO_DATE,
    SERVICE_END,
    SERVICE_START,
    age_on,
    iso,
    month_index,
    quarter_index,
    roll_to_weekday,
)
from peerwh_synthetic.eligibility import month_key
from peerwh_synthetic.employment import Employment
from peerwh_synthetic.events import Lifecycle
from peerwh_synthetic.people import People
from peerwh_synthetic.sampling import pick, uniform_int

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


class _PersonEvents:
    """Row positions of each person's events (events sorted by person, stable)."""

    def __init__(self, events: pd.DataFrame) -> None:
        pid = events["pid"].to_numpy()
        self.order = np.argsort(pid, kind="stable")
        self.sorted_pid = pid[self.order]
        self.etype = events["etype"].to_numpy()
        self.date = events["date"].to_numpy()

    def rows(self, person: int, etype: str | None = None) -> IntArray:
        lo = np.searchsorted(self.sorted_pid, person, side="left")
        hi = np.searchsorted(self.sorted_pid, person, side="right")
        rows = self.order[lo:hi]
        if etype is not None:
            rows = rows[self.etype[rows] == ref.EV[etype]]
        return rows

    def first(self, person: int, etype: str) -> int:
        rows = self.rows(person, etype)
        return int(rows[np.argmin(self.date[rows])])


def plant_certification(
    rng: np.random.Generator, key: AnswerKey, people: People, life: Lifecycle, n: int
) -> BoolArray:
    """CERT-01/02/03/04/06/08/09 plants. Returns the mask of planted people (never employed)."""
    ev = life.events
    idx = _PersonEvents(ev)
    used = np.zeros(people.n, dtype=bool)
    drop = np.zeros(len(ev), dtype=bool)
    plant = ev["plant"].to_numpy().copy()
    exam_result = ev["exam_result"].to_numpy().copy()
    exam_score = ev["exam_score"].to_numpy().copy()
    hours = ev["hours"].to_numpy().copy()
    topic = ev["topic"].to_numpy().copy()
    pathway = ev["pathway"].to_numpy().copy()
    etype = ev["etype"].to_numpy()
    dates = ev["date"].to_numpy()
    term = ev["term"].to_numpy()

    n_spans = np.bincount(life.spans["pid"].to_numpy(), minlength=people.n)
    single = life.certified & (n_spans == 1)
    standard = people.pathway == ref.STANDARD

    def take(mask: BoolArray, k: int) -> IntArray:
        chosen = pick(rng, np.flatnonzero(mask & ~used), k)
        used[chosen] = True
        return np.sort(chosen)

    def mark(row: int, rule: str, note: str) -> None:
        plant[row] = key.policy(rule, "certification_events", note, CERT_EVENT)

    def fail_exams(rows: IntArray) -> None:
        exam_result[rows] = 1
        exam_score[rows] = np.where(np.isnan(exam_score[rows]), np.nan, 55.0)

    for p in take(single & standard, n):
        c = life.cert_date[p]
        people.dob[p] = c - 17 * 365 - int(rng.integers(20, 300))
        age = int(age_on(np.array([people.dob[p]]), np.array([c]))[0])
        mark(idx.first(p, "certified"), "CERT-01", f"age {age} on the certification date {iso(c)}")

    for p in take(single, n):
        people.education[p] = ref.EDUCATION.index("none")
        mark(idx.first(p, "certified"), "CERT-02", "education_level none; certified anyway")

    for i, p in enumerate(take(single & standard, n)):
        c = life.cert_date[p]
        before = idx.rows(p)
        before = before[dates[before] <= c]
        variant = i % 3
        if variant == 0:
            drop[before[etype[before] == ref.EV["training_completed"]]] = True
            note = "no 80-hour training_completed before certification"
        elif variant == 1:
            fail_exams(before[etype[before] == ref.EV["exam_taken"]])
            note = "no passed exam before certification (all attempts failed)"
        else:
            drop[before[etype[before] == ref.EV["ethics_attested"]]] = True
            note = "no ethics_attested before certification"
        mark(idx.first(p, "certified"), "CERT-03", note)

    renewed_terms = life.terms[life.terms["kind"].to_numpy() == 0]
    has_renewal = np.zeros(people.n, dtype=bool)
    has_renewal[renewed_terms["pid"].to_numpy()] = True
    for i, p in enumerate(take(has_renewal, n)):
        mine = renewed_terms[renewed_terms["pid"].to_numpy() == p]
        first_term = int(mine["term"].to_numpy()[np.argmin(mine["start"].to_numpy())])
        renewal_day = int(mine["next_date"].to_numpy()[np.argmin(mine["start"].to_numpy())])
        rows = idx.rows(p, "ce_completed")
        rows = rows[term[rows] == first_term]
        law = rows[topic[rows] == ref.TOPIC["law_ethics"]]
        if i % 2 == 0:
            other = np.sort(rows[topic[rows] != ref.TOPIC["law_ethics"]])
            drop[other[2:]] = True
            total = hours[law].sum() + hours[other[:2]].sum()
            note = f"renewal with {total:g} CE hours in the term (law/ethics {hours[law].sum():g})"
        else:
            topic[law] = ref.TOPIC["other"]
            note = f"renewal with {hours[rows].sum():g} CE hours but 0 in law/ethics"
        drop[idx.rows(p, "specialization_completed")] = True
        renewed_rows = idx.rows(p, "renewed")
        row = int(renewed_rows[dates[renewed_rows] == renewal_day][0])
        mark(row, "CERT-04", note)

    has_reinstatement = np.zeros(people.n, dtype=bool)
    has_reinstatement[ev["pid"].to_numpy()[etype == ref.EV["reinstated"]]] = True
    for i, p in enumerate(take(has_reinstatement, n)):
        back = idx.first(p, "reinstated")
        lapses = idx.rows(p, "lapsed")
        lapsed_on = int(dates[lapses][dates[lapses] < dates[back]].max())
        after = idx.rows(p)
        after = after[(dates[after] >= lapsed_on) & (dates[after] <= dates[back])]
        variant = i % 3
        if variant == 0:
            drop[after[etype[after] == ref.EV["refresher_completed"]]] = True
            note = "reinstated without the 40-hour refresher after the lapse"
        elif variant == 1:
            fail_exams(after[etype[after] == ref.EV["exam_taken"]])
            note = "reinstated without passing the exam again after the lapse (attempt failed)"
        else:
            drop[after[etype[after] == ref.EV["ethics_attested"]]] = True
            note = "reinstated without re-attesting to the Code of Ethics after the lapse"
        mark(back, "CERT-06", note)

    late = single & standard & (people.application_date > GRANDPARENT_CLOSE + 1)
    for p in take(late, n):
        row = idx.first(p, "application_submitted")
        pathway[row] = ref.GRANDPARENT
        people.pathway[p] = ref.GRANDPARENT
        mark(row, "CERT-08", f"grandparent application on {iso(dates[row])}, after 2023-06-30")

    reciprocity = single & (people.pathway == ref.RECIP_OUT)
    for i, p in enumerate(take(reciprocity, n)):
        work = idx.rows(p, "work_hours_attested")
        work = work[np.argsort(dates[work])]
        variant = i % 5
        if variant == 0:
            hours[work[0]] = 700.0
            note = f"{hours[work].sum():g} attested hours, short of 1,500"
        elif variant == 1:
            hours[work[0]] = 1400.0
            hours[work[1]] = 300.0
            note = "only 300 hours in the 12 months before application (500 required)"
        elif variant == 2:
            letters = idx.rows(p, "recommendation_received")
            drop[letters[topic[letters] == ref.TOPIC["self"]]] = True
            note = "two recommendation letters (no self letter)"
        elif variant == 3:
            drop[idx.rows(p, "peer_training_documented")] = True
            note = "no peer_training_documented"
        else:
            ce = idx.rows(p, "ce_completed")
            ce = ce[term[ce] == -1]
            other = np.sort(ce[topic[ce] != ref.TOPIC["law_ethics"]])
            drop[other[2:]] = True
            kept = ce[~drop[ce]]
            note = f"{hours[kept].sum():g} CE hours before certification, short of 20"
        mark(idx.first(p, "certified"), "CERT-09", note)

    ev = ev.assign(
        plant=plant,
        exam_result=exam_result,
        exam_score=exam_score,
        hours=hours,
        topic=topic,
        pathway=pathway,
    )
    life.events = ev[~drop].reset_index(drop=True)
    return used


def pick_lapse_workers(
    rng: np.random.Generator, life: Lifecycle, used: BoolArray, n: int
) -> IntArray:
    """People whose first span lapsed early enough to keep working (unbilled by clean data)
    after the lapse; BILL-01 lines are planted in that gap."""
    spans = life.spans
    first = spans[spans["span"].to_numpy() == 0]
    ok = first["end"].to_numpy() <= EVENT_CUTOFF - 75
    candidates = first["pid"].to_numpy()[ok]
    chosen = pick(rng, candidates[~used[candidates]], 2 * _ceil_div(n, 3) + 2)
    used[chosen] = True
    return np.sort(chosen)


def plant_supervision(rng: np.random.Generator, key: AnswerKey, emp: Employment, n: int) -> None:
    sups = emp.sups
    rows = np.sort(pick(rng, np.arange(len(sups)), n))
    years = sups["years"].to_numpy().copy()
    training = sups["training"].to_numpy().copy()
    plant = sups["plant"].to_numpy().copy()
    path = sups["path"].to_numpy()
    for i, row in enumerate(rows):
        label = ref.SUPERVISOR_PATHS[path[row]]
        if i % 2 == 0:
            years[row] = 3.0 if path[row] == ref.EXPERIENCE_PATH else 1.5
            note = f"{label} path with {years[row]:g} years of behavioral health experience"
        else:
            training[row] = NO_DATE
            note = f"{label} path without supervisory training"
        plant[row] = key.policy("SUP-01", "employment", note)
    emp.sups = sups.assign(years=years, training=training, plant=plant)

    peers = emp.peers
    lic = peers["license"].to_numpy().copy()
    plant = peers["plant"].to_numpy().copy()
    candidates = np.flatnonzero((lic >= 0) & (plant < 0))
    for i, row in enumerate(np.sort(pick(rng, candidates, n))):
        system = ref.DELIVERY_SYSTEMS[peers["ds"].to_numpy()[row]]
        if i % 2 == 0:
            lic[row] = -1
            note = f"supervisor not a BHP and no directing_bhp_license ({system})"
        else:
            lic[row] = ref.LPHA if lic[row] == ref.LMHP else ref.LMHP
            note = f"directing license {ref.LICENSES[lic[row]]} does not fit {system}"
        plant[row] = key.policy("SUP-02", "employment", note)
    emp.peers = peers.assign(license=lic, plant=plant)


@dataclass
class AdverseActions:
    plans: pd.DataFrame  # complaint plans (complaints.PLAN_COLUMNS)
    holes: pd.DataFrame  # peer_row, start, end: no clean claims inside
    suspensions: pd.DataFrame  # peer_row, start, end: BILL-01 lines go strictly inside
    revoked: pd.DataFrame  # pid, date: upheld revocations (listed on the S&I list later)


def plan_adverse_actions(
    rng: np.random.Generator,
    key: AnswerKey,
    life: Lifecycle,
    emp: Employment,
    optin: IntArray,
    used: BoolArray,
    n: int,
) -> AdverseActions:
    """PI-02 cases: suspensions, revocations upheld and revocations overturned on appeal."""
    peers = emp.peers
    pid = peers["pid"].to_numpy()
    one_job = np.bincount(pid, minlength=used.size)[pid] == 1
    bill_start = np.maximum.reduce(
        [
            peers["hire"].to_numpy(),
            optin[peers["county"].to_numpy(), peers["ds"].to_numpy()],
            np.full(len(peers), SERVICE_START),
        ]
    )
    ok = (
        one_job
        & ~used[pid]
        & (peers["span_end"].to_numpy() > EVENT_CUTOFF)
        & (peers["sep"].to_numpy() == NEVER)
        & (bill_start <= EVENT_CUTOFF - 420)
    )
    rows = rng.permutation(np.flatnonzero(ok))
    k = rows.size
    low = bill_start[rows] + 60
    received = roll_to_weekday(uniform_int(rng, low, EVENT_CUTOFF - 260, k))
    decision = received + uniform_int(rng, 30, 60, k)
    action = decision + uniform_int(rng, 0, 2, k)
    action_end = action + uniform_int(rng, 30, 80, k)
    filed = action + uniform_int(rng, 5, 20, k)
    decided = filed + uniform_int(rng, 20, 70, k)
    incident = received - uniform_int(rng, 3, 30, k)

    renewals = life.terms[life.terms["kind"].to_numpy() == 0]

    def conflicts(lo: IntArray, hi: IntArray) -> BoolArray:
        """Whether the candidate's certification is renewed inside [lo, hi]."""
        cand = pd.DataFrame({"j": np.arange(k), "pid": pid[rows], "lo": lo, "hi": hi})
        both = cand.merge(
            pd.DataFrame({"pid": renewals["pid"], "day": renewals["next_date"]}), on="pid"
        )
        inside = both["j"].to_numpy()[
            (both["day"] >= both["lo"]).to_numpy() & (both["day"] <= both["hi"]).to_numpy()
        ]
        out = np.zeros(k, dtype=bool)
        out[inside] = True
        return out

    n_susp, n_over, n_upheld = _ceil_div(n, 2), _ceil_div(n, 3), _ceil_div(n, 3)
    limit = min(k, 50 * (n_susp + n_over + n_upheld))
    rows, received, decision, action = (
        rows[:limit],
        received[:limit],
        decision[:limit],
        action[:limit],
    )
    action_end, filed, decided, incident = (
        action_end[:limit],
        filed[:limit],
        decided[:limit],
        incident[:limit],
    )
    k = limit
    fits_suspension = (action_end + 30 <= EVENT_CUTOFF) & ~conflicts(action - 30, action_end + 30)
    fits_overturn = (decided <= EVENT_CUTOFF) & ~conflicts(action - 10, decided + 10)
    taken = np.zeros(k, dtype=bool)

    def choose(mask: BoolArray, count: int) -> IntArray:
        chosen = np.flatnonzero(mask & ~taken)[:count]
        taken[chosen] = True
        return chosen

    susp = choose(fits_suspension, n_susp)
    over = choose(fits_overturn, n_over)
    upheld = choose(np.ones(k, dtype=bool), n_upheld)
    mode = np.full(k, -1, dtype=np.int64)
    mode[susp], mode[over], mode[upheld] = cx.SUSPEND, cx.REVOKE_OVERTURNED, cx.REVOKE_UPHELD
    chosen = np.sort(np.r_[susp, over, upheld])
    plant = np.full(k, -1, dtype=np.int64)
    for j in chosen:
        if mode[j] == cx.SUSPEND:
            note = (
                f"suspended {iso(action[j])} to {iso(action_end[j])}: not certified during the "
                "suspension; BILL-01 lines planted inside it"
            )
        elif mode[j] == cx.REVOKE_OVERTURNED:
            note = (
                f"revoked {iso(action[j])}, overturned on appeal {iso(decided[j])}: certified "
                "throughout; lines after the revocation must not be flagged"
            )
        else:
            note = f"revoked {iso(action[j])}, upheld: not certified from that date (stops billing)"
        plant[j] = key.policy("PI-02", "complaint_events", note, CERTIFICANT)

    appeal = (mode == cx.REVOKE_OVERTURNED) | (
        (mode == cx.REVOKE_UPHELD) & (decided <= EVENT_CUTOFF)
    )
    appeal &= rng.random(k) < np.where(mode == cx.REVOKE_OVERTURNED, 1.0, 0.5)
    plans = cx.plan_frame(
        peers, rows[chosen], incident[chosen], received[chosen], mode[chosen], plant[chosen]
    )
    plans["decision"] = decision[chosen]
    plans["action"] = action[chosen]
    plans["action_end"] = np.where(mode[chosen] == cx.SUSPEND, action_end[chosen], NO_DATE)
    plans["appeal_filed"] = np.where(appeal[chosen], filed[chosen], NO_DATE)
    plans["appeal_decided"] = np.where(appeal[chosen], decided[chosen], NO_DATE)
    used[pid[rows[chosen]]] = True

    holes = pd.DataFrame(
        {"peer_row": rows[susp], "start": action[susp] - 1, "end": action_end[susp] + 1}
    )
    suspensions = pd.DataFrame(
        {"peer_row": rows[susp], "start": action[susp], "end": action_end[susp]}
    )
    sep = peers["sep"].to_numpy().copy()
    reason = peers["reason"].to_numpy().copy()
    sep[rows[upheld]] = action[upheld]
    reason[rows[upheld]] = ref.SEPARATION_REASONS.index("terminated")
    emp.peers = peers.assign(sep=sep, reason=reason)
    revoked = pd.DataFrame({"pid": pid[rows[upheld]], "date": action[upheld]})
    events = life.events
    cut = np.full(used.size, NEVER, dtype=np.int64)
    cut[revoked["pid"].to_numpy()] = revoked["date"].to_numpy()
    life.events = events[events["date"].to_numpy() <= cut[events["pid"].to_numpy()]].reset_index(
        drop=True
    )
    return AdverseActions(plans, holes, suspensions, revoked)


def plan_complaint_plants(
    rng: np.random.Generator,
    key: AnswerKey,
    emp: Employment,
    life: Lifecycle,
    county_of: IntArray,
    revoked: pd.DataFrame,
    used: BoolArray,
    n: int,
) -> pd.DataFrame:
    """PI-04 (late acknowledgement / late resolution) and PI-05 (incident over 3 years before
    receipt, while the peer was certified: any certification span, at work or not)."""
    peers = emp.peers
    allowed = ~used[peers["pid"].to_numpy()]
    parts = []
    for mode, count, rule, note in (
        (cx.LATE_ACK, _ceil_div(n, 2), "PI-04", "acknowledged 8-12 business days after receipt"),
        (cx.LATE_CLOSE, _ceil_div(n, 4), "PI-04", "decided and closed 100-130 days after receipt"),
        (
            cx.LATE_CLOSE_EXTENDED,
            _ceil_div(n, 4),
            "PI-04",
            "extended once, still decided and closed 130-155 days after receipt",
        ),
    ):
        plans = cx.plan_clean_complaints(rng, peers, allowed, count)
        plans["mode"] = mode
        plans["plant"] = [
            key.policy(rule, "complaint_events", note, COMPLAINT) for _ in range(len(plans))
        ]
        parts.append(plans)

    spans = life.spans
    span_pid = spans["pid"].to_numpy()
    first = np.maximum(spans["start"].to_numpy(), SERVICE_START) + 1
    last = np.minimum(spans["end"].to_numpy() - 1, EVENT_CUTOFF - 100 - 3 * 366 - 120)
    cut = np.full(used.size, NEVER, dtype=np.int64)
    cut[revoked["pid"].to_numpy()] = revoked["date"].to_numpy()
    last = np.minimum(last, cut[span_pid] - 1)
    rows = np.sort(pick(rng, np.flatnonzero(~used[span_pid] & (last >= first)), n))
    incident = uniform_int(rng, first[rows], last[rows], rows.size)
    received = roll_to_weekday(incident + 3 * 366 + uniform_int(rng, 30, 120, rows.size))
    plant = np.array(
        [
            key.policy(
                "PI-05",
                "complaint_events",
                f"received {iso(r)}, incident {iso(i)} (over 3 years)",
                COMPLAINT,
            )
            for r, i in zip(received, incident, strict=True)
        ],
        dtype=np.int64,
    )
    who = pd.DataFrame({"pid": span_pid, "county": county_of[span_pid]})
    parts.append(
        cx.plan_frame(who, rows, incident, received, np.full(rows.size, cx.OLD_INCIDENT), plant)
    )
    return pd.concat(parts, ignore_index=True)


@dataclass
class BillingPlants:
    lines: pd.DataFrame  # all claim lines, planted ones marked
    benes: pd.DataFrame  # all beneficiaries (planted lines get their own)
    removed_months: IntArray  # eligibility.month_key of (beneficiary, month) taken out (BILL-05)


def plant_billing(
    rng: np.random.Generator,
    key: AnswerKey,
    claims: Claims,
    segs: pd.DataFrame,
    emp: Employment,
    life: Lifecycle,
    optin: IntArray,
    cins: CinPool,
    actions: AdverseActions,
    lapse_workers: IntArray,
    used: BoolArray,
    n: int,
) -> BillingPlants:
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
    rows = np.sort(pick(rng, prow[worker & (hi >= lo) & (opted <= lo)], _ceil_div(n, 3)))
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
    chosen = np.sort(pick(rng, np.arange(len(clean_segs)), _ceil_div(n, 3)))
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
    child = np.arange(rows.size) >= _ceil_div(rows.size, 2)
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
    return BillingPlants(all_lines, all_benes, np.asarray(removed, dtype=np.int64))


def plant_exclusions(
    rng: np.random.Generator,
    key: AnswerKey,
    lines: pd.DataFrame,
    people: People,
    emp: Employment,
    used: BoolArray,
    n: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """BILL-10: a few peers and organizations put on the S&I list while still billing. Every
    line of theirs on or after the effective date is planted (and approved). Returns the updated
    lines and the S&I rows to add (provider_name, npi, certno, effective, plant)."""
    plant = lines["plant"].to_numpy().copy()
    service = lines["service_date"].to_numpy()
    status = lines["status"].to_numpy().copy()
    adjudicated = lines["adjudicated"].to_numpy().copy()
    approved = lines["approved"].to_numpy().copy()
    denial = lines["denial"].to_numpy().copy()
    bad_pid = used[np.maximum(lines["pid"].to_numpy(), 0)] | (lines["pid"].to_numpy() < 0)
    rows_out: list[dict[str, object]] = []
    org_names = emp.orgs["name"].to_numpy(dtype=object)

    for column, count in (("certno", _ceil_div(n, 2)), ("npi", _ceil_div(n, 2))):
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
    si = pd.DataFrame(rows_out, columns=["provider_name", "npi", "certno", "effective"])
    return out, si


__all__ = [
    "AdverseActions",
    "BillingPlants",
    "pick_lapse_workers",
    "plan_adverse_actions",
    "plan_complaint_plants",
    "plant_billing",
    "plant_certification",
    "plant_exclusions",
    "plant_supervision",
]
