"""Dashboard building blocks on tiny hand-made frames: figures, headlines, snapshot queries."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboards import queries
from dashboards.access import Role, Scope
from dashboards.figures import (
    SUPPRESSION_FOOTNOTE,
    certification_activity_figure,
    certification_pipeline_figure,
    check_status_figure,
    county_map_figure,
    peers_per_100k_figure,
    quarantine_figure,
    specializations_figure,
    supervisor_coverage_figure,
    turnover_figure,
    workforce_trend_figure,
)
from dashboards.metrics import last_months, latest_with_year_change
from dashboards.snapshot import (
    SnapshotError,
    current_build_id,
    read_manifest,
    run_query,
)
from dashboards.tables import freshness_table, quarantine_table
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

    trend = queries.workforce_trend(STATE, tmp_path, build_id)

    assert trend["active_certified_peers"].tolist() == [11, 14]
    assert trend["employed_peers"].tolist() == [4, 8]


def test_county_trend_keeps_only_that_county(tmp_path: Path) -> None:
    _publish(tmp_path, "b1", ROWS)

    trend = queries.workforce_trend(STATE, tmp_path, "b1", "06003")

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


# --- workforce page figures (issue 4) ------------------------------------------------------------


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
    assert fig.layout.title.text == "Certification pipeline: Alameda"
    assert not fig.layout.annotations


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

    assert list(fig.data[0].y) == ["forensic", "crisis", "homelessness"]
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
    assert "suppressed" in hidden.hovertemplate
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
    assert "no data" in fig.data[1].hovertemplate
    assert not fig.layout.annotations
