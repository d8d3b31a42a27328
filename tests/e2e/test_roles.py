"""Roles end to end, signed in through the form against a users file of Argon2 hashes.

A county user must not reach another county's detail through the county widget or the URL
(`?county=06037`), nor the internal Data quality page; wrong passwords show no data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    EVALUATOR_USER,
    OTHER_COUNTY_FIPS,
    STATE_USER,
    E2EUser,
    sign_in,
    snapshot_table,
)
from tests.e2e.helpers import chart_traces, metric_value, no_exception, sql, wait_for_charts

STATEWIDE_LABEL = "All counties (statewide)"
# One county's workforce page: the trend, the open section tab's chart (the certification
# pipeline at first) and the county map.
WORKFORCE_COUNTY_CHARTS = 3


@pytest.fixture(scope="module")
def workforce(e2e_warehouse: Path) -> dict[str, Path]:
    return {"fct_workforce_monthly": snapshot_table(e2e_warehouse, "fct_workforce_monthly")}


def _county_series(workforce: dict[str, Path], fips: str) -> dict[str, list[int]]:
    rows = sql(
        workforce,
        f"""
        SELECT sum(active_certified_peers), sum(employed_peers) FROM fct_workforce_monthly
        WHERE county_fips = '{fips}' GROUP BY month_start ORDER BY month_start
        """,
    )
    return {
        "Active certified peers": [int(r[0]) for r in rows],
        "Employed peers": [int(r[1]) for r in rows],
    }


def _county_name(workforce: dict[str, Path], fips: str) -> str:
    rows = sql(
        workforce,
        f"SELECT any_value(county_name) FROM fct_workforce_monthly WHERE county_fips = '{fips}'",
    )
    return str(rows[0][0])


def _chart_y(page: Page) -> dict[str, list[int]]:
    return {name: [int(v) for v in t["y"]] for name, t in chart_traces(page).items()}


def _expect_county_detail(page: Page, workforce: dict[str, Path], fips: str, name: str) -> None:
    expected = _county_series(workforce, fips)
    box = page.get_by_role("combobox", name="County")
    expect(box).to_have_value(name)
    expect(page.get_by_test_id("stPlotlyChart").filter(has_text=name).first).to_be_visible()
    expect(metric_value(page, "Active certified peers")).to_have_text(
        f"{expected['Active certified peers'][-1]:,}"
    )
    wait_for_charts(page, WORKFORCE_COUNTY_CHARTS)
    assert _chart_y(page) == expected


def test_county_user_cannot_pick_another_county_in_the_widget(
    page: Page,
    signin_url: str,
    county_user: E2EUser,
    county_user_fips: tuple[str, str],
    workforce: dict[str, Path],
) -> None:
    fips, name = county_user_fips
    other = _county_name(workforce, OTHER_COUNTY_FIPS)
    sign_in(page, f"{signin_url}/workforce", county_user)
    wait_for_charts(page, WORKFORCE_COUNTY_CHARTS)
    _expect_county_detail(page, workforce, fips, name)

    box = page.get_by_role("combobox", name="County")
    box.click()
    expect(page.get_by_role("option")).to_have_count(2)
    assert page.get_by_role("option").all_inner_texts() == [STATEWIDE_LABEL, name]
    page.keyboard.type(other)
    expect(page.get_by_role("option", name=other, exact=True)).to_have_count(0)
    page.keyboard.press("Escape")
    _expect_county_detail(page, workforce, fips, name)
    expect(page.get_by_text(other)).to_have_count(0)
    no_exception(page)


def test_county_user_cannot_open_another_county_through_the_url(
    page: Page,
    signin_url: str,
    county_user: E2EUser,
    county_user_fips: tuple[str, str],
    workforce: dict[str, Path],
) -> None:
    fips, name = county_user_fips
    other = _county_name(workforce, OTHER_COUNTY_FIPS)
    sign_in(page, f"{signin_url}/workforce?county={OTHER_COUNTY_FIPS}", county_user)

    expect(
        page.get_by_text(f"County {OTHER_COUNTY_FIPS} from the link is outside your scope")
    ).to_be_visible()
    _expect_county_detail(page, workforce, fips, name)
    expect(page.get_by_text(other)).to_have_count(0)
    no_exception(page)


def test_state_analyst_link_with_a_county_opens_that_county(
    page: Page, signin_url: str, workforce: dict[str, Path]
) -> None:
    other = _county_name(workforce, OTHER_COUNTY_FIPS)
    sign_in(page, f"{signin_url}/workforce?county={OTHER_COUNTY_FIPS}", STATE_USER)

    _expect_county_detail(page, workforce, OTHER_COUNTY_FIPS, other)
    expect(page.get_by_text("outside your scope")).to_have_count(0)


@pytest.mark.parametrize("user_name", ["county", "evaluator"])
def test_data_quality_page_is_closed_to_other_roles(
    page: Page, signin_url: str, county_user: E2EUser, user_name: str
) -> None:
    user = county_user if user_name == "county" else EVALUATOR_USER
    sign_in(page, f"{signin_url}/data_quality", user)

    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_role("heading", name="Data quality")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).not_to_contain_text("Data quality")
    no_exception(page)


def test_evaluator_sees_only_statewide_figures(page: Page, signin_url: str) -> None:
    sign_in(page, f"{signin_url}/workforce", EVALUATOR_USER)

    box = page.get_by_role("combobox", name="County")
    expect(box).to_have_value(STATEWIDE_LABEL)
    expect(box).to_be_disabled()
    expect(
        page.get_by_text("Evaluators see public, suppressed statewide figures only.")
    ).to_be_visible()
    no_exception(page)


def test_wrong_password_shows_no_data(page: Page, signin_url: str) -> None:
    page.goto(signin_url)
    page.get_by_label("Username").fill(STATE_USER.username)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("Unknown user or wrong password.")).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)


def test_an_evaluators_views_over_the_real_snapshot_are_its_public_folder(
    e2e_warehouse: Path,
) -> None:
    """On the published warehouse: every view an evaluator's query can see is a table of the
    snapshot's public/ folder (by the manifest), and that folder holds only protected outputs."""
    from peerwh.dashboards.access import Role, Scope
    from peerwh.dashboards.snapshot import run_query
    from peerwh.publish import PUBLIC_MART_TABLES, PUBLISHED_REFERENCE_TABLES
    from tests.e2e.conftest import snapshot_manifest

    folder, manifest = snapshot_manifest(e2e_warehouse)
    public = {name for name, entry in manifest["tables"].items() if entry["folder"] == "public"}
    views = run_query(
        e2e_warehouse / "serving",
        folder.name,
        "SELECT view_name FROM duckdb_views() WHERE NOT internal",
        scope=Scope(Role.EVALUATOR),
    )["view_name"].tolist()

    assert set(views) == public
    assert all(
        name.startswith("rpt_")
        or name in (*PUBLISHED_REFERENCE_TABLES, *PUBLIC_MART_TABLES, "audit__disclosure_summary")
        for name in public
    )
    assert {"rpt_workforce_statewide_monthly", "rpt_waiver_metrics"} <= public
