"""Scope enforcement at the query layer, on a tiny hand-made snapshot (no Streamlit UI).

Also provides `publish`, the snapshot writer the other dashboard tests use.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboards import queries
from dashboards.access import AccessDenied, Role, Scope, readable
from dashboards.snapshot import query, run_query

BUILD_ID = "b1"

# The other measures of the mart's contract, read by the workforce page's derived views.
WORKFORCE_DETAIL_ZEROS = ", ".join(
    f"CAST(0 AS BIGINT) AS {column}"
    for column in (
        "supervisors", "new_certifications", "renewals", "reinstatements", "lapses",
        "separations", "medi_cal_members",
    )
) + ", CAST(0 AS DECIMAL(12, 1)) AS average_employed_peers"  # fmt: skip


# month, fips, name, active, employed. Statewide Jan: 25 / 9; Feb: 30 / 22.
WORKFORCE = f"""
    SELECT CAST(m AS DATE) AS month_start, f AS county_fips, n AS county_name,
        'Region' AS region, CAST(a AS BIGINT) AS active_certified_peers,
        CAST(e AS BIGINT) AS employed_peers, {WORKFORCE_DETAIL_ZEROS}
    FROM (VALUES
        ('2024-01-01', '06001', 'Alameda', 20, 5),
        ('2024-01-01', '06037', 'Los Angeles', 5, 4),
        ('2024-02-01', '06001', 'Alameda', 15, 11),
        ('2024-02-01', '06037', 'Los Angeles', 15, 11)
    ) AS t(m, f, n, a, e)
"""
COMPLAINTS_PUBLIC = """
    SELECT CAST('2024-01-01' AS DATE) AS quarter_start, f AS county_fips,
        CAST(c AS BIGINT) AS complaints_received, c IS NULL AS is_suppressed
    FROM (VALUES ('06001', 12), ('06037', NULL)) AS t(f, c)
"""
INTEGRITY = """
    SELECT 'F1' AS finding_id, '06037' AS county_fips, 'P-9' AS certificant_id
"""
INGEST_FILES = """
    SELECT b AS batch_id, feed, file_name, 'x/' || file_name AS file_path, 'abc' AS sha256,
        CAST(d AS DATE) AS extract_date, 'csv' AS file_format,
        CAST(r AS BIGINT) AS rows_received, CAST(l AS BIGINT) AS rows_loaded,
        CAST(q AS BIGINT) AS rows_quarantined, CAST(0 AS BIGINT) AS rows_with_warnings,
        s AS status, '' AS messages, CAST(t AS TIMESTAMP) AS ingested_at
    FROM (VALUES
        ('1', 'claims', 'claims_1.csv', '2024-01-31', 10, 8, 2, 'loaded', '2024-02-01 10:00'),
        ('2', 'claims', 'claims_2.csv', '2024-02-29', 5, 5, 0, 'loaded', '2024-03-01 10:00'),
        ('3', 'employment', 'emp_1.csv', '2024-02-15', 0, 0, 0, 'rejected', '2024-02-16 09:00')
    ) AS v(b, feed, file_name, d, r, l, q, s, t)
"""
CHECK_RESULTS = """
    SELECT '1' AS batch_id, feed, file_name, check_id, check_id || ' name' AS check_name,
        'row' AS check_level, 'validity' AS category, 'error' AS severity,
        CAST(v AS BIGINT) AS rows_violated, CAST(10 AS BIGINT) AS rows_checked,
        CAST(0 AS DOUBLE) AS percent_violated, CAST(0 AS DOUBLE) AS threshold_percent,
        status, '' AS message, CAST(t AS TIMESTAMP) AS checked_at
    FROM (VALUES
        ('claims', 'claims_1.csv', 'C1', 'fail', 2, '2024-02-01 10:00'),
        ('claims', 'claims_1.csv', 'C1', 'pass', 0, '2024-02-02 10:00'),
        ('claims', 'claims_2.csv', 'C1', 'fail', 3, '2024-03-01 10:00'),
        ('claims', 'claims_2.csv', 'C2', 'not_applicable', 0, '2024-03-01 10:00'),
        ('employment', 'emp_1.csv', 'E1', 'error', 0, '2024-02-16 09:00')
    ) AS v(feed, file_name, check_id, status, v, t)
"""

TABLES: dict[str, str] = {
    "fct_workforce_monthly": WORKFORCE,
    "agg_complaints_by_county_quarter_public": COMPLAINTS_PUBLIC,
    "fct_integrity_findings": INTEGRITY,
    "audit__ingest_files": INGEST_FILES,
    "audit__check_results": CHECK_RESULTS,
}


def publish(serving: Path, tables: dict[str, str] | None = None, build_id: str = BUILD_ID) -> Path:
    """Write `tables` (name -> SELECT) as snapshot `build_id` under `serving` and point at it."""
    folder = serving / build_id
    folder.mkdir(parents=True)
    manifest: dict[str, object] = {
        "build_id": build_id,
        "created_at": "2025-01-02T03:04:05+00:00",
        "tables": {},
    }
    with duckdb.connect(":memory:") as con:
        for name, select in (tables or TABLES).items():
            path = folder / f"{name}.parquet"
            con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet)")
            rows = con.execute(f"SELECT count(*) FROM ({select})").fetchone()
            manifest["tables"][name] = {"file": path.name, "rows": rows[0] if rows else 0}  # type: ignore[index]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (serving / "current").write_text(build_id)
    return serving


# --- tests ------------------------------------------------------------------------------------

STATE = Scope(Role.STATE_ANALYST)
ALAMEDA = Scope(Role.COUNTY, "06001", "alameda")
EVALUATOR = Scope(Role.EVALUATOR)


@pytest.fixture
def serving(tmp_path: Path) -> Path:
    return publish(tmp_path / "serving")


def _sql(serving: Path, scope: Scope, sql: str) -> list[tuple[object, ...]]:
    frame = run_query(serving, BUILD_ID, sql, scope=scope)
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


def test_county_user_reads_only_its_own_rows_of_an_internal_county_table(serving: Path) -> None:
    rows = _sql(serving, ALAMEDA, "SELECT DISTINCT county_fips FROM fct_workforce_monthly")

    assert rows == [("06001",)]


def test_state_analyst_reads_every_county(serving: Path) -> None:
    rows = _sql(serving, STATE, "SELECT DISTINCT county_fips FROM fct_workforce_monthly ORDER BY 1")

    assert rows == [("06001",), ("06037",)]


def test_county_user_asking_for_another_countys_trend_is_refused(serving: Path) -> None:
    with pytest.raises(AccessDenied, match="06037"):
        queries.workforce_trend(ALAMEDA, serving, BUILD_ID, "06037")


def test_county_user_gets_its_own_countys_trend(serving: Path) -> None:
    trend = queries.workforce_trend(ALAMEDA, serving, BUILD_ID, "06001")

    assert trend["active_certified_peers"].tolist() == [20, 15]


def test_county_user_lists_only_its_own_county(serving: Path) -> None:
    assert queries.counties(ALAMEDA, serving, BUILD_ID)["county_fips"].tolist() == ["06001"]


def test_county_user_reads_other_counties_from_public_tables(serving: Path) -> None:
    rows = _sql(
        serving,
        ALAMEDA,
        "SELECT county_fips, complaints_received FROM agg_complaints_by_county_quarter_public "
        "ORDER BY 1",
    )

    assert rows == [("06001", 12), ("06037", None)]


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_program_integrity_is_refused_to_non_state_roles_with_a_clear_message(
    serving: Path, scope: Scope
) -> None:
    with pytest.raises(
        AccessDenied, match="Program integrity data is available to state analysts only"
    ):
        query(scope, serving, BUILD_ID, "SELECT * FROM fct_integrity_findings",
              tables=("fct_integrity_findings",))  # fmt: skip


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_restricted_table_is_not_even_a_view_for_non_state_roles(
    serving: Path, scope: Scope
) -> None:
    """Without the up-front check, the table still does not exist for the scope."""
    with pytest.raises(duckdb.CatalogException):
        run_query(serving, BUILD_ID, "SELECT * FROM fct_integrity_findings", scope=scope)


def test_evaluator_sees_no_internal_county_table(serving: Path) -> None:
    with pytest.raises(duckdb.CatalogException):
        run_query(serving, BUILD_ID, "SELECT * FROM fct_workforce_monthly", scope=EVALUATOR)
    with pytest.raises(AccessDenied):
        queries.counties(EVALUATOR, serving, BUILD_ID)


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_audit_tables_are_state_only(serving: Path, scope: Scope) -> None:
    with pytest.raises(AccessDenied, match="state analysts only"):
        queries.scorecard(scope, serving, BUILD_ID)
    with pytest.raises(AccessDenied):
        queries.recent_files(scope, serving, BUILD_ID)


def test_state_analyst_statewide_trend_is_unsuppressed(serving: Path) -> None:
    trend = queries.workforce_trend(STATE, serving, BUILD_ID)

    assert trend["active_certified_peers"].tolist() == [25, 30]
    assert trend["employed_peers"].tolist() == [9, 22]
    assert not trend["employed_peers_is_suppressed"].any()


def test_evaluator_statewide_trend_suppresses_counts_from_1_to_10(serving: Path) -> None:
    trend = queries.workforce_trend(EVALUATOR, serving, BUILD_ID)

    assert trend["active_certified_peers"].tolist() == [25, 30]
    assert trend["employed_peers"].isna().tolist() == [True, False]
    assert trend["employed_peers_is_suppressed"].tolist() == [True, False]
    assert int(trend["employed_peers"].iloc[1]) == 22


def test_county_user_statewide_cell_is_suppressed_when_the_rest_of_the_state_is_small(
    serving: Path,
) -> None:
    """Jan statewide active 25 minus Alameda's 20 leaves 5 for the rest: suppressed for Alameda."""
    trend = queries.workforce_trend(ALAMEDA, serving, BUILD_ID)

    assert trend["active_certified_peers_is_suppressed"].tolist() == [True, False]
    assert trend["active_certified_peers"].isna().tolist() == [True, False]


@pytest.mark.parametrize("scope", [STATE, ALAMEDA, EVALUATOR])
def test_feed_freshness_is_open_to_every_role(serving: Path, scope: Scope) -> None:
    freshness = queries.feed_freshness(scope, serving, BUILD_ID)

    assert freshness["feed"].tolist() == ["claims", "employment"]
    # employment's only file was rejected: no data from it yet.
    assert [
        None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in freshness["latest_extract_date"]
    ] == [
        "2024-02-29",
        None,
    ]
    assert freshness["files"].tolist() == [2, 1]


def test_scorecard_counts_the_latest_result_of_each_rule_on_each_file(serving: Path) -> None:
    card = queries.scorecard(STATE, serving, BUILD_ID)
    c1 = card.loc[card["check_id"] == "C1"].iloc[0]

    # claims_1 failed C1, then passed on a later check: its latest result is a pass.
    assert (int(c1["pass"]), int(c1["fail"]), int(c1["rows_violated"])) == (1, 1, 3)
    assert card["check_id"].tolist() == ["C1", "C2", "E1"]


def test_status_counts_per_feed_filtered_by_feed(serving: Path) -> None:
    everything = queries.check_status_counts(STATE, serving, BUILD_ID)
    claims = queries.check_status_counts(STATE, serving, BUILD_ID, "claims")

    assert [tuple(r) for r in everything.itertuples(index=False)] == [
        ("claims", "fail", 1),
        ("claims", "not_applicable", 1),
        ("claims", "pass", 1),
        ("employment", "error", 1),
    ]
    assert set(claims["feed"]) == {"claims"}


def test_quarantine_counts_per_feed(serving: Path) -> None:
    frame = queries.quarantine_by_feed(STATE, serving, BUILD_ID)

    assert [tuple(r) for r in frame.itertuples(index=False)] == [
        ("claims", 2, 15, 13, 2, 0),
        ("employment", 1, 0, 0, 0, 1),
    ]


def test_recent_files_newest_first(serving: Path) -> None:
    frame = queries.recent_files(STATE, serving, BUILD_ID, limit=2)

    assert frame["file_name"].tolist() == ["claims_2.csv", "emp_1.csv"]


def test_cached_queries_do_not_leak_between_scopes(serving: Path) -> None:
    """Same SQL, different scopes: each gets its own rows (the scope is part of the cache key)."""
    sql = "SELECT count(DISTINCT county_fips) AS n FROM fct_workforce_monthly"
    tables = ("fct_workforce_monthly",)

    state = query(STATE, serving, BUILD_ID, sql, tables=tables)
    county = query(ALAMEDA, serving, BUILD_ID, sql, tables=tables)

    assert (int(state["n"].iloc[0]), int(county["n"].iloc[0])) == (2, 1)


@pytest.mark.parametrize(
    ("role", "county"),
    [
        (Role.COUNTY, None),
        (Role.COUNTY, "6037"),
        (Role.STATE_ANALYST, "06037"),
        (Role.EVALUATOR, "06001"),
    ],
)
def test_scope_ties_a_county_to_the_county_role_only(role: Role, county: str | None) -> None:
    with pytest.raises(ValueError):
        Scope(role, county)


def test_unclassified_tables_are_state_only() -> None:
    assert readable(STATE, "dim_peers")
    assert not readable(ALAMEDA, "dim_peers")
    assert not readable(EVALUATOR, "fct_claim_lines")
    assert readable(EVALUATOR, "rpt_waiver_metrics")
    assert readable(EVALUATOR, "agg_complaints_by_county_quarter_public")
    assert not readable(EVALUATOR, "agg_complaints_by_county_quarter")
    assert readable(ALAMEDA, "agg_complaints_by_county_quarter")


# --- workforce page (issue 4): map, statewide detail, pipeline and certification counts ----------

# One month, five counties: fips, active, members, lapses, separations, average employed.
# Evaluators: Alpine (3) is a small cell; the next smallest non-zero county, Calaveras (20), is
# hidden too (complementary: one hidden cell could be recovered from the statewide total);
# Amador (0) is shown. Calaveras's 5 members make its rate a small-denominator rate.
MAP_WORKFORCE = """
    SELECT CAST('2024-02-01' AS DATE) AS month_start, f AS county_fips, n AS county_name,
        'Region' AS region, CAST(a AS BIGINT) AS active_certified_peers,
        CAST(a AS BIGINT) AS employed_peers, CAST(2 AS BIGINT) AS supervisors,
        CAST(0 AS BIGINT) AS new_certifications, CAST(0 AS BIGINT) AS renewals,
        CAST(0 AS BIGINT) AS reinstatements, CAST(l AS BIGINT) AS lapses,
        CAST(s AS BIGINT) AS separations, CAST(v AS DECIMAL(12, 1)) AS average_employed_peers,
        CAST(m AS BIGINT) AS medi_cal_members
    FROM (VALUES
        ('06001', 'Alameda', 50, 1000, 1, 6, 40.5),
        ('06003', 'Alpine', 3, 500, 1, 0, 3.0),
        ('06005', 'Amador', 0, 100, 0, 0, 0.0),
        ('06007', 'Calaveras', 20, 5, 1, 3, 20.0),
        ('06009', 'Colusa', 30, 600, 1, 3, 30.0)
    ) AS t(f, n, a, m, l, s, v)
"""
PIPELINE = """
    SELECT a AS application_event_id, c AS certificant_id, f AS county_fips,
        'standard' AS pathway, 'CERT-03' AS rule_id, CAST('2024-01-01' AS DATE) AS applied_on,
        CAST(t AS DATE) AS trained_on, CAST(x AS BIGINT) AS exam_attempts,
        CAST(p AS BIGINT) AS exams_passed, CAST(e AS DATE) AS exam_passed_on,
        CAST(z AS DATE) AS certified_on, CAST(dt AS INTEGER) AS days_application_to_training,
        CAST(de AS INTEGER) AS days_training_to_exam_passed,
        CAST(dc AS INTEGER) AS days_exam_passed_to_certified,
        CAST(da AS INTEGER) AS days_application_to_certified
    FROM (VALUES
        ('A1', 'P1', '06001', '2024-02-01', 1, 1, '2024-03-01', '2024-03-11', 31, 29, 10, 70),
        ('A2', 'P2', '06001', '2024-02-11', 3, 1, '2024-04-01', NULL, 41, 50, NULL, NULL),
        ('A3', 'P3', '06001', NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL),
        ('A4', 'P4', '06037', '2024-01-21', 2, 1, '2024-02-20', '2024-03-01', 20, 30, 10, 60)
    ) AS v(a, c, f, t, x, p, e, z, dt, de, dc, da)
"""
PEER_CERTIFICATION = """
    SELECT CAST('2024-06-30' AS DATE) AS as_of_date, f AS county_fips, n AS county_name,
        b AS breakdown, c AS category, CAST(p AS BIGINT) AS peers
    FROM (VALUES
        ('06001', 'Alameda', 'renewal_due_within_days', '30', 1),
        ('06001', 'Alameda', 'renewal_due_within_days', '60', 4),
        ('06001', 'Alameda', 'renewal_due_within_days', '90', 6),
        ('06037', 'Los Angeles', 'renewal_due_within_days', '30', 0),
        ('06037', 'Los Angeles', 'renewal_due_within_days', '60', 2),
        ('06037', 'Los Angeles', 'renewal_due_within_days', '90', 9),
        ('06001', 'Alameda', 'specialization_of_active_peers', 'crisis', 3),
        ('06037', 'Los Angeles', 'specialization_of_active_peers', 'crisis', 5)
    ) AS v(f, n, b, c, p)
"""
CALAVERAS = Scope(Role.COUNTY, "06007", "calaveras")


@pytest.fixture
def map_serving(tmp_path: Path) -> Path:
    return publish(tmp_path / "serving", {"fct_workforce_monthly": MAP_WORKFORCE})


@pytest.fixture
def detail_serving(tmp_path: Path) -> Path:
    return publish(
        tmp_path / "serving",
        {
            **TABLES,
            "fct_certification_pipeline": PIPELINE,
            "agg_peer_certification_by_county": PEER_CERTIFICATION,
        },
    )


def _map(scope: Scope, serving: Path) -> dict[str, tuple[object, object]]:
    frame = queries.county_map(scope, serving, BUILD_ID)
    return {
        str(r.county_fips): (
            None if pd.isna(r.active_certified_peers) else int(r.active_certified_peers),
            None if pd.isna(r.peers_per_100k_members) else float(r.peers_per_100k_members),
        )
        for r in frame.itertuples(index=False)
    }


def test_state_analyst_map_shows_every_county(map_serving: Path) -> None:
    assert _map(STATE, map_serving) == {
        "06001": (50, 5000.0),
        "06003": (3, 600.0),
        "06005": (0, 0.0),
        "06007": (20, 400000.0),
        "06009": (30, 5000.0),
    }


def test_evaluator_map_hides_small_cells_and_a_complement(map_serving: Path) -> None:
    shown = _map(EVALUATOR, map_serving)

    assert shown == {
        "06001": (50, 5000.0),
        "06003": (None, None),
        "06005": (0, 0.0),
        "06007": (None, None),
        "06009": (30, 5000.0),
    }
    frame = queries.county_map(EVALUATOR, map_serving, BUILD_ID)
    flags = dict(
        zip(frame["county_fips"], frame["active_certified_peers_is_suppressed"], strict=True)
    )
    assert [fips for fips, hidden in flags.items() if hidden] == ["06003", "06007"]


def test_county_user_map_shows_its_own_county_and_picks_the_complement_elsewhere(
    map_serving: Path,
) -> None:
    """Calaveras knows its own 20, so the complement for Alpine's 3 is Colusa (30)."""
    assert _map(CALAVERAS, map_serving) == {
        "06001": (50, 5000.0),
        "06003": (None, None),
        "06005": (0, 0.0),
        "06007": (20, 400000.0),
        "06009": (None, None),
    }


def test_evaluator_never_receives_a_small_cell_from_the_map_view(map_serving: Path) -> None:
    rows = _sql(
        map_serving,
        EVALUATOR,
        "SELECT count(*) FROM county_workforce_map WHERE active_certified_peers BETWEEN 1 AND 10",
    )
    assert rows == [(0,)]


def test_statewide_detail_suppresses_small_sums_and_the_rates_built_on_them(
    map_serving: Path,
) -> None:
    state = queries.workforce_detail(STATE, map_serving, BUILD_ID).iloc[0]
    evaluator = queries.workforce_detail(EVALUATOR, map_serving, BUILD_ID).iloc[0]

    assert (int(state["lapses"]), int(state["separations"])) == (4, 12)
    assert float(state["turnover_rate"]) == round(12 / 93.5, 4)
    assert float(state["peers_per_supervisor"]) == round(103 / 10, 2)
    assert pd.isna(evaluator["lapses"]) and bool(evaluator["lapses_is_suppressed"])
    assert int(evaluator["separations"]) == 12
    assert float(evaluator["turnover_rate"]) == round(12 / 93.5, 4)
    # Ten supervisors statewide is a small cell: the ratio built on it is suppressed too.
    assert pd.isna(evaluator["peers_per_supervisor"])
    assert bool(evaluator["peers_per_supervisor_is_suppressed"])


def test_county_detail_is_unsuppressed_for_its_own_county(map_serving: Path) -> None:
    row = queries.workforce_detail(CALAVERAS, map_serving, BUILD_ID, "06007").iloc[0]

    assert (int(row["lapses"]), int(row["supervisors"])) == (1, 2)
    assert float(row["peers_per_100k_members"]) == 400000.0
    with pytest.raises(AccessDenied, match="06001"):
        queries.workforce_detail(CALAVERAS, map_serving, BUILD_ID, "06001")


def test_pipeline_counts_stages_pass_rate_and_median_days(detail_serving: Path) -> None:
    row = queries.certification_pipeline(STATE, detail_serving, BUILD_ID, "06001").iloc[0]

    assert [int(row[c]) for c in ("applications", "trained", "exam_passed", "certified")] == [
        3,
        2,
        2,
        1,
    ]
    assert float(row["exam_pass_rate"]) == 0.5
    assert float(row["median_days_application_to_training"]) == 36.0
    assert float(row["median_days_training_to_exam_passed"]) == 39.5
    assert float(row["median_days_application_to_certified"]) == 70.0
    statewide = queries.certification_pipeline(STATE, detail_serving, BUILD_ID).iloc[0]
    assert int(statewide["applications"]) == 4


def test_county_user_gets_its_own_pipeline_only(detail_serving: Path) -> None:
    row = queries.certification_pipeline(ALAMEDA, detail_serving, BUILD_ID, "06001").iloc[0]
    assert int(row["applications"]) == 3
    with pytest.raises(AccessDenied, match="06037"):
        queries.certification_pipeline(ALAMEDA, detail_serving, BUILD_ID, "06037")
    rows = _sql(
        detail_serving, ALAMEDA, "SELECT DISTINCT county_fips FROM fct_certification_pipeline"
    )
    assert rows == [("06001",)]


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_statewide_person_level_detail_is_for_state_analysts(
    detail_serving: Path, scope: Scope
) -> None:
    with pytest.raises(AccessDenied, match="state analysts"):
        queries.certification_pipeline(scope, detail_serving, BUILD_ID)
    with pytest.raises(AccessDenied, match="state analysts"):
        queries.renewals_due(scope, detail_serving, BUILD_ID)


def test_evaluator_reads_neither_new_person_level_mart(detail_serving: Path) -> None:
    assert not readable(EVALUATOR, "fct_certification_pipeline")
    assert not readable(EVALUATOR, "agg_peer_certification_by_county")
    with pytest.raises(AccessDenied):
        queries.renewals_due(EVALUATOR, detail_serving, BUILD_ID, "06001")


def test_renewals_due_per_window_statewide_and_by_county(detail_serving: Path) -> None:
    statewide = queries.renewals_due(STATE, detail_serving, BUILD_ID)
    alameda = queries.renewals_due(ALAMEDA, detail_serving, BUILD_ID, "06001")

    assert statewide[["window_days", "peers"]].values.tolist() == [[30, 1], [60, 6], [90, 15]]
    assert alameda["peers"].tolist() == [1, 4, 6]
    assert pd.Timestamp(alameda["as_of_date"].iloc[0]) == pd.Timestamp("2024-06-30")
