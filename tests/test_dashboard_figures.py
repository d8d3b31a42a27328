"""Dashboard building blocks on tiny hand-made frames: figures, headlines, snapshot queries."""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from peerwh.dashboards import shared_queries
from peerwh.dashboards.access import Role, Scope
from peerwh.dashboards.app_pages.complaints.figures import (
    COMPLAINT_COURSE_STAGES,
    complaint_course_figure,
    complaints_by_quarter_figure,
)
from peerwh.dashboards.app_pages.data_quality.figures import check_status_figure, quarantine_figure
from peerwh.dashboards.app_pages.data_quality.tables import quarantine_table
from peerwh.dashboards.app_pages.integrity import queries as integrity_queries
from peerwh.dashboards.app_pages.overview.tables import freshness_table
from peerwh.dashboards.app_pages.utilization.figures import (
    UTILIZATION_SERIES,
    utilization_trend_figure,
)
from peerwh.dashboards.app_pages.workforce.figures import (
    certification_activity_figure,
    certification_pipeline_figure,
    county_map_figure,
    peers_per_100k_figure,
    specializations_figure,
    supervisor_coverage_figure,
    turnover_figure,
)
from peerwh.dashboards.formatting import suppressed_labels
from peerwh.dashboards.metrics import last_months, latest_with_year_change
from peerwh.dashboards.shared_figures import (
    SUPPRESSION_FOOTNOTE,
    breakdown_bar_figure,
    workforce_trend_figure,
)
from peerwh.dashboards.snapshot import (
    SnapshotError,
    SnapshotReader,
    current_build_id,
    read_manifest,
    run_query,
)
from tests.test_dashboard_access import WORKFORCE_DETAIL_ZEROS

STATE = Scope(Role.STATE_ANALYST)


def _trend(months: list[str], active: list[int], employed: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month_start": pd.to_datetime(months),
            "active_certified_peers": active,
            "employed_peers": employed,
        }
    )


# --- figures ------------------------------------------------------------------------------------


def test_trend_figure_has_one_line_per_measure_with_the_exact_values() -> None:
    fig = workforce_trend_figure(_trend(["2024-01-01", "2024-02-01"], [10, 12], [4, 7]))

    assert [trace.name for trace in fig.data] == [
        "Active certified peers",
        "Employed peers",
    ]
    assert [list(trace.y) for trace in fig.data] == [[10, 12], [4, 7]]
    assert list(fig.data[0].x) == list(pd.to_datetime(["2024-01-01", "2024-02-01"]))


def test_trend_figure_plots_months_in_order_whatever_the_row_order() -> None:
    fig = workforce_trend_figure(
        _trend(["2024-03-01", "2024-01-01", "2024-02-01"], [3, 1, 2], [0, 0, 1])
    )

    assert list(fig.data[0].y) == [1, 2, 3]
    assert list(fig.data[1].y) == [0, 1, 0]


def test_trend_figure_title_names_the_area() -> None:
    fig = workforce_trend_figure(_trend(["2024-01-01"], [5], [2]), area="Alameda")

    assert fig.layout.title.text == "Peer workforce by month: Alameda"


def test_trend_figure_of_no_rows_says_so() -> None:
    fig = workforce_trend_figure(_trend([], [], []))

    assert [list(trace.y) for trace in fig.data] == [[], []]
    assert [a.text for a in fig.layout.annotations] == ["No data for this selection"]


# --- headline metrics ---------------------------------------------------------------------------


def test_headline_is_latest_month_with_change_from_twelve_months_earlier() -> None:
    months = pd.date_range("2023-01-01", "2024-03-01", freq="MS").strftime("%Y-%m-%d").tolist()
    active = list(range(100, 100 + len(months)))  # 100 in Jan 2023 ... 114 in Mar 2024
    headline = latest_with_year_change(
        _trend(months, active, [0] * len(months)), "active_certified_peers"
    )

    assert headline is not None
    assert headline.month == pd.Timestamp("2024-03-01")
    assert headline.value == 114
    assert headline.comparison_month == pd.Timestamp("2023-03-01")
    assert headline.delta == 114 - 102


def test_headline_has_no_delta_without_a_month_a_year_earlier() -> None:
    headline = latest_with_year_change(
        _trend(["2024-01-01", "2024-02-01"], [10, 12], [4, 7]), "employed_peers"
    )

    assert headline is not None
    assert (headline.value, headline.delta) == (7, None)


def test_headline_of_no_rows_is_none() -> None:
    assert latest_with_year_change(_trend([], [], []), "active_certified_peers") is None


# --- snapshot reading ---------------------------------------------------------------------------


def _publish(serving: Path, build_id: str, rows: list[tuple[str, str, str, int, int]]) -> None:
    """Write one snapshot of `fct_workforce_monthly` (month, fips, name, active, employed)."""
    folder = serving / build_id
    folder.mkdir(parents=True)
    frame = pd.DataFrame(
        rows,
        columns=[
            "month_start",
            "county_fips",
            "county_name",
            "active_certified_peers",
            "employed_peers",
        ],
    )
    with duckdb.connect(":memory:") as con:
        con.register("frame", frame)
        con.execute(
            f"""COPY (SELECT CAST(month_start AS DATE) AS month_start, county_fips, county_name,
                    'Region' AS region, active_certified_peers, employed_peers,
                    {WORKFORCE_DETAIL_ZEROS} FROM frame)
                TO '{folder / "fct_workforce_monthly.parquet"}' (FORMAT parquet)"""
        )
    manifest = {
        "build_id": build_id,
        "created_at": "2025-01-02T03:04:05+00:00",
        "tables": {
            "fct_workforce_monthly": {
                "file": "fct_workforce_monthly.parquet",
                "rows": len(rows),
            }
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (serving / "current").write_text(build_id)


ROWS = [
    ("2024-01-01", "06001", "Alameda", 10, 4),
    ("2024-01-01", "06003", "Alpine", 1, 0),
    ("2024-02-01", "06001", "Alameda", 12, 7),
    ("2024-02-01", "06003", "Alpine", 2, 1),
]


def test_no_pointer_means_nothing_published(tmp_path: Path) -> None:
    assert current_build_id(tmp_path / "serving") is None


def test_pointer_that_escapes_the_serving_dir_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "current").write_text("../elsewhere")

    with pytest.raises(SnapshotError):
        current_build_id(tmp_path)


def test_statewide_trend_sums_counties_per_month(tmp_path: Path) -> None:
    _publish(tmp_path, "b1", ROWS)
    build_id = current_build_id(tmp_path)
    assert build_id == "b1"

    trend = shared_queries.workforce_trend(SnapshotReader(STATE, tmp_path, build_id))

    assert trend["active_certified_peers"].tolist() == [11, 14]
    assert trend["employed_peers"].tolist() == [4, 8]


def test_county_trend_keeps_only_that_county(tmp_path: Path) -> None:
    _publish(tmp_path, "b1", ROWS)

    trend = shared_queries.workforce_trend(SnapshotReader(STATE, tmp_path, "b1"), "06003")

    assert trend["active_certified_peers"].tolist() == [1, 2]
    assert trend["employed_peers"].tolist() == [0, 1]


def test_query_reads_the_build_it_is_given(tmp_path: Path) -> None:
    _publish(tmp_path, "b1", ROWS)
    _publish(tmp_path, "b2", [("2024-01-01", "06001", "Alameda", 99, 9)])

    first = run_query(
        tmp_path,
        "b1",
        "SELECT sum(active_certified_peers) AS n FROM fct_workforce_monthly",
        scope=STATE,
    )
    second = run_query(
        tmp_path,
        "b2",
        "SELECT sum(active_certified_peers) AS n FROM fct_workforce_monthly",
        scope=STATE,
    )

    assert (int(first["n"].iloc[0]), int(second["n"].iloc[0])) == (25, 99)
    assert read_manifest(tmp_path, "b2").created_at_display() == "2025-01-02 03:04 UTC"


# --- suppressed cells, periods, data-quality figures and tables ---------------------------------


def test_trend_figure_leaves_gaps_for_suppressed_cells_and_says_why() -> None:
    frame = _trend(["2024-01-01", "2024-02-01"], [25, 30], [0, 0])
    frame["employed_peers"] = pd.array([None, 22], dtype="Int64")

    fig = workforce_trend_figure(frame)

    assert list(fig.data[0].y) == [25, 30]
    employed = list(fig.data[1].y)
    assert pd.isna(employed[0]) and employed[1] == 22
    assert [a.text for a in fig.layout.annotations] == [SUPPRESSION_FOOTNOTE]


def test_trend_figure_without_suppression_has_no_footnote() -> None:
    fig = workforce_trend_figure(_trend(["2024-01-01"], [5], [2]))

    assert not fig.layout.annotations


def test_headline_of_a_suppressed_latest_month_has_no_value_and_no_delta() -> None:
    months = ["2023-02-01", "2024-02-01"]
    frame = _trend(months, [40, 0], [0, 0])
    frame["active_certified_peers"] = pd.array([40, None], dtype="Int64")

    headline = latest_with_year_change(frame, "active_certified_peers")

    assert headline is not None
    assert (headline.value, headline.delta) == (None, None)


def test_headline_delta_is_none_when_the_year_earlier_cell_is_suppressed() -> None:
    frame = _trend(["2023-02-01", "2024-02-01"], [0, 40], [0, 0])
    frame["active_certified_peers"] = pd.array([None, 40], dtype="Int64")

    headline = latest_with_year_change(frame, "active_certified_peers")

    assert headline is not None
    assert (headline.value, headline.delta) == (40, None)


def test_last_months_keeps_the_latest_n_months() -> None:
    months = pd.date_range("2023-01-01", "2024-03-01", freq="MS").strftime("%Y-%m-%d").tolist()
    frame = _trend(months, list(range(len(months))), [0] * len(months))

    kept = last_months(frame, 12)

    assert pd.to_datetime(kept["month_start"]).min() == pd.Timestamp("2023-04-01")
    assert len(kept) == 12
    assert len(last_months(frame, None)) == len(months)


def _statuses(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["feed", "status", "results"])


def test_check_status_figure_has_one_stacked_trace_per_status_with_zeros_filled() -> None:
    fig = check_status_figure(
        _statuses([("employment", "error", 1), ("claims", "pass", 7), ("claims", "fail", 2)])
    )

    assert [t.name for t in fig.data] == ["Pass", "Fail", "Not applicable", "Error"]
    assert all(list(t.y) == ["claims", "employment"] for t in fig.data)
    assert [list(t.x) for t in fig.data] == [[7, 0], [2, 0], [0, 0], [0, 1]]
    assert fig.layout.barmode == "stack"


def test_check_status_figure_of_no_rows_says_so() -> None:
    fig = check_status_figure(_statuses([]))

    assert [a.text for a in fig.layout.annotations] == ["No rule results in this snapshot"]


def test_quarantine_figure_stacks_loaded_and_quarantined_rows_per_feed() -> None:
    frame = pd.DataFrame(
        {"feed": ["employment", "claims"], "rows_loaded": [5, 13], "rows_quarantined": [0, 2]}
    )

    fig = quarantine_figure(frame)

    assert [t.name for t in fig.data] == ["Rows loaded", "Rows quarantined"]
    assert [list(t.y) for t in fig.data] == [["claims", "employment"]] * 2
    assert [list(t.x) for t in fig.data] == [[13, 5], [2, 0]]


def test_freshness_table_formats_dates_and_counts() -> None:
    frame = pd.DataFrame(
        {
            "feed": ["claims"],
            "latest_extract_date": pd.to_datetime(["2024-02-29"]),
            "last_ingested_at": pd.to_datetime(["2024-03-01 10:05:59"]),
            "files": [1234],
        }
    )

    table = freshness_table(frame)

    assert table.index.tolist() == ["claims"]
    assert table.loc["claims"].tolist() == ["2024-02-29", "2024-03-01 10:05", "1,234"]


def test_quarantine_table_formats_counts_with_separators() -> None:
    frame = pd.DataFrame(
        {
            "feed": ["claims"],
            "files": [2],
            "rows_received": [15000],
            "rows_loaded": [14998],
            "rows_quarantined": [2],
            "files_rejected": [0],
        }
    )

    assert quarantine_table(frame).loc["claims"].tolist() == ["2", "15,000", "14,998", "2", "0"]


# --- Program integrity and waiver metrics: figures, tables, queries ------------------------------


def _findings(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["service_month", "rule_id", "findings", "approved_amount_at_risk"]
    ).assign(service_month=lambda f: pd.to_datetime(f["service_month"]))


def test_stacked_monthly_bars_has_one_trace_per_rule_with_its_months_in_order() -> None:
    from peerwh.dashboards.app_pages.integrity.figures import stacked_monthly_bars

    frame = _findings(
        [
            ("2024-02-01", "BILL-10", 2, 20.5),
            ("2024-01-01", "BILL-10", 1, 10.25),
            ("2024-01-01", "BILL-01", 3, 0.0),
        ]
    )
    fig = stacked_monthly_bars(
        frame, month="service_month", series="rule_id", value="findings", title="t", y_title="y"
    )

    assert [t.name for t in fig.data] == ["BILL-01", "BILL-10"]
    assert [list(t.y) for t in fig.data] == [[3], [1, 2]]
    assert list(fig.data[1].x) == list(pd.to_datetime(["2024-01-01", "2024-02-01"]))
    assert fig.layout.barmode == "stack"


def test_stacked_monthly_bars_in_dollars_keeps_the_cents() -> None:
    from peerwh.dashboards.app_pages.integrity.figures import stacked_monthly_bars

    fig = stacked_monthly_bars(
        _findings([("2024-01-01", "BILL-10", 1, 10.25), ("2024-02-01", "BILL-10", 2, 20.5)]),
        month="service_month",
        series="rule_id",
        value="approved_amount_at_risk",
        title="t",
        y_title="y",
        money=True,
    )

    assert list(fig.data[0].y) == [10.25, 20.5]
    assert fig.layout.yaxis.tickformat == "$,.0f"
    assert "$" in fig.data[0].hovertemplate


def test_stacked_monthly_bars_of_no_rows_says_so() -> None:
    from peerwh.dashboards.app_pages.integrity.figures import stacked_monthly_bars

    fig = stacked_monthly_bars(
        _findings([]), month="service_month", series="rule_id", value="findings", title="t",
        y_title="y",
    )  # fmt: skip

    assert not fig.data
    assert [a.text for a in fig.layout.annotations] == ["No data for this selection"]


def _waiver(rows: list[tuple[str, str, float | None, float | None, bool]]) -> pd.DataFrame:
    """(period_start, stratum_value, rate, baseline_rate, is_suppressed)."""
    frame = pd.DataFrame(
        rows, columns=["period_start", "stratum_value", "rate", "baseline_rate", "is_suppressed"]
    )
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["period_end"] = frame["period_start"] + pd.offsets.MonthEnd(0)
    frame["numerator"] = [None if s else 40 for s in frame["is_suppressed"]]
    frame["denominator"] = [None if s else 200 for s in frame["is_suppressed"]]
    frame["numerator_is_suppressed"] = frame["is_suppressed"]
    frame["denominator_is_suppressed"] = frame["is_suppressed"]
    frame["is_partial_period"] = False
    return frame


def test_waiver_figure_draws_the_rate_and_its_dashed_baseline() -> None:
    from peerwh.dashboards.app_pages.waiver_metrics.figures import waiver_metric_figure

    fig = waiver_metric_figure(
        _waiver(
            [("2024-02-01", "all", 25.0, 20.0, False), ("2024-01-01", "all", 20.0, 20.0, False)]
        ),
        "PI-01 · Complaints",
        "per 100 active peers",
    )

    assert [t.name for t in fig.data] == ["Rate", "Rate baseline"]
    assert list(fig.data[0].y) == [20.0, 25.0]
    assert list(fig.data[1].y) == [20.0, 20.0]
    assert fig.data[1].line.dash == "dash"
    assert fig.layout.yaxis.title.text == "per 100 active peers"
    assert not fig.layout.annotations


def test_waiver_figure_leaves_gaps_for_suppressed_rates_with_a_footnote() -> None:
    from peerwh.dashboards.app_pages.waiver_metrics.figures import (
        WAIVER_RATE_SUPPRESSED_FOOTNOTE,
        waiver_metric_figure,
    )

    fig = waiver_metric_figure(
        _waiver(
            [
                ("2024-01-01", "female", 20.0, None, False),
                ("2024-01-01", "male", None, None, True),
                ("2024-02-01", "male", 30.0, None, False),
            ]
        ),
        "m",
        "percent",
    )

    assert [t.name for t in fig.data] == ["female", "male"]  # no baseline published: none drawn
    assert math.isnan(fig.data[1].y[0]) and fig.data[1].y[1] == 30.0
    assert [a.text for a in fig.layout.annotations] == [WAIVER_RATE_SUPPRESSED_FOOTNOTE]


def test_waiver_table_marks_suppressed_cells_and_dashes_what_does_not_apply() -> None:
    from peerwh.dashboards.app_pages.waiver_metrics.tables import waiver_metric_table

    frame = _waiver(
        [("2024-01-01", "all", 1234.5, 1000.0, False), ("2024-02-01", "all", None, 1000.0, True)]
    )
    frame.loc[0, "denominator"] = None  # a plain count has no denominator

    shown = waiver_metric_table(frame, "Suppressed")

    assert shown.index.tolist() == ["2024-01-01 to 2024-01-31", "2024-02-01 to 2024-02-29"]
    assert shown.iloc[0].tolist() == ["all", "40", "–", "1,234.5", "1,000", ""]
    assert shown.iloc[1].tolist() == ["all", "Suppressed", "Suppressed", "Suppressed", "1,000", ""]


def test_integrity_rule_table_formats_counts_and_dollars() -> None:
    from peerwh.dashboards.app_pages.integrity.tables import integrity_rule_table

    frame = pd.DataFrame(
        {
            "rule_id": ["BILL-10"],
            "severity": ["flag"],
            "findings": [1200],
            "claim_lines": [1100],
            "approved_amount_at_risk": [12345.5],
        }
    )

    shown = integrity_rule_table(frame)

    assert shown.loc["BILL-10"].tolist() == ["Flag", "1,200", "1,100", "$12,345.50"]


# Two claim lines; line (C1, 1) breaks BILL-01 and BILL-10; (C2, 1) is in another county/month.
INTEGRITY_SNAPSHOT = {
    "fct_integrity_findings": """
        SELECT c AS claim_id, CAST(n AS INTEGER) AS line_number, r AS rule_id, 'flag' AS severity,
            'why' AS detail, CAST(a AS DECIMAL(12, 2)) AS approved_amount_at_risk
        FROM (VALUES ('C1', 1, 'BILL-01', 100.50), ('C1', 1, 'BILL-10', 100.50),
            ('C2', 1, 'BILL-10', 40.00)) AS t(c, n, r, a)
    """,
    "fct_claim_lines": """
        SELECT c AS claim_id, CAST(n AS INTEGER) AS line_number, 'k-' || c AS beneficiary_key,
            f AS county_fips, CAST(m AS DATE) AS service_month, CAST(m AS DATE) AS service_date,
            'SMHS' AS delivery_system, '1234567893' AS organization_npi,
            'CPSS1' AS rendering_certification_number, 'H0038' AS hcpcs_code,
            CAST(1 AS INTEGER) AS units, CAST(a AS DECIMAL(12, 2)) AS approved_amount,
            'in_person' AS modality, '21-34' AS age_group, false AS under_21,
            false AS is_collateral, CAST(NULL AS VARCHAR) AS level_of_care,
            60 AS service_minutes, 'approved' AS claim_status
        FROM (VALUES ('C1', 1, '06001', '2024-01-01', 100.50),
            ('C2', 1, '06037', '2024-03-01', 40.00)) AS t(c, n, f, m, a)
    """,
    "fct_certification_findings": """
        SELECT 'P1' AS certificant_id, e AS event_id, r AS rule_id, 'short' AS finding,
            CAST(d AS DATE) AS detected_on
        FROM (VALUES ('E1', 'CERT-03', '2024-01-15'), ('E2', 'CERT-04', '2024-03-02'))
            AS t(e, r, d)
    """,
}


@pytest.fixture
def integrity_serving(tmp_path: Path) -> Path:
    from tests.test_dashboard_access import publish

    return publish(tmp_path / "serving", INTEGRITY_SNAPSHOT)


def test_integrity_totals_count_a_line_with_two_rules_once(integrity_serving: Path) -> None:
    everything = integrity_queries.IntegrityFilter()
    totals = integrity_queries.integrity_totals(
        SnapshotReader(STATE, integrity_serving, "b1"), everything
    ).iloc[0]
    by_rule = integrity_queries.integrity_findings_by_rule(
        SnapshotReader(STATE, integrity_serving, "b1"), everything
    )

    assert (int(totals["findings"]), int(totals["claim_lines"])) == (3, 2)
    assert float(totals["approved_amount_at_risk"]) == 140.50
    assert by_rule["approved_amount_at_risk"].astype(float).tolist() == [100.50, 140.50]


def test_integrity_filters_by_rule_county_and_service_month(integrity_serving: Path) -> None:
    def months(**kwargs: object) -> list[tuple[str, str, int]]:
        selection = integrity_queries.IntegrityFilter(**kwargs)  # type: ignore[arg-type]
        frame = integrity_queries.integrity_findings_by_month(
            SnapshotReader(STATE, integrity_serving, "b1"), selection
        )
        return [
            (m.strftime("%Y-%m"), r, int(n))
            for m, r, n in frame[["service_month", "rule_id", "findings"]].itertuples(index=False)
        ]

    assert months() == [("2024-01", "BILL-01", 1), ("2024-01", "BILL-10", 1),
                        ("2024-03", "BILL-10", 1)]  # fmt: skip
    assert months(rules=("BILL-10",)) == [("2024-01", "BILL-10", 1), ("2024-03", "BILL-10", 1)]
    assert months(county_fips="06037") == [("2024-03", "BILL-10", 1)]
    assert months(first_month="2024-02-01", last_month="2024-03-01") == [("2024-03", "BILL-10", 1)]


def test_integrity_lines_show_the_beneficiary_key_only(integrity_serving: Path) -> None:
    lines = integrity_queries.integrity_finding_lines(
        SnapshotReader(STATE, integrity_serving, "b1"),
        integrity_queries.IntegrityFilter(rules=("BILL-10",)),
    )

    assert list(lines.columns) == list(integrity_queries.FINDING_LINE_COLUMNS)
    assert lines["claim_id"].tolist() == ["C1", "C2"]  # most money at risk first
    assert lines["beneficiary_key"].tolist() == ["k-C1", "k-C2"]


def test_certification_findings_by_month_respect_the_month_range(integrity_serving: Path) -> None:
    table = integrity_queries.CERTIFICATION_FINDINGS_TABLE
    everything = integrity_queries.policy_findings_by_month(
        SnapshotReader(STATE, integrity_serving, "b1"), table
    )
    to_february = integrity_queries.policy_findings_by_month(
        SnapshotReader(STATE, integrity_serving, "b1"), table, last_month="2024-02-01"
    )

    assert everything["rule_id"].tolist() == ["CERT-03", "CERT-04"]
    assert to_february["rule_id"].tolist() == ["CERT-03"]
    listed = integrity_queries.policy_findings(
        SnapshotReader(STATE, integrity_serving, "b1"), table
    )
    assert listed["event_id"].tolist() == ["E2", "E1"]  # newest first


# --- utilization and complaints pages -----------------------------------------------------------


def test_breakdown_bar_figure_keeps_the_order_and_exact_values() -> None:
    frame = pd.DataFrame({"category": ["SMHS", "DMC", "DMC_ODS"], "services": [120, 0, 45]})

    fig = breakdown_bar_figure(frame, "services", "Services by delivery system", "Services")

    assert list(fig.data[0].y) == [
        "Specialty Mental Health Services",
        "Drug Medi-Cal",
        "Drug Medi-Cal Organized Delivery System",
    ]
    assert list(fig.data[0].x) == [120.0, 0.0, 45.0]
    assert list(fig.data[0].text) == ["120", "0", "45"]
    assert not fig.layout.annotations


def test_breakdown_bar_figure_shows_suppressed_cells_without_any_number() -> None:
    frame = pd.DataFrame({"category": ["Alameda", "Alpine"], "rate": [4.25, None]}, dtype="object")

    fig = breakdown_bar_figure(frame, "rate", "Penetration", "Per 100", percent=True)

    assert list(fig.data[0].x) == [4.25, 0.0]
    assert list(fig.data[0].text) == ["4.2%", "Suppressed"]
    assert list(fig.data[0].customdata) == ["4.2%", "Suppressed"]
    assert any("RPT-03" in a.text for a in fig.layout.annotations)


def test_breakdown_bar_figure_of_no_rows_says_so() -> None:
    fig = breakdown_bar_figure(pd.DataFrame({"category": [], "n": []}), "n", "T", "N")

    assert [a.text for a in fig.layout.annotations] == ["No data for this selection"]


def test_utilization_trend_figure_plots_months_in_order() -> None:
    frame = pd.DataFrame(
        {
            "category": pd.to_datetime(["2024-02-01", "2024-01-01"]),
            "services": [7, 5],
            "beneficiaries_served": [3, 2],
        }
    )

    fig = utilization_trend_figure(frame, "Alameda")

    assert [t.name for t in fig.data] == list(UTILIZATION_SERIES.values())
    assert [list(t.y) for t in fig.data] == [[5, 7], [2, 3]]
    assert fig.layout.title.text == "Peer support services by month: Alameda"


def test_complaint_course_figure_is_a_funnel_of_the_stages() -> None:
    summary = pd.DataFrame(
        [{"received": 10, "acknowledged": 9, "investigated": 6, "resolved": 5, "closed": 4}]
    )

    fig = complaint_course_figure(summary)

    assert list(fig.data[0].y) == list(COMPLAINT_COURSE_STAGES.values())
    assert list(fig.data[0].x) == [10, 9, 6, 5, 4]


def test_complaints_by_quarter_figure_labels_quarters() -> None:
    frame = pd.DataFrame(
        {
            "quarter_start": pd.to_datetime(["2024-04-01", "2024-01-01"]),
            "received": [4, 3],
            "resolved": [2, 3],
            "late": [1, 0],
        }
    )

    fig = complaints_by_quarter_figure(frame)

    assert list(fig.data[0].x) == ["2024 Q1", "2024 Q2"]
    assert [list(t.y) for t in fig.data] == [[3, 4], [3, 2], [0, 1]]


def test_suppressed_labels_formats_values_and_marks_flagged_cells() -> None:
    frame = pd.DataFrame(
        {
            "county": ["A", "B", "C"],
            "n": [1200.0, None, 0.0],
            "n_is_suppressed": [False, True, False],
            "rate": [2.5, None, None],
            "rate_is_suppressed": [False, True, False],
        }
    )

    shown = suppressed_labels(frame, {"n": "{:,.0f}", "rate": "{:.2f}"})

    assert shown.columns.tolist() == ["county", "n", "rate"]
    assert shown["n"].tolist() == ["1,200", "Suppressed", "0"]
    # C's rate is NULL over a zero denominator: not suppressed, just empty.
    assert shown["rate"].tolist() == ["2.50", "Suppressed", "–"]


def test_breakdown_bar_figure_tells_a_rate_over_zero_from_a_suppressed_one() -> None:
    frame = pd.DataFrame(
        {
            "category": ["Alpine", "Amador", "Butte"],
            "rate": [None, None, 2.0],
            "rate_is_suppressed": [False, True, False],
        }
    )

    fig = breakdown_bar_figure(frame, "rate", "Penetration", "Per 100")

    assert list(fig.data[0].text) == ["–", "Suppressed", "2"]
    assert list(fig.data[0].x) == [0.0, 0.0, 2.0]


# --- workforce page figures ----------------------------------------------------------------------


def _months(*months: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(months)))


def test_pipeline_figure_is_a_funnel_of_the_four_stages() -> None:
    frame = pd.DataFrame(
        {"applications": [40], "trained": [30], "exam_passed": [25], "certified": [22]}
    )

    fig = certification_pipeline_figure(frame, "Alameda")

    (funnel,) = fig.data
    assert funnel.type == "funnel"
    assert list(funnel.y) == ["Applications", "Training completed", "Exam passed", "Certified"]
    assert list(funnel.x) == [40, 30, 25, 22]
    assert fig.layout.title.text == "Certification pipeline, standard pathway (CERT-03): Alameda"
    assert not fig.layout.annotations
    # Counts with separators, not plotly's `20.848k`.
    assert funnel.texttemplate == "%{value:,}<br>%{percentInitial:.1%}"
    assert funnel.textinfo is None


def test_pipeline_figure_refuses_stages_that_are_not_nested() -> None:
    # The defect of issue 16: exam passed (94%) above training (83%).
    frame = pd.DataFrame(
        {"applications": [100], "trained": [83], "exam_passed": [94], "certified": [80]}
    )

    with pytest.raises(ValueError, match="not nested"):
        certification_pipeline_figure(frame)


def test_pipeline_figure_without_applications_says_so() -> None:
    frame = pd.DataFrame(
        {"applications": [0], "trained": [0], "exam_passed": [0], "certified": [0]}
    )

    fig = certification_pipeline_figure(frame)

    assert [a.text for a in fig.layout.annotations] == ["No data for this selection"]


def test_activity_figure_has_a_bar_series_per_activity_with_gaps_for_suppressed_cells() -> None:
    frame = pd.DataFrame(
        {
            "month_start": _months("2024-02-01", "2024-01-01"),
            "new_certifications": [12, 11],
            "renewals": [20, 30],
            "reinstatements": pd.array([None, 0], dtype="Int64"),
            "lapses": [14, 15],
        }
    )

    fig = certification_activity_figure(frame)

    assert [t.name for t in fig.data] == [
        "New certifications",
        "Renewals",
        "Reinstatements",
        "Lapses",
    ]
    assert [list(t.y) for t in fig.data] == [[11, 12], [30, 20], [0, None], [15, 14]]
    assert fig.layout.barmode == "group"
    assert [a.text for a in fig.layout.annotations] == [SUPPRESSION_FOOTNOTE]


def test_specializations_figure_lists_the_most_held_first() -> None:
    frame = pd.DataFrame({"category": ["crisis", "forensic", "homelessness"], "peers": [5, 9, 5]})

    fig = specializations_figure(frame, "Statewide")

    assert list(fig.data[0].y) == ["Forensic (justice-involved)", "Crisis", "Homelessness"]
    assert list(fig.data[0].x) == [9, 5, 5]


def test_supervisor_and_turnover_figures_plot_the_rates_by_month() -> None:
    frame = pd.DataFrame(
        {
            "month_start": _months("2024-01-01", "2024-02-01"),
            "peers_per_supervisor": [2.5, None],
            "turnover_rate": [0.05, 0.1],
        }
    )

    coverage = supervisor_coverage_figure(frame, "Alameda")
    turnover = turnover_figure(frame, "Alameda")

    assert list(coverage.data[0].y) == [2.5, None]
    assert coverage.layout.title.text == "Supervisor coverage: Alameda"
    assert list(turnover.data[0].y) == [0.05, 0.1]
    assert turnover.layout.yaxis.tickformat == ".1%"
    assert [a.text for a in turnover.layout.annotations] == []


def test_peers_per_100k_figure_sets_the_county_against_the_state() -> None:
    county = pd.DataFrame(
        {"month_start": _months("2024-01-01", "2024-02-01"), "peers_per_100k_members": [50.0, 60.0]}
    )
    state = pd.DataFrame(
        {"month_start": _months("2024-01-01", "2024-02-01"), "peers_per_100k_members": [40.0, 45.5]}
    )

    fig = peers_per_100k_figure(county, state, "Alameda")
    statewide = peers_per_100k_figure(state, state)

    assert {t.name: list(t.y) for t in fig.data} == {
        "Alameda": [50.0, 60.0],
        "Statewide": [40.0, 45.5],
    }
    assert fig.layout.title.text.endswith("Alameda and the state")
    assert [t.name for t in statewide.data] == ["Statewide"]


GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": fips,
            "properties": {"fips": fips, "name": fips},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        }
        for fips in ("06001", "06003", "06005")
    ],
}


def test_county_map_colors_shown_counties_and_greys_suppressed_ones_without_their_value() -> None:
    frame = pd.DataFrame(
        {
            "county_fips": ["06001", "06003", "06005"],
            "county_name": ["Alameda", "Alpine", "Amador"],
            "active_certified_peers": pd.array([50, None, 0], dtype="Int64"),
            "active_certified_peers_is_suppressed": [False, True, False],
        }
    )

    fig = county_map_figure(frame, GEOJSON, "active_certified_peers")

    shown, hidden = fig.data
    assert (shown.type, shown.featureidkey) == ("choropleth", "properties.fips")
    assert dict(zip(shown.locations, shown.z, strict=True)) == {"06001": 50.0, "06005": 0.0}
    assert hidden.name == "Suppressed"
    assert list(hidden.locations) == ["06003"]
    assert list(hidden.z) == [0.0]
    assert all(text.endswith(": suppressed") for text in hidden.text)
    assert fig.layout.geo.fitbounds == "locations"
    assert any("1 to 10" in a.text for a in fig.layout.annotations)


def test_county_map_without_suppression_has_one_trace() -> None:
    frame = pd.DataFrame(
        {
            "county_fips": ["06001"],
            "county_name": ["Alameda"],
            "peers_per_100k_members": [12.5],
            "peers_per_100k_members_is_suppressed": [False],
        }
    )

    fig = county_map_figure(frame, GEOJSON, "peers_per_100k_members")

    assert [t.name for t in fig.data] == ["Peers per 100,000 Medi-Cal members"]
    assert list(fig.data[0].z) == [12.5]
    assert not fig.layout.annotations


def test_county_map_tells_no_data_apart_from_suppressed() -> None:
    frame = pd.DataFrame(
        {
            "county_fips": ["06001", "06003"],
            "county_name": ["Alameda", "Alpine"],
            "peers_per_100k_members": [12.5, None],
            "peers_per_100k_members_is_suppressed": [False, False],
        }
    )

    fig = county_map_figure(frame, GEOJSON, "peers_per_100k_members")

    assert [t.name for t in fig.data] == ["Peers per 100,000 Medi-Cal members", "No data"]
    assert list(fig.data[1].locations) == ["06003"]
    assert all(text.endswith(": no data") for text in fig.data[1].text)
    assert not fig.layout.annotations
