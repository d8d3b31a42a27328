"""County and integrity tools (issue 16) on a tiny hand-made snapshot, and the page defects a
unit test can see: labels instead of codes, one header style, whole-number count axes, KPI
labels that fit, the map opening on a rate, non-peer HCPCS codes flagged.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from peerwh import labels as vocabulary
from peerwh.dashboards.access import (
    INTEGRITY_LINES_VIEW,
    PEER_ROSTER_VIEW,
    AccessDenied,
    Role,
    Scope,
)
from peerwh.dashboards.app_pages.integrity import queries as integrity_queries
from peerwh.dashboards.app_pages.integrity.tables import rollup_formats, rollup_table
from peerwh.dashboards.app_pages.utilization import queries as utilization_queries
from peerwh.dashboards.app_pages.utilization.figures import opt_in_map_figure
from peerwh.dashboards.app_pages.workforce import queries as workforce_queries
from peerwh.dashboards.app_pages.workforce.figures import MAP_MEASURES
from peerwh.dashboards.auth import add_user, load_users
from peerwh.dashboards.labels import DASHBOARD_CODE_LABELS, column_label, label, labelled_codes
from peerwh.dashboards.metrics import kpi_rows
from peerwh.dashboards.shared_figures import FLAG_COLOR, breakdown_bar_figure, count_axis
from peerwh.dashboards.snapshot import SnapshotReader, run_query
from tests.test_dashboard_access import (
    BUILD_ID,
    CLAIM_LINES,
    MAP_NAMES,
    MAP_WORKFORCE,
    UTILIZATION_TABLES,
    publish,
)
from tests.test_dashboard_figures import INTEGRITY_SNAPSHOT

STATE = Scope(Role.STATE_ANALYST, None, "ana")
ALAMEDA = Scope(Role.COUNTY, "06001", "alameda")
EVALUATOR = Scope(Role.EVALUATOR, None, "eve")
EVERYTHING = integrity_queries.IntegrityFilter()
PAGES = Path(__file__).resolve().parents[1] / "dashboards" / "app_pages"

# dim_peers as published: as of 2024-06-30. Alameda: P1 due in 10 days, P2 in 80, P3 in 200
# (outside 90), P4 lapsed; Los Angeles: P9 due in 5 days. Demographics the roster must not carry.
DIM_PEERS = """
    SELECT c AS certificant_id, 'CPSS' || c AS certification_number, f AS county_fips,
        'standard' AS pathway, 'female' AS gender, 'latino' AS race_ethnicity, s AS current_status,
        CAST('2024-06-30' AS DATE) + CAST(d AS INTEGER) AS current_expiration_date,
        sp AS specializations, CAST('2024-06-30' AS DATE) AS as_of_date
    FROM (VALUES
        ('P1', '06001', 'active', 10, 'crisis'), ('P2', '06001', 'active', 80, NULL),
        ('P3', '06001', 'active', 200, NULL), ('P4', '06001', 'lapsed', 20, NULL),
        ('P9', '06037', 'active', 5, NULL)
    ) AS t(c, f, s, d, sp)
"""
HCPCS_CODES = """
    SELECT code, 'peer code ' || code AS description FROM (VALUES ('H0038'), ('H0025')) AS t(code)
"""
# Alameda opted in to SMHS in 2022, Los Angeles to DMC_ODS only from 2025.
COUNTY_OPT_IN = """
    SELECT f AS county_fips, d AS delivery_system, CAST(e AS DATE) AS effective_date
    FROM (VALUES ('06001', 'SMHS', '2022-07-01'), ('06037', 'DMC_ODS', '2025-01-01')) AS t(f, d, e)
"""
NAMES = MAP_NAMES.replace("('06003', 'Alpine'), ('06005', 'Amador'),", "").replace(
    "('06007', 'Calaveras'), ('06009', 'Colusa')", "('06037', 'Los Angeles')"
)
# CLAIM_LINES with the claims feed's submission and adjudication dates (2, 4 and 9 days).
CLAIM_LINES_WITH_DATES = f"""
    SELECT *, service_date AS submitted_date,
        service_date + CAST(CASE claim_id WHEN '1' THEN 2 WHEN '2' THEN 4 ELSE 9 END AS INTEGER)
            AS adjudicated_date
    FROM ({CLAIM_LINES})
"""
TABLES = {
    **UTILIZATION_TABLES,
    "fct_certification_findings": INTEGRITY_SNAPSHOT["fct_certification_findings"],
    "fct_supervision_findings": """
        SELECT 'EMP1' AS employment_id, 'SUP-01' AS rule_id, 'why' AS finding,
            CAST('2024-02-01' AS DATE) AS detected_on
    """,
    "dim_peers": DIM_PEERS,
    "hcpcs_codes": HCPCS_CODES,
    "county_opt_in": COUNTY_OPT_IN,
    "rpt_complaints_by_county_quarter": NAMES,
}


@pytest.fixture
def serving(tmp_path: Path) -> Path:
    return publish(tmp_path / "serving", TABLES)


def _reader(scope: Scope, serving: Path) -> SnapshotReader:
    return SnapshotReader(scope, serving, BUILD_ID)


# --- the county director's roster ---------------------------------------------------------------


def test_roster_lists_the_countys_own_active_peers_due_within_the_window(serving: Path) -> None:
    roster = workforce_queries.renewal_roster(_reader(ALAMEDA, serving), "06001")

    assert roster["certificant_id"].tolist() == ["P1", "P2"]
    assert roster["days_to_expiration"].tolist() == [10, 80]
    assert set(roster["as_of_date"].astype(str)) == {"2024-06-30"}
    within_30 = workforce_queries.renewal_roster(_reader(STATE, serving), "06001", 30)
    assert within_30["certificant_id"].tolist() == ["P1"]


def test_roster_of_another_county_is_refused_and_its_view_holds_only_the_own_county(
    serving: Path,
) -> None:
    with pytest.raises(AccessDenied, match="06037"):
        workforce_queries.renewal_roster(_reader(ALAMEDA, serving), "06037")
    frame = run_query(serving, BUILD_ID, f"SELECT * FROM {PEER_ROSTER_VIEW}", scope=ALAMEDA)
    assert set(frame["county_fips"]) == {"06001"}
    # The roster is of certifications: no demographic column of dim_peers.
    assert not {"gender", "race_ethnicity", "pathway"} & set(frame.columns)
    with pytest.raises(AccessDenied):
        workforce_queries.renewal_roster(_reader(EVALUATOR, serving), "06001")


# --- integrity roll-ups, claims processing, EPSDT ------------------------------------------------


def test_rollup_by_organization_rates_per_1000_lines_and_denials(serving: Path) -> None:
    frame = integrity_queries.integrity_rollup(
        _reader(STATE, serving), EVERYTHING, "organization_npi"
    ).set_index("organization_npi")

    alameda, los_angeles = frame.loc["NPI-06001"], frame.loc["NPI-06037"]
    # Alameda: 3 approved lines, 1 denied; line 2 breaks two rules.
    assert [int(alameda[c]) for c in ("approved_lines", "flagged_lines", "findings")] == [3, 1, 2]
    assert float(alameda["findings_per_1000_lines"]) == 666.7
    assert float(alameda["flagged_per_1000_lines"]) == 333.3
    assert float(alameda["denial_rate"]) == 25.0
    assert int(alameda["epsdt_exempt_lines"]) == 1
    assert float(alameda["approved_amount_at_risk"]) == 25.0  # the line once, not per rule
    assert float(los_angeles["findings_per_1000_lines"]) == 500.0
    assert frame.index.tolist() == ["NPI-06001", "NPI-06037"]  # highest rate first


def test_rollup_pages_and_counts_and_follows_the_rule_filter(serving: Path) -> None:
    reader = _reader(STATE, serving)
    second = integrity_queries.integrity_rollup(
        reader, EVERYTHING, "rendering_certification_number", limit=1, offset=1
    )
    only_bill_10 = integrity_queries.integrity_rollup(
        reader, integrity_queries.IntegrityFilter(rules=("BILL-10",)), "organization_npi"
    ).set_index("organization_npi")

    # Six peers: one per claim, the denied line's peer too (its denials count).
    assert integrity_queries.count_rollup(reader, EVERYTHING, "rendering_certification_number") == 6
    assert len(second) == 1
    assert int(only_bill_10.loc["NPI-06001", "findings"]) == 1
    assert int(only_bill_10.loc["NPI-06037", "findings"]) == 0
    with pytest.raises(ValueError, match="roll-up key"):
        integrity_queries.integrity_rollup(reader, EVERYTHING, "beneficiary_key")


def test_a_county_users_rollup_is_its_own_county_only(serving: Path) -> None:
    frame = integrity_queries.integrity_rollup(
        _reader(ALAMEDA, serving), EVERYTHING, "organization_npi"
    )
    assert frame["organization_npi"].tolist() == ["NPI-06001"]


def test_claims_processing_counts_denials_and_epsdt_exempt_lines_apart(serving: Path) -> None:
    reader = _reader(STATE, serving)
    row = integrity_queries.claims_processing(reader, EVERYTHING).iloc[0]
    epsdt = integrity_queries.epsdt_exempt_lines(reader, EVERYTHING)

    assert [int(row[c]) for c in ("approved_lines", "denied_lines", "pending_lines")] == [5, 1, 0]
    assert float(row["denial_rate"]) == round(100 / 6, 1)
    assert int(row["epsdt_exempt_lines"]) == 1
    assert int(row["epsdt_exempt_beneficiaries"]) == 1
    assert "median_days_to_adjudication" not in row
    assert not integrity_queries.has_adjudication_dates(reader)
    assert epsdt[["county_fips", "delivery_system", "epsdt_exempt_lines"]].values.tolist() == [
        ["06001", "SMHS", 1]
    ]


def test_submission_to_adjudication_days_when_the_mart_carries_the_dates(tmp_path: Path) -> None:
    serving = publish(tmp_path / "serving", {**TABLES, "fct_claim_lines": CLAIM_LINES_WITH_DATES})
    reader = _reader(STATE, serving)

    assert integrity_queries.has_adjudication_dates(reader)
    row = integrity_queries.claims_processing(reader, EVERYTHING, True).iloc[0]
    # Days per line: 2, 4, then 9 for the other four lines.
    assert float(row["median_days_to_adjudication"]) == 9.0
    assert float(row["mean_days_to_adjudication"]) == round((2 + 4 + 9 * 4) / 6, 1)


def test_finding_lines_page_through_every_finding_and_export_them_all(serving: Path) -> None:
    reader = _reader(STATE, serving)
    total = integrity_queries.count_finding_lines(reader, EVERYTHING)
    pages = [
        integrity_queries.integrity_finding_lines(reader, EVERYTHING, limit=2, offset=offset)
        for offset in (0, 2)
    ]
    everything = integrity_queries.all_finding_lines(reader, EVERYTHING)

    assert total == 3 == len(everything)
    assert [len(p) for p in pages] == [2, 1]
    assert pd.concat(pages)["rule_id"].tolist() == everything["rule_id"].tolist()


def test_evaluators_get_no_integrity_view(serving: Path) -> None:
    with pytest.raises(AccessDenied, match="internal"):
        run_query(serving, BUILD_ID, "SELECT 1", scope=EVALUATOR, tables=(INTEGRITY_LINES_VIEW,))


# --- the opt-in map ------------------------------------------------------------------------------


def test_opt_in_on_a_date_by_county_and_delivery_system(serving: Path) -> None:
    frame = utilization_queries.county_opt_in(_reader(EVALUATOR, serving), date(2024, 6, 30))
    opted = {
        (r.county_fips, r.delivery_system): bool(r.opted_in) for r in frame.itertuples(index=False)
    }

    assert opted == {
        ("06001", "SMHS"): True,
        ("06037", "SMHS"): False,
        ("06001", "DMC_ODS"): False,
        ("06037", "DMC_ODS"): False,  # opts in from 2025 only
    }
    later = utilization_queries.county_opt_in(_reader(EVALUATOR, serving), date(2025, 6, 30))
    assert bool(
        later.query("county_fips == '06037' and delivery_system == 'DMC_ODS'")["opted_in"].iloc[0]
    )

    fig = opt_in_map_figure(frame, {"type": "FeatureCollection", "features": []}, "SMHS", "x")
    assert [t.name for t in fig.data] == ["Opted in (1)", "Not opted in (1)"]
    assert list(fig.data[0].locations) == ["06001"]
    assert vocabulary.LABELS["SMHS"] in fig.layout.title.text


def test_peer_hcpcs_codes_come_from_the_published_seed(serving: Path) -> None:
    codes = utilization_queries.peer_hcpcs_codes(_reader(ALAMEDA, serving))
    assert set(codes) == {"H0038", "H0025"}


# --- page defects a unit test can see ------------------------------------------------------------


def test_codes_read_as_labels_from_one_lookup() -> None:
    # The project's vocabulary (peerwh.labels, read by the report too) first.
    assert label("late_resolution_after_extension") == vocabulary.label(
        "late_resolution_after_extension"
    )
    assert label("DMC_ODS") == vocabulary.LABELS["DMC_ODS"]
    assert not set(DASHBOARD_CODE_LABELS) & set(vocabulary.LABELS)
    assert label("late_acknowledgement, late_resolution") == "Acknowledged late; Resolved late"
    assert label("some_new_code") == "Some new code"
    assert label("Los Angeles") == "Los Angeles"  # not a code: as written
    assert label(None) == ""


def test_every_header_is_in_one_style() -> None:
    frame = pd.DataFrame(
        {c: [1] for c in ("claim_id", "county_fips", "approved_amount", "days_to_expiration")}
    )
    headers = list(labelled_codes(frame, ()).columns)
    assert headers == ["Claim", "County FIPS", "Approved amount", "Days to expiration"]
    for header in headers:
        assert "_" not in header and header[0].isupper()
    assert column_label("late_reasons") == "Late reasons"


def test_rollup_table_keeps_numbers_sortable_and_names_the_key() -> None:
    frame = pd.DataFrame(
        {
            "organization_npi": ["1234567890", None],
            "approved_lines": [20848, 3],
            "flagged_lines": [3, 0],
            "findings": [4, 0],
            "findings_per_1000_lines": [0.19, 0.0],
            "flagged_per_1000_lines": [0.14, 0.0],
            "approved_amount_at_risk": [12.5, 0],
            "denied_lines": [2, 0],
            "denial_rate": [None, 0.0],
            "epsdt_exempt_lines": [0, 0],
        }
    )
    shown = rollup_table(frame, "organization_npi", "Provider organization")
    formats = rollup_formats()

    assert shown.columns[0] == "Provider organization"
    assert shown.iloc[:, 0].tolist() == ["1234567890", "not recorded"]
    assert shown["Approved lines"].tolist() == [20848, 3]  # numbers: sortable as numbers
    # Thousands separators (not 20.848k) and one decimal for rates, set on every measure.
    assert set(formats) == set(shown.columns[1:])
    assert formats["Approved lines"] == "%,d"
    assert formats["Findings per 1,000 lines"] == "%,.1f"
    assert formats["Amount at risk"] == "dollar"


def test_count_axes_step_by_whole_numbers() -> None:
    small = count_axis("Findings", [0, 1, 3])
    large = count_axis("Services", [120, 20848])

    assert small["dtick"] == 1 and small["tickformat"] == ",d"
    assert "dtick" not in large and large["tickformat"] == ",d"
    assert count_axis("Empty")["dtick"] == 1


def test_kpi_labels_that_do_not_fit_side_by_side_go_to_another_row() -> None:
    short = ["Rule findings", "Claim lines flagged", "Denial rate", "Days to training"]
    long = ["Median days, application to training", "Median days, exam passed to certified"]

    assert kpi_rows(short) == [[0, 1, 2, 3]]
    assert kpi_rows([*long, "Exam pass rate"], row_chars=60) == [[0], [1], [2]]
    assert kpi_rows(long, row_chars=96) == [[0, 1]]
    assert kpi_rows([]) == []
    # Five that do not fit in one row: three and two, not four and one.
    assert kpi_rows([*short, "Median days to resolve"]) == [[0, 1, 2], [3, 4]]


def test_the_county_map_opens_on_a_rate() -> None:
    assert next(iter(MAP_MEASURES)) == "peers_per_100k_members"


def test_non_peer_hcpcs_codes_are_flagged_on_their_bar() -> None:
    frame = pd.DataFrame({"category": ["H0038", "H2017"], "services": [120, 3]})

    fig = breakdown_bar_figure(
        frame, "services", "Services by HCPCS code", "Services", flagged={"H2017": "not peer"}
    )

    assert list(fig.data[0].y) == ["H0038", "H2017 ⚑ not peer"]
    assert list(fig.data[0].marker.color) == ["#1565c0", FLAG_COLOR]


# --- the integrity page as each role, under AppTest ----------------------------------------------


def _run(serving: Path, monkeypatch: pytest.MonkeyPatch, scope: Scope) -> AppTest:
    users = serving.parent / "users.yaml"
    if not users.exists():
        for user in (STATE, ALAMEDA, EVALUATOR):
            add_user(users, user.username, "pw", user.role, user.county_fips)
    monkeypatch.setenv("PEERWH_WAREHOUSE_DIR", str(serving.parent))
    monkeypatch.setenv("PEERWH_USERS_FILE", str(users))
    monkeypatch.delenv("PEERWH_AUTH", raising=False)
    at = AppTest.from_file(str(PAGES / "integrity" / "page.py"), default_timeout=60)
    at.session_state["peerwh_user"] = load_users(Path(os.environ["PEERWH_USERS_FILE"])).users[
        scope.username
    ]
    at.run()
    assert not at.exception
    return at


def test_a_county_user_opens_the_integrity_page_for_its_own_county(
    serving: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run(serving, monkeypatch, ALAMEDA)
    metrics = {m.label: m.value for m in at.metric}

    assert metrics["Rule findings"] == "2"
    assert metrics["Claim lines flagged"] == "1"
    assert metrics["Denial rate"] == "25.0%"
    assert metrics["EPSDT-exempt lines"] == "1"
    assert metrics["Findings per 1,000 lines"] == "666.7"
    shown = " ".join(str(df.value.to_csv()) for df in at.dataframe)
    assert "06037" not in shown and "NPI-06037" not in shown
    assert not [s for s in at.subheader if "Certification findings" in s.value]


def test_a_state_analyst_sees_every_section_and_evaluators_none(
    serving: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _run(serving, monkeypatch, STATE)
    assert {m.label: m.value for m in state.metric}["Rule findings"] == "3"

    evaluator = _run(serving, monkeypatch, EVALUATOR)
    assert not evaluator.metric
    assert [e.value for e in evaluator.error] == [
        "Program integrity data is internal: for state analysts and county users."
    ]


def test_the_state_map_opens_on_the_latest_month_with_members(tmp_path: Path) -> None:
    # A run-out month after February: peers on record, no eligibility delivered yet.
    march = MAP_WORKFORCE.replace("2024-02-01", "2024-03-01").replace(
        "CAST(m AS BIGINT) AS medi_cal_members", "CAST(0 AS BIGINT) AS medi_cal_members"
    )
    serving = publish(
        tmp_path / "serving", {"fct_workforce_monthly": f"{MAP_WORKFORCE} UNION ALL {march}"}
    )

    frame = workforce_queries.county_map(_reader(STATE, serving))

    assert set(frame["month_start"].astype(str)) == {"2024-02-01"}
    assert frame["peers_per_100k_members"].notna().all()


def test_policy_findings_export_holds_every_finding(serving: Path) -> None:
    reader = _reader(STATE, serving)
    table = integrity_queries.CERTIFICATION_FINDINGS_TABLE

    one = integrity_queries.policy_findings(reader, table, limit=1)
    every = integrity_queries.policy_findings(reader, table, limit=None)

    assert one["event_id"].tolist() == ["E2"]
    assert every["event_id"].tolist() == ["E2", "E1"]
