"""Complaint and adverse action plants (PI): status cases, late and old complaints.

answer_key.business_key per rule:

- PI-02: ``certificant_id``; the row is the ``suspended`` or ``revoked`` event. These are the
  status cases to get right: suspended (not certified during the suspension; BILL-01 lines are
  planted inside it), revoked and upheld (not certified from the revocation date; the peer stops
  billing), revoked and overturned on appeal (certified throughout: lines after the revocation
  date must NOT be flagged).
- PI-04, PI-05: ``complaint_id``; the row is the late ``acknowledged`` or ``closed`` event, or
  the ``received`` event (PI-05).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peerwh_synthetic import complaints as cx
from peerwh_synthetic import reference as ref
from peerwh_synthetic.answer_key import CERTIFICANT, COMPLAINT
from peerwh_synthetic.dates import (
    EVENT_CUTOFF,
    NEVER,
    NO_DATE,
    SERVICE_START,
    iso,
    roll_to_weekday,
)
from peerwh_synthetic.plants.base import (
    AdverseActions,
    BoolArray,
    IntArray,
    Planter,
    Stage,
    World,
    ceil_div,
)
from peerwh_synthetic.sampling import pick, uniform_int


def plan_adverse_actions(w: World) -> None:
    """PI-02 cases: suspensions, revocations upheld and revocations overturned on appeal."""
    rng, key, life, emp, optin = w.rng, w.key, w.life, w.emp, w.optin
    used, n = w.used, w.plants_per_rule
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

    n_susp, n_over, n_upheld = ceil_div(n, 2), ceil_div(n, 3), ceil_div(n, 3)
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
    w.actions = AdverseActions(plans, holes, suspensions, revoked)


def plan_complaint_plants(w: World) -> None:
    """PI-04 (late acknowledgement / late resolution) and PI-05 (incident over 3 years before
    receipt, while the peer was certified: any certification span, at work or not)."""
    rng, key, emp, life, used, n = w.rng, w.key, w.emp, w.life, w.used, w.plants_per_rule
    county_of, revoked = w.people.county, w.actions.revoked
    peers = emp.peers
    allowed = ~used[peers["pid"].to_numpy()]
    parts = []
    for mode, count, rule, note in (
        (cx.LATE_ACK, ceil_div(n, 2), "PI-04", "acknowledged 8-12 business days after receipt"),
        (cx.LATE_CLOSE, ceil_div(n, 4), "PI-04", "decided and closed 100-130 days after receipt"),
        (
            cx.LATE_CLOSE_EXTENDED,
            ceil_div(n, 4),
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
    w.complaint_plans = pd.concat(parts, ignore_index=True)


# Adverse actions are planned once jobs exist, because claims must leave room for them (no clean
# lines inside a suspension); the other complaints only once the clean ones are planned.
PLANTERS: tuple[Planter, ...] = (
    Planter(("PI-02",), Stage.EMPLOYMENT, plan_adverse_actions),
    Planter(("PI-04", "PI-05"), Stage.COMPLAINTS, plan_complaint_plants),
)
