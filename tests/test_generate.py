"""The synthetic feed generator (peerwh_synthetic/), checked on tiny data.

The checks below restate feeds.md independently of the generator's code (headers, patterns,
code sets, required / required-when rules, date order, NPI check digits), so that "the rows the
answer key names break the rule, and no other row breaks any rule" is tested against the spec,
not against the generator's own idea of it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peerwh.contracts import valid_values
from peerwh_synthetic import COUNTY_OPT_IN, generate, write_county_opt_in_seed
from peerwh_synthetic.member_counts import build_member_counts
from peerwh_synthetic.reference import COUNTIES, LANGUAGES
from peerwh_synthetic.scales import get_scale

SEED = 42
FEEDS = (
    "certificants",
    "certification_events",
    "employment",
    "claims",
    "eligibility",
    "complaint_events",
    "suspended_ineligible",
    "member_counts",
)
HEADERS = {
    "certificants": "certificant_id first_name last_name date_of_birth education_level "
    "county_fips gender race_ethnicity primary_language lived_experience veteran recorded_at",
    "certification_events": "event_id certificant_id event_type event_date pathway "
    "certification_number expiration_date period_start hours specialization topic exam_result "
    "exam_score recorded_at",
    "employment": "employment_id certificant_id person_name county_fips organization_npi "
    "organization_name employer_type delivery_system role hire_date separation_date "
    "separation_reason fte supervisor_employment_id directing_bhp_license supervisor_path "
    "bh_experience_years supervisor_training_date recorded_at",
    "claims": "claim_id line_number county_fips delivery_system organization_npi "
    "rendering_certification_number taxonomy_code beneficiary_cin beneficiary_dob service_date "
    "hcpcs_code modifiers units service_minutes place_of_service modality group_size "
    "level_of_care collateral claim_status denial_reason billed_amount approved_amount "
    "submitted_date adjudicated_date recorded_at",
    "eligibility": "beneficiary_cin eligibility_month county_fips aid_code date_of_birth sex "
    "race_ethnicity primary_language recorded_at",
    "complaint_events": "event_id complaint_id certificant_id county_fips event_type event_date "
    "allegation_category incident_date complainant_type action_end_date appeal_outcome "
    "recorded_at",
    "suspended_ineligible": "npi provider_name license_number certification_number "
    "suspension_effective_date suspension_end_date recorded_at",
    "member_counts": "eligibility_month county_fips age_group sex race_ethnicity "
    "primary_language eligible_members recorded_at",
}
FIPS = {f"06{n:03d}" for n in range(1, 116, 2)}
RACE = set(valid_values("certificants", "race_ethnicity"))
EVENT_TYPES = set(valid_values("certification_events", "event_type"))
COMPLAINT_EVENT_TYPES = set(valid_values("complaint_events", "event_type"))
CREDENTIALED = {"certified", "renewed", "reinstated"}
HOURS_REQUIRED = {
    "training_completed",
    "ce_completed",
    "refresher_completed",
    "specialization_completed",
    "supervisor_training_completed",
    "work_hours_attested",
}
FILE_NAME = re.compile(r"^(?P<feed>[a-z_]+)_(?P<date>\d{8})(_\d{2})?\.csv$")


# ---- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("tiny")
    generate(directory, scale="tiny", seed=SEED, progress=False)
    return directory


def read_feed(out: Path, feed: str) -> pd.DataFrame:
    """All files of a feed as text (empty field = ""), with file name and 1-based row number."""
    parts = []
    for path in sorted((out / feed).glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["file"] = path.name
        frame["row_number"] = np.arange(1, len(frame) + 1)
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def feeds(out: Path) -> dict[str, pd.DataFrame]:
    return {feed: read_feed(out, feed) for feed in FEEDS}


@pytest.fixture(scope="module")
def answer_key(out: Path) -> pd.DataFrame:
    key = pd.read_csv(out / "answer_key.csv", dtype=str, keep_default_na=False)
    key["row_number"] = key["row_number"].astype(int)
    return key


def file_hashes(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*.csv"))
    }


# ---- vectorised restatement of feeds.md ------------------------------------------------------


def is_date(s: pd.Series) -> pd.Series:
    ok = s.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    return ok & pd.to_datetime(s.where(ok), format="%Y-%m-%d", errors="coerce").notna()


def as_date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s.where(is_date(s)), format="%Y-%m-%d", errors="coerce")


def empty_or(s: pd.Series, ok: pd.Series) -> pd.Series:
    return (s == "") | ok


def in_set(s: pd.Series, values: set[str]) -> pd.Series:
    return s.isin(values)


def luhn_ok(s: pd.Series) -> pd.Series:
    """10 digits whose last is the Luhn check digit over the prefix 80840."""
    digits = s.where(s.str.fullmatch(r"\d{10}"), "0000000000")
    total = pd.Series(24, index=s.index)
    for position in range(9):  # base digits from the right, rightmost doubled
        d = digits.str[8 - position].astype(int)
        if position % 2 == 0:
            d = d * 2
            d = d // 10 + d % 10
        total = total + d
    check = (10 - total % 10) % 10
    return s.str.fullmatch(r"\d{10}") & (digits.str[9].astype(int) == check)


def is_timestamp(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%Y-%m-%dT%H:%M:%S", errors="coerce").notna()


def is_number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").notna()


def number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def extract_date(f: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(f["file"].str.extract(r"_(\d{8})")[0], format="%Y%m%d")


Rules = dict[str, Callable[[pd.DataFrame], pd.Series]]

RULES: dict[str, Rules] = {
    "certificants": {
        "certificants-certificant_id-pattern": lambda f: f.certificant_id.str.fullmatch(
            r"P[0-9]{7}"
        ),
        "certificants-first_name-required": lambda f: f.first_name != "",
        "certificants-last_name-required": lambda f: f.last_name != "",
        "certificants-date_of_birth-type": lambda f: is_date(f.date_of_birth),
        "certificants-date_of_birth-range": lambda f: (
            ~is_date(f.date_of_birth)
            | (
                (as_date(f.date_of_birth) > "1900-01-01")
                & (as_date(f.date_of_birth) <= extract_date(f))
            )
        ),
        "certificants-education_level-allowed_values": lambda f: in_set(
            f.education_level,
            {"none", "ged", "high_school_diploma", "some_college", "associate", "bachelor"}
            | {"graduate"},
        ),
        "certificants-county_fips": lambda f: in_set(f.county_fips, FIPS),
        "certificants-gender": lambda f: empty_or(
            f.gender, in_set(f.gender, {"female", "male", "nonbinary", "other", "declined"})
        ),
        "certificants-race_ethnicity": lambda f: empty_or(
            f.race_ethnicity, in_set(f.race_ethnicity, RACE)
        ),
        "certificants-primary_language": lambda f: empty_or(
            f.primary_language, f.primary_language.str.fullmatch(r"[a-z]{2}")
        ),
        "certificants-lived_experience": lambda f: empty_or(
            f.lived_experience,
            in_set(
                f.lived_experience,
                {"mental_health", "substance_use", "co_occurring", "parent_caregiver_family"},
            ),
        ),
        "certificants-veteran": lambda f: in_set(f.veteran, {"", "true", "false"}),
        "certificants-recorded_at": lambda f: is_timestamp(f.recorded_at),
    },
    "certification_events": {
        "certification_events-keys-required": lambda f: (
            (f.event_id != "") & (f.certificant_id != "")
        ),
        "certification_events-event_type-allowed_values": lambda f: in_set(
            f.event_type, EVENT_TYPES
        ),
        "certification_events-event_date-type": lambda f: is_date(f.event_date),
        "certification_events-event_date-extract": lambda f: (
            ~is_date(f.event_date) | (as_date(f.event_date) <= extract_date(f))
        ),
        "certification_events-pathway": lambda f: (
            in_set(
                f.pathway,
                {"standard", "grandparent", "reciprocity_out_of_state", "reciprocity_in_state"},
            )
            | ((f.pathway == "") & (f.event_type != "application_submitted"))
        ),
        "certification_events-certification_number-required_when_credentialed": lambda f: (
            ~f.event_type.isin(CREDENTIALED) | (f.certification_number != "")
        ),
        "certification_events-certification_number-pattern": lambda f: empty_or(
            f.certification_number, f.certification_number.str.fullmatch(r"CPSS[0-9]{6}")
        ),
        "certification_events-expiration_date": lambda f: (
            ~f.event_type.isin(CREDENTIALED)
            | (
                is_date(f.expiration_date)
                & (~is_date(f.event_date) | (as_date(f.expiration_date) > as_date(f.event_date)))
            )
        ),
        "certification_events-expiration_date-two_years(warn)": lambda f: (
            ~f.event_type.isin(CREDENTIALED)
            | ~is_date(f.event_date)
            | (as_date(f.expiration_date) == as_date(f.event_date) + pd.DateOffset(years=2))
        ),
        "certification_events-period_start": lambda f: empty_or(
            f.period_start,
            is_date(f.period_start) & (as_date(f.period_start) <= as_date(f.event_date)),
        ),
        "certification_events-hours": lambda f: (
            empty_or(f.hours, number(f.hours) > 0)
            & (~f.event_type.isin(HOURS_REQUIRED) | (f.hours != ""))
        ),
        "certification_events-specialization": lambda f: (
            empty_or(
                f.specialization,
                f.specialization.str.fullmatch(
                    r"crisis|forensic|homelessness|parent_caregiver_family|other_[a-z_]+"
                ),
            )
            & ((f.event_type != "specialization_completed") | (f.specialization != ""))
        ),
        "certification_events-topic": lambda f: (
            (
                (f.event_type != "ce_completed")
                | in_set(
                    f.topic,
                    {
                        "law_ethics",
                        "best_practices",
                        "cultural_competence",
                        "specialization",
                        "other",
                    },
                )
            )
            & (
                (f.event_type != "recommendation_received")
                | in_set(f.topic, {"supervisor", "colleague", "self"})
            )
        ),
        "certification_events-exam": lambda f: (
            in_set(f.exam_result, {"", "pass", "fail"})
            & ((f.event_type != "exam_taken") | (f.exam_result != ""))
            & empty_or(f.exam_score, number(f.exam_score).between(0, 100))
        ),
        "certification_events-recorded_at": lambda f: is_timestamp(f.recorded_at),
    },
    "employment": {
        "employment-employment_id-required": lambda f: f.employment_id != "",
        "employment-certificant_id": lambda f: (
            empty_or(f.certificant_id, f.certificant_id.str.fullmatch(r"P[0-9]{7}"))
            & ((f.role != "peer_support_specialist") | (f.certificant_id != ""))
            & ((f.certificant_id != "") | (f.person_name != ""))
        ),
        "employment-county_fips": lambda f: in_set(f.county_fips, FIPS),
        "employment-organization_npi-npi_check_digit": lambda f: luhn_ok(f.organization_npi),
        "employment-organization_name-required": lambda f: f.organization_name != "",
        "employment-enums": lambda f: (
            in_set(f.employer_type, {"county", "community_based_organization"})
            & in_set(f.delivery_system, {"SMHS", "DMC", "DMC_ODS"})
            & in_set(f.role, {"peer_support_specialist", "peer_supervisor"})
            & in_set(f.directing_bhp_license, {"", "LMHP", "LPHA"})
            & in_set(
                f.supervisor_path,
                {"", "certified_peer", "behavioral_health_professional", "experience"},
            )
        ),
        "employment-hire_date-required": lambda f: is_date(f.hire_date),
        "employment-separation": lambda f: (
            empty_or(
                f.separation_date,
                is_date(f.separation_date)
                & (~is_date(f.hire_date) | (as_date(f.separation_date) >= as_date(f.hire_date))),
            )
            & ((f.separation_date == "") == (f.separation_reason == ""))
            & in_set(
                f.separation_reason,
                {"", "resigned", "terminated", "retired", "contract_ended", "other"},
            )
        ),
        "employment-fte-range": lambda f: (number(f.fte) > 0) & (number(f.fte) <= 1),
        "employment-supervisor_only_fields": lambda f: (
            (f.role == "peer_supervisor")
            | (
                (f.supervisor_path == "")
                & (f.bh_experience_years == "")
                & (f.supervisor_training_date == "")
            )
        ),
        "employment-supervisor_training_date": lambda f: empty_or(
            f.supervisor_training_date, is_date(f.supervisor_training_date)
        ),
        "employment-recorded_at": lambda f: is_timestamp(f.recorded_at),
    },
    "claims": {
        "claims-required": lambda f: (
            (f.claim_id != "")
            & (number(f.line_number) >= 1)
            & (f.rendering_certification_number.str.fullmatch(r"CPSS[0-9]{6}"))
            & (f.taxonomy_code != "")
            & is_date(f.beneficiary_dob)
            & is_date(f.submitted_date)
        ),
        "claims-county_fips": lambda f: in_set(f.county_fips, FIPS),
        "claims-delivery_system": lambda f: in_set(f.delivery_system, {"SMHS", "DMC", "DMC_ODS"}),
        "claims-organization_npi-npi_check_digit": lambda f: luhn_ok(f.organization_npi),
        "claims-beneficiary_cin-pattern": lambda f: f.beneficiary_cin.str.fullmatch(
            r"[0-9]{8}[A-Z]"
        ),
        "claims-service_date-type": lambda f: is_date(f.service_date),
        "claims-service_date-not_after_submitted": lambda f: (
            ~is_date(f.service_date) | (as_date(f.service_date) <= as_date(f.submitted_date))
        ),
        "claims-hcpcs_code-pattern": lambda f: f.hcpcs_code.str.fullmatch(r"[A-Z][0-9]{4}"),
        "claims-modifiers-pattern": lambda f: empty_or(
            f.modifiers, f.modifiers.str.fullmatch(r"[0-9A-Z]{2}(:[0-9A-Z]{2}){0,3}")
        ),
        "claims-units-range": lambda f: number(f.units) >= 1,
        "claims-service_minutes-range": lambda f: number(f.service_minutes) >= 1,
        "claims-place_of_service-pattern": lambda f: f.place_of_service.str.fullmatch(r"[0-9]{2}"),
        "claims-modality-allowed_values": lambda f: in_set(
            f.modality, {"in_person", "telephone", "telehealth_video"}
        ),
        "claims-modality-video_has_95": lambda f: (
            (f.modality != "telehealth_video") | f.modifiers.str.contains(r"(?:^|:)95(?::|$)")
        ),
        "claims-modality-telephone_has_93": lambda f: (
            (f.modality != "telephone") | f.modifiers.str.contains(r"(?:^|:)93(?::|$)")
        ),
        "claims-modality-in_person_has_neither": lambda f: (
            (f.modality != "in_person") | ~f.modifiers.str.contains(r"(?:^|:)(?:95|93)(?::|$)")
        ),
        "claims-group_size-range": lambda f: empty_or(f.group_size, number(f.group_size) >= 1),
        "claims-level_of_care-allowed_values": lambda f: in_set(
            f.level_of_care,
            {"", "0.5", "1.0", "2.1", "2.5", "3.1", "3.3", "3.5", "3.7", "4.0", "OTP"},
        ),
        "claims-collateral": lambda f: in_set(f.collateral, {"true", "false"}),
        "claims-claim_status-allowed_values": lambda f: in_set(
            f.claim_status, {"approved", "denied", "pending", "voided"}
        ),
        "claims-denial_reason-required_when_denied": lambda f: (
            (f.claim_status != "denied") | (f.denial_reason != "")
        ),
        "claims-amounts": lambda f: (
            (number(f.billed_amount) >= 0)
            & (number(f.approved_amount) >= 0)
            & ((f.claim_status == "approved") | (number(f.approved_amount) == 0))
        ),
        "claims-adjudicated_date": lambda f: (
            ((f.claim_status == "pending") | (f.adjudicated_date != ""))
            & empty_or(
                f.adjudicated_date,
                is_date(f.adjudicated_date)
                & (as_date(f.adjudicated_date) >= as_date(f.submitted_date)),
            )
        ),
        "claims-recorded_at": lambda f: is_timestamp(f.recorded_at),
    },
    "eligibility": {
        "eligibility-beneficiary_cin-pattern": lambda f: f.beneficiary_cin.str.fullmatch(
            r"[0-9]{8}[A-Z]"
        ),
        "eligibility-eligibility_month-type": lambda f: f.eligibility_month.str.fullmatch(
            r"\d{4}-(0[1-9]|1[0-2])"
        ),
        "eligibility-county_fips": lambda f: in_set(f.county_fips, FIPS),
        "eligibility-aid_code": lambda f: f.aid_code.str.len() == 2,
        "eligibility-date_of_birth": lambda f: is_date(f.date_of_birth),
        "eligibility-sex": lambda f: in_set(f.sex, {"F", "M", "X", "U"}),
        "eligibility-race_ethnicity": lambda f: in_set(f.race_ethnicity, RACE),
        "eligibility-recorded_at": lambda f: is_timestamp(f.recorded_at),
    },
    "complaint_events": {
        "complaint_events-required": lambda f: (
            (f.event_id != "")
            & (f.complaint_id != "")
            & (f.certificant_id != "")
            & is_date(f.event_date)
        ),
        "complaint_events-event_type-allowed_values": lambda f: in_set(
            f.event_type, COMPLAINT_EVENT_TYPES
        ),
        "complaint_events-county_fips": lambda f: in_set(f.county_fips, FIPS),
        "complaint_events-allegation_category": lambda f: (
            in_set(
                f.allegation_category,
                {"", "ethics_boundary", "confidentiality", "fraud_billing", "misconduct"}
                | {"impairment", "other"},
            )
            & ((f.event_type != "received") | (f.allegation_category != ""))
        ),
        "complaint_events-incident_date-required_when_received": lambda f: (
            (f.event_type != "received") | (f.incident_date != "")
        ),
        "complaint_events-incident_date-not_after_event": lambda f: empty_or(
            f.incident_date, as_date(f.incident_date) <= as_date(f.event_date)
        ),
        "complaint_events-appeal_outcome": lambda f: (
            in_set(f.appeal_outcome, {"", "upheld", "overturned", "modified"})
            & ((f.event_type != "appeal_decided") | (f.appeal_outcome != ""))
        ),
        "complaint_events-recorded_at": lambda f: is_timestamp(f.recorded_at),
    },
    "suspended_ineligible": {
        "suspended_ineligible-npi-npi_check_digit": lambda f: empty_or(f.npi, luhn_ok(f.npi)),
        "suspended_ineligible-provider_name-required": lambda f: f.provider_name != "",
        "suspended_ineligible-certification_number-pattern": lambda f: empty_or(
            f.certification_number, f.certification_number.str.fullmatch(r"CPSS[0-9]{6}")
        ),
        "suspended_ineligible-suspension_effective_date-type": lambda f: is_date(
            f.suspension_effective_date
        ),
        "suspended_ineligible-suspension_end_date": lambda f: empty_or(
            f.suspension_end_date, is_date(f.suspension_end_date)
        ),
        "suspended_ineligible-recorded_at": lambda f: is_timestamp(f.recorded_at),
    },
    "member_counts": {
        "member_counts-eligibility_month": lambda f: f.eligibility_month.str.fullmatch(
            r"\d{4}-(0[1-9]|1[0-2])"
        ),
        "member_counts-county_fips": lambda f: in_set(f.county_fips, FIPS),
        "member_counts-age_group": lambda f: in_set(
            f.age_group, set(valid_values("member_counts", "age_group"))
        ),
        "member_counts-sex": lambda f: in_set(f.sex, {"", "F", "M", "X", "U"}),
        "member_counts-race_ethnicity": lambda f: in_set(f.race_ethnicity, RACE | {""}),
        "member_counts-primary_language": lambda f: f.primary_language.str.fullmatch("[a-z]{2}|"),
        "member_counts-eligible_members": lambda f: f.eligible_members.str.fullmatch(r"\d+"),
        "member_counts-recorded_at": lambda f: is_timestamp(f.recorded_at),
    },
}


def violations(feeds: dict[str, pd.DataFrame]) -> set[tuple[str, str, int]]:
    """(rule id, file, row number) of every rule break found in the files."""
    found: set[tuple[str, str, int]] = set()
    for feed, rules in RULES.items():
        frame = feeds[feed]
        for rule, check in rules.items():
            ok = check(frame).fillna(False).astype(bool)
            bad = frame.loc[~ok, ["file", "row_number"]]
            found |= {(rule, f, int(r)) for f, r in bad.itertuples(index=False)}
    return found


# ---- determinism -------------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(out: Path, tmp_path: Path) -> None:
    generate(tmp_path, scale="tiny", seed=SEED, progress=False)
    assert file_hashes(tmp_path) == file_hashes(out)


def test_a_different_seed_gives_different_files(out: Path, tmp_path: Path) -> None:
    generate(tmp_path, scale="tiny", seed=SEED + 1, progress=False)
    mine, theirs = file_hashes(tmp_path), file_hashes(out)
    assert mine.get("claims/claims_20250125.csv") != theirs["claims/claims_20250125.csv"]
    assert (
        mine["certificants/certificants_20261005.csv"]
        != theirs["certificants/certificants_20261005.csv"]
    )


def test_rerun_into_the_same_directory_replaces_old_files(tmp_path: Path) -> None:
    stale = tmp_path / "claims" / "claims_19990101.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("old\n")
    generate(tmp_path, scale="tiny", seed=SEED, progress=False)
    assert not stale.exists()


# ---- layout and headers ------------------------------------------------------------------------


def test_every_feed_folder_has_files_named_with_an_extract_date(out: Path) -> None:
    for feed in FEEDS:
        names = sorted(p.name for p in (out / feed).iterdir())
        assert names, feed
        for name in names:
            match = FILE_NAME.match(name)
            assert match and match["feed"] == feed, name
            assert "20221001" <= match["date"] <= "20261031", name
    assert (out / "answer_key.csv").exists()


def test_claims_come_one_file_per_quarter_plus_one_correction(out: Path) -> None:
    names = sorted(p.name for p in (out / "claims").iterdir())
    assert len(names) == 18  # 2022Q3 .. 2026Q3 and claims_20261030.csv
    assert names[0] == "claims_20221025.csv"
    assert names[-1] == "claims_20261030.csv"


def test_headers_are_exactly_the_feeds_md_columns(out: Path) -> None:
    for feed in FEEDS:
        for path in (out / feed).glob("*.csv"):
            header = path.read_text(encoding="utf-8").split("\n", 1)[0]
            assert header.split(",") == HEADERS[feed].split(), path.name


def test_files_use_iso_dates_and_null_as_empty_field(feeds: dict[str, pd.DataFrame]) -> None:
    claims = feeds["claims"]
    assert claims["recorded_at"].str.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}").all()
    assert (claims.loc[claims.claim_status == "pending", "adjudicated_date"] == "").all()
    assert set(feeds["eligibility"]["eligibility_month"].str.len()) == {7}


# ---- the answer key matches the data exactly --------------------------------------------------


def test_answer_key_rows_point_at_existing_rows(out: Path, answer_key: pd.DataFrame) -> None:
    assert list(answer_key.columns) == [
        "kind",
        "rule_id",
        "feed",
        "file",
        "row_number",
        "business_key",
        "note",
    ]
    for row in answer_key.itertuples():
        path = out / row.feed / row.file
        assert path.exists(), row.file
        n_rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
        assert 1 <= row.row_number <= n_rows, row


def test_contract_violations_are_exactly_the_planted_rows(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame
) -> None:
    planted = {
        (r.rule_id, r.file, r.row_number) for r in answer_key.itertuples() if r.kind == "contract"
    }
    assert violations(feeds) == planted


def test_every_contract_rule_is_planted_one_to_three_times_at_tiny(
    answer_key: pd.DataFrame,
) -> None:
    counts = answer_key[answer_key.kind == "contract"].rule_id.value_counts()
    assert len(counts) == 22
    assert counts.between(1, 3).all(), counts


def test_plants_stay_under_the_contract_threshold_in_every_file(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame
) -> None:
    # Contracts hold a file whose error rows exceed 5% for one rule; the demo must publish.
    plants = answer_key[answer_key.kind == "contract"]
    rows_per_file = {n: len(g) for f in feeds.values() for n, g in f.groupby("file")}
    for (file, _rule), group in plants.groupby(["file", "rule_id"]):
        assert len(group) / rows_per_file[file] <= 0.05, (file, _rule)


def test_planted_business_keys_identify_the_planted_rows(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame
) -> None:
    key_of = {
        "certificants": lambda r: r.certificant_id,
        "certification_events": lambda r: r.event_id,
        "employment": lambda r: r.employment_id,
        "claims": lambda r: f"{r.claim_id}:{r.line_number}",
        "eligibility": lambda r: f"{r.beneficiary_cin}:{r.eligibility_month}",
        "complaint_events": lambda r: r.event_id,
        "suspended_ineligible": lambda r: r.provider_name,
    }
    for finding in answer_key.itertuples():
        frame = feeds[finding.feed]
        row = frame[(frame.file == finding.file) & (frame.row_number == finding.row_number)]
        record = next(row.itertuples())
        key = finding.business_key
        if finding.rule_id.startswith("CERT-"):
            assert key == f"{record.certificant_id}:{record.event_id}"
        elif finding.rule_id.startswith(("PI-04", "PI-05")):
            assert key == record.complaint_id
        elif finding.rule_id == "PI-02":
            assert key == record.certificant_id
        else:
            assert key == key_of[finding.feed](record), finding


def test_policy_plants_cover_every_breakable_rule(answer_key: pd.DataFrame) -> None:
    counts = answer_key[answer_key.kind == "policy"].rule_id.value_counts()
    expected = {
        "CERT-01", "CERT-02", "CERT-03", "CERT-04", "CERT-06", "CERT-08", "CERT-09",
        "SUP-01", "SUP-02",
        "BILL-01", "BILL-02", "BILL-03", "BILL-04", "BILL-05", "BILL-06",
        "BILL-06-EPSDT-EXEMPT", "BILL-07", "BILL-10", "BILL-11",
        "PI-02", "PI-04", "PI-05",
    }  # fmt: skip
    assert set(counts.index) == expected
    single = counts.drop(["BILL-10", "BILL-11"])
    assert single.between(2, 5).all(), counts


def _planted_rows(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame, rule: str
) -> pd.DataFrame:
    rows = answer_key[answer_key.rule_id == rule]
    feed = rows.feed.iloc[0]
    return feeds[feed].merge(rows[["file", "row_number"]], on=["file", "row_number"])


def test_billing_plants_show_their_defect(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame
) -> None:
    bill02 = _planted_rows(feeds, answer_key, "BILL-02")
    assert (~bill02.hcpcs_code.isin({"H0038", "H0025", "H0050"})).all()
    bill03 = _planted_rows(feeds, answer_key, "BILL-03")
    assert (bill03.hcpcs_code == "H0025").all()
    size = pd.to_numeric(bill03.group_size, errors="coerce")
    assert (size.isna() | ~size.between(2, 12)).all()
    bill04 = _planted_rows(feeds, answer_key, "BILL-04")
    assert (bill04.hcpcs_code == "H0050").all() and (bill04.service_date < "2023-11-01").all()
    bill07 = _planted_rows(feeds, answer_key, "BILL-07")
    assert ((bill07.delivery_system == "DMC_ODS") == (bill07.level_of_care == "")).all()
    for rule in ("BILL-01", "BILL-02", "BILL-03", "BILL-06", "BILL-10", "BILL-11"):
        assert (_planted_rows(feeds, answer_key, rule).claim_status == "approved").all(), rule


def test_duplicate_pairs_share_beneficiary_peer_code_date_and_minutes(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame
) -> None:
    rows = _planted_rows(feeds, answer_key, "BILL-11")
    cols = [
        "beneficiary_cin",
        "rendering_certification_number",
        "hcpcs_code",
        "service_date",
        "service_minutes",
    ]
    sizes = rows.groupby(cols).claim_id.nunique()
    assert (sizes == 2).all() and len(sizes) * 2 == len(rows)


def test_no_clean_approved_lines_are_duplicates(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame
) -> None:
    claims = feeds["claims"]
    planted = set(answer_key[answer_key.rule_id == "BILL-11"].business_key)
    approved = claims[
        (claims.claim_status == "approved")
        & ~(claims.claim_id + ":" + claims.line_number).isin(planted)
    ].drop_duplicates(["claim_id", "line_number"])
    cols = ["beneficiary_cin", "rendering_certification_number", "hcpcs_code", "service_date"]
    assert not approved.duplicated([*cols, "service_minutes"]).any()


def test_services_outside_eligibility_are_exactly_the_bill05_plants(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame
) -> None:
    claims, eligibility = feeds["claims"], feeds["eligibility"]
    eligible = set(zip(eligibility.beneficiary_cin, eligibility.eligibility_month, strict=True))
    contract_rows = {
        (r.file, r.row_number) for r in answer_key.itertuples() if r.kind == "contract"
    }
    loaded = claims[
        [(f, r) not in contract_rows for f, r in zip(claims.file, claims.row_number, strict=True)]
    ]
    months = loaded.service_date.str[:7]
    missing = loaded[
        [(c, m) not in eligible for c, m in zip(loaded.beneficiary_cin, months, strict=True)]
    ]
    keys = set(missing.claim_id + ":" + missing.line_number)
    assert keys == set(answer_key[answer_key.rule_id == "BILL-05"].business_key)


def test_epsdt_exempt_lines_are_under_21(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame
) -> None:
    rows = _planted_rows(feeds, answer_key, "BILL-06-EPSDT-EXEMPT")
    age = (
        pd.to_datetime(rows.service_date) - pd.to_datetime(rows.beneficiary_dob)
    ).dt.days / 365.25
    assert (age < 21).all()


def test_late_grandparent_applications_are_the_cert08_plants(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame
) -> None:
    events = feeds["certification_events"]
    late = events[
        (events.event_type == "application_submitted")
        & (events.pathway == "grandparent")
        & (events.event_date > "2023-06-30")
    ]
    assert set(late.certificant_id + ":" + late.event_id) == set(
        answer_key[answer_key.rule_id == "CERT-08"].business_key
    )


def test_cert01_plants_are_under_18_on_the_certification_date(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame
) -> None:
    rows = _planted_rows(feeds, answer_key, "CERT-01")
    people = feeds["certificants"].drop_duplicates("certificant_id", keep="last")
    both = rows.merge(people[["certificant_id", "date_of_birth"]], on="certificant_id")
    turned_18 = pd.to_datetime(both.date_of_birth) + pd.DateOffset(years=18)
    assert len(both) == len(rows) and (pd.to_datetime(both.event_date) < turned_18).all()


def test_late_acknowledgements_take_more_than_five_business_days(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame
) -> None:
    events = feeds["complaint_events"]
    late = answer_key[(answer_key.rule_id == "PI-04") & answer_key.note.str.startswith("ack")]
    for complaint in late.business_key:
        mine = events[events.complaint_id == complaint]
        received = mine.loc[mine.event_type == "received", "event_date"].iloc[0]
        acknowledged = mine.loc[mine.event_type == "acknowledged", "event_date"].iloc[0]
        assert np.busday_count(received, acknowledged) > 5


# ---- clean data --------------------------------------------------------------------------------


def test_every_county_is_one_of_the_58(feeds: dict[str, pd.DataFrame]) -> None:
    for feed in (
        "certificants",
        "employment",
        "claims",
        "eligibility",
        "complaint_events",
        "member_counts",
    ):
        assert set(feeds[feed].county_fips) <= FIPS, feed
    assert len(FIPS) == 58


def test_npis_of_clean_rows_pass_the_luhn_check(
    feeds: dict[str, pd.DataFrame], answer_key: pd.DataFrame
) -> None:
    planted = {(r.file, r.row_number) for r in answer_key.itertuples() if "npi" in r.rule_id}
    for feed, column in (
        ("employment", "organization_npi"),
        ("claims", "organization_npi"),
        ("suspended_ineligible", "npi"),
    ):
        frame = feeds[feed]
        clean = frame[
            [(f, r) not in planted for f, r in zip(frame.file, frame.row_number, strict=True)]
        ]
        values = clean[column][clean[column] != ""]
        assert len(values) > 0 and luhn_ok(values).all(), feed


def test_service_and_event_dates_stay_in_the_program_window(feeds: dict[str, pd.DataFrame]) -> None:
    claims = feeds["claims"]
    dates = claims.service_date[is_date(claims.service_date)]
    assert dates.min() >= "2022-07-01" and dates.max() <= "2026-09-30"
    for feed, column in (
        ("certification_events", "event_date"),
        ("complaint_events", "event_date"),
    ):
        frame = feeds[feed]
        ok = is_date(frame[column])
        assert (as_date(frame[column])[ok] <= extract_date(frame)[ok]).all(), feed


def test_claim_dates_are_not_after_the_file_extract_date(feeds: dict[str, pd.DataFrame]) -> None:
    claims = feeds["claims"]
    extract = extract_date(claims)
    assert (as_date(claims.submitted_date) <= extract).all()
    adjudicated = claims.adjudicated_date != ""
    assert (as_date(claims.adjudicated_date)[adjudicated] <= extract[adjudicated]).all()


def test_corrections_resend_existing_records_with_a_later_recorded_at(
    feeds: dict[str, pd.DataFrame],
) -> None:
    for feed, key, correction in (
        ("certificants", ["certificant_id"], "certificants_20261026.csv"),
        ("employment", ["employment_id"], "employment_20261026.csv"),
        ("claims", ["claim_id", "line_number"], "claims_20261030.csv"),
    ):
        frame = feeds[feed]
        fixed = frame[frame.file == correction]
        first = frame[frame.file != correction]
        both = fixed.merge(first, on=key, suffixes=("", "_first"))
        assert 3 <= len(fixed) == len(both), feed
        assert (both.recorded_at > both.recorded_at_first).all(), feed
        changed = [c for c in HEADERS[feed].split() if c != "recorded_at" and c not in key]
        differs = np.zeros(len(both), dtype=bool)
        for column in changed:
            differs |= (both[column] != both[f"{column}_first"]).to_numpy()
        assert differs.all(), feed


def test_claims_have_consistent_units_minutes_and_modifiers(feeds: dict[str, pd.DataFrame]) -> None:
    claims = feeds["claims"]
    ok = number(claims.units) >= 1
    units, minutes = number(claims.units)[ok], number(claims.service_minutes)[ok]
    assert ((minutes > 15 * (units - 1)) & (minutes <= 15 * units)).all()
    video = claims[(claims.modality == "telehealth_video") & (claims.modifiers == "95")]
    assert video.place_of_service.isin({"02", "10"}).all()
    h0050 = claims[claims.hcpcs_code == "H0050"]
    assert (h0050.delivery_system == "DMC_ODS").all()


def test_every_claim_beneficiary_has_the_same_dob_in_eligibility(
    feeds: dict[str, pd.DataFrame],
) -> None:
    claims = feeds["claims"].drop_duplicates("beneficiary_cin")
    eligibility = feeds["eligibility"].drop_duplicates("beneficiary_cin")
    both = claims.merge(eligibility, on="beneficiary_cin", how="left")
    clean = both.beneficiary_cin.str.fullmatch(r"[0-9]{8}[A-Z]")
    assert (both.beneficiary_dob == both.date_of_birth)[clean].all()


def test_names_are_invented(feeds: dict[str, pd.DataFrame]) -> None:
    people = feeds["certificants"]
    assert people.first_name.str.fullmatch(r"[A-Z][a-z]+").all()
    assert (people.last_name[people.last_name != ""].str.fullmatch(r"[A-Z][a-z]+")).all()


# ---- the member population (member_counts) -----------------------------------------------------


def latest_member_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Each month's rows from its latest delivery (file names sort by extract date)."""
    latest = frame.groupby("eligibility_month")["file"].transform("max")
    out = frame[frame.file == latest].copy()
    out["eligible_members"] = out["eligible_members"].astype(int)
    return out


def test_member_counts_are_california_sized_at_small() -> None:
    frame = build_member_counts(np.random.default_rng(SEED), get_scale("small").medi_cal_members)
    frame["file"] = frame["file"].astype(str)
    latest = frame[frame.file == frame.groupby("month")["file"].transform("max")]
    monthly = latest.groupby("month")["members"].sum()
    assert 14_500_000 <= monthly.mean() <= 15_500_000
    assert monthly.min() >= 13_500_000 and monthly.max() <= 16_500_000
    assert len(frame) <= 2_000_000  # an aggregate: rows per group, not per member


def test_member_counts_follow_county_enrollment_and_mixes(feeds: dict[str, pd.DataFrame]) -> None:
    latest = latest_member_counts(feeds["member_counts"])
    total = latest["eligible_members"].sum()
    share = latest.groupby("county_fips")["eligible_members"].sum() / total
    enrollment = pd.Series({c.fips: c.medi_cal_thousands for c in COUNTIES})
    expected = enrollment / enrollment.sum()
    assert set(share.index) == set(expected.index)
    assert (share - expected).abs().max() < 0.01
    by_age = latest.groupby("age_group")["eligible_members"].sum() / total
    assert 0.30 <= by_age[["0-5", "6-11", "12-17"]].sum() <= 0.40  # over half of CA children
    by_language = latest.groupby("primary_language")["eligible_members"].sum() / total
    assert 0.30 <= by_language["es"] <= 0.40 and 0.50 <= by_language["en"] <= 0.60
    assert by_language.index.isin(LANGUAGES).all()


def test_a_later_member_count_delivery_revises_its_months_upward(
    feeds: dict[str, pd.DataFrame],
) -> None:
    frame = feeds["member_counts"].assign(n=lambda f: f.eligible_members.astype(int))
    totals = frame.groupby(["eligibility_month", "file"])["n"].sum().unstack("file")
    revised = totals[totals.notna().sum(axis=1) == 2].dropna(axis=1)  # months two files carry
    assert list(revised.index) == ["2026-03", "2026-04", "2026-05", "2026-06"]
    first, last = revised.columns.min(), revised.columns.max()
    assert (revised[last] > revised[first]).loc[["2026-04", "2026-05", "2026-06"]].all()


# ---- sizes -------------------------------------------------------------------------------------


def test_tiny_sizes(feeds: dict[str, pd.DataFrame], out: Path) -> None:
    main_people = feeds["certificants"][feeds["certificants"].file == "certificants_20261005.csv"]
    assert 300 <= len(main_people) <= 320
    assert 3_000 <= len(feeds["claims"]) <= 6_000
    assert len(feeds["eligibility"]) <= 1.5 * len(feeds["claims"])
    assert len(feeds["suspended_ineligible"]) >= 25


def test_summary_reports_rows_and_files(tmp_path: Path) -> None:
    summary = generate(tmp_path, scale="tiny", seed=SEED, progress=False)
    assert summary.scale == "tiny" and summary.seed == SEED and summary.out_dir == tmp_path
    assert set(summary.rows) == set(FEEDS) and summary.files["claims"] == 18
    assert summary.rows["claims"] == len(read_feed(tmp_path, "claims"))
    assert summary.answer_key_rows == len(pd.read_csv(tmp_path / "answer_key.csv"))


def test_unknown_scale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown scale"):
        generate(tmp_path, scale="huge", progress=False)


# ---- county opt-in reference -------------------------------------------------------------------


def test_opt_in_schedule_has_52_counties_by_february_2025() -> None:
    by = {row.county_fips for row in COUNTY_OPT_IN if row.effective_date <= "2025-02-28"}
    assert len(by) == 52
    assert min(row.effective_date for row in COUNTY_OPT_IN) == "2022-07-01"
    assert {row.county_fips for row in COUNTY_OPT_IN} <= FIPS
    assert {row.delivery_system for row in COUNTY_OPT_IN} <= {"SMHS", "DMC", "DMC_ODS"}


def test_opt_in_seed_file_matches_the_schedule(tmp_path: Path) -> None:
    path = write_county_opt_in_seed(tmp_path / "county_opt_in.csv")
    seed = pd.read_csv(path, dtype=str)
    assert list(seed.columns) == ["county_fips", "delivery_system", "effective_date"]
    assert len(seed) == len(COUNTY_OPT_IN)
    assert seed.iloc[0].tolist() == [
        COUNTY_OPT_IN[0].county_fips,
        COUNTY_OPT_IN[0].delivery_system,
        COUNTY_OPT_IN[0].effective_date,
    ]
