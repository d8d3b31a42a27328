"""The Utilization page end to end: Streamlit server + headless Chromium on a published snapshot.

Expected numbers come from DuckDB reading the snapshot's Parquet files directly (not through
`dashboards`). Roles sign in through the form: a county user sees only its own county's detail
(widget and `?county=` alike), other counties only in the public, suppressed table; an evaluator
sees only the public table.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from peerwh.dashboards.labels import label
from tests.e2e.conftest import (
    EVALUATOR_USER,
    OTHER_COUNTY_FIPS,
    E2EUser,
    sign_in,
    snapshot_table,
)
from tests.e2e.helpers import (
    chart_by_title,
    metric_value,
    no_exception,
    open_tab,
    pick_option,
    public_county_name,
    screenshot,
    sql,
    table_rows,
    table_with,
    wait_for_chart_values,
    wait_for_table_rows,
)

TABLES = (
    "fct_claim_lines",
    "fct_utilization_monthly",
    "rpt_waiver_metrics",
    "rpt_complaints_by_county_quarter",
    "fct_feed_completeness",
)
TREND_TITLE = "Peer support services by month"
ASAM_TITLE = "DMC-ODS services by ASAM level of care"
SERVICES = "Services (approved lines)"
SUPPRESSED = "Suppressed"


@pytest.fixture(scope="module")
def parquet(e2e_warehouse: Path) -> dict[str, Path]:
    return {name: snapshot_table(e2e_warehouse, name) for name in TABLES}


# The page opens on complete service months: those up to the claims' complete-through date.
THROUGH_CLAIMS = (
    "service_month <= (SELECT complete_through FROM fct_feed_completeness "
    "WHERE feed_name = 'claims')"
)


def _where(county: str | None = None, system: str | None = None) -> str:
    where = f"claim_status = 'approved' AND {THROUGH_CLAIMS}"
    if county:
        where += f" AND county_fips = '{county}'"
    if system:
        where += f" AND delivery_system = '{system}'"
    return where


PENETRATION = "Penetration (per 1,000 members)"


def _totals(parquet: dict[str, Path], county: str | None = None, system: str | None = None):
    """(distinct beneficiaries, services) of the approved lines over the complete months."""
    row = sql(
        parquet,
        f"SELECT count(DISTINCT beneficiary_key), count(*) FROM fct_claim_lines "
        f"WHERE {_where(county, system)}",
    )[0]
    return int(row[0]), int(row[1])


def _monthly_services(parquet: dict[str, Path], county: str | None = None) -> list[int]:
    rows = sql(
        parquet,
        f"SELECT count(*) FROM fct_claim_lines WHERE {_where(county)} "
        "GROUP BY service_month ORDER BY service_month",
    )
    return [int(r[0]) for r in rows]


def _asam(parquet: dict[str, Path]) -> list[str]:
    rows = sql(
        parquet,
        f"""
        SELECT coalesce(level_of_care, 'not recorded') AS c, count(*)
        FROM fct_claim_lines WHERE {_where(system="DMC_ODS")} GROUP BY c ORDER BY c
        """,
    )
    return [f"{label(r[0])}={int(r[1]):,}" for r in rows]


def _county_table(parquet: dict[str, Path], county: str | None = None) -> list[list[str]]:
    """FIPS, services and collateral services per county, from the monthly mart."""
    where = f"WHERE {THROUGH_CLAIMS}" + (f" AND county_fips = '{county}'" if county else "")
    rows = sql(
        parquet,
        f"""
        SELECT county_fips, sum(services) AS s, sum(collateral_services)
        FROM fct_utilization_monthly {where} GROUP BY county_fips ORDER BY s DESC, county_fips
        """,
    )
    return [[str(r[0]), f"{int(r[1]):,}", f"{int(r[2]):,}"] for r in rows]


def _penetration_rows(parquet: dict[str, Path]) -> list[list[str]]:
    """UT-02 by county for the latest complete quarter (claims run-out included), as the page's
    table shows it."""
    rows = sql(
        parquet,
        """
        WITH names AS (
            SELECT DISTINCT county_fips, county_name FROM rpt_complaints_by_county_quarter
        ), latest AS (
            SELECT max(period_start) AS p FROM rpt_waiver_metrics
            WHERE metric_id = 'UT-02' AND period_type = 'quarter' AND NOT is_partial_period
                AND period_end <= (
                    SELECT complete_through FROM fct_feed_completeness WHERE feed_name = 'claims'
                )
        )
        SELECT m.geography_code, n.county_name, m.numerator, m.numerator_is_suppressed,
            m.denominator, m.denominator_is_suppressed, m.rate, m.is_suppressed
        FROM rpt_waiver_metrics AS m JOIN latest ON m.period_start = latest.p
        LEFT JOIN names AS n ON n.county_fips = m.geography_code
        WHERE m.metric_id = 'UT-02' AND m.period_type = 'quarter'
            AND m.geography_level = 'county' AND m.stratum_name = 'all'
        ORDER BY n.county_name
        """,
    )

    def cell(value: object, hidden: bool, fmt: str) -> str:
        if hidden:
            return SUPPRESSED
        return "–" if value is None else fmt.format(float(value))  # type: ignore[arg-type]

    return [
        [
            str(r[0]),
            str(r[1]),
            cell(r[2], r[3], "{:,.0f}"),
            cell(r[4], r[5], "{:,.0f}"),
            cell(r[6], r[7], "{:.2f}"),
        ]
        for r in rows
    ]


def _services_cells(page: Page) -> list[list[str]]:
    """FIPS, services and collateral services of the page's "Services by county" table."""
    table = table_with(page, "Collateral services")
    rows = table_rows(table) if table.count() == 1 else []
    return [[r[0], r[2], r[6]] for r in rows if len(r) > 6]


def _expect_detail(page: Page, parquet: dict[str, Path], county: str | None) -> None:
    served, services = _totals(parquet, county)
    expect(metric_value(page, "Beneficiaries served")).to_have_text(f"{served:,}")
    expect(metric_value(page, "Services")).to_have_text(f"{services:,}")
    wait_for_chart_values(
        page,
        TREND_TITLE,
        lambda t: [int(v) for v in t[SERVICES]["y"]],
        _monthly_services(parquet, county),
    )
    expected = _county_table(parquet, county)
    deadline = time.monotonic() + 20
    while _services_cells(page) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert _services_cells(page) == expected


def test_utilization_page_matches_the_snapshot_and_filters_change_it(
    page: Page, streamlit_url: str, parquet: dict[str, Path], tmp_path: Path
) -> None:
    started = time.perf_counter()
    page.goto(f"{streamlit_url}/utilization")
    expect(page.get_by_role("heading", name="Utilization")).to_be_visible()
    expect(metric_value(page, "Beneficiaries served")).to_be_visible()
    print(f"\n[e2e] utilization first render {time.perf_counter() - started:.2f}s")
    _expect_detail(page, parquet, None)

    # The breakdowns are tabs: only the open one draws its chart.
    assert chart_by_title(page, ASAM_TITLE) is None
    open_tab(page, "DMC-ODS by ASAM level")
    wait_for_chart_values(
        page,
        ASAM_TITLE,
        lambda t: [
            f"{y}={text}" for y, text in zip(t["Services"]["y"], t["Services"]["text"], strict=True)
        ],
        _asam(parquet),
    )
    wait_for_table_rows(table_with(page, PENETRATION), _penetration_rows(parquet))
    assert any(SUPPRESSED in row for row in _penetration_rows(parquet)), (
        "the tiny fixture should have suppressed penetration cells"
    )
    no_exception(page)
    screenshot(page, tmp_path / "utilization_statewide.png")

    # Filter: one delivery system.
    started = time.perf_counter()
    pick_option(page, "Delivery system", label("DMC_ODS"))
    _, dmc_ods_services = _totals(parquet, system="DMC_ODS")
    expect(metric_value(page, "Services")).to_have_text(f"{dmc_ods_services:,}")
    print(f"[e2e] utilization delivery system filter {time.perf_counter() - started:.2f}s")
    pick_option(page, "Delivery system", "All delivery systems")

    # Filter: one county.
    other = public_county_name(parquet, OTHER_COUNTY_FIPS)
    pick_option(page, "County", other)
    _expect_detail(page, parquet, OTHER_COUNTY_FIPS)
    no_exception(page)
    print(f"[e2e] screenshots in {tmp_path}")


def test_state_analyst_link_with_a_county_opens_it(
    page: Page, streamlit_url: str, parquet: dict[str, Path]
) -> None:
    page.goto(f"{streamlit_url}/utilization?county={OTHER_COUNTY_FIPS}")

    expect(page.get_by_role("combobox", name="County")).to_have_value(
        public_county_name(parquet, OTHER_COUNTY_FIPS)
    )
    _expect_detail(page, parquet, OTHER_COUNTY_FIPS)


@pytest.mark.parametrize("via_url", [False, True])
def test_county_user_sees_only_its_own_county_detail(
    page: Page,
    signin_url: str,
    county_user: E2EUser,
    county_user_fips: tuple[str, str],
    parquet: dict[str, Path],
    via_url: bool,
) -> None:
    fips, name = county_user_fips
    other = public_county_name(parquet, OTHER_COUNTY_FIPS)
    query = f"?county={OTHER_COUNTY_FIPS}" if via_url else ""
    sign_in(page, f"{signin_url}/utilization{query}", county_user)

    if via_url:
        expect(
            page.get_by_text(f"County {OTHER_COUNTY_FIPS} from the link is outside your scope")
        ).to_be_visible()
    box = page.get_by_role("combobox", name="County")
    expect(box).to_have_value(name)
    expect(box).to_be_disabled()
    _expect_detail(page, parquet, fips)
    # Other counties only in the public, suppressed table, the same for every role.
    wait_for_table_rows(table_with(page, PENETRATION), _penetration_rows(parquet))
    assert other in [row[1] for row in _penetration_rows(parquet)]
    no_exception(page)


def test_evaluator_sees_only_public_suppressed_figures(
    page: Page, signin_url: str, parquet: dict[str, Path]
) -> None:
    sign_in(page, f"{signin_url}/utilization?county={OTHER_COUNTY_FIPS}", EVALUATOR_USER)

    expect(
        page.get_by_text("Evaluators see public, suppressed utilization figures only.")
    ).to_be_visible()
    wait_for_table_rows(table_with(page, PENETRATION), _penetration_rows(parquet))
    expect(page.get_by_role("combobox", name="County")).to_have_count(0)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    expect(table_with(page, "Collateral services")).to_have_count(0)
    no_exception(page)
