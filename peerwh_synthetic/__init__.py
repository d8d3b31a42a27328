"""Deterministic, vectorised synthetic feeds for the peer support warehouse.

``generate(out_dir, scale, seed)`` writes the eight feeds of feeds.md into ``out_dir`` (one
folder per feed, files named ``<feed>_YYYYMMDD[_NN].csv``) plus ``answer_key.csv``: every
planted contract violation and policy finding, located by file and row. The same scale and
seed always give byte-identical files; nothing reads the clock (the generator's "today" is
2026-10-31).

Modules: ``scales`` (sizes), ``reference`` (counties, opt-in, code sets), ``people``
(certificants), ``events`` (certification lifecycle), ``employment``, ``claims``,
``eligibility``, ``member_counts`` (the member population, counts by county and group),
``complaints``, ``suspended`` (S&I list), ``plants`` (policy plants, one module per rule family
behind a registry), ``contract_plants``, ``corrections`` (re-deliveries), ``answer_key``,
``writer``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from peerwh_synthetic import complaints as cx
from peerwh_synthetic import contract_plants, corrections, plants
from peerwh_synthetic.answer_key import AnswerKey
from peerwh_synthetic.claims import (
    CLAIM_COLUMNS,
    CinPool,
    billable_segments,
    build_clean_claims,
    finalize_claims,
)
from peerwh_synthetic.dates import EVENT_CUTOFF, NEVER, NO_DATE
from peerwh_synthetic.eligibility import (
    ELIGIBILITY_COLUMNS,
    build_eligibility,
    finalize_eligibility,
)
from peerwh_synthetic.employment import (
    EMPLOYMENT_COLUMNS,
    build_employment,
    employment_rows,
    finalize_employment,
    opt_in_table,
)
from peerwh_synthetic.events import (
    EVENT_OUTPUT_COLUMNS,
    EventBuffer,
    append_events,
    build_lifecycle,
    finalize_events,
    last_event_day,
)
from peerwh_synthetic.member_counts import MEMBER_COUNT_COLUMNS, build_member_counts
from peerwh_synthetic.people import (
    CERTIFICANT_COLUMNS,
    build_people,
    certificant_rows,
    finalize_certificants,
)
from peerwh_synthetic.plants import Stage, World
from peerwh_synthetic.reference import COUNTY_OPT_IN, write_county_opt_in_seed
from peerwh_synthetic.sampling import pick, uniform_int
from peerwh_synthetic.scales import SCALES, Scale, get_scale
from peerwh_synthetic.suspended import (
    SI_COLUMNS,
    finalize_suspended,
    si_rows,
    unrelated_providers,
)
from peerwh_synthetic.writer import connect, write_feed

__all__ = [
    "COUNTY_OPT_IN",
    "FEED_NAMES",
    "SCALES",
    "GenerationSummary",
    "Scale",
    "generate",
    "write_county_opt_in_seed",
]

FEED_NAMES: tuple[str, ...] = (
    "certificants",
    "certification_events",
    "employment",
    "claims",
    "eligibility",
    "complaint_events",
    "suspended_ineligible",
    "member_counts",
)
ANSWER_KEY_FILE = "answer_key.csv"


@dataclass(frozen=True)
class GenerationSummary:
    scale: str
    seed: int
    out_dir: Path
    rows: dict[str, int] = field(default_factory=dict)  # data rows per feed, all files
    files: dict[str, int] = field(default_factory=dict)  # files per feed
    seconds: float = 0.0
    answer_key_rows: int = 0


def _clear(out_dir: Path) -> None:
    """Remove files a previous run wrote (only the generator's own names)."""
    for feed in FEED_NAMES:
        for old in (out_dir / feed).glob(f"{feed}_*.csv"):
            old.unlink()
    (out_dir / ANSWER_KEY_FILE).unlink(missing_ok=True)


def _supervisor_training_events(sups: pd.DataFrame) -> pd.DataFrame:
    has = (sups["pid"].to_numpy() >= 0) & (sups["training"].to_numpy() != NO_DATE)
    buf = EventBuffer()
    buf.add(
        sups["pid"].to_numpy()[has],
        "supervisor_training_completed",
        sups["training"].to_numpy()[has],
        hours=2.0,
    )
    return buf.frame()


def _former_peers(
    rng: np.random.Generator, lines: pd.DataFrame, peers: pd.DataFrame, used: np.ndarray, k: int
) -> pd.DataFrame:
    """A few peers who left their jobs, listed on the S&I list after their last claim line."""
    pid = peers["pid"].to_numpy()
    sep = peers["sep"].to_numpy()
    latest = pd.Series(np.where(sep == NEVER, NEVER, sep)).groupby(pid).max()
    last_line = pd.Series(lines["service_date"].to_numpy()).groupby(lines["pid"].to_numpy()).max()
    tainted = np.unique(lines["pid"].to_numpy()[lines["plant"].to_numpy() >= 0])
    frame = pd.DataFrame({"left": latest}).join(pd.DataFrame({"last": last_line}), how="inner")
    people = frame.index.to_numpy()
    ok = (
        (frame["left"].to_numpy() <= EVENT_CUTOFF - 120) & ~used[people] & ~np.isin(people, tainted)
    )
    chosen = np.sort(pick(rng, people[ok], k))
    after = np.maximum(frame.loc[chosen, "left"].to_numpy(), frame.loc[chosen, "last"].to_numpy())
    return pd.DataFrame({"pid": chosen, "date": after + uniform_int(rng, 30, 60, chosen.size)})


def generate(
    out_dir: Path, scale: str = "small", seed: int = 42, progress: bool = True
) -> GenerationSummary:
    """Write all feeds and the answer key for ``scale`` into ``out_dir``; deterministic in
    (scale, seed)."""
    started = time.perf_counter()
    spec = get_scale(scale)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _clear(out)
    bar = tqdm(total=18, desc=f"generate {scale}", unit="step", disable=not progress)
    rng = np.random.default_rng(seed)
    key = AnswerKey([*plants.RULE_IDS, *contract_plants.CONTRACT_RULES])
    n = spec.policy_plants

    people = build_people(rng, spec.certificants)
    life = build_lifecycle(rng, people)
    w = World(rng, key, n, people, life, opt_in_table())
    used = w.used  # planters mark it in place
    bar.update()
    plants.run(Stage.LIFECYCLE, w)
    w.emp = build_employment(rng, people, life, used, w.lapse_workers)
    plants.run(Stage.EMPLOYMENT, w)
    append_events(life, _supervisor_training_events(w.emp.sups))
    bar.update()

    w.segs = billable_segments(w.emp, life, w.optin, w.actions.holes)
    w.cins = CinPool(rng, int(spec.claim_lines / 9 * 1.3) + 2_000 + 50 * n)
    w.claims = build_clean_claims(rng, spec.claim_lines, w.segs, w.cins)
    bar.update()
    plants.run(Stage.CLAIMS, w)
    # Only generate() needs the claims from here on; holding them in one place lets each large
    # frame go as soon as it is replaced.
    claims = w.claims
    del w.claims
    bar.update()
    eligibility = build_eligibility(rng, claims.benes, claims.lines, w.removed_months)
    lines = claims.lines
    del claims
    bar.update()

    peer_pid = w.emp.peers["pid"].to_numpy()
    clean_plans = cx.plan_clean_complaints(
        rng, w.emp.peers, ~used[peer_pid], round(spec.complaint_rate * len(w.emp.peers))
    )
    plants.run(Stage.COMPLAINTS, w)
    plans = pd.concat([clean_plans, w.actions.plans, w.complaint_plans], ignore_index=True)
    complaint_events = cx.build_complaint_events(rng, plans)
    bar.update()

    former = _former_peers(rng, lines, w.emp.peers, used, n // 2 + 1)
    listed = pd.concat([w.actions.revoked, former], ignore_index=True)
    listed_pid = listed["pid"].to_numpy()
    si = pd.concat(
        [
            unrelated_providers(rng, spec.si_rows),
            si_rows(
                (people.first_name[listed_pid] + " " + people.last_name[listed_pid]).astype(object),
                listed["date"].to_numpy(),
                certno=life.certno[listed_pid],
            ),
            si_rows(
                w.exclusions["provider_name"].to_numpy(dtype=object),
                w.exclusions["effective"].to_numpy(),
                npi=w.exclusions["npi"].to_numpy(),
                certno=w.exclusions["certno"].to_numpy(),
            ),
        ],
        ignore_index=True,
    )
    bar.update()

    wanted = spec.contract_plants
    cert_rows = certificant_rows(people, last_event_day(life.events, people.n))
    cert_rows = contract_plants.plant_certificants(rng, key, cert_rows, used, wanted)
    events = contract_plants.plant_events(rng, key, life.events, used, wanted)
    emp_rows = contract_plants.plant_employment(
        rng, key, employment_rows(w.emp, people.certificant_num), wanted
    )
    lines = contract_plants.plant_claims(rng, key, lines, used, wanted)
    eligibility = contract_plants.plant_eligibility(rng, key, eligibility, wanted)
    complaint_events = contract_plants.plant_complaints(rng, key, complaint_events, wanted)
    si = contract_plants.plant_suspended(rng, key, si, wanted)
    bar.update()

    frames = {
        "certificants": finalize_certificants(rng, cert_rows),
        "certification_events": finalize_events(rng, events, people.certificant_num, life.certno),
        "employment": finalize_employment(rng, emp_rows),
    }
    frames["claims"] = finalize_claims(rng, lines)
    del lines
    frames["eligibility"] = finalize_eligibility(eligibility)
    del eligibility
    frames |= {
        "complaint_events": cx.finalize_complaints(
            rng, complaint_events, people.certificant_num, len(plans)
        ),
        "suspended_ineligible": finalize_suspended(rng, si),
    }
    for frame in frames.values():
        key.locate(frame)
    # An aggregate without planted rows: nothing of it is in the answer key.
    frames["member_counts"] = build_member_counts(rng, spec.medi_cal_members)
    k = spec.corrections
    extra = {
        "certificants": corrections.certificant_corrections(rng, frames["certificants"], used, k),
        "employment": corrections.employment_corrections(rng, frames["employment"], k),
        "claims": corrections.claims_corrections(rng, frames["claims"], k),
    }
    bar.update()

    columns = {
        "certificants": CERTIFICANT_COLUMNS,
        "certification_events": EVENT_OUTPUT_COLUMNS,
        "employment": EMPLOYMENT_COLUMNS,
        "claims": CLAIM_COLUMNS,
        "eligibility": ELIGIBILITY_COLUMNS,
        "complaint_events": cx.COMPLAINT_COLUMNS,
        "suspended_ineligible": SI_COLUMNS,
        "member_counts": MEMBER_COUNT_COLUMNS,
    }
    rows: dict[str, int] = {}
    files: dict[str, int] = {}
    con = connect()
    try:
        for feed in FEED_NAMES:
            written = write_feed(con, out, feed, frames[feed], columns[feed])
            if feed in extra:
                written |= write_feed(con, out, feed, extra[feed], columns[feed])
            rows[feed] = sum(written.values())
            files[feed] = len(written)
            bar.update()
    finally:
        con.close()
    answer_rows = key.write(out / ANSWER_KEY_FILE)
    bar.update()
    bar.close()
    return GenerationSummary(
        scale=spec.name,
        seed=seed,
        out_dir=out,
        rows=rows,
        files=files,
        seconds=round(time.perf_counter() - started, 3),
        answer_key_rows=answer_rows,
    )
