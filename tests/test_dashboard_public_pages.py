"""What county users and evaluators see of the state and of other counties, page by page under
`AppTest`, on a tiny hand-made snapshot: the public tables as the disclosure control published
them (RPT-03), never figures the dashboard computed or suppressed itself.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from peerwh.dashboards import shared_queries
from peerwh.dashboards.access import Role, Scope
from peerwh.dashboards.app_pages.workforce import figures
from tests.test_dashboard_access import (
    BUILD_ID,
    MAP_METRICS,
    PEER_CERTIFICATION,
    PIPELINE,
    TABLES,
)
from tests.test_utilization_complaints_pages import ALAMEDA, EVALUATOR, STATE, run_page, serve

SUPPRESSED = "Suppressed"

# rpt_waiver_metrics on the published grid: months statewide (stratum `all`); quarters
# statewide and by region for every stratum, by county for `all` only.
WAIVER_GRID = """
    SELECT 'WF-01' AS metric_id, p AS period_type, CAST(s AS DATE) AS period_start,
        CAST(e AS DATE) AS period_end, false AS is_partial_period, l AS geography_level,
        g AS geography_code, sn AS stratum_name, sv AS stratum_value,
        CAST(40 AS BIGINT) AS numerator, CAST(NULL AS BIGINT) AS denominator,
        CAST(40 AS DECIMAL(18, 4)) AS rate, CAST(NULL AS DATE) AS baseline_period_start,
        CAST(NULL AS DECIMAL(18, 4)) AS baseline_rate,
        false AS numerator_is_suppressed, false AS denominator_is_suppressed,
        false AS is_suppressed
    FROM (VALUES
        ('month', '2024-01-01', '2024-01-31', 'state', '06', 'all', 'all'),
        ('quarter', '2024-01-01', '2024-03-31', 'state', '06', 'all', 'all'),
        ('quarter', '2024-01-01', '2024-03-31', 'state', '06', 'age_group', '18-20'),
        ('quarter', '2024-01-01', '2024-03-31', 'region', 'Bay Area', 'all', 'all'),
        ('quarter', '2024-01-01', '2024-03-31', 'region', 'Bay Area', 'age_group', '18-20'),
        ('quarter', '2024-01-01', '2024-03-31', 'county', '06001', 'all', 'all')
    ) AS t(p, s, e, l, g, sn, sv)
"""
CATALOG = """
    SELECT 'WF-01' AS metric_id, 'Active certified peers' AS metric_name,
        'Distinct certified peers active in the period' AS definition,
        'Distinct active peers' AS numerator, CAST(NULL AS VARCHAR) AS denominator,
        'count' AS unit, 1 AS rate_multiplier, 'SFY 2022-23' AS baseline_period,
        CAST('2023-06-30' AS DATE) AS baseline_period_end, 'CERT-04' AS rule_ids,
        'fct_workforce_monthly' AS source_model
"""


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    tables = {
        **TABLES,
        "rpt_waiver_metrics": MAP_METRICS,
        "fct_certification_pipeline": PIPELINE,
        "fct_peer_certification_by_county": PEER_CERTIFICATION,
    }
    return serve(tmp_path, monkeypatch, tables)


def _published_trend(warehouse: Path) -> list[list[str]]:
    """The public statewide series as the page's table should show it, newest month first."""
    parquet = (
        warehouse / "serving" / BUILD_ID / "public" / "rpt_workforce_statewide_monthly.parquet"
    )
    with duckdb.connect(":memory:") as con:
        rows = con.execute(
            f"""
            SELECT active_certified_peers, active_certified_peers_is_suppressed,
                employed_peers, employed_peers_is_suppressed
            FROM read_parquet('{parquet}') ORDER BY month_start DESC
            """
        ).fetchall()
    return [
        [SUPPRESSED if hidden else f"{value:,}" for value, hidden in ((a, a_hidden), (e, e_hidden))]
        for a, a_hidden, e, e_hidden in rows
    ]


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_workforce_statewide_series_is_the_public_table_as_published(
    warehouse: Path, scope: Scope
) -> None:
    at = run_page("workforce", scope)
    if scope.role is Role.COUNTY:  # its page opens on its own county
        at.selectbox(key="workforce_county").select_index(0).run()

    table = at.dataframe[0].value
    assert table[["active_certified_peers", "employed_peers"]].values.tolist() == (
        _published_trend(warehouse)
    )
    # January's employed peers are suppressed in public (the mart's sum is 9): shown so.
    assert table["employed_peers"].tolist() == ["22", SUPPRESSED]
    assert {m.label: m.value for m in at.metric}["Employed peers, Feb 2024"] == "22"


def test_workforce_statewide_series_of_a_state_analyst_sums_the_mart(warehouse: Path) -> None:
    at = run_page("workforce", STATE)

    table = at.dataframe[0].value
    assert table["employed_peers"].tolist() == [22, 9]


@pytest.mark.parametrize(
    ("scope", "county", "basis"),
    [
        (EVALUATOR, None, "employed peers"),
        (ALAMEDA, None, "employed peers"),
        (ALAMEDA, "06001", "average employed peers"),
        (STATE, None, "average employed peers"),
    ],
)
def test_turnover_is_over_the_denominator_its_source_has(
    scope: Scope, county: str | None, basis: str
) -> None:
    """The public series has no average of the peers employed at the month's start and end."""
    months = shared_queries.workforce_months(scope, county)
    frame = pd.DataFrame({"month_start": [pd.Timestamp("2024-01-01")], "turnover_rate": [0.1]})

    assert months.turnover_basis == basis
    figure = figures.turnover_figure(frame, "Statewide", months.turnover_basis)
    assert figure.layout.yaxis.title.text == f"Separations / {basis}"


@pytest.mark.parametrize("scope", [ALAMEDA, EVALUATOR])
def test_workforce_map_offers_the_public_periods_with_the_latest_complete_preselected(
    warehouse: Path, scope: Scope
) -> None:
    at = run_page("workforce", scope)

    assert at.selectbox(key="workforce_map_period_type").value == "quarter"
    assert at.selectbox(key="workforce_map_period").options == ["Jan 2024 – Mar 2024"]
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Jan 2024 – Mar 2024: active certified peers") for c in captions)


def test_waiver_pickers_offer_only_the_published_grid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Months statewide only; a county only with the `all` stratum; strata at state and region."""
    serve(
        tmp_path,
        monkeypatch,
        {"rpt_waiver_metrics": WAIVER_GRID, "waiver_metrics_catalog": CATALOG},
    )
    at = run_page("waiver_metrics", EVALUATOR)

    assert at.selectbox(key="waiver_period_type").options == ["Month", "Quarter"]
    at.selectbox(key="waiver_period_type").select("month").run()
    assert at.selectbox(key="waiver_geography_level").options == ["State"]
    assert at.selectbox(key="waiver_stratum").options == ["all"]

    at.selectbox(key="waiver_period_type").select("quarter").run()
    assert at.selectbox(key="waiver_geography_level").options == ["State", "Region", "County"]
    at.selectbox(key="waiver_geography_level").select("region").run()
    assert at.selectbox(key="waiver_stratum").options == ["all", "age_group"]
    at.selectbox(key="waiver_stratum").select("age_group").run()
    at.selectbox(key="waiver_geography_level").select("county").run()
    assert at.selectbox(key="waiver_geography_code").options == ["06001"]
    assert at.selectbox(key="waiver_stratum").options == ["all"]
    assert at.selectbox(key="waiver_stratum").value == "all"
    assert not at.exception
