"""Scope enforcement at the query layer, on a tiny hand-made snapshot (no Streamlit UI).

Also provides `publish`, the snapshot writer the other dashboard tests use.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from peerwh.dashboards import shared_queries
from peerwh.dashboards.access import CLAIM_SERVICES_VIEW, AccessDenied, Role, Scope, readable
from peerwh.dashboards.app_pages.complaints import queries as complaints_queries
from peerwh.dashboards.app_pages.data_quality import queries as data_quality_queries
from peerwh.dashboards.app_pages.integrity import queries as integrity_queries
from peerwh.dashboards.app_pages.utilization import queries as utilization_queries
from peerwh.dashboards.app_pages.workforce import queries as workforce_queries
from peerwh.dashboards.snapshot import SnapshotReader, run_query
from peerwh.publish import PUBLISHED_REFERENCE_TABLES

BUILD_ID = "b1"

# month, fips, name, active, employed. Statewide Jan: 25 / 9; Feb: 30 / 22.
# The other measures of the mart's contract, read by the workforce page's derived views.
WORKFORCE_DETAIL_ZEROS = ", ".join(
    f"CAST(0 AS BIGINT) AS {column}"
    for column in (
        "supervisors", "new_certifications", "renewals", "reinstatements", "lapses",
        "separations", "medi_cal_members",
    )
) + ", CAST(0 AS DECIMAL(12, 1)) AS average_employed_peers"  # fmt: skip


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
    SELECT CAST('2024-01-01' AS DATE) AS quarter_start, CAST('2024-03-31' AS DATE) AS quarter_end,
        f AS county_fips, n AS county_name, CAST(c AS BIGINT) AS complaints_received,
        c IS NULL AS complaints_received_is_suppressed
    FROM (VALUES ('06001', 'Alameda', 12), ('06037', 'Los Angeles', NULL)) AS t(f, n, c)
"""
# The statewide series as the disclosure control published it (rpt_workforce_statewide_monthly):
# its own figures, not sums of WORKFORCE (Jan employed 9 and the lapses are suppressed there).
# month, active, employed, supervisors, separations, lapses, members; NULL: suppressed.
STATEWIDE_MEASURES = (
    "active_certified_peers", "employed_peers", "supervisors", "separations", "lapses",
    "medi_cal_members", "new_certifications", "renewals", "reinstatements",
)  # fmt: skip
STATEWIDE_PUBLIC = (
    "SELECT CAST(m AS DATE) AS month_start, last_day(CAST(m AS DATE)) AS month_end, "
    + ", ".join(
        f"CAST(v{i} AS BIGINT) AS {name}, v{i} IS NULL AS {name}_is_suppressed"
        for i, name in enumerate(STATEWIDE_MEASURES)
    )
    + """
    FROM (VALUES
        ('2024-01-01', 25, NULL, 12, NULL, NULL, 4000, 0, 0, 0),
        ('2024-02-01', 30, 22, 11, 11, NULL, 4400, 0, 0, 0)
    ) AS t(m, v0, v1, v2, v3, v4, v5, v6, v7, v8)
"""
)
# Findings on CLAIM_LINES (below): claim 2 (Alameda) breaks two rules, claim 5 (Los Angeles) one.
INTEGRITY = """
    SELECT c AS claim_id, 1 AS line_number, r AS rule_id, s AS severity, 'why' AS detail,
        CAST(a AS DECIMAL(12, 2)) AS approved_amount_at_risk
    FROM (VALUES
        ('2', 'BILL-01', 'flag', 25), ('2', 'BILL-10', 'flag', 25), ('5', 'BILL-06', 'flag', 25)
    ) AS t(c, r, s, a)
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

# RPT-03 thresholds as published: an ended version (1 to 25) and the one in force (1 to 10).
POLICY_PARAMETERS = """
    SELECT p AS parameter_name, 'RPT-03' AS rule_id, CAST(v AS DECIMAL(18, 4)) AS value_numeric,
        CAST(NULL AS DATE) AS value_date, 'count' AS unit, CAST(f AS DATE) AS effective_from,
        CAST(e AS DATE) AS effective_to, 'test' AS source
    FROM (VALUES
        ('suppression_min_count', 1, '2021-07-01', '2021-12-31'),
        ('suppression_max_count', 25, '2021-07-01', '2021-12-31'),
        ('suppression_min_count', 1, '2022-01-01', NULL),
        ('suppression_max_count', 10, '2022-01-01', NULL),
        ('group_size_max', 12, '2021-07-01', NULL)
    ) AS t(p, v, f, e)
"""

DISCLOSURE_SUMMARY = """
    SELECT q AS quantity, g AS geography_level, CAST(c AS BIGINT) AS cells,
        CAST(p AS BIGINT) AS primaries, CAST(k AS BIGINT) AS complements,
        CAST(p + k AS BIGINT) AS suppressed_cells, CAST(t AS DOUBLE) AS total_value,
        CAST(v AS DOUBLE) AS suppressed_value, CAST(0 AS BIGINT) AS failures,
        (p + k) / c AS cells_suppressed_share, v / t AS value_suppressed_share,
        CAST('2025-01-02 03:00:00+00' AS TIMESTAMPTZ) AS checked_at, true AS audit_passed
    FROM (VALUES
        ('active_peers', 'county', 40, 8, 2, 900, 60),
        ('active_peers', 'state', 10, 0, 1, 500, 25),
        ('active_peers', 'region', 20, 3, 3, 900, 70)
    ) AS t(q, g, c, p, k, t, v)
"""

TABLES: dict[str, str] = {
    "fct_workforce_monthly": WORKFORCE,
    "rpt_complaints_by_county_quarter": COMPLAINTS_PUBLIC,
    "rpt_workforce_statewide_monthly": STATEWIDE_PUBLIC,
    "audit__disclosure_summary": DISCLOSURE_SUMMARY,
    "fct_integrity_findings": INTEGRITY,
    "audit__ingest_files": INGEST_FILES,
    "audit__check_results": CHECK_RESULTS,
    "policy_parameters": POLICY_PARAMETERS,
}


# The snapshot's public folder, as peerwh/publish.py fills it: the reporting models, the
# reference tables needed to read them and the disclosure audit's summary.
PUBLIC_REFERENCE_TABLES = (*PUBLISHED_REFERENCE_TABLES, "audit__disclosure_summary")


def is_public(name: str) -> bool:
    return name.startswith("rpt_") or name in PUBLIC_REFERENCE_TABLES


def publish(serving: Path, tables: dict[str, str] | None = None, build_id: str = BUILD_ID) -> Path:
    """Write `tables` (name -> SELECT) as snapshot `build_id` under `serving` and point at it;
    the public ones (`is_public`) in its `public/` folder, as the pipeline does."""
    folder = serving / build_id
    (folder / "public").mkdir(parents=True)
    manifest: dict[str, object] = {
        "build_id": build_id,
        "created_at": "2025-01-02T03:04:05+00:00",
        "tables": {},
    }
    with duckdb.connect(":memory:") as con:
        for name, select in (tables or TABLES).items():
            subfolder = "public" if is_public(name) else ""
            path = folder / subfolder / f"{name}.parquet"
            con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet)")
            rows = con.execute(f"SELECT count(*) FROM ({select})").fetchone()
            manifest["tables"][name] = {  # type: ignore[index]
                "file": path.name,
                "folder": subfolder,
                "rows": rows[0] if rows else 0,
            }
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
        shared_queries.workforce_trend(SnapshotReader(ALAMEDA, serving, BUILD_ID), "06037")


def test_county_user_gets_its_own_countys_trend(serving: Path) -> None:
    trend = shared_queries.workforce_trend(SnapshotReader(ALAMEDA, serving, BUILD_ID), "06001")

    assert trend["active_certified_peers"].tolist() == [20, 15]


def test_county_user_lists_only_its_own_county(serving: Path) -> None:
    assert shared_queries.counties(SnapshotReader(ALAMEDA, serving, BUILD_ID))[
        "county_fips"
    ].tolist() == ["06001"]


def test_county_user_reads_other_counties_from_public_tables(serving: Path) -> None:
    rows = _sql(
        serving,
        ALAMEDA,
        "SELECT county_fips, complaints_received FROM rpt_complaints_by_county_quarter ORDER BY 1",
    )

    assert rows == [("06001", 12), ("06037", None)]


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_program_integrity_is_refused_to_non_state_roles_with_a_clear_message(
    serving: Path, scope: Scope
) -> None:
    with pytest.raises(
        AccessDenied, match="Program integrity data is available to state analysts only"
    ):
        SnapshotReader(scope, serving, BUILD_ID).query(
            "SELECT * FROM fct_integrity_findings", tables=("fct_integrity_findings",)
        )


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
        shared_queries.counties(SnapshotReader(EVALUATOR, serving, BUILD_ID))


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_audit_tables_are_state_only(serving: Path, scope: Scope) -> None:
    with pytest.raises(AccessDenied, match="state analysts only"):
        data_quality_queries.scorecard(SnapshotReader(scope, serving, BUILD_ID))
    with pytest.raises(AccessDenied):
        data_quality_queries.recent_files(SnapshotReader(scope, serving, BUILD_ID))


def test_state_analyst_statewide_trend_is_unsuppressed(serving: Path) -> None:
    trend = shared_queries.workforce_trend(SnapshotReader(STATE, serving, BUILD_ID))

    assert trend["active_certified_peers"].tolist() == [25, 30]
    assert trend["employed_peers"].tolist() == [9, 22]
    assert not trend["employed_peers_is_suppressed"].any()


def _public_series(serving: Path, columns: str) -> list[tuple[object, ...]]:
    """`columns` of the public statewide series, read straight from its Parquet file."""
    parquet = serving / BUILD_ID / "public" / "rpt_workforce_statewide_monthly.parquet"
    with duckdb.connect(":memory:") as con:
        return con.execute(
            f"SELECT {columns} FROM read_parquet('{parquet}') ORDER BY month_start"
        ).fetchall()


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_non_state_statewide_trend_is_the_public_series_as_published(
    serving: Path, scope: Scope
) -> None:
    """Not the mart's sums (Jan employed 9) suppressed anew: the disclosure control's cells, so
    nothing shown can be combined with the other public tables to undo a suppression."""
    trend = shared_queries.workforce_trend(SnapshotReader(scope, serving, BUILD_ID))
    flags = [f"{m}_is_suppressed" for m in shared_queries.TREND_MEASURES]
    shown = [
        tuple(None if pd.isna(v) else v for v in row)
        for row in trend[[*shared_queries.TREND_MEASURES, *flags]].itertuples(index=False)
    ]

    assert shown == _public_series(
        serving, "active_certified_peers, employed_peers, active_certified_peers_is_suppressed, "
        "employed_peers_is_suppressed",
    )  # fmt: skip
    assert shown == [(25, None, False, True), (30, 22, False, False)]


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_non_state_statewide_detail_is_the_public_series_and_rates_of_it(
    serving: Path, scope: Scope
) -> None:
    detail = workforce_queries.workforce_detail(SnapshotReader(scope, serving, BUILD_ID))
    measures = ", ".join(shared_queries.WORKFORCE_DETAIL_MEASURES)

    assert [
        tuple(None if pd.isna(v) else v for v in row)
        for row in detail[list(shared_queries.WORKFORCE_DETAIL_MEASURES)].itertuples(index=False)
    ] == _public_series(serving, measures)
    assert detail["lapses_is_suppressed"].tolist() == [True, True]
    # Turnover over the published employed peers (the series has no average); a rate of a
    # suppressed count is suppressed with it.
    assert detail["turnover_rate"].isna().tolist() == [True, False]
    assert float(detail["turnover_rate"].iloc[1]) == round(11 / 22, 4)
    assert detail["turnover_rate_is_suppressed"].tolist() == [True, False]
    assert float(detail["peers_per_supervisor"].iloc[1]) == 2.0
    assert bool(detail["peers_per_supervisor_is_suppressed"].iloc[0])


def test_non_state_roles_read_no_internal_table_for_statewide_figures(serving: Path) -> None:
    """The statewide series is read from the public table alone, even with the mart gone."""
    tables = {k: v for k, v in TABLES.items() if k != "fct_workforce_monthly"}
    other = publish(serving.parent / "other", tables)

    assert shared_queries.workforce_trend(SnapshotReader(EVALUATOR, other, BUILD_ID))[
        "active_certified_peers"
    ].tolist() == [
        25,
        30,
    ]
    assert shared_queries.statewide_workforce_table(EVALUATOR) == "rpt_workforce_statewide_monthly"
    assert shared_queries.statewide_workforce_table(STATE) == "fct_workforce_monthly"


@pytest.mark.parametrize("scope", [STATE, ALAMEDA])
def test_feed_freshness_is_open_to_the_roles_reading_internal_data(
    serving: Path, scope: Scope
) -> None:
    freshness = shared_queries.feed_freshness(SnapshotReader(scope, serving, BUILD_ID))

    assert freshness["feed"].tolist() == ["claims", "employment"]
    # employment's only file was rejected: no data from it yet.
    assert [
        None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in freshness["latest_extract_date"]
    ] == [
        "2024-02-29",
        None,
    ]
    assert freshness["files"].tolist() == [2, 1]


def test_evaluators_get_no_feed_freshness(serving: Path) -> None:
    """Metadata of the internal feeds: not in the public folder, so not for evaluators."""
    with pytest.raises(AccessDenied):
        shared_queries.feed_freshness(SnapshotReader(EVALUATOR, serving, BUILD_ID))


def test_scorecard_counts_the_latest_result_of_each_rule_on_each_file(serving: Path) -> None:
    card = data_quality_queries.scorecard(SnapshotReader(STATE, serving, BUILD_ID))
    c1 = card.loc[card["check_id"] == "C1"].iloc[0]

    # claims_1 failed C1, then passed on a later check: its latest result is a pass.
    assert (int(c1["pass"]), int(c1["fail"]), int(c1["rows_violated"])) == (1, 1, 3)
    assert card["check_id"].tolist() == ["C1", "C2", "E1"]


def test_status_counts_per_feed_filtered_by_feed(serving: Path) -> None:
    everything = data_quality_queries.check_status_counts(SnapshotReader(STATE, serving, BUILD_ID))
    claims = data_quality_queries.check_status_counts(
        SnapshotReader(STATE, serving, BUILD_ID), "claims"
    )

    assert [tuple(r) for r in everything.itertuples(index=False)] == [
        ("claims", "fail", 1),
        ("claims", "not_applicable", 1),
        ("claims", "pass", 1),
        ("employment", "error", 1),
    ]
    assert set(claims["feed"]) == {"claims"}


def test_quarantine_counts_per_feed(serving: Path) -> None:
    frame = data_quality_queries.quarantine_by_feed(SnapshotReader(STATE, serving, BUILD_ID))

    assert [tuple(r) for r in frame.itertuples(index=False)] == [
        ("claims", 2, 15, 13, 2, 0),
        ("employment", 1, 0, 0, 0, 1),
    ]


def test_recent_files_newest_first(serving: Path) -> None:
    frame = data_quality_queries.recent_files(SnapshotReader(STATE, serving, BUILD_ID), limit=2)

    assert frame["file_name"].tolist() == ["claims_2.csv", "emp_1.csv"]


def test_cached_queries_do_not_leak_between_scopes(serving: Path) -> None:
    """Same SQL, different scopes: each gets its own rows (the scope is part of the cache key)."""
    sql = "SELECT count(DISTINCT county_fips) AS n FROM fct_workforce_monthly"
    tables = ("fct_workforce_monthly",)

    state = SnapshotReader(STATE, serving, BUILD_ID).query(sql, tables=tables)
    county = SnapshotReader(ALAMEDA, serving, BUILD_ID).query(sql, tables=tables)

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


PUBLIC = frozenset(name for name in [*TABLES, *PUBLIC_REFERENCE_TABLES] if is_public(name))


def test_unclassified_tables_are_state_only() -> None:
    assert readable(STATE, "dim_peers", PUBLIC)
    assert not readable(ALAMEDA, "dim_peers", PUBLIC)
    assert not readable(EVALUATOR, "fct_claim_lines", PUBLIC)
    assert readable(EVALUATOR, "rpt_complaints_by_county_quarter", PUBLIC)
    assert not readable(EVALUATOR, "fct_complaints_by_county_quarter", PUBLIC)
    assert readable(ALAMEDA, "fct_complaints_by_county_quarter", PUBLIC)


def test_a_table_is_public_by_its_manifest_folder_not_its_name() -> None:
    """An `rpt_` or `_public` name outside the public folder is internal; the folder decides."""
    assert not readable(EVALUATOR, "rpt_waiver_metrics", frozenset())
    assert not readable(ALAMEDA, "fct_complaints_by_county_quarter_public", PUBLIC)
    assert readable(EVALUATOR, "audit__disclosure_summary", PUBLIC)


def _views(serving: Path, scope: Scope) -> set[str]:
    """The views a query of `scope` can see (none named: all of the scope's are created)."""
    rows = _sql(serving, scope, "SELECT view_name FROM duckdb_views() WHERE NOT internal")
    return {str(row[0]) for row in rows}


def test_an_evaluators_views_are_the_public_folders_tables_only(serving_more: Path) -> None:
    manifest = json.loads((serving_more / BUILD_ID / "manifest.json").read_text())
    public = {name for name, entry in manifest["tables"].items() if entry["folder"] == "public"}

    views = _views(serving_more, EVALUATOR)

    assert views == public
    assert {"rpt_waiver_metrics", "rpt_workforce_statewide_monthly"} <= views
    assert "fct_workforce_monthly" in manifest["tables"]
    # A county user: the same public tables, its own county's detail and feed freshness.
    assert public < _views(serving_more, ALAMEDA)


@pytest.mark.parametrize("scope", [STATE, ALAMEDA, EVALUATOR])
def test_reference_tables_are_open_to_every_role(serving: Path, scope: Scope) -> None:
    assert readable(scope, "waiver_metrics_catalog", PUBLIC)
    rows = _sql(serving, scope, "SELECT count(*) FROM policy_parameters")

    assert rows == [(5,)]


def test_every_integrity_page_query_is_refused_to_evaluators(serving_more: Path) -> None:
    everything = integrity_queries.IntegrityFilter()
    reader = SnapshotReader(EVALUATOR, serving_more, BUILD_ID)
    calls = [
        lambda: integrity_queries.integrity_filter_options(reader),
        lambda: integrity_queries.integrity_totals(reader, everything),
        lambda: integrity_queries.integrity_findings_by_month(reader, everything),
        lambda: integrity_queries.integrity_finding_lines(reader, everything),
        lambda: integrity_queries.integrity_rollup(reader, everything, "organization_npi"),
        lambda: integrity_queries.claims_processing(reader, everything),
        lambda: integrity_queries.epsdt_exempt_lines(reader, everything),
    ]
    for call in calls:
        with pytest.raises(AccessDenied, match="Program integrity data is internal"):
            call()


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_certification_and_supervision_findings_are_state_only(serving: Path, scope: Scope) -> None:
    reader = SnapshotReader(scope, serving, BUILD_ID)
    with pytest.raises(AccessDenied, match="state analysts only"):
        integrity_queries.policy_findings(reader, integrity_queries.CERTIFICATION_FINDINGS_TABLE)
    with pytest.raises(AccessDenied, match="state analysts only"):
        integrity_queries.policy_findings_by_month(
            reader, integrity_queries.SUPERVISION_FINDINGS_TABLE
        )


def test_a_county_user_reads_its_own_countys_integrity_only(serving_more: Path) -> None:
    everything = integrity_queries.IntegrityFilter()
    county = SnapshotReader(ALAMEDA, serving_more, BUILD_ID)
    state = SnapshotReader(STATE, serving_more, BUILD_ID)

    lines = integrity_queries.integrity_finding_lines(county, everything)
    options = integrity_queries.integrity_filter_options(county)
    # Another county asked for by the filter: nothing, not Los Angeles' findings.
    other = integrity_queries.integrity_totals(
        county, integrity_queries.IntegrityFilter(county_fips="06037")
    ).iloc[0]

    assert set(lines["county_fips"]) == {"06001"}
    assert sorted(lines["rule_id"]) == ["BILL-01", "BILL-10"]
    assert options.loc[options["kind"] == "county", "value"].tolist() == ["06001"]
    assert int(other["findings"]) == 0
    assert set(integrity_queries.integrity_finding_lines(state, everything)["county_fips"]) == {
        "06001",
        "06037",
    }
    with pytest.raises(AccessDenied):
        run_query(serving_more, BUILD_ID, "SELECT 1", scope=ALAMEDA, tables=("fct_claim_lines",))


def test_disclosure_summary_orders_levels_state_region_county(serving: Path) -> None:
    summary = data_quality_queries.disclosure_summary(SnapshotReader(STATE, serving, BUILD_ID))

    assert summary["geography_level"].tolist() == ["state", "region", "county"]
    assert summary["audit_passed"].all()
    assert summary["suppressed_cells"].tolist() == [1, 6, 10]


# --- utilization and complaints pages -----------------------------------------------------------

# Alameda: 3 approved lines (2 beneficiaries, 1 under 21, 1 collateral) and a denied one;
# Los Angeles: 2 approved lines of one beneficiary (DMC_ODS, ASAM 2.1). Line 1 (under 21) is
# EPSDT-exempt (BILL-06); lines 2 and 5 carry findings (INTEGRITY).
CLAIM_LINES = """
    SELECT c AS claim_id, 1 AS line_number, b AS beneficiary_key, f AS county_fips,
        d AS delivery_system, 'H0038' AS hcpcs_code, 'in_person' AS modality,
        a AS age_group, a IN ('0-11', '12-17', '18-20') AS under_21, col AS is_collateral,
        loc AS level_of_care, CAST(m AS DATE) AS service_month, CAST(m AS DATE) AS service_date,
        1 AS units, 60 AS service_minutes, s AS claim_status, 'C-1' AS certificant_id,
        c IN ('2', '5') AS is_flagged, 'NPI-' || f AS organization_npi,
        'CPSS' || c AS rendering_certification_number,
        CAST(CASE WHEN s = 'approved' THEN 25 ELSE 0 END AS DECIMAL(12, 2)) AS approved_amount,
        c = '1' AS epsdt_exempt_opt_in
    FROM (VALUES
        ('1', 'B1', '06001', 'SMHS', '12-17', false, NULL, '2024-01-01', 'approved'),
        ('2', 'B2', '06001', 'SMHS', '21-34', true, NULL, '2024-01-01', 'approved'),
        ('3', 'B2', '06001', 'SMHS', '21-34', false, NULL, '2024-02-01', 'approved'),
        ('4', 'B3', '06001', 'SMHS', '21-34', false, NULL, '2024-02-01', 'denied'),
        ('5', 'B9', '06037', 'DMC_ODS', '35-49', false, '2.1', '2024-01-01', 'approved'),
        ('6', 'B9', '06037', 'DMC_ODS', '35-49', false, '2.1', '2024-02-01', 'approved')
    ) AS t(c, b, f, d, a, col, loc, m, s)
"""
# Alameda: two complaints, one late; Los Angeles: one.
COMPLAINTS = """
    SELECT i AS complaint_id, 'P-1' AS certificant_id, f AS county_fips,
        'ethics_boundary' AS allegation_category, CAST(r AS DATE) AS received_date,
        CAST(k AS DATE) AS acknowledged_date, CAST(NULL AS DATE) AS investigation_opened_date,
        CAST(v AS DATE) AS resolved_date, CAST(v AS DATE) AS closed_date, v IS NULL AS is_open,
        o AS outcome, 'none' AS most_severe_action, CAST(NULL AS DATE) AS appeal_filed_date,
        CAST(NULL AS VARCHAR) AS appeal_outcome, 3 AS business_days_to_acknowledge,
        ack AS acknowledged_on_time, CAST(r AS DATE) + 90 AS resolution_due_date,
        CAST(v AS DATE) - CAST(r AS DATE) AS days_to_resolve, res AS resolved_on_time,
        late AS is_late, CASE WHEN late THEN 'late_resolution' END AS late_reasons
    FROM (VALUES
        ('K1', '06001', '2024-01-10', '2024-01-11', '2024-03-01', 'dismissed', true, true, false),
        ('K2', '06001', '2024-02-10', '2024-02-12', '2024-07-01', 'substantiated', true, false,
            true),
        ('K3', '06037', '2024-01-15', '2024-01-16', NULL, 'pending', true, NULL, false)
    ) AS t(i, f, r, k, v, o, ack, res, late)
"""
# UT-02 by county: Los Angeles suppressed.
WAIVER_METRICS = """
    SELECT 'UT-02' AS metric_id, 'quarter' AS period_type, CAST('2024-01-01' AS DATE)
            AS period_start, CAST('2024-03-31' AS DATE) AS period_end, false AS is_partial_period,
        'county' AS geography_level, g AS geography_code, 'all' AS stratum_name,
        'all' AS stratum_value, CAST(n AS BIGINT) AS numerator, CAST(d AS BIGINT) AS denominator,
        CAST(r AS DECIMAL(18, 4)) AS rate, CAST(NULL AS DECIMAL(18, 4)) AS baseline_rate,
        n IS NULL AS numerator_is_suppressed, false AS denominator_is_suppressed,
        n IS NULL AS is_suppressed
    FROM (VALUES ('06001', 20, 400, 5.0), ('06037', NULL, 900, NULL)) AS t(g, n, d, r)
"""
# The internal aggregate of COMPLAINTS (state analysts' county table).
COMPLAINTS_BY_COUNTY = f"""
    SELECT CAST(date_trunc('quarter', received_date) AS DATE) AS quarter_start, county_fips,
        CASE county_fips WHEN '06001' THEN 'Alameda' ELSE 'Los Angeles' END AS county_name,
        count(*) AS complaints_received,
        count(*) FILTER (WHERE outcome = 'substantiated') AS complaints_substantiated,
        CAST(100.0 * count(*) FILTER (WHERE outcome = 'substantiated') / count(*)
            AS DECIMAL(5, 1)) AS substantiated_pct
    FROM ({COMPLAINTS}) GROUP BY ALL
"""
UTILIZATION_MONTHLY = f"""
    SELECT county_fips, service_month, delivery_system, hcpcs_code, modality, age_group,
        count(DISTINCT beneficiary_key) AS beneficiaries_served, count(*) AS services,
        sum(units) AS units, sum(service_minutes) AS service_minutes,
        CAST(25 * count(*) AS DECIMAL(14, 2)) AS approved_amount,
        count(*) FILTER (WHERE is_collateral) AS collateral_services
    FROM ({CLAIM_LINES}) WHERE claim_status = 'approved'
    GROUP BY ALL
"""
UTILIZATION_TABLES: dict[str, str] = {
    **TABLES,
    "fct_claim_lines": CLAIM_LINES,
    "fct_utilization_monthly": UTILIZATION_MONTHLY,
    "fct_complaints": COMPLAINTS,
    "rpt_waiver_metrics": WAIVER_METRICS,
    "fct_complaints_by_county_quarter": COMPLAINTS_BY_COUNTY,
}
JAN_FEB = utilization_queries.UtilizationFilter(date(2024, 1, 1), date(2024, 2, 1))
FIRST_HALF = complaints_queries.ComplaintsFilter(date(2024, 1, 1), date(2024, 6, 30))


@pytest.fixture
def serving_more(tmp_path: Path) -> Path:
    return publish(tmp_path / "serving", UTILIZATION_TABLES)


def test_claim_services_hold_approved_lines_without_peer_columns(serving_more: Path) -> None:
    frame = run_query(serving_more, BUILD_ID, f"SELECT * FROM {CLAIM_SERVICES_VIEW}", scope=STATE)

    assert len(frame) == 5
    assert "certificant_id" not in frame.columns and "is_flagged" not in frame.columns


def test_county_user_claim_services_are_its_own_county_only(serving_more: Path) -> None:
    rows = _sql(serving_more, ALAMEDA, f"SELECT DISTINCT county_fips FROM {CLAIM_SERVICES_VIEW}")

    assert rows == [("06001",)]
    assert not readable(ALAMEDA, "fct_claim_lines", PUBLIC)


def test_evaluator_gets_no_claim_services_at_all(serving_more: Path) -> None:
    assert not readable(EVALUATOR, CLAIM_SERVICES_VIEW, PUBLIC)
    with pytest.raises(duckdb.CatalogException):
        run_query(serving_more, BUILD_ID, f"SELECT * FROM {CLAIM_SERVICES_VIEW}", scope=EVALUATOR)
    with pytest.raises(AccessDenied, match="public, suppressed"):
        utilization_queries.utilization_summary(
            SnapshotReader(EVALUATOR, serving_more, BUILD_ID), JAN_FEB
        )


def test_utilization_summary_counts_distinct_beneficiaries_over_the_range(
    serving_more: Path,
) -> None:
    row = utilization_queries.utilization_summary(
        SnapshotReader(STATE, serving_more, BUILD_ID), JAN_FEB
    ).iloc[0]

    assert [int(row[c]) for c in ("beneficiaries_served", "under_21_served", "services")] == [
        3,
        1,
        5,
    ]
    assert int(row["collateral_services"]) == 1


def test_utilization_by_dimension_and_filters(serving_more: Path) -> None:
    january = utilization_queries.UtilizationFilter(date(2024, 1, 1), date(2024, 1, 1))
    by_month = utilization_queries.utilization_by(
        SnapshotReader(STATE, serving_more, BUILD_ID), JAN_FEB, "service_month"
    )
    asam = utilization_queries.utilization_by(
        SnapshotReader(STATE, serving_more, BUILD_ID),
        utilization_queries.UtilizationFilter(date(2024, 1, 1), date(2024, 2, 1), None, "DMC_ODS"),
        "level_of_care",
    )
    ages = utilization_queries.utilization_by(
        SnapshotReader(STATE, serving_more, BUILD_ID), january, "under_21"
    )

    assert by_month["services"].tolist() == [3, 2]
    assert by_month["beneficiaries_served"].tolist() == [3, 2]
    assert [
        tuple(r)
        for r in asam[["category", "services", "beneficiaries_served"]].itertuples(index=False)
    ] == [("2.1", 2, 1)]
    assert dict(zip(ages["category"], ages["beneficiaries_served"], strict=True)) == {
        "21 and over": 2,
        "Under 21": 1,
    }


@pytest.mark.parametrize("county", [None, "06037"])
def test_county_user_is_refused_statewide_or_another_countys_utilization(
    serving_more: Path, county: str | None
) -> None:
    selection = utilization_queries.UtilizationFilter(date(2024, 1, 1), date(2024, 2, 1), county)
    with pytest.raises(AccessDenied):
        utilization_queries.utilization_summary(
            SnapshotReader(ALAMEDA, serving_more, BUILD_ID), selection
        )
    with pytest.raises(AccessDenied):
        complaints_queries.complaints_summary(
            SnapshotReader(ALAMEDA, serving_more, BUILD_ID),
            complaints_queries.ComplaintsFilter(FIRST_HALF.start, FIRST_HALF.end, county),
        )


def test_county_user_gets_its_own_utilization(serving_more: Path) -> None:
    selection = utilization_queries.UtilizationFilter(date(2024, 1, 1), date(2024, 2, 1), "06001")
    row = utilization_queries.utilization_summary(
        SnapshotReader(ALAMEDA, serving_more, BUILD_ID), selection
    ).iloc[0]

    assert (int(row["beneficiaries_served"]), int(row["services"])) == (2, 3)
    assert utilization_queries.service_months(SnapshotReader(ALAMEDA, serving_more, BUILD_ID)) == [
        date(2024, 1, 1),
        date(2024, 2, 1),
    ]


def test_penetration_by_county_is_the_suppressed_public_metric_for_every_role(
    serving_more: Path,
) -> None:
    for scope in (STATE, ALAMEDA, EVALUATOR):
        frame = utilization_queries.penetration_by_county(
            SnapshotReader(scope, serving_more, BUILD_ID), "quarter", date(2024, 1, 1)
        )
        assert frame["county_name"].tolist() == ["Alameda", "Los Angeles"]
        assert frame["beneficiaries_served"].isna().tolist() == [False, True]
        assert frame["penetration_per_1000_is_suppressed"].tolist() == [False, True]
        assert frame["penetration_per_1000"].iloc[0] == 5.0


def test_fct_complaints_is_county_keyed(serving_more: Path) -> None:
    rows = _sql(serving_more, ALAMEDA, "SELECT complaint_id FROM fct_complaints ORDER BY 1")

    assert rows == [("K1",), ("K2",)]
    assert not readable(EVALUATOR, "fct_complaints", PUBLIC)
    with pytest.raises(AccessDenied):
        complaints_queries.complaints_summary(
            SnapshotReader(EVALUATOR, serving_more, BUILD_ID), FIRST_HALF
        )


def test_complaints_summary_course_and_timeliness(serving_more: Path) -> None:
    row = complaints_queries.complaints_summary(
        SnapshotReader(STATE, serving_more, BUILD_ID), FIRST_HALF
    ).iloc[0]

    assert {k: int(row[k]) for k in ("received", "acknowledged", "resolved", "still_open")} == {
        "received": 3,
        "acknowledged": 3,
        "resolved": 2,
        "still_open": 1,
    }
    # K3 is not judged on resolution yet: one of two judged complaints was on time.
    assert (int(row["resolved_on_time"]), int(row["resolution_judged"])) == (1, 2)
    assert int(row["late"]) == 1


def test_late_complaints_lists_only_the_late_ones_in_scope(serving_more: Path) -> None:
    own = complaints_queries.ComplaintsFilter(FIRST_HALF.start, FIRST_HALF.end, "06001")

    assert complaints_queries.late_complaints(SnapshotReader(ALAMEDA, serving_more, BUILD_ID), own)[
        "complaint_id"
    ].tolist() == ["K2"]
    by_quarter = complaints_queries.complaints_by_quarter(
        SnapshotReader(STATE, serving_more, BUILD_ID), FIRST_HALF
    )
    assert by_quarter["received"].tolist() == [3]


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_complaints_by_county_are_the_public_table_as_published(
    serving_more: Path, scope: Scope
) -> None:
    frame = complaints_queries.complaints_by_county(
        SnapshotReader(scope, serving_more, BUILD_ID), date(2024, 1, 1), date(2024, 1, 1)
    )

    assert frame["complaints_received"].isna().tolist() == [False, True]
    assert frame["complaints_received_is_suppressed"].tolist() == [False, True]
    assert "complaints_substantiated" not in frame.columns


def test_state_analyst_complaints_by_county_are_the_internal_aggregate(serving_more: Path) -> None:
    frame = complaints_queries.complaints_by_county(
        SnapshotReader(STATE, serving_more, BUILD_ID), date(2024, 1, 1), date(2024, 1, 1)
    )

    assert frame["complaints_received"].tolist() == [2, 1]
    assert frame["complaints_substantiated"].tolist() == [1, 0]
    assert not frame["complaints_received_is_suppressed"].any()


def test_utilization_by_county_sums_the_monthly_mart_within_the_scope(serving_more: Path) -> None:
    state = utilization_queries.utilization_by_county(
        SnapshotReader(STATE, serving_more, BUILD_ID), JAN_FEB
    )
    own = utilization_queries.UtilizationFilter(JAN_FEB.start, JAN_FEB.end, "06001")
    county = utilization_queries.utilization_by_county(
        SnapshotReader(ALAMEDA, serving_more, BUILD_ID), own
    )

    assert [
        tuple(r) for r in state[["county_fips", "county_name", "services"]].itertuples(index=False)
    ] == [("06001", "Alameda", 3), ("06037", "Los Angeles", 2)]
    assert county["county_fips"].tolist() == ["06001"]


# --- workforce page: map, statewide detail, pipeline and certification counts --------------------

# One month, five counties: fips, active, members, lapses, separations, average employed.
# Calaveras's public cells are suppressed (below): a Calaveras user sees them from this detail.
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
# A5: a grandparent application (CERT-08), certified with a passed exam and no training: counted
# over every pathway, "exam passed" would overtake "training completed" (issue 16).
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
    UNION ALL BY NAME
    SELECT 'A5' AS application_event_id, 'P5' AS certificant_id, '06001' AS county_fips,
        'grandparent' AS pathway, 'CERT-08' AS rule_id, CAST('2024-01-01' AS DATE) AS applied_on,
        CAST(NULL AS DATE) AS trained_on, CAST(1 AS BIGINT) AS exam_attempts,
        CAST(1 AS BIGINT) AS exams_passed, CAST('2024-02-05' AS DATE) AS exam_passed_on,
        CAST('2024-02-10' AS DATE) AS certified_on,
        CAST(NULL AS INTEGER) AS days_application_to_training,
        CAST(NULL AS INTEGER) AS days_training_to_exam_passed,
        CAST(5 AS INTEGER) AS days_exam_passed_to_certified,
        CAST(40 AS INTEGER) AS days_application_to_certified
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
# The county cells of WF-01 (active peers over the quarter, a count) and WF-03 (per 100,000
# members) as the disclosure control published them: Alpine a primary, Calaveras its complement.
# fips, WF-01, WF-03 (NULL: suppressed). Not the month's figures: the map must show these.
MAP_METRICS = """
    SELECT m AS metric_id, 'quarter' AS period_type, CAST('2024-01-01' AS DATE) AS period_start,
        CAST('2024-03-31' AS DATE) AS period_end, false AS is_partial_period,
        'county' AS geography_level, g AS geography_code, 'all' AS stratum_name,
        'all' AS stratum_value,
        CAST(CASE m WHEN 'WF-01' THEN n ELSE NULL END AS BIGINT) AS numerator,
        CAST(NULL AS BIGINT) AS denominator,
        CAST(CASE m WHEN 'WF-01' THEN n ELSE r END AS DECIMAL(18, 4)) AS rate,
        CAST(NULL AS DECIMAL(18, 4)) AS baseline_rate,
        n IS NULL AS numerator_is_suppressed, false AS denominator_is_suppressed,
        (CASE m WHEN 'WF-01' THEN n ELSE r END) IS NULL AS is_suppressed
    FROM (VALUES ('06001', 52, 4800.0), ('06003', NULL, NULL), ('06005', 0, 0.0),
                 ('06007', NULL, NULL), ('06009', 31, 4950.5)) AS t(g, n, r)
    CROSS JOIN (VALUES ('WF-01'), ('WF-03')) AS w(m)
"""
MAP_NAMES = """
    SELECT CAST('2024-01-01' AS DATE) AS quarter_start, CAST('2024-03-31' AS DATE) AS quarter_end,
        f AS county_fips, n AS county_name, CAST(0 AS BIGINT) AS complaints_received,
        false AS complaints_received_is_suppressed
    FROM (VALUES ('06001', 'Alameda'), ('06003', 'Alpine'), ('06005', 'Amador'),
                 ('06007', 'Calaveras'), ('06009', 'Colusa')) AS t(f, n)
"""
CALAVERAS = Scope(Role.COUNTY, "06007", "calaveras")
Q1 = date(2024, 1, 1)


@pytest.fixture
def map_serving(tmp_path: Path) -> Path:
    return publish(
        tmp_path / "serving",
        {
            "fct_workforce_monthly": MAP_WORKFORCE,
            "rpt_waiver_metrics": MAP_METRICS,
            "rpt_complaints_by_county_quarter": MAP_NAMES,
        },
    )


@pytest.fixture
def detail_serving(tmp_path: Path) -> Path:
    return publish(
        tmp_path / "serving",
        {
            **TABLES,
            "fct_certification_pipeline": PIPELINE,
            "fct_peer_certification_by_county": PEER_CERTIFICATION,
        },
    )


def _map(scope: Scope, serving: Path) -> dict[str, tuple[object, object]]:
    if scope.is_state:
        frame = workforce_queries.county_map(SnapshotReader(scope, serving, BUILD_ID))
    else:
        frame = workforce_queries.public_county_map(
            SnapshotReader(scope, serving, BUILD_ID), "quarter", Q1
        )
    return {
        str(r.county_fips): (
            None if pd.isna(r.active_certified_peers) else int(r.active_certified_peers),
            None if pd.isna(r.peers_per_100k_members) else float(r.peers_per_100k_members),
        )
        for r in frame.itertuples(index=False)
    }


def _published_map(serving: Path) -> dict[str, tuple[object, object]]:
    """WF-01's count and WF-03's rate per county, read straight from the public Parquet file."""
    parquet = serving / BUILD_ID / "public" / "rpt_waiver_metrics.parquet"
    with duckdb.connect(":memory:") as con:
        rows = con.execute(
            f"""
            SELECT geography_code, any_value(numerator) FILTER (WHERE metric_id = 'WF-01'),
                any_value(rate) FILTER (WHERE metric_id = 'WF-03')
            FROM read_parquet('{parquet}') GROUP BY geography_code
            """
        ).fetchall()
    return {
        str(fips): (None if n is None else int(n), None if r is None else float(r))
        for fips, n, r in rows
    }


def test_state_analyst_map_shows_every_county_in_the_latest_month(map_serving: Path) -> None:
    assert _map(STATE, map_serving) == {
        "06001": (50, 5000.0),
        "06003": (3, 600.0),
        "06005": (0, 0.0),
        "06007": (20, 400000.0),
        "06009": (30, 5000.0),
    }


def test_evaluator_map_is_the_published_county_cells(map_serving: Path) -> None:
    assert _map(EVALUATOR, map_serving) == _published_map(map_serving)
    frame = workforce_queries.public_county_map(
        SnapshotReader(EVALUATOR, map_serving, BUILD_ID), "quarter", Q1
    )
    hidden = frame.loc[frame["active_certified_peers_is_suppressed"], "county_fips"].tolist()
    assert hidden == ["06003", "06007"]
    assert frame["county_name"].tolist() == ["Alameda", "Alpine", "Amador", "Calaveras", "Colusa"]
    assert frame["detail_month"].isna().all()


def test_county_user_map_shows_other_counties_only_as_published(map_serving: Path) -> None:
    """Calaveras's own cell, suppressed in public, comes from its own detail (Feb, the last
    month of the quarter with data); every other county exactly as rpt_waiver_metrics has it."""
    shown = _map(CALAVERAS, map_serving)
    published = _published_map(map_serving)

    assert {f: v for f, v in shown.items() if f != "06007"} == {
        f: v for f, v in published.items() if f != "06007"
    }
    assert shown["06007"] == (20, 400000.0)
    frame = workforce_queries.public_county_map(
        SnapshotReader(CALAVERAS, map_serving, BUILD_ID), "quarter", Q1
    )
    own = frame.set_index("county_fips").loc["06007"]
    assert not own["active_certified_peers_is_suppressed"]
    assert pd.Timestamp(own["detail_month"]) == pd.Timestamp("2024-02-01")
    assert frame.loc[frame["county_fips"] != "06007", "detail_month"].isna().all()
    assert frame.loc[frame["county_fips"] == "06003", "active_certified_peers_is_suppressed"].all()


def test_county_user_whose_cell_is_published_sees_it_as_published(map_serving: Path) -> None:
    colusa = Scope(Role.COUNTY, "06009", "colusa")

    assert _map(colusa, map_serving) == _published_map(map_serving)


@pytest.mark.parametrize("scope", [CALAVERAS, EVALUATOR])
def test_the_monthly_county_map_is_for_state_analysts(map_serving: Path, scope: Scope) -> None:
    with pytest.raises(AccessDenied):
        workforce_queries.county_map(SnapshotReader(scope, map_serving, BUILD_ID))


def test_state_analyst_statewide_detail_sums_the_mart(map_serving: Path) -> None:
    state = workforce_queries.workforce_detail(SnapshotReader(STATE, map_serving, BUILD_ID)).iloc[0]

    assert (int(state["lapses"]), int(state["separations"])) == (4, 12)
    assert float(state["turnover_rate"]) == round(12 / 93.5, 4)
    assert float(state["peers_per_supervisor"]) == round(103 / 10, 2)
    assert not state[[f"{m}_is_suppressed" for m in shared_queries.WORKFORCE_DETAIL_MEASURES]].any()


def test_county_detail_is_unsuppressed_for_its_own_county(map_serving: Path) -> None:
    row = workforce_queries.workforce_detail(
        SnapshotReader(CALAVERAS, map_serving, BUILD_ID), "06007"
    ).iloc[0]

    assert (int(row["lapses"]), int(row["supervisors"])) == (1, 2)
    assert float(row["peers_per_100k_members"]) == 400000.0
    with pytest.raises(AccessDenied, match="06001"):
        workforce_queries.workforce_detail(
            SnapshotReader(CALAVERAS, map_serving, BUILD_ID), "06001"
        )


def test_pipeline_counts_stages_pass_rate_and_median_days(detail_serving: Path) -> None:
    row = workforce_queries.certification_pipeline(
        SnapshotReader(STATE, detail_serving, BUILD_ID), "06001"
    ).iloc[0]

    assert [int(row[c]) for c in ("applications", "trained", "exam_passed", "certified")] == [
        3,
        2,
        2,
        1,
    ]
    # Pass rate and median days: every pathway (the grandparent application A5 too).
    assert float(row["exam_pass_rate"]) == 0.6
    assert float(row["median_days_application_to_training"]) == 36.0
    assert float(row["median_days_training_to_exam_passed"]) == 39.5
    assert float(row["median_days_application_to_certified"]) == 55.0
    assert int(row["all_applications"]) == 4
    statewide = workforce_queries.certification_pipeline(
        SnapshotReader(STATE, detail_serving, BUILD_ID)
    ).iloc[0]
    assert int(statewide["applications"]) == 4
    assert int(statewide["all_applications"]) == 5


def test_pipeline_funnel_is_nested_and_other_pathways_are_shown_apart(
    detail_serving: Path,
) -> None:
    reader = SnapshotReader(STATE, detail_serving, BUILD_ID)
    row = workforce_queries.certification_pipeline(reader).iloc[0]
    pathways = workforce_queries.certification_pathways(reader, "06001")

    stages = [int(row[c]) for c in ("applications", "trained", "exam_passed", "certified")]
    assert stages == [4, 3, 3, 2]
    assert stages == sorted(stages, reverse=True)
    # Counted over every pathway, exam passed (4) would be above training completed (3).
    assert pathways.set_index("pathway").loc["grandparent"].tolist() == [1, 0, 1, 1]
    assert pathways["pathway"].tolist() == ["standard", "grandparent"]


def test_county_user_gets_its_own_pipeline_only(detail_serving: Path) -> None:
    row = workforce_queries.certification_pipeline(
        SnapshotReader(ALAMEDA, detail_serving, BUILD_ID), "06001"
    ).iloc[0]
    assert int(row["applications"]) == 3
    with pytest.raises(AccessDenied, match="06037"):
        workforce_queries.certification_pipeline(
            SnapshotReader(ALAMEDA, detail_serving, BUILD_ID), "06037"
        )
    rows = _sql(
        detail_serving, ALAMEDA, "SELECT DISTINCT county_fips FROM fct_certification_pipeline"
    )
    assert rows == [("06001",)]


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_statewide_person_level_detail_is_for_state_analysts(
    detail_serving: Path, scope: Scope
) -> None:
    with pytest.raises(AccessDenied, match="state analysts"):
        workforce_queries.certification_pipeline(SnapshotReader(scope, detail_serving, BUILD_ID))
    with pytest.raises(AccessDenied, match="state analysts"):
        workforce_queries.renewals_due(SnapshotReader(scope, detail_serving, BUILD_ID))


def test_evaluator_reads_neither_new_person_level_mart(detail_serving: Path) -> None:
    assert not readable(EVALUATOR, "fct_certification_pipeline", PUBLIC)
    assert not readable(EVALUATOR, "fct_peer_certification_by_county", PUBLIC)
    with pytest.raises(AccessDenied):
        workforce_queries.renewals_due(SnapshotReader(EVALUATOR, detail_serving, BUILD_ID), "06001")


def test_renewals_due_per_window_statewide_and_by_county(detail_serving: Path) -> None:
    statewide = workforce_queries.renewals_due(SnapshotReader(STATE, detail_serving, BUILD_ID))
    alameda = workforce_queries.renewals_due(
        SnapshotReader(ALAMEDA, detail_serving, BUILD_ID), "06001"
    )

    assert statewide[["window_days", "peers"]].values.tolist() == [[30, 1], [60, 6], [90, 15]]
    assert alameda["peers"].tolist() == [1, 4, 6]
    assert pd.Timestamp(alameda["as_of_date"].iloc[0]) == pd.Timestamp("2024-06-30")
