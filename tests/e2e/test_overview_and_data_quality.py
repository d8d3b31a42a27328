"""Overview and Data quality pages, end to end in demo mode (a state analyst).

Expected numbers come from DuckDB reading the snapshot's Parquet files directly.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from peerwh.config import FEEDS
from peerwh.dashboards.labels import label
from tests.e2e.conftest import snapshot_table
from tests.e2e.helpers import (
    DEMO_BANNER_TEXT,
    chart_traces,
    metric_value,
    no_exception,
    screenshot,
    sql,
    table_rows,
    table_with,
    wait_for_charts,
)

TABLES = (
    "fct_workforce_monthly",
    "audit__ingest_files",
    "audit__check_results",
    "audit__disclosure_summary",
    "audit__source_freshness",
)
LATEST_RESULTS = """
    WITH latest AS (
        SELECT * FROM audit__check_results
        QUALIFY row_number() OVER (
            PARTITION BY feed, file_name, check_id ORDER BY checked_at DESC) = 1
    )
"""


@pytest.fixture(scope="module")
def parquet(e2e_warehouse: Path) -> dict[str, Path]:
    return {name: snapshot_table(e2e_warehouse, name) for name in TABLES}


def _statewide(parquet: dict[str, Path], months: int | None) -> dict[str, list[int]]:
    rows = sql(
        parquet,
        """
        SELECT month_start, sum(active_certified_peers), sum(employed_peers)
        FROM fct_workforce_monthly GROUP BY month_start ORDER BY month_start
        """,
    )
    rows = rows[-months:] if months else rows
    return {
        "Active certified peers": [int(r[1]) for r in rows],
        "Employed peers": [int(r[2]) for r in rows],
    }


def _y_values(page: Page) -> dict[str, list[int]]:
    return {name: [int(v) for v in trace["y"]] for name, trace in chart_traces(page).items()}


def test_overview_matches_snapshot_and_period_filter_changes_the_chart(
    page: Page, streamlit_url: str, e2e_warehouse: Path, parquet: dict[str, Path], tmp_path: Path
) -> None:
    build_id = (e2e_warehouse / "serving" / "current").read_text().strip()
    last_12 = _statewide(parquet, 12)
    everything = _statewide(parquet, None)
    assert len(everything["Employed peers"]) > 12, "fixture needs more than a year of months"

    started = time.perf_counter()
    page.goto(streamlit_url)
    wait_for_charts(page)
    print(f"\n[e2e] overview load -> chart drawn {time.perf_counter() - started:.2f}s")

    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_text(DEMO_BANNER_TEXT)).to_be_visible()
    expect(metric_value(page, "Build")).to_have_text(build_id)
    expect(metric_value(page, "Active certified peers")).to_have_text(
        f"{last_12['Active certified peers'][-1]:,}"
    )
    expect(metric_value(page, "Employed peers")).to_have_text(f"{last_12['Employed peers'][-1]:,}")
    assert _y_values(page) == last_12

    freshness = sql(
        parquet,
        """
        SELECT feed,
            coalesce(strftime(
                max(extract_date) FILTER (WHERE status <> 'rejected'), '%Y-%m-%d'), ''),
            count(*)
        FROM audit__ingest_files GROUP BY feed ORDER BY feed
        """,
    )
    rows = table_rows(page.get_by_test_id("stTable"))
    assert [(r[0], r[1], r[3]) for r in rows] == [(f, d, f"{n:,}") for f, d, n in freshness]
    no_exception(page)
    screenshot(page, tmp_path / "overview.png")

    page.get_by_role("combobox", name="Period").click()
    page.get_by_role("option", name="All months").click()
    expect(page.get_by_role("combobox", name="Period")).to_have_value("All months")
    points = page.locator(".js-plotly-plot .scatterlayer .trace").first.locator(".points path")
    expect(points).to_have_count(len(everything["Employed peers"]))
    assert _y_values(page) == everything
    no_exception(page)


def _status_counts(parquet: dict[str, Path], feed: str | None) -> dict[str, dict[str, int]]:
    where = f"WHERE feed = '{feed}'" if feed else ""
    rows = sql(
        parquet,
        f"{LATEST_RESULTS} SELECT feed, status, count(*) FROM latest {where} GROUP BY ALL",
    )
    counts: dict[str, dict[str, int]] = {}
    for feed_name, status, n in rows:
        counts.setdefault(str(feed_name), {})[str(status)] = int(n)
    return counts


def _chart_status_counts(page: Page) -> dict[str, dict[str, int]]:
    labels = {"Pass": "pass", "Fail": "fail", "Not applicable": "not_applicable", "Error": "error"}
    counts: dict[str, dict[str, int]] = {}
    for name, trace in chart_traces(page, 0).items():
        for feed, value in zip(trace["y"], trace["x"], strict=True):
            if int(value):
                counts.setdefault(str(feed), {})[labels[name]] = int(value)
    return counts


def _quarantine(parquet: dict[str, Path], feed: str | None) -> list[list[str]]:
    where = f"WHERE feed = '{feed}'" if feed else ""
    rows = sql(
        parquet,
        f"""
        SELECT feed, count(*), sum(rows_received), sum(rows_loaded), sum(rows_quarantined),
            count(*) FILTER (WHERE status = 'rejected')
        FROM audit__ingest_files {where} GROUP BY feed ORDER BY feed
        """,
    )
    return [[str(r[0]), *(f"{int(v or 0):,}" for v in r[1:])] for r in rows]


def test_data_quality_matches_snapshot_and_feed_filter_changes_it(
    page: Page, streamlit_url: str, parquet: dict[str, Path], tmp_path: Path
) -> None:
    started = time.perf_counter()
    page.goto(f"{streamlit_url}/data_quality")
    wait_for_charts(page, 2)
    print(f"\n[e2e] data quality load -> charts drawn {time.perf_counter() - started:.2f}s")

    expect(page.get_by_role("heading", name="Data quality")).to_be_visible()
    expect(page.get_by_text(DEMO_BANNER_TEXT)).to_be_visible()
    files, quarantined = sql(
        parquet, "SELECT count(*), sum(rows_quarantined) FROM audit__ingest_files"
    )[0]
    failed = sql(parquet, f"{LATEST_RESULTS} SELECT count(*) FROM latest WHERE status = 'fail'")
    expect(metric_value(page, "Files ingested")).to_have_text(f"{files:,}")
    expect(metric_value(page, "Rows quarantined")).to_have_text(f"{int(quarantined):,}")
    expect(metric_value(page, "Failed rule results")).to_have_text(f"{failed[0][0]:,}")
    assert _chart_status_counts(page) == _status_counts(parquet, None)
    assert table_rows(table_with(page, "Rows quarantined")) == _quarantine(parquet, None)
    no_exception(page)
    screenshot(page, tmp_path / "data_quality.png")

    feed = "claims"
    claims_files = sql(parquet, f"SELECT count(*) FROM audit__ingest_files WHERE feed = '{feed}'")
    page.get_by_role("combobox", name="Feed").click()
    page.get_by_role("option", name=feed, exact=True).click()
    expect(metric_value(page, "Files ingested")).to_have_text(f"{claims_files[0][0]:,}")
    expect(table_with(page, "Rows quarantined").locator("tbody tr")).to_have_count(1)
    assert table_rows(table_with(page, "Rows quarantined")) == _quarantine(parquet, feed)
    wait_for_charts(page, 2)
    assert _chart_status_counts(page) == _status_counts(parquet, feed)
    no_exception(page)


def _disclosure_rows(parquet: dict[str, Path]) -> list[list[str]]:
    """The audit's loss per quantity and level as the page's table shows it (state, region,
    county within a quantity)."""
    rows = sql(
        parquet,
        """
        SELECT quantity, geography_level, cells, primaries, complements, suppressed_cells,
            cells_suppressed_share, value_suppressed_share, failures
        FROM audit__disclosure_summary
        ORDER BY quantity, list_position(['state', 'region', 'county'], geography_level)
        """,
    )
    return [
        [
            label(q),
            label(level),
            *(f"{int(n):,}" for n in (c, p, k, s)),
            f"{cs:.1%}",
            f"{vs:.1%}",
            f"{int(f):,}",
        ]
        for q, level, c, p, k, s, cs, vs, f in rows
    ]


def test_data_quality_shows_the_disclosure_audit_verdict_and_loss(
    page: Page, streamlit_url: str, parquet: dict[str, Path], tmp_path: Path
) -> None:
    """RPT-03: whether the audit of every public table together passed, when, and the
    information lost per quantity and geography level (audit__disclosure_summary)."""
    ((passed, checked_at, cells, hidden),) = sql(
        parquet,
        """
        SELECT bool_and(audit_passed), strftime(max(checked_at), '%Y-%m-%d %H:%M'),
            sum(cells), sum(suppressed_cells)
        FROM audit__disclosure_summary
        """,
    )
    page.goto(f"{streamlit_url}/data_quality")
    expect(page.get_by_role("heading", name="Disclosure control (RPT-03)")).to_be_visible()

    expect(metric_value(page, "Disclosure audit")).to_have_text("Passed" if passed else "Failed")
    expect(metric_value(page, "Audited")).to_contain_text(checked_at)
    expect(metric_value(page, "Public cells")).to_have_text(f"{int(cells):,}")
    expect(metric_value(page, "Cells suppressed")).to_have_text(f"{hidden / cells:.1%}")
    loss = table_with(page, "Share of cells suppressed")
    expect(loss).to_have_count(1)
    assert table_rows(loss) == _disclosure_rows(parquet)
    no_exception(page)
    screenshot(page, tmp_path / "data_quality_disclosure.png")


def test_data_quality_shows_whether_every_feed_was_delivered_on_time(
    page: Page, streamlit_url: str, parquet: dict[str, Path]
) -> None:
    """dbt source freshness against each contract's delivery frequency, one row per feed."""
    rows = sql(parquet, "SELECT feed, status FROM audit__source_freshness ORDER BY feed")
    page.goto(f"{streamlit_url}/data_quality")
    expect(page.get_by_role("heading", name="Deliveries on time")).to_be_visible()
    if all(status == "on_time" for _, status in rows):
        expect(page.get_by_text("Every feed was delivered within the frequency")).to_be_visible()
    else:
        expect(page.get_by_text("Late:")).to_be_visible()
    assert [feed for feed, _ in rows] == sorted(FEEDS)
    no_exception(page)


@pytest.mark.parametrize("path", ["", "/workforce", "/data_quality"])
def test_demo_banner_on_every_page(page: Page, streamlit_url: str, path: str) -> None:
    page.goto(f"{streamlit_url}{path}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    banner = page.get_by_test_id("stAlert").filter(has_text=DEMO_BANNER_TEXT)
    expect(banner).to_contain_text("signed in as a state analyst")
    expect(page.get_by_text("Signed in as demo")).to_be_visible()
