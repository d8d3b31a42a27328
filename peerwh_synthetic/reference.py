"""Reference data for the generator: counties, benefit opt-in, and the feeds' code sets.

Medi-Cal enrollment per county is an approximate, rounded figure (thousands of members, about
2024) used only to weight where synthetic people and services fall. The opt-in schedule is
illustrative: DHCS publishes only that 52 counties offered the benefit in at least one delivery
system by February 2025 (domain.md section 7.2); the per-county dates below are made up to be
consistent with that, with the first counties opting in on 2022-07-01 (benefit go-live).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from peerwh.contracts import valid_values

W1, W2, W3, W4 = "2022-07-01", "2023-01-01", "2023-07-01", "2024-01-01"
W5, W6, W7 = "2024-07-01", "2025-01-01", "2025-07-01"


@dataclass(frozen=True)
class County:
    fips: str
    name: str
    region: str
    medi_cal_thousands: float
    sud_system: str  # the county's SUD delivery system: DMC (state plan) or DMC_ODS
    smhs_opt_in: str | None  # effective date of opting in for SMHS, None = not opted in
    sud_opt_in: str | None  # effective date of opting in for its SUD delivery system


_B, _C, _L, _S, _U = "Bay Area", "Central", "Los Angeles", "Southern", "Superior"
_ODS, _DMC = "DMC_ODS", "DMC"

COUNTIES: tuple[County, ...] = (
    County("06001", "Alameda", _B, 420, _ODS, W1, W1),
    County("06003", "Alpine", _C, 0.4, _DMC, None, None),
    County("06005", "Amador", _C, 9, _DMC, W4, None),
    County("06007", "Butte", _U, 95, _DMC, W2, W3),
    County("06009", "Calaveras", _C, 13, _DMC, W5, None),
    County("06011", "Colusa", _U, 10, _DMC, None, None),
    County("06013", "Contra Costa", _B, 290, _ODS, W1, W2),
    County("06015", "Del Norte", _U, 13, _DMC, W4, None),
    County("06017", "El Dorado", _C, 45, _ODS, W3, W3),
    County("06019", "Fresno", _C, 520, _ODS, W1, W1),
    County("06021", "Glenn", _U, 14, _DMC, None, None),
    County("06023", "Humboldt", _U, 60, _ODS, W3, W4),
    County("06025", "Imperial", _S, 110, _ODS, W2, W2),
    County("06027", "Inyo", _C, 6, _DMC, W5, None),
    County("06029", "Kern", _S, 460, _ODS, W1, W2),
    County("06031", "Kings", _C, 70, _DMC, W3, W5),
    County("06033", "Lake", _U, 35, _DMC, W4, None),
    County("06035", "Lassen", _U, 9, _ODS, W7, None),
    County("06037", "Los Angeles", _L, 3900, _ODS, W1, W1),
    County("06039", "Madera", _C, 80, _DMC, W2, W4),
    County("06041", "Marin", _B, 50, _ODS, W2, W2),
    County("06043", "Mariposa", _C, 6, _DMC, None, None),
    County("06045", "Mendocino", _U, 45, _ODS, W3, W5),
    County("06047", "Merced", _C, 150, _DMC, W2, W3),
    County("06049", "Modoc", _U, 3.5, _ODS, W5, None),
    County("06051", "Mono", _C, 4, _DMC, W6, None),
    County("06053", "Monterey", _B, 190, _ODS, W2, W3),
    County("06055", "Napa", _B, 35, _ODS, W3, W3),
    County("06057", "Nevada", _U, 27, _ODS, W3, W4),
    County("06059", "Orange", _S, 950, _ODS, W1, W1),
    County("06061", "Placer", _C, 75, _ODS, W2, W2),
    County("06063", "Plumas", _U, 7, _DMC, W5, None),
    County("06065", "Riverside", _S, 900, _ODS, W1, W1),
    County("06067", "Sacramento", _C, 500, _ODS, W1, W1),
    County("06069", "San Benito", _B, 20, _ODS, W4, W4),
    County("06071", "San Bernardino", _S, 950, _ODS, W1, W2),
    County("06073", "San Diego", _S, 900, _ODS, W1, W1),
    County("06075", "San Francisco", _B, 240, _ODS, W1, W1),
    County("06077", "San Joaquin", _C, 320, _ODS, W2, W2),
    County("06079", "San Luis Obispo", _S, 65, _ODS, W2, W3),
    County("06081", "San Mateo", _B, 150, _ODS, W1, W1),
    County("06083", "Santa Barbara", _S, 150, _ODS, W2, W2),
    County("06085", "Santa Clara", _B, 450, _ODS, W1, W1),
    County("06087", "Santa Cruz", _B, 80, _ODS, W2, W3),
    County("06089", "Shasta", _U, 65, _ODS, W3, W4),
    County("06091", "Sierra", _U, 0.8, _DMC, W6, None),
    County("06093", "Siskiyou", _U, 19, _ODS, W4, W6),
    County("06095", "Solano", _B, 130, _ODS, W2, W3),
    County("06097", "Sonoma", _B, 130, _DMC, W2, W4),
    County("06099", "Stanislaus", _C, 250, _ODS, W1, W2),
    County("06101", "Sutter", _C, 40, _DMC, W3, None),
    County("06103", "Tehama", _U, 30, _DMC, W4, W6),
    County("06105", "Trinity", _U, 6, _DMC, None, None),
    County("06107", "Tulare", _C, 250, _ODS, W2, W2),
    County("06109", "Tuolumne", _C, 18, _DMC, None, W4),
    County("06111", "Ventura", _S, 260, _ODS, W1, W2),
    County("06113", "Yolo", _C, 60, _ODS, W2, W3),
    County("06115", "Yuba", _C, 35, _DMC, W4, W5),
)

COUNTY_FIPS: tuple[str, ...] = tuple(c.fips for c in COUNTIES)

DELIVERY_SYSTEMS = valid_values("claims", "delivery_system")
if valid_values("employment", "delivery_system") != DELIVERY_SYSTEMS:
    raise ValueError("claims and employment must share one delivery-system code list")


@dataclass(frozen=True)
class OptIn:
    county_fips: str
    delivery_system: str
    effective_date: str


COUNTY_OPT_IN: tuple[OptIn, ...] = tuple(
    row
    for c in COUNTIES
    for row in (
        OptIn(c.fips, "SMHS", c.smhs_opt_in) if c.smhs_opt_in else None,
        OptIn(c.fips, c.sud_system, c.sud_opt_in) if c.sud_opt_in else None,
    )
    if row is not None
)


def write_county_opt_in_seed(path: Path) -> Path:
    """Write the opt-in schedule as the dbt seed ``county_opt_in`` (county_fips, delivery_system,
    effective_date), from the same data the generator uses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["county_fips", "delivery_system", "effective_date"])
        for row in COUNTY_OPT_IN:
            writer.writerow([row.county_fips, row.delivery_system, row.effective_date])
    return path


# ---- code sets: the contracts' code lists; weights are the generator's choices -------------


def weights(codes: tuple[str, ...], chosen: dict[str, float]) -> tuple[float, ...]:
    """Weights in the order of a contract code list. A code the contract adds later gets the
    smallest chosen weight, so the generator still produces it; a weight for a code the
    contract no longer has is an error."""
    stale = set(chosen) - set(codes)
    if stale:
        raise ValueError(f"generator weights for codes no contract lists: {sorted(stale)}")
    return tuple(chosen.get(code, min(chosen.values())) for code in codes)


EDUCATION = valid_values("certificants", "education_level")
EDUCATION_WEIGHTS = weights(
    EDUCATION,
    {
        "none": 0.01,
        "ged": 0.12,
        "high_school_diploma": 0.35,
        "some_college": 0.25,
        "associate": 0.12,
        "bachelor": 0.11,
        "graduate": 0.04,
    },
)
GENDER = valid_values("certificants", "gender")
GENDER_WEIGHTS = weights(
    GENDER, {"female": 0.58, "male": 0.38, "nonbinary": 0.02, "other": 0.01, "declined": 0.01}
)
RACE = valid_values("certificants", "race_ethnicity")
if valid_values("eligibility", "race_ethnicity") != RACE:
    raise ValueError("certificants and eligibility must share one race/ethnicity code list")
_RACE_ORDER = (
    "hispanic_latino",
    "white",
    "black",
    "asian",
    "native_hawaiian_pacific_islander",
    "american_indian_alaska_native",
    "multiracial",
    "other",
    "declined",
)
RACE_WEIGHTS_PEERS = weights(
    RACE,
    dict(zip(_RACE_ORDER, (0.36, 0.31, 0.13, 0.08, 0.01, 0.02, 0.05, 0.02, 0.02), strict=True)),
)
RACE_WEIGHTS_MEMBERS = weights(
    RACE,
    dict(zip(_RACE_ORDER, (0.50, 0.20, 0.08, 0.10, 0.005, 0.01, 0.04, 0.035, 0.03), strict=True)),
)
# Primary language is free text in the feeds (ISO 639-1 expected, no contract code list).
LANGUAGES = ("en", "es", "vi", "zh", "tl", "ko", "hy", "ru", "fa", "ar", "km", "pa")
LANGUAGE_WEIGHTS_PEERS = (
    0.64,
    0.26,
    0.02,
    0.02,
    0.015,
    0.01,
    0.01,
    0.005,
    0.005,
    0.005,
    0.005,
    0.005,
)
LANGUAGE_WEIGHTS_MEMBERS = (
    0.55,
    0.35,
    0.025,
    0.025,
    0.01,
    0.01,
    0.01,
    0.005,
    0.005,
    0.005,
    0.003,
    0.002,
)
LIVED_EXPERIENCE = valid_values("certificants", "lived_experience")
LIVED_EXPERIENCE_WEIGHTS = weights(
    LIVED_EXPERIENCE,
    {
        "mental_health": 0.35,
        "substance_use": 0.30,
        "co_occurring": 0.25,
        "parent_caregiver_family": 0.10,
    },
)

PATHWAYS = valid_values("certification_events", "pathway")
STANDARD, GRANDPARENT, RECIP_OUT, RECIP_IN = (
    PATHWAYS.index(p)
    for p in ("standard", "grandparent", "reciprocity_out_of_state", "reciprocity_in_state")
)

EVENT_TYPES = valid_values("certification_events", "event_type")
EV = {name: i for i, name in enumerate(EVENT_TYPES)}

# Specializations and topics are open lists in the contract (program-added `other_*` codes).
SPECIALIZATIONS = (
    "crisis",
    "forensic",
    "homelessness",
    "parent_caregiver_family",
    "other_older_adults",
)
SPECIALIZATION_WEIGHTS = (0.32, 0.22, 0.26, 0.17, 0.03)
TOPICS = (
    "law_ethics",
    "best_practices",
    "cultural_competence",
    "specialization",
    "other",
    "supervisor",
    "colleague",
    "self",
)
TOPIC = {name: i for i, name in enumerate(TOPICS)}
EXAM_RESULTS = valid_values("certification_events", "exam_result")

EMPLOYER_TYPES = valid_values("employment", "employer_type")
ROLES = valid_values("employment", "role")
SEPARATION_REASONS = valid_values("employment", "separation_reason")
SEPARATION_WEIGHTS = weights(
    SEPARATION_REASONS,
    {"resigned": 0.55, "terminated": 0.10, "retired": 0.05, "contract_ended": 0.20, "other": 0.10},
)
SUPERVISOR_PATHS = valid_values("employment", "supervisor_path")
CERTIFIED_PEER_PATH, BHP_PATH, EXPERIENCE_PATH = (
    SUPERVISOR_PATHS.index(p)
    for p in ("certified_peer", "behavioral_health_professional", "experience")
)
LICENSES = valid_values("employment", "directing_bhp_license")
LMHP, LPHA = LICENSES.index("LMHP"), LICENSES.index("LPHA")
SMHS, DMC, DMC_ODS = (DELIVERY_SYSTEMS.index(d) for d in ("SMHS", "DMC", "DMC_ODS"))

PEER_TAXONOMY = "175T00000X"
HCPCS = ("H0038", "H0025", "H0050", "H2017", "H0004", "T1017")
H0038, H0025, H0050 = 0, 1, 2
MODALITIES = valid_values("claims", "modality")
IN_PERSON, TELEPHONE, VIDEO = (
    MODALITIES.index(m) for m in ("in_person", "telephone", "telehealth_video")
)
MODIFIERS = ("95", "93", "HQ")
PLACES_OF_SERVICE = ("02", "10", "11", "12", "53", "57", "55", "99", "04", "15")
ASAM_LEVELS = valid_values("claims", "level_of_care")
ASAM_WEIGHTS = weights(
    ASAM_LEVELS,
    {
        "0.5": 0.03,
        "1.0": 0.45,
        "2.1": 0.15,
        "2.5": 0.03,
        "3.1": 0.08,
        "3.3": 0.04,
        "3.5": 0.10,
        "3.7": 0.04,
        "4.0": 0.02,
        "OTP": 0.06,
    },
)
# "paid" is not a contract code: the generator plants it as a quarantine case.
CLAIM_STATUSES = (*valid_values("claims", "claim_status"), "paid")
APPROVED, DENIED, PENDING, VOIDED = (
    CLAIM_STATUSES.index(c) for c in ("approved", "denied", "pending", "voided")
)
DENIAL_REASONS = ("16", "18", "29", "31", "50", "52", "96")
DENIAL_WEIGHTS = (0.35, 0.05, 0.15, 0.10, 0.15, 0.05, 0.15)
UNIT_RATE = {SMHS: 48.50, DMC: 42.00, DMC_ODS: 45.75}  # illustrative, not real rates

SEX = valid_values("eligibility", "sex")
SEX_WEIGHTS = weights(SEX, {"F": 0.54, "M": 0.44, "X": 0.01, "U": 0.01})
AID_CODES = ("M1", "L1", "1H", "3N", "34", "3R", "60", "7U", "P5", "C1", "0A", "N7", "M3", "E7")

COMPLAINT_EVENT_TYPES = valid_values("complaint_events", "event_type")
CX = {name: i for i, name in enumerate(COMPLAINT_EVENT_TYPES)}
ALLEGATIONS = valid_values("complaint_events", "allegation_category")
ALLEGATION_WEIGHTS = weights(
    ALLEGATIONS,
    {
        "ethics_boundary": 0.30,
        "confidentiality": 0.20,
        "fraud_billing": 0.12,
        "misconduct": 0.20,
        "impairment": 0.08,
        "other": 0.10,
    },
)
COMPLAINANTS = valid_values("complaint_events", "complainant_type")
COMPLAINANT_WEIGHTS = weights(
    COMPLAINANTS,
    {
        "beneficiary": 0.35,
        "family": 0.15,
        "employer": 0.20,
        "county": 0.10,
        "peer": 0.08,
        "anonymous": 0.08,
        "other": 0.04,
    },
)
APPEAL_OUTCOMES = valid_values("complaint_events", "appeal_outcome")
