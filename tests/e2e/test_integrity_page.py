"""The Program integrity page, end to end: numbers against the snapshot, filters, and roles.

Expected numbers come from DuckDB reading the snapshot's Parquet files directly. Evaluators must
not open the page, not even through its URL, nor see any of its data; county users see their
own county's claim lines only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from peerwh.dashboards.labels import label
from tests.e2e.conftest import EVALUATOR_USER, E2EUser, sign_in, snapshot_table
from tests.e2e.helpers import (
    chart_traces,
    choose,
    iso_days,
    metric_value,
    no_exception,
    screenshot,
    sql,
    table_rows,
    wait_for_charts,
)

TABLES = (
    "fct_integrity_findings",
    "fct_claim_lines",
    "fct_certification_findings",
    "fct_supervision_findings",
    "fct_workforce_monthly",
)
JOINED = "fct_integrity_findings AS f JOIN fct_claim_lines AS l USING (claim_id, line_number)"


@pytest.fixture(scope="module")
def parquet(e2e_warehouse: Path) -> dict[str, Path]:
    return {name: snapshot_table(e2e_warehouse, name) for name in TABLES}


def _where(county: str | None) -> str:
    return f"WHERE l.county_fips = '{county}'" if county else ""


def _by_month(parquet: dict[str, Path], measure: str, county: str | None = None) -> dict:
    """{rule: {"x": [YYYY-MM-DD], "y": [...]}} of findings (or dollars) per service month."""
    rows = sql(
        parquet,
        f"""
        SELECT f.rule_id, strftime(l.service_month, '%Y-%m-%d'),
            {"count(*)" if measure == "findings" else "sum(f.approved_amount_at_risk)"}
        FROM {JOINED} {_where(county)}
        GROUP BY ALL ORDER BY 1, 2
        """,
    )
    traces: dict[str, dict[str, list]] = {}
    for rule, month, value in rows:
        trace = traces.setdefault(rule, {"x": [], "y": []})
        trace["x"].append(month)
        trace["y"].append(round(float(value), 2))
    return traces


def _chart(page: Page, index: int) -> dict:
    return {
        name: {"x": iso_days(t["x"]), "y": [round(float(v), 2) for v in t["y"]]}
        for name, t in chart_traces(page, index).items()
    }


def _eventually(read: Callable[[], object], expected: object, timeout_s: float = 20.0) -> None:
    """`read()` becomes `expected`: after a filter change the old chart may linger a moment."""
    deadline = time.perf_counter() + timeout_s
    while read() != expected and time.perf_counter() < deadline:
        time.sleep(0.2)
    assert read() == expected


def _totals(parquet: dict[str, Path], county: str | None = None) -> tuple[int, int, float]:
    rows = sql(
        parquet,
        f"""
        WITH lines AS (
            SELECT claim_id, line_number, count(*) AS n, max(f.approved_amount_at_risk) AS amount
            FROM {JOINED} {_where(county)} GROUP BY ALL
        )
        SELECT sum(n), count(*), sum(amount) FROM lines
        """,
    )
    findings, lines, amount = rows[0]
    return int(findings), int(lines), float(amount)


def _rule_rows(parquet: dict[str, Path], county: str | None = None) -> list[list[str]]:
    rows = sql(
        parquet,
        f"""
        SELECT f.rule_id, any_value(f.severity), count(*),
            count(DISTINCT (claim_id, line_number)), sum(f.approved_amount_at_risk)
        FROM {JOINED} {_where(county)} GROUP BY f.rule_id ORDER BY 1
        """,
    )
    return [[r, label(s), f"{n:,}", f"{c:,}", f"${float(a):,.2f}"] for r, s, n, c, a in rows]


def _policy_by_month(parquet: dict[str, Path], table: str) -> dict:
    rows = sql(
        parquet,
        f"""
        SELECT rule_id, strftime(date_trunc('month', detected_on), '%Y-%m-%d'), count(*)
        FROM {table} GROUP BY ALL ORDER BY 1, 2
        """,
    )
    traces: dict[str, dict[str, list]] = {}
    for rule, month, value in rows:
        trace = traces.setdefault(rule, {"x": [], "y": []})
        trace["x"].append(month)
        trace["y"].append(float(value))
    return traces


def _expect_totals(page: Page, totals: tuple[int, int, float]) -> None:
    findings, lines, amount = totals
    expect(metric_value(page, "Rule findings")).to_have_text(f"{findings:,}")
    expect(metric_value(page, "Claim lines flagged")).to_have_text(f"{lines:,}")
    expect(metric_value(page, "Approved amount at risk")).to_have_text(f"${amount:,.2f}")


def test_integrity_page_matches_snapshot_and_the_county_filter_narrows_it(
    page: Page, streamlit_url: str, parquet: dict[str, Path], tmp_path: Path
) -> None:
    started = time.perf_counter()
    page.goto(f"{streamlit_url}/integrity")
    wait_for_charts(page, 4)
    print(f"\n[e2e] integrity load -> charts drawn {time.perf_counter() - started:.2f}s")

    expect(page.get_by_role("heading", name="Program integrity")).to_be_visible()
    _expect_totals(page, _totals(parquet))
    assert _chart(page, 0) == _by_month(parquet, "findings")
    assert _chart(page, 1) == _by_month(parquet, "dollars")
    assert _chart(page, 2) == _policy_by_month(parquet, "fct_certification_findings")
    assert _chart(page, 3) == _policy_by_month(parquet, "fct_supervision_findings")
    assert {r.startswith("CERT-") for r in _chart(page, 2)} == {True}
    assert {r.startswith("SUP-") for r in _chart(page, 3)} == {True}
    rule_table = page.get_by_test_id("stTable")
    assert table_rows(rule_table) == _rule_rows(parquet)
    no_exception(page)
    screenshot(page, tmp_path / "integrity.png")

    # The county with most findings, but not all of them, so the filter visibly narrows.
    county, name = sql(
        parquet,
        f"""
        SELECT l.county_fips, (SELECT any_value(county_name) FROM fct_workforce_monthly w
            WHERE w.county_fips = l.county_fips)
        FROM {JOINED} GROUP BY l.county_fips ORDER BY count(*) DESC, 1 LIMIT 1
        """,
    )[0]
    narrowed = _totals(parquet, county)
    assert narrowed != _totals(parquet)
    started = time.perf_counter()
    choose(page, "County", f"{name} ({county})")
    _expect_totals(page, narrowed)
    print(f"[e2e] integrity county filter -> metrics updated {time.perf_counter() - started:.2f}s")
    expect(page.get_by_test_id("stTable").first).to_be_visible()
    wait_for_charts(page, 4)
    _eventually(lambda: _chart(page, 0), _by_month(parquet, "findings", county))
    _eventually(lambda: _chart(page, 1), _by_month(parquet, "dollars", county))
    _eventually(lambda: table_rows(page.get_by_test_id("stTable")), _rule_rows(parquet, county))

    # Drill-down: the lines behind one rule of that county.
    rule = _rule_rows(parquet, county)[0][0]
    lines = sql(
        parquet, f"SELECT count(*) FROM {JOINED} {_where(county)} AND f.rule_id = '{rule}'"
    )[0][0]
    choose(page, "Rule to inspect", rule)
    expect(page.get_by_text(f"{lines:,} line findings, most money at risk first")).to_be_visible()
    no_exception(page)


def test_integrity_page_is_closed_to_evaluators_even_by_url(
    page: Page, signin_url: str, parquet: dict[str, Path]
) -> None:
    sign_in(page, f"{signin_url}/integrity", EVALUATOR_USER)

    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_text("That page is not available to your role")).to_be_visible()
    # The URL resolves to a page of the app for every role: no "Page not found" dialog.
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_role("heading", name="Program integrity")).to_have_count(0)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).not_to_contain_text("Program integrity")
    expect(nav).to_contain_text("Waiver metrics")
    # No integrity figure anywhere: no rule id, no claim id of a finding, no integrity chart.
    claim = sql(parquet, "SELECT min(claim_id) FROM fct_integrity_findings")[0][0]
    expect(page.get_by_text("BILL-")).to_have_count(0)
    expect(page.get_by_text(str(claim))).to_have_count(0)
    expect(page.get_by_text("Approved amount at risk")).to_have_count(0)
    no_exception(page)


def test_a_county_user_sees_its_own_countys_integrity_only(
    page: Page,
    signin_url: str,
    county_user: E2EUser,
    county_user_fips: tuple[str, str],
    parquet: dict[str, Path],
    tmp_path: Path,
) -> None:
    fips, _ = county_user_fips
    sign_in(page, f"{signin_url}/integrity", county_user)

    expect(page.get_by_role("heading", name="Program integrity")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    _expect_totals(page, _totals(parquet, fips))
    _eventually(lambda: table_rows(page.get_by_test_id("stTable")), _rule_rows(parquet, fips))
    expect(page.get_by_role("heading", name="By provider organization and by peer")).to_be_visible()
    expect(page.get_by_role("heading", name="Certification findings (CERT-xx)")).to_have_count(0)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_contain_text("Program integrity")
    expect(nav).not_to_contain_text("Data quality")
    # Not one claim of another county's findings.
    other = sql(
        parquet,
        f"SELECT min(claim_id) FROM {JOINED} WHERE l.county_fips <> '{fips}'",
    )[0][0]
    expect(page.get_by_text(str(other), exact=True)).to_have_count(0)
    # The export: every line finding of the county, not a capped page.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download all").click()
    exported = pd.read_csv(download.value.path(), dtype=str)
    assert len(exported) == _totals(parquet, fips)[0]
    assert set(exported["county_fips"]) == {fips}
    no_exception(page)
    screenshot(page, tmp_path / "integrity_county.png")
