"""Dashboard building blocks on tiny hand-made frames: figures, headlines, snapshot queries."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboards import queries
from dashboards.figures import workforce_trend_figure
from dashboards.metrics import latest_with_year_change
from dashboards.snapshot import (
    SnapshotError,
    current_build_id,
    read_manifest,
    run_query,
)


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
                    'Region' AS region, active_certified_peers, employed_peers FROM frame)
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

    trend = queries.workforce_trend(tmp_path, build_id)

    assert trend["active_certified_peers"].tolist() == [11, 14]
    assert trend["employed_peers"].tolist() == [4, 8]


def test_county_trend_keeps_only_that_county(tmp_path: Path) -> None:
    _publish(tmp_path, "b1", ROWS)

    trend = queries.workforce_trend(tmp_path, "b1", "06003")

    assert trend["active_certified_peers"].tolist() == [1, 2]
    assert trend["employed_peers"].tolist() == [0, 1]


def test_query_reads_the_build_it_is_given(tmp_path: Path) -> None:
    _publish(tmp_path, "b1", ROWS)
    _publish(tmp_path, "b2", [("2024-01-01", "06001", "Alameda", 99, 9)])

    first = run_query(
        tmp_path,
        "b1",
        "SELECT sum(active_certified_peers) AS n FROM fct_workforce_monthly",
    )
    second = run_query(
        tmp_path,
        "b2",
        "SELECT sum(active_certified_peers) AS n FROM fct_workforce_monthly",
    )

    assert (int(first["n"].iloc[0]), int(second["n"].iloc[0])) == (25, 99)
    assert read_manifest(tmp_path, "b2").created_at_display() == "2025-01-02 03:04 UTC"
