"""The Complaints page end to end: Streamlit server + headless Chromium on a published snapshot.

Expected numbers come from DuckDB reading the snapshot's Parquet files directly (not through
`dashboards`). A county user sees only its own county's complaints (widget and `?county=`
alike); an evaluator only the public, suppressed table.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    EVALUATOR_USER,
    OTHER_COUNTY_FIPS,
    E2EUser,
    sign_in,
    snapshot_table,
)
from tests.e2e.helpers import (
    metric_value,
    no_exception,
    pick_option,
    public_county_name,
    screenshot,
    sql,
    table_rows,
    table_with,
    wait_for_chart_values,
)

TABLES = ("fct_complaints", "rpt_complaints_by_county_quarter")
COURSE_TITLE = "Course of complaints"
PUBLIC_HEADING = "Complaints by county and quarter (public, suppressed)"
# State analysts read the internal aggregate (with the substantiated complaints) instead.
STATE_HEADING = "Complaints by county and quarter"
# The page's default range: every quarter of the public table.
RANGE = """
    received_date BETWEEN (SELECT min(quarter_start) FROM rpt_complaints_by_county_quarter)
        AND (SELECT max(quarter_start) + INTERVAL 3 MONTH - INTERVAL 1 DAY
             FROM rpt_complaints_by_county_quarter)
"""


@pytest.fixture(scope="module")
def parquet(e2e_warehouse: Path) -> dict[str, Path]:
    return {name: snapshot_table(e2e_warehouse, name) for name in TABLES}


def _where(county: str | None) -> str:
    return RANGE + (f" AND county_fips = '{county}'" if county else "")


def _course(parquet: dict[str, Path], county: str | None = None) -> list[int]:
    row = sql(
        parquet,
        f"""
        SELECT count(*), count(acknowledged_date), count(investigation_opened_date),
            count(resolved_date), count(closed_date)
        FROM fct_complaints WHERE {_where(county)}
        """,
    )[0]
    return [int(v) for v in row]


def _late_ids(parquet: dict[str, Path], county: str | None = None) -> list[str]:
    rows = sql(
        parquet,
        f"""
        SELECT complaint_id FROM fct_complaints WHERE is_late AND {_where(county)}
        ORDER BY received_date, complaint_id
        """,
    )
    return [str(r[0]) for r in rows]


def _on_time_share(parquet: dict[str, Path], county: str | None = None) -> str:
    row = sql(
        parquet,
        f"""
        SELECT count(*) FILTER (WHERE resolved_on_time), count(resolved_on_time)
        FROM fct_complaints WHERE {_where(county)}
        """,
    )[0]
    return "–" if not row[1] else f"{100 * int(row[0]) / int(row[1]):.1f}%"


def _expect_detail(page: Page, parquet: dict[str, Path], county: str | None) -> None:
    course = _course(parquet, county)
    expect(metric_value(page, "Complaints received")).to_have_text(f"{course[0]:,}")
    expect(metric_value(page, "Resolved on time")).to_have_text(_on_time_share(parquet, county))
    wait_for_chart_values(
        page, COURSE_TITLE, lambda t: [int(v) for v in t["Complaints"]["x"]], course
    )
    late = _late_ids(parquet, county)
    expect(page.get_by_text(f"Late complaints (PI-04): {len(late):,}")).to_be_visible()
    if late:
        table = table_with(page, "Why late")
        expect(table).to_have_count(1)
        assert [row[0] for row in table_rows(table)] == late
        if county:
            assert {row[1] for row in table_rows(table)} == {county}
    else:
        expect(table_with(page, "Why late")).to_have_count(0)


def test_complaints_page_matches_the_snapshot_and_the_county_filter_changes_it(
    page: Page, streamlit_url: str, parquet: dict[str, Path], tmp_path: Path
) -> None:
    started = time.perf_counter()
    page.goto(f"{streamlit_url}/complaints")
    expect(page.get_by_role("heading", name="Complaints", exact=True)).to_be_visible()
    expect(metric_value(page, "Complaints received")).to_be_visible()
    print(f"\n[e2e] complaints first render {time.perf_counter() - started:.2f}s")
    assert _late_ids(parquet), "the tiny fixture plants late complaints"
    _expect_detail(page, parquet, None)
    expect(page.get_by_role("heading", name=STATE_HEADING, exact=True)).to_be_visible()
    no_exception(page)
    screenshot(page, tmp_path / "complaints_statewide.png")

    busiest = sql(
        parquet,
        f"""
        SELECT county_fips FROM fct_complaints WHERE {RANGE}
        GROUP BY county_fips ORDER BY count(*) DESC, county_fips LIMIT 1
        """,
    )[0][0]
    assert _course(parquet, busiest) != _course(parquet)
    started = time.perf_counter()
    pick_option(page, "County", public_county_name(parquet, busiest))
    _expect_detail(page, parquet, busiest)
    print(f"[e2e] complaints county filter {time.perf_counter() - started:.2f}s")
    no_exception(page)
    print(f"[e2e] screenshots in {tmp_path}")


@pytest.mark.parametrize("via_url", [False, True])
def test_county_user_sees_only_its_own_complaints(
    page: Page,
    signin_url: str,
    county_user: E2EUser,
    county_user_fips: tuple[str, str],
    parquet: dict[str, Path],
    via_url: bool,
) -> None:
    fips, name = county_user_fips
    query = f"?county={OTHER_COUNTY_FIPS}" if via_url else ""
    sign_in(page, f"{signin_url}/complaints{query}", county_user)

    if via_url:
        expect(
            page.get_by_text(f"County {OTHER_COUNTY_FIPS} from the link is outside your scope")
        ).to_be_visible()
    box = page.get_by_role("combobox", name="County")
    expect(box).to_have_value(name)
    expect(box).to_be_disabled()
    _expect_detail(page, parquet, fips)
    expect(page.get_by_role("heading", name=PUBLIC_HEADING)).to_be_visible()
    no_exception(page)


def test_evaluator_sees_only_the_public_table(page: Page, signin_url: str) -> None:
    sign_in(page, f"{signin_url}/complaints?county={OTHER_COUNTY_FIPS}", EVALUATOR_USER)

    expect(
        page.get_by_text("Evaluators see public, suppressed complaint figures only.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name=PUBLIC_HEADING)).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
    expect(page.get_by_role("combobox", name="County")).to_have_count(0)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    expect(page.get_by_text("Late complaints")).to_have_count(0)
    no_exception(page)
