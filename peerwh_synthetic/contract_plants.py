"""Planted contract violations: extra rows that each break exactly one contract rule.

A row that breaks an ``error`` rule is quarantined and never reaches the warehouse, so every
plant is a copy of a clean row under a new record key, then broken in one field (it is never the
only record a policy plant relies on). Copies of claim lines are set to ``denied`` (reason 16)
so that even a copy that slipped through could not form an approved duplicate. The one ``warn``
rule (claims-modality-video_has_95) is planted in place on a clean approved line, which still
loads. Malformed values avoid making conditional rules fire: dates are impossible calendar dates
(``2024-02-30``, ``2024-13-01``) that no parser accepts, and only columns whose rules do not
depend on other columns are broken.

Counts: ``scale.contract_plants`` per rule, capped so that each rule stays under 0.5% of the
rows of the file it is planted in (single-file feeds always get at least 2).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from peerwh_synthetic import ids
from peerwh_synthetic import reference as ref
from peerwh_synthetic.answer_key import AnswerKey
from peerwh_synthetic.dates import NO_DATE, month_text, quarter_index, ymd
from peerwh_synthetic.sampling import pick, unique_numbers
from peerwh_synthetic.suspended import unrelated_providers

IntArray = NDArray[np.int64]

CONTRACT_RULES: tuple[str, ...] = (
    "certificants-date_of_birth-type",
    "certificants-last_name-required",
    "certificants-education_level-allowed_values",
    "certificants-certificant_id-pattern",
    "certification_events-event_type-allowed_values",
    "certification_events-event_date-type",
    "certification_events-certification_number-required_when_credentialed",
    "employment-organization_npi-npi_check_digit",
    "employment-fte-range",
    "employment-hire_date-required",
    "claims-beneficiary_cin-pattern",
    "claims-units-range",
    "claims-service_date-type",
    "claims-organization_npi-npi_check_digit",
    "claims-claim_status-allowed_values",
    "claims-modality-video_has_95",
    "eligibility-beneficiary_cin-pattern",
    "eligibility-eligibility_month-type",
    "complaint_events-event_type-allowed_values",
    "complaint_events-incident_date-required_when_received",
    "suspended_ineligible-npi-npi_check_digit",
    "suspended_ineligible-suspension_effective_date-type",
)


def file_cap(rows: int) -> int:
    """Most plants of one rule that stay under 0.5% of a file of ``rows`` rows."""
    return max(0, math.ceil(0.005 * rows) - 1)


def single_file_count(rows: int, wanted: int) -> int:
    """At least one plant per rule, even where 0.5% of the rows rounds to none: one bad row
    stays under the contracts' 5% threshold in every file the generator writes."""
    return max(1, min(wanted, file_cap(rows)))


def _bad_dates(days: IntArray) -> list[str]:
    years, _, dom = ymd(days)
    forms = ("{y}-02-30", "{y}-13-{d:02d}", "{y}/13/45", "{y}-00-{d:02d}")
    return [
        forms[i % len(forms)].format(y=int(y), d=int(d))
        for i, (y, d) in enumerate(zip(years, dom, strict=True))
    ]


def _clone(frame: pd.DataFrame, rows: IntArray) -> pd.DataFrame:
    return frame.iloc[np.sort(rows)].copy().reset_index(drop=True)


def _with_override(
    frame: pd.DataFrame, column: str, values: list[str] | None = None
) -> pd.DataFrame:
    name = f"ovr__{column}"
    if name not in frame.columns:
        frame[name] = pd.Series([None] * len(frame), dtype=object, index=frame.index)
    if values is not None:
        frame[name] = pd.Series(values, dtype=object, index=frame.index)
    return frame


def _concat(base: pd.DataFrame, clones: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [base, *clones]
    columns = [c for part in parts for c in part.columns if c.startswith("ovr__")]
    for part in parts:
        for column in columns:
            if column not in part.columns:
                part[column] = pd.Series([None] * len(part), dtype=object, index=part.index)
    return pd.concat(parts, ignore_index=True)


def _new_numbers(
    rng: np.random.Generator, taken: IntArray, k: int, low: int, high: int
) -> IntArray:
    out = unique_numbers(rng, k + 64, low, high)
    out = out[~np.isin(out, taken)][:k]
    return out


def plant_certificants(
    rng: np.random.Generator,
    key: AnswerKey,
    rows: pd.DataFrame,
    used: NDArray[np.bool_],
    wanted: int,
) -> pd.DataFrame:
    k = single_file_count(len(rows), wanted)
    clean = np.flatnonzero((rows["plant"].to_numpy() < 0) & ~used[rows["pid"].to_numpy()])
    templates = pick(rng, clean, 4 * k)
    numbers = _new_numbers(rng, rows["certificant_num"].to_numpy(), 4 * k, 1_000_000, 10_000_000)
    clones = []
    for r, rule in enumerate(
        (
            "certificants-date_of_birth-type",
            "certificants-last_name-required",
            "certificants-education_level-allowed_values",
            "certificants-certificant_id-pattern",
        )
    ):
        part = _clone(rows, templates[r * k : (r + 1) * k])
        part["certificant_num"] = numbers[r * k : (r + 1) * k]
        if r == 0:
            part = _with_override(part, "date_of_birth", _bad_dates(part["dob"].to_numpy()))
        elif r == 1:
            part["last_name"] = None
        elif r == 2:
            values = ["doctorate_honorary", "trade_school", "unknown"]
            part = _with_override(
                part, "education_level", [values[i % 3] for i in range(len(part))]
            )
        else:
            forms = ("P{:05d}", "P{:08d}", "X{:07d}")
            values = [
                forms[i % 3].format(int(n) % 10 ** (5 if i % 3 == 0 else 7))
                for i, n in enumerate(part["certificant_num"])
            ]
            part = _with_override(part, "certificant_id", values)
        part["plant"] = [key.contract(rule, "planted row") for _ in range(len(part))]
        clones.append(part)
    return _concat(rows, clones)


def plant_events(
    rng: np.random.Generator,
    key: AnswerKey,
    events: pd.DataFrame,
    used: NDArray[np.bool_],
    wanted: int,
) -> pd.DataFrame:
    k = single_file_count(len(events), wanted)
    clean = (events["plant"].to_numpy() < 0) & ~used[events["pid"].to_numpy()]
    etype = events["etype"].to_numpy()
    ethics = pick(rng, np.flatnonzero(clean & (etype == ref.EV["ethics_attested"])), 2 * k)
    certified = pick(rng, np.flatnonzero(clean & (etype == ref.EV["certified"])), k)
    clones = []
    part = _clone(events, ethics[:k])
    part = _with_override(
        part,
        "event_type",
        [("certificate_printed", "badge_issued")[i % 2] for i in range(len(part))],
    )
    part["plant"] = [
        key.contract("certification_events-event_type-allowed_values", "planted row")
        for _ in range(len(part))
    ]
    clones.append(part)
    part = _clone(events, ethics[k:])
    part = _with_override(part, "event_date", _bad_dates(part["date"].to_numpy()))
    part["plant"] = [
        key.contract("certification_events-event_date-type", "planted row")
        for _ in range(len(part))
    ]
    clones.append(part)
    part = _clone(events, certified)
    part["has_certno"] = False
    part["plant"] = [
        key.contract(
            "certification_events-certification_number-required_when_credentialed",
            "certified event without number",
        )
        for _ in range(len(part))
    ]
    clones.append(part)
    return _concat(events, clones)


def plant_employment(
    rng: np.random.Generator, key: AnswerKey, rows: pd.DataFrame, wanted: int
) -> pd.DataFrame:
    k = single_file_count(len(rows), wanted)
    clean = np.flatnonzero(
        (rows["plant"].to_numpy() < 0)
        & (rows["role"].to_numpy() == 0)
        & (rows["sep"].to_numpy() == NO_DATE)
    )
    templates = pick(rng, clean, 3 * k)
    numbers = _new_numbers(rng, rows["emp_num"].to_numpy(), 3 * k, 1_000_000, 10_000_000)
    clones = []
    for r, rule in enumerate(
        (
            "employment-organization_npi-npi_check_digit",
            "employment-fte-range",
            "employment-hire_date-required",
        )
    ):
        part = _clone(rows, templates[r * k : (r + 1) * k])
        part["emp_num"] = numbers[r * k : (r + 1) * k]
        if r == 0:
            part["npi"] = ids.break_npi(part["npi"].to_numpy())
        elif r == 1:
            part["fte"] = [(1.5, 0.0)[i % 2] for i in range(len(part))]
        else:
            part["hire"] = NO_DATE
        part["plant"] = [key.contract(rule, "planted row") for _ in range(len(part))]
        clones.append(part)
    return _concat(rows, clones)


def _spread(
    rng: np.random.Generator, candidates: IntArray, group: IntArray, cap: dict[int, int], k: int
) -> IntArray:
    """Up to ``k`` candidates, at most ``cap[g]`` from each group (file)."""
    shuffled = pick(rng, candidates, max(20_000, 200 * k))
    groups = group[shuffled]
    rank = pd.Series(groups).groupby(groups).cumcount().to_numpy()
    keys = np.array(sorted(cap), dtype=np.int64)
    values = np.array([cap[int(g)] for g in keys], dtype=np.int64)
    limits = values[np.searchsorted(keys, groups)]
    return np.sort(shuffled[rank < limits][:k])


def plant_claims(
    rng: np.random.Generator,
    key: AnswerKey,
    lines: pd.DataFrame,
    used: NDArray[np.bool_],
    wanted: int,
) -> pd.DataFrame:
    quarter = quarter_index(lines["service_date"].to_numpy())
    counts = np.bincount(quarter - quarter.min())
    cap = {int(q) + int(quarter.min()): file_cap(int(c)) for q, c in enumerate(counts)}
    clean = (
        (lines["plant"].to_numpy() < 0)
        & (lines["status"].to_numpy() == ref.APPROVED)
        & ~used[lines["pid"].to_numpy()]
    )
    rules = (
        "claims-beneficiary_cin-pattern",
        "claims-units-range",
        "claims-service_date-type",
        "claims-organization_npi-npi_check_digit",
        "claims-claim_status-allowed_values",
    )
    taken = np.zeros(len(lines), dtype=bool)
    next_claim = int(lines["claim"].max()) + 1
    clones = []
    for rule in rules:
        rows = _spread(rng, np.flatnonzero(clean & ~taken), quarter, cap, wanted)
        taken[rows] = True
        part = _clone(lines, rows)
        part["claim"] = next_claim + np.arange(len(part))
        next_claim += len(part)
        part["line_number"] = 1
        if rule == "claims-claim_status-allowed_values":
            part["status"] = ref.CLAIM_STATUSES.index("paid")
            part["approved"] = 0.0
        else:
            part["status"] = ref.DENIED
            part["denial"] = 0
            part["approved"] = 0.0
        if rule == "claims-beneficiary_cin-pattern":
            codes = part["cin"].to_numpy()
            values = [
                f"{(int(c) // 26) % 10**7:07d}{chr(65 + int(c) % 26)}"
                if i % 2 == 0
                else f"{int(c) // 26:08d}{chr(97 + int(c) % 26)}"
                for i, c in enumerate(codes)
            ]
            part = _with_override(part, "beneficiary_cin", values)
        elif rule == "claims-units-range":
            part["units"] = [(-2, -1)[i % 2] for i in range(len(part))]
        elif rule == "claims-service_date-type":
            part = _with_override(part, "service_date", _bad_dates(part["service_date"].to_numpy()))
        elif rule == "claims-organization_npi-npi_check_digit":
            part["npi"] = ids.break_npi(part["npi"].to_numpy())
        part["plant"] = [key.contract(rule, "planted row") for _ in range(len(part))]
        clones.append(part)

    video = clean & ~taken & (lines["modality"].to_numpy() == ref.VIDEO)
    rows = _spread(rng, np.flatnonzero(video), quarter, cap, wanted)
    modifier = lines["modifier"].to_numpy().copy()
    plant = lines["plant"].to_numpy().copy()
    # A modifier is present but is not 95 (an empty one would break the separate
    # claims-modality-video_modifiers_required rule instead).
    modifier[rows] = ref.MODIFIERS.index("HQ")
    for row in rows:
        plant[row] = key.contract(
            "claims-modality-video_has_95", "telehealth_video without modifier 95 (warn: row loads)"
        )
    lines = lines.assign(modifier=modifier, plant=plant)
    return _concat(lines, clones)


def plant_eligibility(
    rng: np.random.Generator, key: AnswerKey, frame: pd.DataFrame, wanted: int
) -> pd.DataFrame:
    year = frame["year"].to_numpy().astype(np.int64)
    counts = np.bincount(year - year.min())
    cap = {int(y) + int(year.min()): file_cap(int(c)) for y, c in enumerate(counts)}
    free = frame["plant"].to_numpy() < 0
    first = _spread(rng, np.flatnonzero(free), year, cap, wanted)
    free[first] = False
    second = _spread(rng, np.flatnonzero(free), year, cap, wanted)
    part = _clone(frame, first)
    codes = part["cin"].to_numpy()
    values = [
        f"{(int(c) // 26) % 10**7:07d}{chr(65 + int(c) % 26)}"
        if i % 2 == 0
        else f"{int(c) // 26:08d}{chr(97 + int(c) % 26)}"
        for i, c in enumerate(codes)
    ]
    part = _with_override(part, "beneficiary_cin", values)
    part["plant"] = [
        key.contract("eligibility-beneficiary_cin-pattern", "planted row") for _ in range(len(part))
    ]
    other = _clone(frame, second)
    other = _with_override(
        other,
        "eligibility_month",
        [
            f"{month_text(int(m))[:4]}-{('13', '00')[i % 2]}"
            for i, m in enumerate(other["month"].to_numpy())
        ],
    )
    other["plant"] = [
        key.contract("eligibility-eligibility_month-type", "planted row") for _ in range(len(other))
    ]
    return _concat(frame, [part, other])


def plant_complaints(
    rng: np.random.Generator, key: AnswerKey, events: pd.DataFrame, wanted: int
) -> pd.DataFrame:
    k = single_file_count(len(events), wanted)
    planted = np.unique(events["complaint"].to_numpy()[events["plant"].to_numpy() >= 0])
    clean = ~np.isin(events["complaint"].to_numpy(), planted)
    etype = events["etype"].to_numpy()
    opened = pick(rng, np.flatnonzero(clean & (etype == ref.CX["investigation_opened"])), k)
    in_scope = np.flatnonzero(clean & (etype == ref.CX["received"]))
    # The incident_date rule applies to `received` events only: cap by those, not all events.
    received = pick(rng, in_scope, single_file_count(len(in_scope), k))
    part = _clone(events, opened)
    part = _with_override(
        part,
        "event_type",
        [("complaint_escalated", "referred_to_county")[i % 2] for i in range(len(part))],
    )
    part["plant"] = [
        key.contract("complaint_events-event_type-allowed_values", "planted row")
        for _ in range(len(part))
    ]
    other = _clone(events, received)
    other["incident"] = NO_DATE
    other["plant"] = [
        key.contract(
            "complaint_events-incident_date-required_when_received",
            "received without incident_date",
        )
        for _ in range(len(other))
    ]
    return _concat(events, [part, other])


def _fresh_providers(rng: np.random.Generator, rows: pd.DataFrame, k: int) -> pd.DataFrame:
    """Unrelated providers whose names appear nowhere else in the list (the business key)."""
    candidates = unrelated_providers(rng, 4 * k + 8)
    names = candidates["provider_name"].to_numpy(dtype=object)
    fresh = (
        ~np.isin(names, rows["provider_name"].to_numpy(dtype=object))
        & ~pd.Series(names).duplicated().to_numpy()
    )
    return candidates[fresh].iloc[:k].reset_index(drop=True)


def plant_suspended(
    rng: np.random.Generator, key: AnswerKey, rows: pd.DataFrame, wanted: int
) -> pd.DataFrame:
    k = single_file_count(len(rows), wanted)
    fresh = _fresh_providers(rng, rows, 2 * k)
    part = fresh.iloc[:k].reset_index(drop=True)
    part["npi"] = ids.break_npi(
        ids.make_npis(unique_numbers(rng, len(part), 400_000_000, 500_000_000))
    )
    part["plant"] = [
        key.contract("suspended_ineligible-npi-npi_check_digit", "planted row")
        for _ in range(len(part))
    ]
    other = fresh.iloc[k:].reset_index(drop=True)
    other = _with_override(
        other, "suspension_effective_date", _bad_dates(other["effective"].to_numpy())
    )
    other["plant"] = [
        key.contract("suspended_ineligible-suspension_effective_date-type", "planted row")
        for _ in range(len(other))
    ]
    return _concat(rows, [part, other])
