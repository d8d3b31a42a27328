"""The dbt project, built for real against a tiny hand-made raw layer.

The fixture writes the eight `raw.<feed>` tables the ingestion layer produces (every feed
column VARCHAR, plus lineage columns) with a handful of rows chosen so that each expected
value below can be worked out by hand:

- certificant P0000001 is re-delivered with a later recorded_at: the correction (last name
  Rivera, county San Francisco 06075) must win over the first version (Alameda 06001);
- a batch with `_load_status = 'held'` (extract 2023-02-15) adds P0000003, a later version of
  P0000002, a certification of P0000002 from 2022-07, a claim line and a member month; none of
  it may reach staging or the mart, and its later extract date must not extend the month grid;
- P0000001 is certified 2022-08-10 (expires 2024-08-09) and counts in San Francisco from
  August 2022; P0000002's certification is corrected from 2022-11-05 to 2022-12-05, so P0000002
  counts in Los Angeles (06037) from December 2022 only;
- P0000001 is employed as a peer in Alameda from 2022-09-15 to 2022-11-30 (Sep, Oct, Nov);
  P0000002 from 2023-01-31 in Los Angeles; a non-peer supervisor in Alameda is not counted;
- the latest accepted extract date is 2023-01-20, so the grid runs 2022-07 .. 2023-01
  (7 months x 58 counties).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from peerwh.contracts import load_contract
from tests.pipeline import DBT_PROJECT_DIR, run_dbt

HASH_KEY = "test key \u2713 (not the production key)"  # non-ASCII: the HMAC uses the UTF-8 bytes

# Fixture tables are kept in a compact, row-per-line layout.
# fmt: off
FEED_COLUMNS: dict[str, list[str]] = {
    "certificants": [
        "certificant_id", "first_name", "last_name", "date_of_birth", "education_level",
        "county_fips", "gender", "race_ethnicity", "primary_language", "lived_experience",
        "veteran", "recorded_at",
    ],
    "certification_events": [
        "event_id", "certificant_id", "event_type", "event_date", "pathway",
        "certification_number", "expiration_date", "period_start", "hours", "specialization",
        "topic", "exam_result", "exam_score", "recorded_at",
    ],
    "employment": [
        "employment_id", "certificant_id", "person_name", "county_fips", "organization_npi",
        "organization_name", "employer_type", "delivery_system", "role", "hire_date",
        "separation_date", "separation_reason", "fte", "supervisor_employment_id",
        "directing_bhp_license", "supervisor_path", "bh_experience_years",
        "supervisor_training_date", "recorded_at",
    ],
    "claims": [
        "claim_id", "line_number", "county_fips", "delivery_system", "organization_npi",
        "rendering_certification_number", "taxonomy_code", "beneficiary_cin", "beneficiary_dob",
        "service_date", "hcpcs_code", "modifiers", "units", "service_minutes", "place_of_service",
        "modality", "group_size", "level_of_care", "collateral", "claim_status", "denial_reason",
        "billed_amount", "approved_amount", "submitted_date", "adjudicated_date", "recorded_at",
    ],
    "eligibility": [
        "beneficiary_cin", "eligibility_month", "county_fips", "aid_code", "date_of_birth", "sex",
        "race_ethnicity", "primary_language", "recorded_at",
    ],
    "complaint_events": [
        "event_id", "complaint_id", "certificant_id", "county_fips", "event_type", "event_date",
        "allegation_category", "incident_date", "complainant_type", "action_end_date",
        "appeal_outcome", "recorded_at",
    ],
    "suspended_ineligible": [
        "npi", "provider_name", "license_number", "certification_number",
        "suspension_effective_date", "suspension_end_date", "recorded_at",
    ],
    "member_counts": [
        "eligibility_month", "county_fips", "age_group", "sex", "race_ethnicity",
        "primary_language", "eligible_members", "recorded_at",
    ],
}

HELD_BATCHES = {"certificants_held", "certification_events_held", "claims_held", "eligibility_held"}

CERTIFICANT = {
    "education_level": "high_school_diploma", "gender": "female", "race_ethnicity": "white",
    "primary_language": "en", "lived_experience": "mental_health", "veteran": "false",
    "date_of_birth": "1985-04-02", "first_name": "Ana",
}
CLAIM = {
    "county_fips": "06001", "delivery_system": "SMHS", "organization_npi": "1234567893",
    "rendering_certification_number": "CPSS000001", "taxonomy_code": "175T00000X",
    "beneficiary_dob": "1990-01-01", "service_date": "2023-01-03", "hcpcs_code": "H0038",
    "units": "1", "service_minutes": "15", "place_of_service": "11", "modality": "in_person",
    "collateral": "false", "billed_amount": "60.00", "submitted_date": "2023-01-04",
    "adjudicated_date": "2023-01-05",
}
ELIGIBILITY = {
    "county_fips": "06001", "date_of_birth": "1990-01-01", "sex": "F",
    "race_ethnicity": "hispanic_latino", "primary_language": "es",
}
MEMBERS = {
    "county_fips": "06001", "age_group": "21-44", "sex": "F", "race_ethnicity": "hispanic_latino",
    "primary_language": "es",
}

# (feed, batch id, extract date, load status, rows)
BATCHES: list[tuple[str, str, str, str, list[dict[str, str]]]] = [
    ("certificants", "certificants_1", "2022-09-01", "accepted", [
        {**CERTIFICANT, "certificant_id": "P0000001", "last_name": "Oldname",
         "county_fips": "06001", "recorded_at": "2022-08-31T09:00:00Z"},
        {**CERTIFICANT, "certificant_id": "P0000002", "last_name": "Nguyen",
         "county_fips": "06037", "veteran": "true", "recorded_at": "2022-08-31T09:00:00Z"},
    ]),
    ("certificants", "certificants_2", "2022-10-01", "accepted", [
        # Correction: offset -07:00, i.e. 2022-10-01 00:00 UTC.
        {**CERTIFICANT, "certificant_id": "P0000001", "last_name": "Rivera",
         "county_fips": "06075", "recorded_at": "2022-09-30T17:00:00-07:00"},
    ]),
    ("certificants", "certificants_held", "2023-02-15", "held", [
        {**CERTIFICANT, "certificant_id": "P0000003", "last_name": "Held",
         "county_fips": "06019", "recorded_at": "2023-02-14T09:00:00Z"},
        {**CERTIFICANT, "certificant_id": "P0000002", "last_name": "Nguyen",
         "county_fips": "06001", "recorded_at": "2023-02-14T09:00:00Z"},
    ]),
    ("certification_events", "certification_events_1", "2022-11-10", "accepted", [
        {"event_id": "E1", "certificant_id": "P0000001", "event_type": "application_submitted",
         "event_date": "2022-07-05", "pathway": "standard", "recorded_at": "2022-11-09T10:00:00Z"},
        {"event_id": "E2", "certificant_id": "P0000001", "event_type": "certified",
         "event_date": "2022-08-10", "certification_number": "CPSS000001",
         "expiration_date": "2024-08-09", "recorded_at": "2022-11-09T10:00:00Z"},
        {"event_id": "E3", "certificant_id": "P0000002", "event_type": "certified",
         "event_date": "2022-11-05", "certification_number": "CPSS000002",
         "expiration_date": "2024-11-04", "recorded_at": "2022-11-09T10:00:00Z"},
        {"event_id": "E4", "certificant_id": "P0000002", "event_type": "exam_taken",
         "event_date": "2022-10-20", "exam_result": "pass", "exam_score": "88.5",
         "recorded_at": "2022-11-09T10:00:00Z"},
    ]),
    ("certification_events", "certification_events_2", "2023-01-20", "accepted", [
        {"event_id": "E3", "certificant_id": "P0000002", "event_type": "certified",
         "event_date": "2022-12-05", "certification_number": "CPSS000002",
         "expiration_date": "2024-12-04", "recorded_at": "2023-01-19T10:00:00Z"},
    ]),
    ("certification_events", "certification_events_held", "2023-02-15", "held", [
        {"event_id": "E5", "certificant_id": "P0000002", "event_type": "certified",
         "event_date": "2022-07-01", "certification_number": "CPSS000002",
         "expiration_date": "2024-06-30", "recorded_at": "2023-02-14T10:00:00Z"},
    ]),
    ("employment", "employment_1", "2022-12-01", "accepted", [
        {"employment_id": "EMP1", "certificant_id": "P0000001", "county_fips": "06001",
         "organization_npi": "1234567893", "organization_name": "Alameda County BHCS",
         "employer_type": "county", "delivery_system": "SMHS", "role": "peer_support_specialist",
         "hire_date": "2022-09-15", "separation_date": "2022-11-30",
         "separation_reason": "resigned", "fte": "0.5", "supervisor_employment_id": "EMP2",
         "directing_bhp_license": "LMHP", "recorded_at": "2022-11-30T12:00:00Z"},
        {"employment_id": "EMP2", "person_name": "Sam Supervisor", "county_fips": "06001",
         "organization_npi": "1234567893", "organization_name": "Alameda County BHCS",
         "employer_type": "county", "delivery_system": "SMHS", "role": "peer_supervisor",
         "hire_date": "2022-08-01", "fte": "1.0", "supervisor_path": "experience",
         "bh_experience_years": "6", "supervisor_training_date": "2022-07-20",
         "recorded_at": "2022-11-30T12:00:00Z"},
    ]),
    ("employment", "employment_2", "2023-01-20", "accepted", [
        {"employment_id": "EMP3", "certificant_id": "P0000002", "county_fips": "06037",
         "organization_npi": "1234567893", "organization_name": "LA Peer Works",
         "employer_type": "community_based_organization", "delivery_system": "DMC_ODS",
         "role": "peer_support_specialist", "hire_date": "2023-01-31", "fte": "1.0",
         "directing_bhp_license": "LPHA", "recorded_at": "2023-01-19T12:00:00Z"},
    ]),
    ("claims", "claims_1", "2023-01-05", "accepted", [
        {**CLAIM, "claim_id": "C1", "line_number": "1", "beneficiary_cin": "12345678A",
         "claim_status": "approved", "approved_amount": "50.00",
         "recorded_at": "2023-01-05T08:00:00Z"},
        {**CLAIM, "claim_id": "C1", "line_number": "2", "beneficiary_cin": "87654321B",
         "claim_status": "denied", "denial_reason": "16", "approved_amount": "0",
         "collateral": "true", "recorded_at": "2023-01-05T08:00:00Z"},
    ]),
    ("claims", "claims_2", "2023-01-15", "accepted", [
        {**CLAIM, "claim_id": "C1", "line_number": "1", "beneficiary_cin": "12345678A",
         "claim_status": "approved", "approved_amount": "55.25",
         "recorded_at": "2023-01-14T08:00:00Z"},
    ]),
    ("claims", "claims_held", "2023-02-15", "held", [
        {**CLAIM, "claim_id": "C1", "line_number": "3", "beneficiary_cin": "99999999Z",
         "claim_status": "approved", "approved_amount": "10.00",
         "recorded_at": "2023-02-14T08:00:00Z"},
    ]),
    ("eligibility", "eligibility_1", "2023-01-05", "accepted", [
        {**ELIGIBILITY, "beneficiary_cin": "12345678A", "eligibility_month": "2022-12",
         "aid_code": "1H", "recorded_at": "2023-01-05T08:00:00Z"},
        {**ELIGIBILITY, "beneficiary_cin": "12345678A", "eligibility_month": "2023-01",
         "aid_code": "1H", "recorded_at": "2023-01-05T08:00:00Z"},
        {**ELIGIBILITY, "beneficiary_cin": "87654321B", "eligibility_month": "2023-01",
         "aid_code": "3D", "recorded_at": "2023-01-05T08:00:00Z"},
    ]),
    ("eligibility", "eligibility_2", "2023-01-15", "accepted", [
        {**ELIGIBILITY, "beneficiary_cin": "12345678A", "eligibility_month": "2023-01",
         "aid_code": "1X", "recorded_at": "2023-01-14T08:00:00Z"},
    ]),
    ("eligibility", "eligibility_held", "2023-02-15", "held", [
        {**ELIGIBILITY, "beneficiary_cin": "99999999Z", "eligibility_month": "2023-01",
         "aid_code": "1H", "recorded_at": "2023-02-14T08:00:00Z"},
    ]),
    ("complaint_events", "complaint_events_1", "2023-01-10", "accepted", [
        {"event_id": "CE1", "complaint_id": "K1", "certificant_id": "P0000001",
         "county_fips": "06075", "event_type": "received", "event_date": "2023-01-03",
         "allegation_category": "other", "incident_date": "2022-12-20",
         "complainant_type": "beneficiary", "recorded_at": "2023-01-09T08:00:00Z"},
    ]),
    ("suspended_ineligible", "suspended_ineligible_1", "2023-01-10", "accepted", [
        {"provider_name": "Jane Example", "certification_number": "CPSS000009",
         "suspension_effective_date": "2022-10-01", "recorded_at": "2023-01-09T08:00:00Z"},
    ]),
    ("member_counts", "member_counts_1", "2023-01-05", "accepted", [
        {**MEMBERS, "eligibility_month": "2022-12", "eligible_members": "1000",
         "recorded_at": "2023-01-04T08:00:00Z"},
        {**MEMBERS, "eligibility_month": "2023-01", "eligible_members": "900",
         "recorded_at": "2023-01-04T08:00:00Z"},
        {**MEMBERS, "eligibility_month": "2023-01", "age_group": "45-64", "sex": "M",
         "eligible_members": "500", "recorded_at": "2023-01-04T08:00:00Z"},
    ]),
    # A revision of January: it replaces the month whole (the 45-64 group is gone).
    ("member_counts", "member_counts_2", "2023-01-20", "accepted", [
        {**MEMBERS, "eligibility_month": "2023-01", "eligible_members": "950",
         "recorded_at": "2023-01-19T08:00:00Z"},
    ]),
    ("suspended_ineligible", "suspended_ineligible_2", "2023-01-20", "accepted", [
        {"provider_name": "Jane Example", "certification_number": "CPSS000009",
         "suspension_effective_date": "2022-10-01", "suspension_end_date": "2023-01-01",
         "recorded_at": "2023-01-19T08:00:00Z"},
    ]),
]
# fmt: on

LINEAGE_DDL = (
    "_batch_id varchar, _source_file varchar, _extract_date date, _row_number bigint, "
    "_ingested_at timestamp, _extra_columns varchar, _load_status varchar"
)


def write_raw_layer(database: Path) -> None:
    """Create raw.<feed> as the ingestion layer does: feed columns VARCHAR, plus lineage."""
    con = duckdb.connect(str(database))
    try:
        con.execute("create schema raw")
        for feed, columns in FEED_COLUMNS.items():
            ddl = ", ".join(f"{column} varchar" for column in columns)
            con.execute(f"create table raw.{feed} ({ddl}, {LINEAGE_DDL})")
        for feed, batch_id, extract_date, status, rows in BATCHES:
            columns = FEED_COLUMNS[feed]
            unknown = {key for row in rows for key in row} - set(columns)
            assert not unknown, f"fixture typo in {feed}: {unknown}"
            extract = dt.date.fromisoformat(extract_date)
            placeholders = ", ".join("?" for _ in range(len(columns) + 7))
            for row_number, row in enumerate(rows, start=1):
                lineage = [
                    batch_id,
                    f"{feed}_{extract:%Y%m%d}.csv",
                    extract,
                    row_number,
                    dt.datetime.combine(extract, dt.time(6, 0)),
                    None,
                    status,
                ]
                con.execute(
                    f"insert into raw.{feed} values ({placeholders})",
                    [row.get(column) for column in columns] + lineage,
                )
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Write the raw layer, run `dbt build` once, return paths and the run summary."""
    work_dir = tmp_path_factory.mktemp("dbt_build")
    warehouse_dir = work_dir / "warehouse"
    warehouse_dir.mkdir()
    write_raw_layer(warehouse_dir / "warehouse.duckdb")
    result = run_dbt("build", warehouse_dir=warehouse_dir, work_dir=work_dir, hash_key=HASH_KEY)
    return {
        "result": result,
        "database": warehouse_dir / "warehouse.duckdb",
        "manifest": json.loads((work_dir / "target" / "manifest.json").read_text()),
    }


def query(built: dict[str, Any], sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(built["database"]), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def python_hmac(cin: str) -> str:
    return hmac.new(HASH_KEY.encode(), cin.encode(), hashlib.sha256).hexdigest()


# ------------------------------------------------------------------------ the build itself


def test_build_succeeds_with_every_node_passing(built: dict[str, Any]) -> None:
    result = built["result"]
    statuses = {uid: status for uid, (status, _) in result["nodes"].items()}
    # Exposures (the dashboard pages and the report) are declared, not built: dbt reports no-op.
    not_ok = {
        uid: result["nodes"][uid]
        for uid, s in statuses.items()
        if s not in ("success", "pass") and not (uid.startswith("exposure.") and s == "no-op")
    }
    assert result["success"], (result["exception"], not_ok)
    assert not_ok == {}
    assert "model.peerwh.fct_workforce_monthly" in statuses
    assert any(uid.startswith("unit_test.") for uid in statuses)


def test_schemas_are_named_as_configured(built: dict[str, Any]) -> None:
    rows = query(
        built,
        """
        select table_schema, table_name, table_type from information_schema.tables
        where table_schema in ('staging', 'intermediate', 'marts', 'reference')
    """,
    )
    kinds = {(schema, name): kind for schema, name, kind in rows}
    # Staging and intermediate models are tables (each de-duplicates, enriches or spans rows
    # that several models and tests read), but for the claim lines' enrichment: its two
    # readers redo its joins faster than its every line is written.
    assert kinds[("staging", "stg_sdmc__claim_lines")] == "BASE TABLE"
    assert kinds[("intermediate", "int_claim_lines_enriched")] == "VIEW"
    assert kinds[("intermediate", "int_county_months")] == "BASE TABLE"
    assert kinds[("marts", "fct_workforce_monthly")] == "BASE TABLE"
    assert kinds[("reference", "counties")] == "BASE TABLE"
    assert not [schema for schema, _ in kinds if schema.startswith("main_")]


# ------------------------------------------------------------------------ staging


def test_corrected_redelivery_wins(built: dict[str, Any]) -> None:
    rows = query(
        built,
        """
        select certificant_id, last_name, county_fips, recorded_at, _batch_id
        from staging.stg_peer_certification__certificants order by certificant_id
    """,
    )
    assert rows == [
        ("P0000001", "Rivera", "06075", dt.datetime(2022, 10, 1, 0, 0), "certificants_2"),
        ("P0000002", "Nguyen", "06037", dt.datetime(2022, 8, 31, 9, 0), "certificants_1"),
    ]
    assert query(
        built,
        """
        select event_id, event_date, expiration_date
        from staging.stg_peer_certification__certification_events where event_id = 'E3'
    """,
    ) == [("E3", dt.date(2022, 12, 5), dt.date(2024, 12, 4))]
    assert query(
        built,
        """
        select claim_id, line_number, approved_amount from staging.stg_sdmc__claim_lines
        order by line_number
    """,
    ) == [("C1", 1, Decimal("55.25")), ("C1", 2, Decimal("0.00"))]


def test_held_rows_never_reach_staging(built: dict[str, Any]) -> None:
    staging_models = [
        "stg_peer_certification__certificants",
        "stg_peer_certification__certification_events",
        "stg_county__employment",
        "stg_sdmc__claim_lines",
        "stg_medi_cal__eligibility_months",
        "stg_peer_certification__complaint_events",
        "stg_dhcs__suspended_ineligible_providers",
    ]
    union = " union all ".join(f"select _batch_id from staging.{m}" for m in staging_models)
    batches = {batch for (batch,) in query(built, union)}
    assert batches.isdisjoint(HELD_BATCHES)
    assert query(
        built,
        """
        select count(*) from staging.stg_peer_certification__certificants
        where certificant_id = 'P0000003'
    """,
    ) == [(0,)]
    assert query(
        built,
        """
        select count(*) from staging.stg_peer_certification__certification_events
        where event_id = 'E5'
    """,
    ) == [(0,)]


def test_staging_casts_to_proper_types(built: dict[str, Any]) -> None:
    types = dict(
        query(
            built,
            """
        select column_name, data_type from information_schema.columns
        where table_schema = 'staging' and table_name = 'stg_sdmc__claim_lines'
    """,
        )
    )
    assert types["line_number"] == "INTEGER"
    assert types["service_date"] == "DATE"
    assert types["billed_amount"] == "DECIMAL(12,2)"
    assert types["is_collateral"] == "BOOLEAN"
    assert types["recorded_at"] == "TIMESTAMP"
    assert query(
        built,
        """
        select beneficiary_cin, eligibility_month_start, aid_code
        from staging.stg_medi_cal__eligibility_months order by 1, 2
    """,
    ) == [
        ("12345678A", dt.date(2022, 12, 1), "1H"),
        ("12345678A", dt.date(2023, 1, 1), "1X"),
        ("87654321B", dt.date(2023, 1, 1), "3D"),
    ]


def test_beneficiary_key_is_python_hmac_sha256_of_the_cin(built: dict[str, Any]) -> None:
    for model in ("stg_sdmc__claim_lines", "stg_medi_cal__eligibility_months"):
        pairs = set(query(built, f"select beneficiary_cin, beneficiary_key from staging.{model}"))
        assert pairs == {(cin, python_hmac(cin)) for cin, _ in pairs}
        assert {cin for cin, _ in pairs} == {"12345678A", "87654321B"}
    assert python_hmac("12345678A") != hashlib.sha256(b"12345678A").hexdigest()


def test_suspended_list_keeps_latest_version_of_a_listing(built: dict[str, Any]) -> None:
    assert query(
        built,
        """
        select provider_name, suspension_effective_date, suspension_end_date
        from staging.stg_dhcs__suspended_ineligible_providers
    """,
    ) == [("Jane Example", dt.date(2022, 10, 1), dt.date(2023, 1, 1))]


# ------------------------------------------------------------------------ intermediate + mart


def test_a_member_count_delivery_replaces_its_months_whole(built: dict[str, Any]) -> None:
    assert query(
        built,
        """
        select strftime(eligibility_month_start, '%Y-%m'), count(*), sum(eligible_members)
        from staging.stg_medi_cal__member_counts
        group by all
        order by 1
    """,
    ) == [("2022-12", 1, 1000), ("2023-01", 1, 950)]
    assert query(
        built,
        """
        select strftime(month_start, '%Y-%m'), medi_cal_members, peers_per_100k_members
        from marts.fct_workforce_monthly
        where county_fips = '06001' and medi_cal_members > 0
        order by month_start
    """,
    ) == [("2022-12", 1000, 0), ("2023-01", 950, 0)]


def test_county_month_grid_runs_from_2022_07_to_the_latest_accepted_extract(
    built: dict[str, Any],
) -> None:
    assert query(
        built,
        """
        select count(*), count(distinct county_fips), min(month_start), max(month_start),
            max(month_end)
        from intermediate.int_county_months
    """,
    ) == [(7 * 58, 58, dt.date(2022, 7, 1), dt.date(2023, 1, 1), dt.date(2023, 1, 31))]


def test_certification_periods_are_grant_events_only(built: dict[str, Any]) -> None:
    assert query(
        built,
        """
        select certification_period_id, certificant_id, grant_event_type, valid_from, valid_through
        from intermediate.int_certification_periods order by 1
    """,
    ) == [
        ("E2", "P0000001", "certified", dt.date(2022, 8, 10), dt.date(2024, 8, 9)),
        ("E3", "P0000002", "certified", dt.date(2022, 12, 5), dt.date(2024, 12, 4)),
    ]


def test_fct_workforce_monthly_counts_by_county_and_month(built: dict[str, Any]) -> None:
    rows = query(
        built,
        """
        select strftime(month_start, '%Y-%m'), county_fips, active_certified_peers, employed_peers
        from marts.fct_workforce_monthly
        where active_certified_peers > 0 or employed_peers > 0
        order by county_fips, month_start
    """,
    )
    assert rows == [
        # Alameda: P0000001's employer (Sep-Nov); residence moved to San Francisco.
        ("2022-09", "06001", 0, 1),
        ("2022-10", "06001", 0, 1),
        ("2022-11", "06001", 0, 1),
        # Los Angeles: P0000002 certified 2022-12-05 (corrected), hired 2023-01-31.
        ("2022-12", "06037", 1, 0),
        ("2023-01", "06037", 1, 1),
        # San Francisco: P0000001 certified 2022-08-10.
        ("2022-08", "06075", 1, 0),
        ("2022-09", "06075", 1, 0),
        ("2022-10", "06075", 1, 0),
        ("2022-11", "06075", 1, 0),
        ("2022-12", "06075", 1, 0),
        ("2023-01", "06075", 1, 0),
    ]
    assert query(
        built,
        """
        select count(*), count(distinct county_fips), sum(active_certified_peers),
            sum(employed_peers)
        from marts.fct_workforce_monthly
    """,
    ) == [(406, 58, 8, 4)]
    assert query(
        built,
        """
        select county_name, region, active_certified_peers, employed_peers
        from marts.fct_workforce_monthly
        where county_fips = '06019' and month_start = date '2022-07-01'
    """,
    ) == [("Fresno", "Central", 0, 0)]


def test_fct_workforce_monthly_has_its_contract_columns_and_no_pii(built: dict[str, Any]) -> None:
    columns = query(
        built,
        """
        select column_name, data_type from information_schema.columns
        where table_schema = 'marts' and table_name = 'fct_workforce_monthly'
        order by ordinal_position
    """,
    )
    # The columns the dashboards read come first, with these types; more may follow.
    assert columns[:6] == [
        ("month_start", "DATE"),
        ("county_fips", "VARCHAR"),
        ("county_name", "VARCHAR"),
        ("region", "VARCHAR"),
        ("active_certified_peers", "BIGINT"),
        ("employed_peers", "BIGINT"),
    ]
    pii = {
        "first_name",
        "last_name",
        "date_of_birth",
        "beneficiary_cin",
        "beneficiary_dob",
        "person_name",
    }
    mart_columns = {
        name
        for (name,) in query(
            built,
            """
        select column_name from information_schema.columns where table_schema = 'marts'
    """,
        )
    }
    assert mart_columns.isdisjoint(pii)


def test_counties_seed_has_58_counties_with_text_fips(built: dict[str, Any]) -> None:
    assert query(
        built,
        """
        select count(*), count(distinct county_fips), min(county_fips), max(county_fips),
            min(length(county_fips))
        from reference.counties
    """,
    ) == [(58, 58, "06001", "06115", 5)]


def test_counties_seed_agrees_with_the_generator_reference() -> None:
    from peerwh_synthetic.reference import COUNTIES

    with (DBT_PROJECT_DIR / "seeds" / "counties.csv").open(encoding="utf-8") as handle:
        seed = {(r["county_fips"], r["county_name"], r["region"]) for r in csv.DictReader(handle)}
    assert seed == {(c.fips, c.name, c.region) for c in COUNTIES}


# ------------------------------------------------------------------------ documentation


def test_every_model_seed_and_column_is_described(built: dict[str, Any]) -> None:
    manifest = built["manifest"]
    nodes = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed") and node["package_name"] == "peerwh"
    ]
    models = {n["name"] for n in nodes if n["resource_type"] == "model"}
    assert {"stg_sdmc__claim_lines", "fct_workforce_monthly"} <= models
    undocumented = [n["name"] for n in nodes if not n["description"].strip()]
    assert undocumented == []
    missing_columns = [
        f"{n['name']}.{c['name']}"
        for n in nodes
        for c in n["columns"].values()
        if not c["description"].strip()
    ]
    assert missing_columns == []
    con = duckdb.connect(str(built["database"]), read_only=True)
    try:
        for node in nodes:  # every built column is declared in YAML
            built_columns = {
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ?",
                    [node["schema"], node["alias"]],
                ).fetchall()
            }
            assert built_columns == set(node["columns"]), node["name"]
    finally:
        con.close()


def test_sources_declare_freshness_asset_keys_and_pii(built: dict[str, Any]) -> None:
    # The raw feeds; the disclosure control's pattern (source disclosure.suppression) is no feed.
    sources = {k: s for k, s in built["manifest"]["sources"].items() if s["schema"] == "raw"}
    assert {s["name"] for s in sources.values()} == set(FEED_COLUMNS)
    for source in sources.values():
        # One source per system that sends feeds, declared in that system's staging folder.
        system = load_contract(source["name"]).source_system
        assert source["source_name"] == system
        assert source["original_file_path"] == f"models/staging/{system}/_{system}__sources.yml"
        assert source["meta"]["dagster"]["asset_key"] == [f"raw_{source['name']}"]
        assert source["loaded_at_field"] == "_ingested_at"
        assert source["freshness"]["warn_after"] == {"count": 35, "period": "day"}
        assert all(column["description"] for column in source["columns"].values())
        assert set(source["columns"]) == set(FEED_COLUMNS[source["name"]]) | {
            "_batch_id",
            "_source_file",
            "_extract_date",
            "_row_number",
            "_ingested_at",
            "_extra_columns",
            "_load_status",
        }
    pii = {
        (s["name"], c["name"])
        for s in sources.values()
        for c in s["columns"].values()
        if c["meta"].get("pii")
    }
    assert pii == {
        ("certificants", "first_name"),
        ("certificants", "last_name"),
        ("certificants", "date_of_birth"),
        ("employment", "person_name"),
        ("claims", "beneficiary_cin"),
        ("claims", "beneficiary_dob"),
        ("eligibility", "beneficiary_cin"),
        ("eligibility", "date_of_birth"),
    }


# ------------------------------------------------------------------------ the hash key


@pytest.fixture(scope="module")
def parsed_without_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """`dbt parse` with PEERWH_HASH_KEY unset, into a target dir the compile tests reuse."""
    work_dir = tmp_path_factory.mktemp("dbt_no_key")
    return work_dir, run_dbt("parse", warehouse_dir=work_dir, work_dir=work_dir, hash_key="")


def test_parse_needs_no_hash_key(parsed_without_key: tuple[Path, dict[str, Any]]) -> None:
    _, parsed = parsed_without_key
    assert parsed["success"], parsed["exception"]


@pytest.mark.parametrize(
    ("key", "message"),
    [("", "PEERWH_HASH_KEY is not set or empty"), ("k" * 65, "at most 64 bytes")],
    ids=["empty", "too_long"],
)
def test_compiling_the_hmac_without_a_usable_key_fails_clearly(
    parsed_without_key: tuple[Path, dict[str, Any]],
    key: str,
    message: str,
) -> None:
    work_dir, _ = parsed_without_key
    compiled = run_dbt(
        "compile",
        "--select",
        "stg_sdmc__claim_lines",
        warehouse_dir=work_dir,
        work_dir=work_dir,
        hash_key=key,
    )
    assert not compiled["success"]
    assert message in json.dumps(compiled)
