"""Browser-side readers shared by the e2e tests: charts, tables, metrics, expected values."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import duckdb
from playwright.sync_api import Locator, Page, expect

DEMO_BANNER_TEXT = "Demo mode (PEERWH_AUTH=none)"


def sql(parquet_by_name: dict[str, Path], query: str) -> list[tuple[Any, ...]]:
    """Run `query` over `read_parquet` views named like the snapshot tables, not via dashboards."""
    with duckdb.connect(":memory:") as con:
        for name, path in parquet_by_name.items():
            escaped = str(path).replace("'", "''")
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{escaped}')")
        return con.execute(query).fetchall()


def wait_for_charts(page: Page, count: int = 1) -> None:
    charts = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
    charts.first.wait_for(state="visible")
    expect(charts).to_have_count(count)


def chart_traces(page: Page, index: int = 0) -> dict[str, dict[str, list[Any]]]:
    """`{trace name: {"x": [...], "y": [...]}}` of the index-th Plotly chart on the page.

    Plotly 6+ sends numeric arrays base64-encoded; plotly.js keeps the decoded typed array in
    `_inputArray` next to `bdata`.
    """
    traces: dict[str, dict[str, list[Any]]] = page.evaluate(
        """(index) => {
            const plot = document.querySelectorAll(
                '[data-testid="stPlotlyChart"] .js-plotly-plot')[index];
            const values = (a) => a == null ? [] : Array.from(a._inputArray ?? a);
            return Object.fromEntries(
                plot.data.map(t => [t.name, {x: values(t.x), y: values(t.y)}]));
        }""",
        index,
    )
    return traces


def table_rows(table: Locator) -> list[list[str]]:
    """The body rows of an `st.table` (index cell first), as text."""
    rows = table.locator("tbody tr")
    return [
        [cell.strip() for cell in rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(rows.count())
    ]


def metric_value(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def screenshot(page: Page, path: Path) -> None:
    """Whole page: Streamlit scrolls inside its app view, so first grow the viewport to fit."""
    size = page.viewport_size or {"width": 1400, "height": 1000}
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stAppViewContainer"]', '[data-testid="stMain"]']
            .map(sel => document.querySelector(sel)?.scrollHeight ?? 0))"""
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], int(height))})
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(size)


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the `st.selectbox` labelled `label`: open it, type, click the option."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)
    box.blur()


def iso_days(values: list[Any]) -> list[str]:
    """Plotly date values (ISO strings or epoch milliseconds) as YYYY-MM-DD."""
    from datetime import UTC, datetime

    return [
        datetime.fromtimestamp(v / 1000, UTC).strftime("%Y-%m-%d")
        if isinstance(v, int | float)
        else str(v)[:10]
        for v in values
    ]


# --- utilization and complaints pages -----------------------------------------------------------


def chart_by_title(page: Page, title: str) -> dict[str, dict[str, list[Any]]] | None:
    """Like `chart_traces` (plus each trace's `text`) for the chart whose title starts with
    `title`; None while no such chart is drawn."""
    traces: dict[str, dict[str, list[Any]]] | None = page.evaluate(
        """(title) => {
            const plot = [...document.querySelectorAll(
                '[data-testid="stPlotlyChart"] .js-plotly-plot')]
                .find(p => (p.layout?.title?.text ?? '').replace(/<[^>]*>/g, '')
                    .startsWith(title));
            if (!plot) return null;
            const values = (a) => a == null ? [] : Array.from(a._inputArray ?? a);
            return Object.fromEntries(plot.data.map(t => [t.name ?? '',
                {x: values(t.x), y: values(t.y), text: values(t.text)}]));
        }""",
        title,
    )
    return traces


def wait_for_chart_values(
    page: Page, title: str, read: Any, expected: Any, timeout_s: float = 20.0
) -> None:
    """Wait until `read(chart_by_title(page, title))` equals `expected` (a rerun may briefly
    keep the stale chart), then assert it."""
    deadline = time.monotonic() + timeout_s
    actual: Any = None
    while time.monotonic() < deadline:
        traces = chart_by_title(page, title)
        actual = None if traces is None else read(traces)
        if actual == expected:
            return
        page.wait_for_timeout(200)
    assert actual == expected, f"chart {title!r}: {actual!r}"


def table_with(page: Page, header: str) -> Locator:
    """The `st.table` whose header row names `header`."""
    return page.get_by_test_id("stTable").filter(has=page.locator("thead th", has_text=header))


def wait_for_table_rows(table: Locator, expected: list[list[str]], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    actual: list[list[str]] = []
    while time.monotonic() < deadline:
        actual = table_rows(table) if table.count() == 1 else []
        if actual == expected:
            return
        table.page.wait_for_timeout(200)
    assert actual == expected


def public_county_name(parquet_by_name: dict[str, Path], fips: str) -> str:
    """A county's name from the public complaints table (every county, every quarter)."""
    rows = sql(
        parquet_by_name,
        "SELECT any_value(county_name) FROM rpt_complaints_by_county_quarter "
        f"WHERE county_fips = '{fips}'",
    )
    return str(rows[0][0])


def pick_option(page: Page, label: str, option: str) -> None:
    """Choose `option` in the selectbox labelled `label` by typing it, and wait for it."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


def open_tab(page: Page, name: str) -> None:
    """Select the tab `name`; the dashboards' tabs rerun and draw only the open tab's content."""
    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
