"""The workforce page, end to end: Streamlit server + headless Chromium on a published snapshot.

Expected numbers come from DuckDB reading the snapshot's Parquet directly (not through
`dashboards`), so the test checks the whole path: pointer → manifest → query → metric and chart
in the browser.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Locator, Page, expect

STATEWIDE_LABEL = "All counties (statewide)"


@dataclass(frozen=True)
class Latest:
    month: date
    active: int
    employed: int
    active_year_earlier: int | None
    employed_year_earlier: int | None


def _snapshot_parquet(warehouse_dir: Path) -> Path:
    serving = warehouse_dir / "serving"
    build_id = (serving / "current").read_text().strip()
    manifest = json.loads((serving / build_id / "manifest.json").read_text())
    return serving / build_id / manifest["tables"]["fct_workforce_monthly"]["file"]


def _latest(parquet: Path, county_fips: str | None = None) -> Latest:
    """Latest month's sums (statewide, or one county) and the same sums 12 months earlier."""
    where = "WHERE county_fips = $fips" if county_fips else ""
    with duckdb.connect(":memory:") as con:
        rows = con.execute(
            f"""
            WITH monthly AS (
                SELECT month_start,
                    sum(active_certified_peers) AS active, sum(employed_peers) AS employed
                FROM read_parquet($path) {where}
                GROUP BY month_start
            )
            SELECT m.month_start, m.active, m.employed, y.active, y.employed
            FROM monthly AS m
            LEFT JOIN monthly AS y ON y.month_start = m.month_start - INTERVAL 12 MONTH
            ORDER BY m.month_start DESC
            LIMIT 1
            """,
            {"path": str(parquet), **({"fips": county_fips} if county_fips else {})},
        ).fetchall()
    month, active, employed, active_before, employed_before = rows[0]
    return Latest(
        month=month,
        active=int(active),
        employed=int(employed),
        active_year_earlier=None if active_before is None else int(active_before),
        employed_year_earlier=None if employed_before is None else int(employed_before),
    )


def _statewide_series(parquet: Path) -> dict[str, list[int]]:
    with duckdb.connect(":memory:") as con:
        rows = con.execute(
            """
            SELECT sum(active_certified_peers), sum(employed_peers)
            FROM read_parquet($path) GROUP BY month_start ORDER BY month_start
            """,
            {"path": str(parquet)},
        ).fetchall()
    return {
        "Active certified peers": [int(r[0]) for r in rows],
        "Employed peers": [int(r[1]) for r in rows],
    }


def _busiest_county(parquet: Path) -> tuple[str, str]:
    """(fips, name) of the county with the most active certified peers in the latest month."""
    with duckdb.connect(":memory:") as con:
        rows = con.execute(
            """
            SELECT county_fips, county_name FROM read_parquet($path)
            WHERE month_start = (SELECT max(month_start) FROM read_parquet($path))
            ORDER BY active_certified_peers DESC, county_name
            LIMIT 1
            """,
            {"path": str(parquet)},
        ).fetchall()
    return str(rows[0][0]), str(rows[0][1])


def _metric(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stMetric").filter(has_text=label)


def _expect_metric(
    page: Page, label: str, latest: Latest, value: int, year_earlier: int | None
) -> None:
    metric = _metric(page, label)
    expect(metric.get_by_test_id("stMetricValue")).to_have_text(f"{value:,}")
    expect(metric.get_by_test_id("stMetricLabel")).to_contain_text(latest.month.strftime("%b %Y"))
    if year_earlier is not None and value != year_earlier:
        expect(metric.get_by_test_id("stMetricDelta")).to_contain_text(f"{value - year_earlier:+,}")


def _chart_series(page: Page) -> dict[str, list[int]]:
    """The y values of each trace, read from the Plotly graph div in the browser.

    Plotly 6+ sends numeric arrays base64-encoded; plotly.js keeps the decoded typed array in
    `_inputArray` next to `bdata`.
    """
    series: dict[str, list[int]] = page.evaluate(
        """() => Object.fromEntries(
            document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot').data
                .map(trace => [trace.name, Array.from(trace.y._inputArray ?? trace.y, Number)]))"""
    )
    return series


def _screenshot(page: Page, path: Path) -> None:
    """Whole page: Streamlit scrolls inside its app view, so first grow the viewport to fit."""
    size = page.viewport_size or {"width": 1400, "height": 1000}
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stAppViewContainer"]', '[data-testid="stMain"]']
            .map(sel => document.querySelector(sel)?.scrollHeight ?? 0))"""
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], int(height))})
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(size)


def _wait_for_chart(page: Page, traces: int) -> None:
    page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first.wait_for(state="visible")
    lines = page.locator(".js-plotly-plot .scatterlayer .trace path.js-line")
    expect(lines).to_have_count(traces)


def test_workforce_page_matches_snapshot(
    page: Page, streamlit_url: str, e2e_warehouse: Path, tmp_path: Path
) -> None:
    parquet = _snapshot_parquet(e2e_warehouse)
    statewide = _latest(parquet)

    started = time.perf_counter()
    page.goto(f"{streamlit_url}/workforce")
    _wait_for_chart(page, traces=2)
    print(f"\n[e2e] page load -> chart drawn {time.perf_counter() - started:.2f}s")

    expect(page.get_by_role("heading", name="Peer workforce")).to_be_visible()
    county_box = page.get_by_role("combobox", name="County")
    expect(county_box).to_have_value(STATEWIDE_LABEL)
    _expect_metric(
        page,
        "Active certified peers",
        statewide,
        statewide.active,
        statewide.active_year_earlier,
    )
    _expect_metric(
        page,
        "Employed peers",
        statewide,
        statewide.employed,
        statewide.employed_year_earlier,
    )
    assert _chart_series(page) == _statewide_series(parquet)
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    build_id = (e2e_warehouse / "serving" / "current").read_text().strip()
    expect(page.get_by_role("paragraph").filter(has_text="Snapshot")).to_contain_text(build_id)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    _screenshot(page, tmp_path / "workforce_statewide.png")

    fips, name = _busiest_county(parquet)
    county = _latest(parquet, fips)
    assert county.active != statewide.active, "fixture needs more than one county with peers"
    started = time.perf_counter()
    county_box.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).click()
    expect(county_box).to_have_value(name)
    _expect_metric(
        page,
        "Active certified peers",
        county,
        county.active,
        county.active_year_earlier,
    )
    _expect_metric(page, "Employed peers", county, county.employed, county.employed_year_earlier)
    print(f"[e2e] county selected -> metrics updated {time.perf_counter() - started:.2f}s")
    # During a rerun Streamlit may briefly keep the stale chart beside the new one.
    expect(page.get_by_test_id("stPlotlyChart").filter(has_text=name).first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    county_box.blur()
    _screenshot(page, tmp_path / "workforce_county.png")
    print(f"[e2e] screenshots in {tmp_path}")


@pytest.mark.parametrize("pointer", [None, ""])
def test_page_without_snapshot_tells_user_to_run_pipeline(
    pointer: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No `serving/current` (or an empty one): an info box pointing at `make run`, no traceback."""
    from streamlit.testing.v1 import AppTest

    if pointer is not None:
        (tmp_path / "serving").mkdir()
        (tmp_path / "serving" / "current").write_text(pointer)
    monkeypatch.setenv("PEERWH_WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.setenv("PEERWH_AUTH", "none")
    app_path = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
    at = AppTest.from_file(str(app_path), default_timeout=30).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    assert len(at.info) == 1
    assert "make run" in at.info[0].value
    assert not at.metric
