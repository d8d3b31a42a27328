"""Browser-side readers shared by the e2e tests: charts, tables, metrics, expected values."""

from __future__ import annotations

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
