"""Certification plants (CERT): certified, renewed or reinstated without meeting a requirement.

People planted for certification rules are never employed, so no billing or supervision finding
can follow from their flawed certification.

answer_key.business_key: ``certificant_id:event_id`` of the ``certified`` event (CERT-01,
CERT-02, CERT-03, CERT-09), of the ``renewed`` event (CERT-04), of the ``reinstated`` event
(CERT-06), of the ``application_submitted`` event (CERT-08).

Not planted: CERT-06 "after four years" (and vacated certifications): no certification can
expire before 2024 and the data end in 2026, so four years after an expiration never falls in
the data; CERT-05 lapses appear only through BILL-01.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peerwh_synthetic import reference as ref
from peerwh_synthetic.answer_key import CERT_EVENT
from peerwh_synthetic.dates import GRANDPARENT_CLOSE, age_on, iso
from peerwh_synthetic.plants.base import BoolArray, IntArray, Planter, Stage, World
from peerwh_synthetic.sampling import pick


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


def plant_certification(w: World) -> None:
    """CERT-01/02/03/04/06/08/09 plants; marks the planted people used (never employed)."""
    rng, key, people, life, used, n = w.rng, w.key, w.people, w.life, w.used, w.plants_per_rule
    ev = life.events
    idx = _PersonEvents(ev)
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


PLANTERS: tuple[Planter, ...] = (
    Planter(
        ("CERT-01", "CERT-02", "CERT-03", "CERT-04", "CERT-06", "CERT-08", "CERT-09"),
        Stage.LIFECYCLE,
        plant_certification,
    ),
)
