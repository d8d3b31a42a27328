"""Complaints against certified peers, as complaint_events rows.

A complaint plan row gives who, where, the incident and receipt dates and a ``mode``; the
timeline follows from the mode. Clean complaints are acknowledged within 1-3 business days,
decided and closed within 88 days of receipt (118 when the investigation was extended, before
day 90), concern an incident 1-120 days earlier while the peer was certified and employed, and
end in dismissal or substantiation with corrective action (PI-01, PI-04, PI-05). Suspensions
and revocations only come from planned adverse actions (PI-02, see plants/complaints.py), whose
plan rows carry their own decision, action and appeal dates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from peerwh_synthetic import reference as ref
from peerwh_synthetic.dates import (
    EVENT_CUTOFF,
    MAIN_EXTRACT,
    NO_DATE,
    business_days_after,
    roll_to_weekday,
)
from peerwh_synthetic.sampling import uniform_int, unique_numbers, weighted_codes
from peerwh_synthetic.writer import Col

IntArray = NDArray[np.int64]

CLEAN, LATE_ACK, LATE_CLOSE, LATE_CLOSE_EXTENDED, OLD_INCIDENT = 0, 1, 2, 3, 4
SUSPEND, REVOKE_OVERTURNED, REVOKE_UPHELD = 5, 6, 7
ACTION_MODES = (SUSPEND, REVOKE_OVERTURNED, REVOKE_UPHELD)
P_SUBSTANTIATED = 0.35
P_EXTENDED = 0.10
P_APPEAL = 0.10

PLAN_COLUMNS = (
    "pid",
    "county",
    "incident",
    "received",
    "mode",
    "decision",
    "action",
    "action_end",
    "appeal_filed",
    "appeal_decided",
    "plant",
)

COMPLAINT_COLUMNS: tuple[Col, ...] = (
    Col("event_id", "id", "event_num", prefix="CX", width=8),
    Col("complaint_id", "id", "complaint_num", prefix="CMP", width=6),
    Col("certificant_id", "id", "certificant_num", prefix="P", width=7),
    Col("county_fips", "enum", "county", labels=ref.COUNTY_FIPS),
    Col("event_type", "enum", "etype", labels=ref.COMPLAINT_EVENT_TYPES),
    Col("event_date", "date", "date"),
    Col("allegation_category", "enum", "allegation", labels=ref.ALLEGATIONS),
    Col("incident_date", "date", "incident"),
    Col("complainant_type", "enum", "complainant", labels=ref.COMPLAINANTS),
    Col("action_end_date", "date", "action_end"),
    Col("appeal_outcome", "enum", "outcome", labels=ref.APPEAL_OUTCOMES),
    Col("recorded_at", "timestamp", "recorded"),
)


def empty_plans() -> pd.DataFrame:
    return pd.DataFrame({c: np.zeros(0, dtype=np.int64) for c in PLAN_COLUMNS})


def plan_clean_complaints(
    rng: np.random.Generator, peers: pd.DataFrame, allowed: NDArray[np.bool_], count: int
) -> pd.DataFrame:
    """``count`` clean complaints against employed peers (rows of ``peers`` where ``allowed``)."""
    last = np.minimum.reduce(
        [
            peers["sep"].to_numpy() - 1,
            peers["span_end"].to_numpy() - 1,
            np.full(len(peers), EVENT_CUTOFF - 290),
        ]
    )
    first = peers["hire"].to_numpy() + 1
    ok = np.flatnonzero(allowed & (last >= first))
    if ok.size == 0 or count <= 0:
        return empty_plans()
    weight = (last - first + 1)[ok].astype(np.float64)
    rows = ok[np.searchsorted(np.cumsum(weight) / weight.sum(), rng.random(count), side="right")]
    rows = np.minimum(rows, ok.max())
    incident = uniform_int(rng, first[rows], last[rows], rows.size)
    received = roll_to_weekday(incident + uniform_int(rng, 1, 120, rows.size))
    return plan_frame(peers, rows, incident, received, np.full(rows.size, CLEAN))


def plan_frame(
    peers: pd.DataFrame,
    rows: IntArray,
    incident: IntArray,
    received: IntArray,
    mode: IntArray,
    plant: IntArray | None = None,
) -> pd.DataFrame:
    n = rows.size
    blank = np.full(n, NO_DATE, dtype=np.int64)
    return pd.DataFrame(
        {
            "pid": peers["pid"].to_numpy()[rows],
            "county": peers["county"].to_numpy()[rows],
            "incident": incident,
            "received": received,
            "mode": mode,
            "decision": blank,
            "action": blank,
            "action_end": blank,
            "appeal_filed": blank,
            "appeal_decided": blank,
            "plant": np.full(n, -1, dtype=np.int64) if plant is None else plant,
        }
    )


def build_complaint_events(rng: np.random.Generator, plans: pd.DataFrame) -> pd.DataFrame:
    """Expand complaint plans into events (internal columns; ids assigned later)."""
    n = len(plans)
    mode = plans["mode"].to_numpy()
    received = plans["received"].to_numpy()
    incident = plans["incident"].to_numpy()
    action_mode = np.isin(mode, ACTION_MODES)
    plant = plans["plant"].to_numpy()

    ack = business_days_after(
        received, np.where(mode == LATE_ACK, uniform_int(rng, 8, 12, n), uniform_int(rng, 1, 3, n))
    )
    extended = (mode == LATE_CLOSE_EXTENDED) | ((mode == CLEAN) & (rng.random(n) < P_EXTENDED))
    extended_on = received + uniform_int(rng, 60, 80, n)
    decision = received + np.select(
        [mode == LATE_CLOSE, mode == LATE_CLOSE_EXTENDED, extended],
        [
            uniform_int(rng, 100, 125, n),
            uniform_int(rng, 130, 150, n),
            uniform_int(rng, 85, 110, n),
        ],
        uniform_int(rng, 20, 80, n),
    )
    decision = np.where(action_mode, plans["decision"].to_numpy(), decision)
    opened = np.minimum(ack + uniform_int(rng, 1, 10, n), decision - 1)
    opened = np.maximum(opened, ack)
    late = np.isin(mode, (LATE_CLOSE, LATE_CLOSE_EXTENDED))
    limit = received + np.where(extended, 118, 88)
    closed = decision + uniform_int(rng, 0, 5, n)
    closed = np.where(late, closed, np.minimum(closed, limit))
    closed = np.where(action_mode, plans["action"].to_numpy() + uniform_int(rng, 0, 3, n), closed)
    substantiated = action_mode | (rng.random(n) < P_SUBSTANTIATED)
    corrective = substantiated & ~action_mode
    ordered = np.minimum(decision + uniform_int(rng, 0, 3, n), closed)
    completed = closed + uniform_int(rng, 10, 90, n)
    appeal = corrective & (rng.random(n) < P_APPEAL)
    filed = closed + uniform_int(rng, 5, 25, n)
    decided = filed + uniform_int(rng, 20, 80, n)
    appeal_outcome = np.where(rng.random(n) < 0.7, 0, 2)  # upheld / modified

    complaint = np.arange(n, dtype=np.int64)
    parts: list[dict[str, np.ndarray]] = []

    def add(mask: np.ndarray, etype: str, dates: np.ndarray, **extra: np.ndarray) -> None:
        idx = np.flatnonzero(mask)
        part = {
            "complaint": complaint[idx],
            "etype": np.full(idx.size, ref.CX[etype], dtype=np.int64),
            "date": dates[idx],
            "allegation": np.full(idx.size, -1, dtype=np.int64),
            "incident": np.full(idx.size, NO_DATE, dtype=np.int64),
            "complainant": np.full(idx.size, -1, dtype=np.int64),
            "action_end": np.full(idx.size, NO_DATE, dtype=np.int64),
            "outcome": np.full(idx.size, -1, dtype=np.int64),
            "plant": np.full(idx.size, -1, dtype=np.int64),
        }
        for key, values in extra.items():
            part[key] = values[idx]
        parts.append(part)

    everyone = np.ones(n, dtype=bool)
    on = {
        "received": np.isin(mode, (OLD_INCIDENT,)),
        "acknowledged": mode == LATE_ACK,
        "closed": late,
        "suspended": mode == SUSPEND,
        "revoked": np.isin(mode, (REVOKE_OVERTURNED, REVOKE_UPHELD)),
    }
    no_plant = np.full(n, -1, dtype=np.int64)

    def plant_on(etype: str) -> np.ndarray:
        return np.where(on[etype], plant, no_plant)

    add(
        everyone,
        "received",
        received,
        allegation=weighted_codes(rng, ref.ALLEGATION_WEIGHTS, n),
        incident=incident,
        complainant=weighted_codes(rng, ref.COMPLAINANT_WEIGHTS, n),
        plant=plant_on("received"),
    )
    add(everyone, "acknowledged", ack, plant=plant_on("acknowledged"))
    add(everyone, "investigation_opened", opened)
    add(extended, "investigation_extended", extended_on)
    add(~substantiated, "dismissed", decision)
    add(substantiated, "substantiated", decision)
    add(corrective, "corrective_action_ordered", ordered)
    add(corrective & (completed <= EVENT_CUTOFF), "corrective_action_completed", completed)
    action = plans["action"].to_numpy()
    add(
        mode == SUSPEND,
        "suspended",
        action,
        action_end=plans["action_end"].to_numpy(),
        plant=plant_on("suspended"),
    )
    add(mode == SUSPEND, "suspension_ended", plans["action_end"].to_numpy())
    add(
        np.isin(mode, (REVOKE_OVERTURNED, REVOKE_UPHELD)),
        "revoked",
        action,
        plant=plant_on("revoked"),
    )
    add(everyone, "closed", closed, plant=plant_on("closed"))
    add(appeal & (decided <= EVENT_CUTOFF), "appeal_filed", filed)
    add(appeal & (decided <= EVENT_CUTOFF), "appeal_decided", decided, outcome=appeal_outcome)
    planned_appeal = action_mode & (plans["appeal_decided"].to_numpy() != NO_DATE)
    add(planned_appeal, "appeal_filed", plans["appeal_filed"].to_numpy())
    add(
        planned_appeal,
        "appeal_decided",
        plans["appeal_decided"].to_numpy(),
        outcome=np.where(mode == REVOKE_OVERTURNED, 1, 0),
    )
    events = pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})
    events["pid"] = plans["pid"].to_numpy()[events["complaint"].to_numpy()]
    events["county"] = plans["county"].to_numpy()[events["complaint"].to_numpy()]
    return events


def finalize_complaints(
    rng: np.random.Generator, events: pd.DataFrame, certificant_num: IntArray, n_complaints: int
) -> pd.DataFrame:
    """Sort, number and stamp complaint events for writing."""
    complaint_nums = unique_numbers(rng, n_complaints, 100_000, 1_000_000)
    order = np.lexsort(
        (events["etype"].to_numpy(), events["complaint"].to_numpy(), events["date"].to_numpy())
    )
    frame = events.iloc[order].reset_index(drop=True)
    n = len(frame)
    frame["event_num"] = 10_000_001 + np.arange(n, dtype=np.int64)
    frame["complaint_num"] = complaint_nums[frame["complaint"].to_numpy()]
    frame["certificant_num"] = certificant_num[frame["pid"].to_numpy()]
    recorded_day = np.minimum(
        frame["date"].to_numpy() + uniform_int(rng, 0, 2, n), MAIN_EXTRACT - 1
    )
    frame["recorded"] = recorded_day * 86400 + uniform_int(rng, 0, 86399, n)
    frame["file"] = "complaint_events_20261005.csv"
    return frame
