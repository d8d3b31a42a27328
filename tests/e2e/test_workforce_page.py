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
from typing import Any

import duckdb
import pytest
from playwright.sync_api import Locator, Page, expect

from peerwh.dashboards.labels import label as code_label
from tests.e2e.conftest import E2EUser, sign_in
from tests.e2e.helpers import (
    metric_value,
    no_exception,
    open_tab,
    pick_option,
    screenshot,
    sql,
    wait_for_charts,
)

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
    """The first chart (the workforce trend) is drawn with `traces` lines."""
    first = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first
    first.wait_for(state="visible")
    expect(first.locator(".scatterlayer .trace path.js-line")).to_have_count(traces)


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
    # The monthly table (the pipeline tab, open first, adds the pathway table).
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
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


# --- the county leadership sections --------------------------------------------------------------

WORKFORCE_TABLES = (
    "fct_workforce_monthly",
    "fct_certification_pipeline",
    "fct_peer_certification_by_county",
    "rpt_workforce_statewide_monthly",
    "rpt_waiver_metrics",
)
STATEWIDE_CHARTS = 3  # trend, the open section tab's chart (the pipeline at first), map


@pytest.fixture(scope="module")
def tables(e2e_warehouse: Path) -> dict[str, Path]:
    from tests.e2e.conftest import snapshot_table

    return {name: snapshot_table(e2e_warehouse, name) for name in WORKFORCE_TABLES}


def _chart(page: Page, title: str) -> dict[str, dict[str, list[Any]]]:
    """`{trace name: {x, y, locations, z}}` of the chart whose title is `title` (once drawn)."""
    expect(page.get_by_test_id("stPlotlyChart").filter(has_text=title).first).to_be_visible()
    traces: dict[str, dict[str, list[Any]]] | None = page.evaluate(
        """(title) => {
            const plot = [...document.querySelectorAll(
                '[data-testid="stPlotlyChart"] .js-plotly-plot')]
                .find(p => (p.layout.title?.text ?? '').replace(/<[^>]*>/g, '') === title);
            if (!plot) return null;
            const values = (a) => a == null ? [] : Array.from(a._inputArray ?? a);
            return Object.fromEntries(plot.data.map(t => [t.name, {
                x: values(t.x), y: values(t.y), locations: values(t.locations), z: values(t.z)}]));
        }""",
        title,
    )
    assert traces is not None, f"no chart titled {title!r}"
    return traces


def _where(county_fips: str | None) -> str:
    return "" if county_fips is None else f"WHERE county_fips = '{county_fips}'"


def _expected_pipeline(tables: dict[str, Path], county_fips: str | None) -> dict[str, Any]:
    ((applications, trained, passed, certified, attempts, passes, d1, d2, d3),) = sql(
        tables,
        f"""
        SELECT count(*) FILTER (WHERE pathway = 'standard'),
            count(*) FILTER (WHERE pathway = 'standard' AND trained_on IS NOT NULL),
            count(*) FILTER (WHERE pathway = 'standard' AND trained_on IS NOT NULL
                AND exam_passed_on IS NOT NULL),
            count(*) FILTER (WHERE pathway = 'standard' AND trained_on IS NOT NULL
                AND exam_passed_on IS NOT NULL AND certified_on IS NOT NULL),
            sum(exam_attempts), sum(exams_passed), median(days_application_to_training),
            median(days_training_to_exam_passed), median(days_exam_passed_to_certified)
        FROM fct_certification_pipeline {_where(county_fips)}
        """,
    )
    return {
        "stages": [applications, trained, passed, certified],
        "Exam pass rate": f"{passes / attempts:.1%}",
        "Days to training": f"{d1:,.0f} days",
        "Days, training to exam": f"{d2:,.0f} days",
        "Days, exam to certified": f"{d3:,.0f} days",
    }


def _expected_counts(tables: dict[str, Path], breakdown: str, county_fips: str | None) -> dict:
    county = "" if county_fips is None else f"AND county_fips = '{county_fips}'"
    rows = sql(
        tables,
        f"""
        SELECT category, sum(peers) FROM fct_peer_certification_by_county
        WHERE breakdown = '{breakdown}' {county} GROUP BY category ORDER BY category
        """,
    )
    return {str(category): int(peers) for category, peers in rows}


def _expected_monthly(tables: dict[str, Path], county_fips: str | None) -> dict[str, list[Any]]:
    rows = sql(
        tables,
        f"""
        SELECT sum(new_certifications), sum(renewals), sum(reinstatements), sum(lapses),
            round(sum(employed_peers) * 1.0 / nullif(sum(supervisors), 0), 2),
            round(sum(separations) * 1.0 / nullif(sum(average_employed_peers), 0), 4),
            round(sum(active_certified_peers) * 100000.0 / nullif(sum(medi_cal_members), 0), 2)
        FROM fct_workforce_monthly {_where(county_fips)}
        GROUP BY month_start ORDER BY month_start
        """,
    )
    names = ["New certifications", "Renewals", "Reinstatements", "Lapses", "ratio", "turnover"]
    expected = {name: [r[i] for r in rows] for i, name in enumerate(names)}
    expected["rate"] = [r[6] for r in rows]
    return {k: [None if v is None else float(v) for v in vs] for k, vs in expected.items()}


def _close(actual: list[Any], expected: list[Any]) -> bool:
    """Equal series; a gap (None, or NaN from a typed array) only where one is expected."""
    actual = [None if a is None or a != a else a for a in actual]
    return len(actual) == len(expected) and all(
        (a is None and e is None) or (a is not None and e is not None and abs(a - e) < 1e-9)
        for a, e in zip(actual, expected, strict=True)
    )


def _expect_sections(
    page: Page,
    tables: dict[str, Path],
    county_fips: str | None,
    area: str,
    own: str | None = None,
) -> None:
    """Every section's numbers equal a direct query of the snapshot for `area`; the statewide
    comparison as the user sees it (`own`: the signed-in county user's county, else a state
    analyst)."""
    open_tab(page, "Certification pipeline")
    pipeline = _expected_pipeline(tables, county_fips)
    stages = _chart(page, f"Certification pipeline, standard pathway (CERT-03): {area}")
    assert stages["Applications"]["x"] == pipeline["stages"]
    # Nested by construction: no stage above the one before (issue 16's exam above training).
    assert pipeline["stages"] == sorted(pipeline["stages"], reverse=True)
    for label in [k for k in pipeline if k != "stages"]:
        expect(metric_value(page, label)).to_have_text(pipeline[label])

    open_tab(page, "Renewals and specializations")
    renewals = _expected_counts(tables, "renewal_due_within_days", county_fips)
    for days in ("30", "60", "90"):
        expect(metric_value(page, f"Due within {days} days")).to_have_text(f"{renewals[days]:,}")
    if county_fips is not None:
        # The county's roster: the peers the 90-day count counts, each one listed.
        expect(
            page.get_by_text(f"{area}: peers due to renew within 90 days ({renewals['90']:,})")
        ).to_be_visible()

    specializations = _chart(page, f"Specializations of active peers: {area}")["Active peers"]
    assert dict(zip(specializations["y"], specializations["x"], strict=True)) == {
        code_label(code): peers
        for code, peers in _expected_counts(
            tables, "specialization_of_active_peers", county_fips
        ).items()
    }

    monthly = _expected_monthly(tables, county_fips)
    open_tab(page, "Lapses and reinstatements")
    activity = _chart(page, f"Certifications, renewals, lapses: {area}")
    for series in ("New certifications", "Renewals", "Reinstatements", "Lapses"):
        assert _close(activity[series]["y"], monthly[series]), series
    open_tab(page, "Supervisor coverage")
    ratio = _chart(page, f"Supervisor coverage: {area}")["Peers per supervisor"]["y"]
    assert _close(ratio, monthly["ratio"])
    open_tab(page, "Turnover")
    turnover = _chart(page, f"Monthly turnover of employed peers: {area}")["Turnover"]["y"]
    assert _close(turnover, monthly["turnover"])
    open_tab(page, "Peers per 100,000 members")
    against = "" if county_fips is None else " and the state"
    rates = _chart(page, f"Peers per 100,000 Medi-Cal members: {area}{against}")
    assert _close(rates[area]["y"], monthly["rate"])
    if county_fips is not None:
        assert _close(rates["Statewide"]["y"], _expected_statewide_rate(tables, own is not None))


def _expected_statewide_rate(tables: dict[str, Path], public: bool) -> list[float | None]:
    """Statewide peers per 100,000 members by month: of the mart's sums for a state analyst; of
    the public series for anyone else, None where either count is suppressed there."""
    source = """
        SELECT month_start, sum(active_certified_peers) AS a, sum(medi_cal_members) AS m
        FROM fct_workforce_monthly GROUP BY month_start
    """
    if public:
        source = """
            SELECT month_start, active_certified_peers AS a, medi_cal_members AS m
            FROM rpt_workforce_statewide_monthly
        """
    rows = sql(
        tables,
        f"SELECT round(a * 100000.0 / nullif(m, 0), 2) FROM ({source}) ORDER BY month_start",
    )
    return [None if r[0] is None else float(r[0]) for r in rows]


def _latest_by_county(tables: dict[str, Path]) -> dict[str, tuple[int, float | None]]:
    rows = sql(
        tables,
        """
        SELECT county_fips, active_certified_peers,
            round(active_certified_peers * 100000.0 / nullif(medi_cal_members, 0), 2)
        FROM fct_workforce_monthly
        WHERE month_start = (
            SELECT max(month_start) FROM fct_workforce_monthly WHERE medi_cal_members > 0
        )
        """,
    )
    return {str(f): (int(a), None if r is None else float(r)) for f, a, r in rows}


def test_workforce_sections_match_the_snapshot_statewide_and_by_county(
    page: Page, streamlit_url: str, tables: dict[str, Path], tmp_path: Path
) -> None:
    page.goto(f"{streamlit_url}/workforce")
    wait_for_charts(page, STATEWIDE_CHARTS)
    _expect_sections(page, tables, None, "Statewide")

    latest = _latest_by_county(tables)
    # The map opens on the rate, not the count.
    rate_trace = _chart(page, "Peers per 100,000 Medi-Cal members by county")[
        "Peers per 100,000 Medi-Cal members"
    ]
    assert dict(zip(rate_trace["locations"], rate_trace["z"], strict=True)) == {
        fips: rate for fips, (_, rate) in latest.items() if rate is not None
    }
    page.get_by_test_id("stRadio").get_by_text("Active certified peers", exact=True).click()
    map_trace = _chart(page, "Active certified peers by county")["Active certified peers"]
    assert dict(zip(map_trace["locations"], map_trace["z"], strict=True)) == {
        fips: float(active) for fips, (active, _) in latest.items()
    }
    expect(page.locator(".choroplethlayer path.choroplethlocation")).not_to_have_count(0)
    no_exception(page)
    screenshot(page, tmp_path / "workforce_sections_statewide.png")

    fips, name = _busiest_county(tables["fct_workforce_monthly"])
    statewide_pipeline = _expected_pipeline(tables, None)["stages"]
    assert _expected_pipeline(tables, fips)["stages"] != statewide_pipeline
    box = page.get_by_role("combobox", name="County")
    box.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).click()
    expect(box).to_have_value(name)
    wait_for_charts(page, STATEWIDE_CHARTS)
    _expect_sections(page, tables, fips, name)
    no_exception(page)
    print(f"[e2e] workforce sections screenshot in {tmp_path}")


def _shown_on_map(page: Page) -> tuple[dict[str, float], list[str]]:
    """(county -> value on the colored trace, counties on the grey "Suppressed" trace) of the
    count (the map opens on the rate)."""
    page.get_by_test_id("stRadio").get_by_text("Active certified peers", exact=True).click()
    traces = _chart(page, "Active certified peers by county")
    shown = traces["Active certified peers"]
    hidden = traces.get("Suppressed", {"locations": []})["locations"]
    return dict(zip(shown["locations"], shown["z"], strict=True)), sorted(hidden)


def _published_map(tables: dict[str, Path], own: str | None) -> tuple[dict[str, float], list[str]]:
    """What the map of a county user (`own`) or an evaluator (None) must show: WF-01's county
    cells of the latest complete quarter as rpt_waiver_metrics publishes them, the suppressed
    ones grey; the user's own county, where suppressed there, from its own detail in the
    quarter's last month."""
    rows = sql(
        tables,
        """
        WITH quarter AS (
            SELECT max(period_start) AS start, max(period_end) AS finish
            FROM rpt_waiver_metrics
            WHERE metric_id = 'WF-01' AND period_type = 'quarter'
                AND geography_level = 'county' AND NOT is_partial_period
        )
        SELECT geography_code, numerator, numerator_is_suppressed, quarter.finish
        FROM rpt_waiver_metrics, quarter
        WHERE metric_id = 'WF-01' AND period_type = 'quarter' AND period_start = quarter.start
            AND geography_level = 'county' AND stratum_name = 'all'
        """,
    )
    shown = {str(f): float(n) for f, n, hidden, _ in rows if not hidden}
    hidden = sorted(str(f) for f, _, suppressed, _ in rows if suppressed and f != own)
    own_hidden = [end for f, _, suppressed, end in rows if f == own and suppressed]
    if own_hidden:
        ((active,),) = sql(
            tables,
            f"""
            SELECT active_certified_peers FROM fct_workforce_monthly
            WHERE county_fips = '{own}' AND month_start <= DATE '{own_hidden[0]}'
            ORDER BY month_start DESC LIMIT 1
            """,
        )
        shown[str(own)] = float(active)
    return shown, hidden


def test_county_user_sees_its_county_detail_and_other_counties_only_as_published(
    page: Page,
    signin_url: str,
    county_user: E2EUser,
    county_user_fips: tuple[str, str],
    tables: dict[str, Path],
) -> None:
    fips, name = county_user_fips
    sign_in(page, f"{signin_url}/workforce", county_user)
    wait_for_charts(page, STATEWIDE_CHARTS)
    _expect_sections(page, tables, fips, name, own=fips)

    shown, hidden = _shown_on_map(page)
    expected_shown, expected_hidden = _published_map(tables, fips)
    assert hidden, "the tiny fixture has suppressed county cells"
    assert (shown, hidden) == (expected_shown, expected_hidden)
    expect(
        page.get_by_text("Other counties are shown as public, suppressed figures.")
    ).to_be_visible()

    pick_option(page, "County", STATEWIDE_LABEL)
    open_tab(page, "Certification pipeline")
    expect(
        page.get_by_text("Statewide certification pipeline detail is available to state analysts")
    ).to_be_visible()
    expect(
        page.get_by_test_id("stPlotlyChart").filter(has_text="Certification pipeline")
    ).to_have_count(0)
    # Statewide, a county user sees the public series as published, like an evaluator.
    _expect_public_series(page, tables)
    no_exception(page)


def _public_series(tables: dict[str, Path], columns: tuple[str, ...]) -> dict[str, list[Any]]:
    """`columns` of rpt_workforce_statewide_monthly by month (None where suppressed)."""
    rows = sql(
        tables,
        f"SELECT {', '.join(columns)} FROM rpt_workforce_statewide_monthly ORDER BY month_start",
    )
    return {c: [None if r[i] is None else float(r[i]) for r in rows] for i, c in enumerate(columns)}


def _expect_public_series(page: Page, tables: dict[str, Path]) -> None:
    """The statewide trend and the lapses chart are the public series, suppressed cells gaps."""
    series = _public_series(
        tables,
        ("active_certified_peers", "employed_peers", "new_certifications", "renewals",
         "reinstatements", "lapses"),
    )  # fmt: skip
    trend = _chart(page, "Peer workforce by month: Statewide")
    assert _close(trend["Active certified peers"]["y"], series["active_certified_peers"])
    assert _close(trend["Employed peers"]["y"], series["employed_peers"])
    open_tab(page, "Lapses and reinstatements")
    activity = _chart(page, "Certifications, renewals, lapses: Statewide")
    for label, column in (
        ("New certifications", "new_certifications"),
        ("Renewals", "renewals"),
        ("Reinstatements", "reinstatements"),
        ("Lapses", "lapses"),
    ):
        assert _close(activity[label]["y"], series[column]), label
    assert any(v is None for v in series["lapses"]), "the fixture's series has suppressed cells"


def test_evaluator_sees_the_public_statewide_series_and_county_cells(
    page: Page, signin_url: str, tables: dict[str, Path]
) -> None:
    from tests.e2e.conftest import EVALUATOR_USER

    sign_in(page, f"{signin_url}/workforce", EVALUATOR_USER)
    # No person-level sections: the pipeline tab, open at first, says so; trend and map drawn.
    wait_for_charts(page, 2)
    expect(
        page.get_by_text("Statewide certification pipeline detail is available to state analysts")
    ).to_be_visible()
    assert _shown_on_map(page) == _published_map(tables, None)
    _expect_public_series(page, tables)
    no_exception(page)
