"""The certification lifecycle of every certificant, as certification_events rows.

Vectorised over people; the only loops run over lifecycle steps (exam attempts, two-year terms),
never over rows. Clean lifecycles satisfy every CERT rule in rules.md:

- standard (and in-state reciprocity): 80-hour training, a passed exam and the ethics
  attestation, all before the certification date (CERT-03);
- grandparent applications only up to 2022-12-31 (CERT-08 closes 2023-06-30), with 20 CE hours
  (6 law/ethics) and a passed exam;
- out-of-state reciprocity: 1,500+ hours within three years (500+ in the last 12 months),
  20 CE hours with law/ethics, exam, ethics, peer-training documentation, three letters (CERT-09);
- every renewal has 20+ CE hours (6 law/ethics, one best-practices course) inside the term, dated
  at least 100 days away from the term's ends so any reasonable term window finds the same
  courses (CERT-04);
- every reinstatement follows a 40-hour refresher, a passed exam and a fresh ethics attestation,
  all after the lapse, within 4 years of expiration (CERT-06);
- everyone is 19+ at application and nobody with education ``none`` is certified.

Expiration is always exactly two years after the certified/renewed/reinstated event date, and
no such event falls on 29 February, so "two years later" has one meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from peerwh_synthetic import reference as ref
from peerwh_synthetic.dates import (
    EVENT_CUTOFF,
    MAIN_EXTRACT,
    NO_DATE,
    add_years,
    iso,
    no_feb29,
)
from peerwh_synthetic.people import People
from peerwh_synthetic.sampling import uniform_int, unique_numbers, weighted_codes
from peerwh_synthetic.writer import Col

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

P_FIRST_PASS, P_SECOND_PASS, P_THIRD_PASS = 0.90, 0.80, 0.75
P_WITHDRAW = 0.04
P_RENEW = 0.80
P_REINSTATE = 0.45
MAX_TERMS = 5

EVENT_COLUMNS: dict[str, str] = {
    "pid": "int64",
    "etype": "int64",
    "date": "int64",
    "pathway": "int64",
    "has_certno": "bool",
    "expiration": "int64",
    "period_start": "int64",
    "hours": "float64",
    "specialization": "int64",
    "topic": "int64",
    "exam_result": "int64",
    "exam_score": "float64",
    "term": "int64",
    "plant": "int64",
}
_DEFAULTS: dict[str, float | int | bool] = {
    "pathway": -1,
    "has_certno": False,
    "expiration": NO_DATE,
    "period_start": NO_DATE,
    "hours": np.nan,
    "specialization": -1,
    "topic": -1,
    "exam_result": -1,
    "exam_score": np.nan,
    "term": -1,
    "plant": -1,
}


class EventBuffer:
    """Collects event rows column-wise; ``frame()`` concatenates them once."""

    def __init__(self) -> None:
        self._parts: list[dict[str, np.ndarray]] = []

    def add(self, pid: ArrayLike, etype: str, date: ArrayLike, **values: ArrayLike) -> None:
        pids = np.asarray(pid, dtype=np.int64)
        n = pids.size
        if n == 0:
            return
        part: dict[str, np.ndarray] = {
            "pid": pids,
            "etype": np.full(n, ref.EV[etype], dtype=np.int64),
            "date": np.broadcast_to(np.asarray(date, dtype=np.int64), (n,)).copy(),
        }
        for column, default in _DEFAULTS.items():
            value = values.get(column, default)
            dtype = EVENT_COLUMNS[column]
            part[column] = np.broadcast_to(np.asarray(value, dtype=dtype), (n,)).copy()
        unknown = set(values) - set(_DEFAULTS)
        if unknown:
            raise ValueError(f"unknown event columns {sorted(unknown)}")
        self._parts.append(part)

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame({c: np.zeros(0, dtype=t) for c, t in EVENT_COLUMNS.items()})
        return pd.DataFrame({c: np.concatenate([p[c] for p in self._parts]) for c in EVENT_COLUMNS})


@dataclass
class Lifecycle:
    events: pd.DataFrame  # EVENT_COLUMNS
    certified: BoolArray  # certified at least once by the cutoff
    cert_date: IntArray  # first certification date, -1 if none
    certno: IntArray  # 6-digit certification number, -1 if none
    spans: pd.DataFrame  # pid, span, start, end: continuous active periods (end = expiration)
    terms: pd.DataFrame  # pid, term, start, expiration, kind (0 renewed 1 lapsed 2 open), next_date


def _exam_scores(rng: np.random.Generator, passed: BoolArray) -> NDArray[np.float64]:
    n = passed.size
    score = np.where(passed, 70 + rng.random(n) * 28, 40 + rng.random(n) * 29.9)
    rounded: NDArray[np.float64] = np.round(score, 1).astype(np.float64)
    rounded[rng.random(n) < 0.1] = np.nan  # optional column
    return rounded


def add_full_ce(
    buf: EventBuffer,
    rng: np.random.Generator,
    pid: IntArray,
    low: IntArray,
    high: IntArray,
    term: ArrayLike = -1,
) -> None:
    """22-30 CE hours: 6 in law/ethics (one course or two of 3 h), 4 courses of 4-6 h, the first
    in best practices, all dated in [low, high]."""
    n = pid.size
    if n == 0:
        return
    terms = np.broadcast_to(np.asarray(term, dtype=np.int64), (n,))
    split = rng.random(n) < 0.3
    first = uniform_int(rng, low, high, n)
    second = uniform_int(rng, low, high, n)
    law = ref.TOPIC["law_ethics"]
    buf.add(pid[~split], "ce_completed", first[~split], hours=6.0, topic=law, term=terms[~split])
    buf.add(pid[split], "ce_completed", first[split], hours=3.0, topic=law, term=terms[split])
    buf.add(pid[split], "ce_completed", second[split], hours=3.0, topic=law, term=terms[split])
    other_topics = np.array([ref.TOPIC[t] for t in ("best_practices", "cultural_competence")])
    other_topics = np.append(other_topics, [ref.TOPIC["specialization"], ref.TOPIC["other"]])
    for course in range(4):
        topic = (
            np.full(n, ref.TOPIC["best_practices"])
            if course == 0
            else other_topics[weighted_codes(rng, (0.3, 0.3, 0.2, 0.2), n)]
        )
        hours = rng.integers(4, 7, n).astype(np.float64)
        dates = uniform_int(rng, low, high, n)
        buf.add(pid, "ce_completed", dates, hours=hours, topic=topic, term=terms)


def _add_partial_ce(
    buf: EventBuffer,
    rng: np.random.Generator,
    pid: IntArray,
    low: IntArray,
    high: IntArray,
    term: IntArray,
) -> None:
    """0-3 CE courses of a term that has not (yet) ended in a renewal."""
    n = pid.size
    count = rng.integers(0, 4, n)
    topics = np.array(
        [ref.TOPIC[t] for t in ("law_ethics", "best_practices", "cultural_competence", "other")]
    )
    for course in range(3):
        m = count > course
        topic = topics[rng.integers(0, 4, n)]
        hours = rng.integers(2, 7, n).astype(np.float64)
        dates = uniform_int(rng, low, high, n)
        buf.add(pid[m], "ce_completed", dates[m], hours=hours[m], topic=topic[m], term=term[m])


def _initial_process(
    rng: np.random.Generator, people: People, buf: EventBuffer
) -> tuple[BoolArray, IntArray, IntArray, BoolArray]:
    """Application to certification (or denial/withdrawal). Returns (certified, certification date,
    withdrawal date, withdrawn)."""
    n = people.n
    pid = np.arange(n, dtype=np.int64)
    applied = people.application_date
    path = people.pathway
    buf.add(pid, "application_submitted", applied, pathway=path)

    edu_none = people.education == ref.EDUCATION.index("none")
    going = ~edu_none
    trains = np.isin(path, (ref.STANDARD, ref.RECIP_IN))
    reciprocity = np.isin(path, (ref.RECIP_OUT, ref.RECIP_IN))

    ethics = applied + uniform_int(rng, 0, 20, n)
    training = applied + uniform_int(rng, 20, 150, n)
    exam1 = np.where(
        trains, training + uniform_int(rng, 7, 45, n), applied + uniform_int(rng, 20, 90, n)
    )
    exam2 = exam1 + uniform_int(rng, 21, 60, n)
    exam3 = exam2 + uniform_int(rng, 21, 60, n)
    draw = rng.random((n, 3))
    pass1 = draw[:, 0] < P_FIRST_PASS
    pass2 = ~pass1 & (draw[:, 1] < P_SECOND_PASS)
    pass3 = ~pass1 & ~pass2 & (draw[:, 2] < P_THIRD_PASS)
    passed = pass1 | pass2 | pass3
    passed_on = np.where(pass1, exam1, np.where(pass2, exam2, exam3))
    ready = np.maximum(np.maximum(passed_on, ethics), np.where(trains, training, 0))
    cert_date = no_feb29(ready + uniform_int(rng, 7, 30, n))
    denied_on = exam3 + uniform_int(rng, 7, 30, n)
    process_end = np.where(passed, cert_date, denied_on)
    withdrawn_on = applied + uniform_int(rng, 15, 200, n)
    withdrawn = going & (rng.random(n) < P_WITHDRAW) & (withdrawn_on < process_end)

    buf.add(pid[going], "ethics_attested", ethics[going])
    m = going & trains
    buf.add(pid[m], "training_completed", training[m], hours=80.0)
    for dates, took, ok in (
        (exam1, going, pass1),
        (exam2, going & ~pass1, pass2),
        (exam3, going & ~pass1 & ~pass2, pass3),
    ):
        result = np.where(ok, 0, 1)
        buf.add(
            pid[took],
            "exam_taken",
            dates[took],
            exam_result=result[took],
            exam_score=_exam_scores(rng, ok)[took],
        )

    m = going & (path == ref.GRANDPARENT)
    add_full_ce(buf, rng, pid[m], applied[m] - 365, applied[m] - 90)

    m = going & reciprocity
    r = pid[m]
    a = applied[m]
    k = r.size
    older_end = a - uniform_int(rng, 395, 410, k)
    buf.add(
        r,
        "work_hours_attested",
        older_end,
        period_start=a - uniform_int(rng, 950, 1000, k),
        hours=uniform_int(rng, 1100, 1300, k).astype(np.float64),
    )
    buf.add(
        r,
        "work_hours_attested",
        a - uniform_int(rng, 1, 10, k),
        period_start=a - uniform_int(rng, 300, 330, k),
        hours=uniform_int(rng, 550, 700, k).astype(np.float64),
    )
    add_full_ce(buf, rng, r, a - 500, a - 90)
    # letters and training documentation come with the application: within 15 days, so always
    # before the earliest possible certification (first exam 20+ days after application)
    for letter in ("supervisor", "colleague", "self"):
        buf.add(
            r, "recommendation_received", a + uniform_int(rng, 0, 15, k), topic=ref.TOPIC[letter]
        )
    buf.add(r, "peer_training_documented", a + uniform_int(rng, 0, 15, k))

    buf.add(
        pid[edu_none],
        "application_denied",
        applied[edu_none] + uniform_int(rng, 10, 30, n)[edu_none],
    )
    m = going & ~passed & ~withdrawn
    buf.add(pid[m], "application_denied", denied_on[m])
    buf.add(pid[withdrawn], "application_withdrawn", withdrawn_on[withdrawn])

    certified = going & passed & ~withdrawn & (cert_date <= EVENT_CUTOFF)
    return certified, np.where(certified, cert_date, -1), withdrawn_on, withdrawn


def build_lifecycle(rng: np.random.Generator, people: People) -> Lifecycle:
    n = people.n
    buf = EventBuffer()
    certified, cert_date, withdrawn_on, withdrawn = _initial_process(rng, people, buf)
    pid = np.arange(n, dtype=np.int64)

    certno = np.full(n, -1, dtype=np.int64)
    certno[certified] = unique_numbers(rng, int(certified.sum()), 100_000, 1_000_000)
    buf.add(
        pid[certified],
        "certified",
        cert_date[certified],
        has_certno=True,
        expiration=add_years(cert_date[certified], 2),
    )

    current = cert_date.copy()
    span_start = cert_date.copy()
    alive = certified.copy()
    term_parts: list[pd.DataFrame] = []
    span_parts: list[pd.DataFrame] = []
    next_term_id = 0
    for _ in range(MAX_TERMS):
        idx = np.flatnonzero(alive)
        m = idx.size
        if m == 0:
            break
        start = current[idx]
        expires = add_years(start, 2)
        due = expires - 85 <= EVENT_CUTOFF
        wants = rng.random(m) < P_RENEW
        renew_on = no_feb29(expires - uniform_int(rng, 5, 85, m))
        renew = due & wants & (renew_on <= EVENT_CUTOFF)
        lapse = due & ~wants & (expires + 1 <= EVENT_CUTOFF)
        term_id = next_term_id + np.arange(m, dtype=np.int64)
        next_term_id += m
        term_parts.append(
            pd.DataFrame(
                {
                    "pid": idx,
                    "term": term_id,
                    "start": start,
                    "expiration": expires,
                    "kind": np.where(renew, 0, np.where(lapse, 1, 2)),
                    "next_date": np.where(renew, renew_on, np.where(lapse, expires + 1, -1)),
                }
            )
        )
        add_full_ce(buf, rng, idx[renew], start[renew] + 30, renew_on[renew] - 100, term_id[renew])
        high = np.minimum(expires, EVENT_CUTOFF) - 100
        partial = ~renew & (high >= start + 30)
        _add_partial_ce(
            buf, rng, idx[partial], start[partial] + 30, high[partial], term_id[partial]
        )
        buf.add(
            idx[renew],
            "renewed",
            renew_on[renew],
            has_certno=True,
            expiration=add_years(renew_on[renew], 2),
        )
        buf.add(idx[lapse], "lapsed", expires[lapse] + 1)
        closes = ~renew
        span_parts.append(
            pd.DataFrame(
                {"pid": idx[closes], "start": span_start[idx[closes]], "end": expires[closes]}
            )
        )

        reinstate = lapse & (rng.random(m) < P_REINSTATE)
        back_on = no_feb29(expires + uniform_int(rng, 60, 700, m))
        r = idx[reinstate]
        t = back_on[reinstate]
        k = r.size
        buf.add(r, "refresher_completed", t - uniform_int(rng, 25, 55, k), hours=40.0)
        buf.add(
            r,
            "exam_taken",
            t - uniform_int(rng, 8, 20, k),
            exam_result=0,
            exam_score=_exam_scores(rng, np.ones(k, dtype=bool)),
        )
        buf.add(r, "ethics_attested", t - uniform_int(rng, 0, 7, k))
        done = reinstate & (back_on <= EVENT_CUTOFF)
        buf.add(
            idx[done],
            "reinstated",
            back_on[done],
            has_certno=True,
            expiration=add_years(back_on[done], 2),
        )
        current[idx[renew]] = renew_on[renew]
        current[idx[done]] = back_on[done]
        span_start[idx[done]] = back_on[done]
        alive[idx[~(renew | done)]] = False

    spans = pd.concat(span_parts, ignore_index=True).sort_values(["pid", "start"], kind="stable")
    spans["span"] = spans.groupby("pid").cumcount().astype(np.int64)
    spans = spans.reset_index(drop=True)
    terms = pd.concat(term_parts, ignore_index=True)

    first_end = np.full(n, -1, dtype=np.int64)
    first = spans[spans["span"] == 0]
    first_end[first["pid"].to_numpy()] = first["end"].to_numpy()
    for share in (0.30, 0.08):  # one, sometimes two specializations
        takes = certified & (rng.random(n) < share)
        low = cert_date + 60
        high = np.minimum(first_end, EVENT_CUTOFF)
        takes &= high >= low
        buf.add(
            pid[takes],
            "specialization_completed",
            uniform_int(rng, low, high, n)[takes],
            hours=40.0,
            specialization=weighted_codes(rng, ref.SPECIALIZATION_WEIGHTS, n)[takes],
        )

    events = buf.frame()
    after_withdrawal = (
        withdrawn[events["pid"].to_numpy()]
        & (events["date"].to_numpy() >= withdrawn_on[events["pid"].to_numpy()])
        & (events["etype"].to_numpy() != ref.EV["application_withdrawn"])
    )
    keep = ~after_withdrawal & (events["date"].to_numpy() <= EVENT_CUTOFF)
    events = events[keep].reset_index(drop=True)
    return Lifecycle(events, certified, cert_date, certno, spans, terms)


def append_events(life: Lifecycle, more: pd.DataFrame) -> None:
    life.events = pd.concat([life.events, more[list(EVENT_COLUMNS)]], ignore_index=True)


EVENT_OUTPUT_COLUMNS: tuple[Col, ...] = (
    Col("event_id", "id", "event_num", prefix="EV", width=9),
    Col("certificant_id", "id", "certificant_num", prefix="P", width=7),
    Col("event_type", "enum", "etype", labels=ref.EVENT_TYPES),
    Col("event_date", "date", "date"),
    Col("pathway", "enum", labels=ref.PATHWAYS),
    Col("certification_number", "id", "certno_out", prefix="CPSS", width=6, nullable=True),
    Col("expiration_date", "date", "expiration"),
    Col("period_start", "date"),
    Col("hours", "decimal", places=1),
    Col("specialization", "enum", labels=ref.SPECIALIZATIONS),
    Col("topic", "enum", labels=ref.TOPICS),
    Col("exam_result", "enum", labels=ref.EXAM_RESULTS),
    Col("exam_score", "decimal", places=1),
    Col("recorded_at", "timestamp", "recorded"),
)
EVENTS_FILE = f"certification_events_{iso(MAIN_EXTRACT).replace('-', '')}.csv"


def last_event_day(events: pd.DataFrame, n_people: int) -> IntArray:
    last = np.full(n_people, -1, dtype=np.int64)
    np.maximum.at(last, events["pid"].to_numpy(), events["date"].to_numpy())
    return last


def finalize_events(
    rng: np.random.Generator, events: pd.DataFrame, certificant_num: IntArray, certno: IntArray
) -> pd.DataFrame:
    order = np.lexsort(
        (events["etype"].to_numpy(), events["pid"].to_numpy(), events["date"].to_numpy())
    )
    frame = events.iloc[order].reset_index(drop=True)
    n = len(frame)
    pid = frame["pid"].to_numpy()
    frame["event_num"] = 100_000_001 + np.arange(n, dtype=np.int64)
    frame["certificant_num"] = certificant_num[pid]
    frame["certno_out"] = np.where(frame["has_certno"].to_numpy(), certno[pid], -1)
    recorded_day = np.minimum(
        frame["date"].to_numpy() + uniform_int(rng, 0, 3, n), MAIN_EXTRACT - 1
    )
    frame["recorded"] = recorded_day * 86400 + uniform_int(rng, 0, 86399, n)
    frame["file"] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [EVENTS_FILE])
    return frame
