"""The Utilization and Complaints page scripts under `AppTest`, on a tiny hand-made snapshot.

The widget logic: the county widget and `?county=` never widen a role's scope, filters change
the numbers, suppressed public cells read "Suppressed", evaluators get no detail widgets at all.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from peerwh.dashboards.access import Role, Scope
from peerwh.dashboards.auth import add_user, load_users
from peerwh.dashboards.ui import SUPPRESSION_RULE
from tests.test_dashboard_access import UTILIZATION_TABLES, publish

PAGES = Path(__file__).resolve().parents[1] / "dashboards" / "app_pages"
STATE = Scope(Role.STATE_ANALYST, None, "ana")
ALAMEDA = Scope(Role.COUNTY, "06001", "alameda")
EVALUATOR = Scope(Role.EVALUATOR, None, "eve")


def serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tables: dict[str, str]) -> Path:
    """Publish `tables` and a users file with a user per scope above; point the app at them."""
    publish(tmp_path / "serving", tables)
    users = tmp_path / "users.yaml"
    for scope in (STATE, ALAMEDA, EVALUATOR):
        add_user(users, scope.username, "pw", scope.role, scope.county_fips)
    monkeypatch.setenv("PEERWH_WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.setenv("PEERWH_USERS_FILE", str(users))
    monkeypatch.delenv("PEERWH_AUTH", raising=False)
    return tmp_path


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve(tmp_path, monkeypatch, UTILIZATION_TABLES)


def run_page(name: str, scope: Scope, county: str | None = None) -> AppTest:
    """Run the page script directly, as `scope`: the query layer must hold without app.py."""
    at = AppTest.from_file(str(PAGES / name / "page.py"), default_timeout=60)
    # Signed in as the user of `scope` (the session holds the users-file entry it checks).
    user = load_users(Path(os.environ["PEERWH_USERS_FILE"])).users[scope.username]
    assert user.scope() == scope
    at.session_state["peerwh_user"] = user
    if county is not None:
        at.query_params["county"] = county
    at.run()
    assert not at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _outside_scope_warning(at: AppTest, county: str) -> bool:
    return any(county in w.value and "outside your scope" in w.value for w in at.warning)


# --- utilization ----------------------------------------------------------------------------------


def test_utilization_statewide_then_filtered_by_delivery_system_and_months(
    warehouse: Path,
) -> None:
    at = run_page("utilization", STATE)

    assert at.selectbox(key="utilization_county").options == [
        "All counties (statewide)",
        "Alameda",
        "Los Angeles",
    ]
    assert _metrics(at) == {
        "Beneficiaries served": "3",
        "Under 21 served": "1",
        "Services": "5",
        "Collateral share": "20.0%",
    }
    at.selectbox(key="utilization_delivery_system").select("DMC_ODS").run()
    assert _metrics(at)["Services"] == "2"
    assert _metrics(at)["Beneficiaries served"] == "1"

    at.selectbox(key="utilization_delivery_system").select_index(0).run()
    at.select_slider(key="utilization_months").set_range(date(2024, 1, 1), date(2024, 1, 1)).run()
    assert _metrics(at)["Services"] == "3"


def test_utilization_link_preselects_a_county_for_a_state_analyst(warehouse: Path) -> None:
    at = run_page("utilization", STATE, county="06037")

    assert at.selectbox(key="utilization_county").value == "06037"
    assert _metrics(at)["Services"] == "2"
    assert not _outside_scope_warning(at, "06037")


@pytest.mark.parametrize("county", [None, "06037"])
def test_utilization_county_user_gets_its_own_county_whatever_the_link(
    warehouse: Path, county: str | None
) -> None:
    at = run_page("utilization", ALAMEDA, county=county)

    box = at.selectbox(key="utilization_county")
    assert (box.options, box.value, box.disabled) == (["Alameda"], "06001", True)
    assert _outside_scope_warning(at, "06037") is (county == "06037")
    assert _metrics(at)["Services"] == "3"
    assert _metrics(at)["Beneficiaries served"] == "2"
    services_by_county = at.table[0].value
    assert services_by_county.index.tolist() == ["06001"]
    # Other counties only as public, suppressed figures.
    penetration = at.table[1].value
    assert penetration.loc["06037", "Beneficiaries served"] == "Suppressed"
    assert penetration.loc["06001", "Penetration (per 1,000 members)"] == "5.00"


def test_utilization_evaluator_gets_public_figures_only(warehouse: Path) -> None:
    at = run_page("utilization", EVALUATOR, county="06001")

    assert not at.metric
    assert [s.key for s in at.selectbox] == ["utilization_period_type", "utilization_period"]
    penetration = at.table[0].value
    assert penetration["Beneficiaries served"].tolist() == ["20", "Suppressed"]
    assert SUPPRESSION_RULE in [c.value for c in at.caption]


# --- complaints -----------------------------------------------------------------------------------


def test_complaints_statewide_then_one_county(warehouse: Path) -> None:
    at = run_page("complaints", STATE)

    assert _metrics(at)["Complaints received"] == "3"
    assert _metrics(at)["Resolved on time"] == "50.0%"
    assert at.table[0].value.index.tolist() == ["K2"]
    # The county table: the internal aggregate, substantiated complaints included.
    by_county = at.dataframe[0].value
    assert by_county["complaints_substantiated"].tolist() == ["1", "0"]

    at.selectbox(key="complaints_county").select("06037").run()
    assert _metrics(at)["Complaints received"] == "1"
    assert _metrics(at)["Resolved on time"] == "–"
    assert not at.table


@pytest.mark.parametrize("county", [None, "06037"])
def test_complaints_county_user_gets_its_own_county_whatever_the_link(
    warehouse: Path, county: str | None
) -> None:
    at = run_page("complaints", ALAMEDA, county=county)

    box = at.selectbox(key="complaints_county")
    assert (box.options, box.value, box.disabled) == (["Alameda"], "06001", True)
    assert _outside_scope_warning(at, "06037") is (county == "06037")
    assert _metrics(at)["Complaints received"] == "2"
    public = at.dataframe[0].value
    assert public.set_index("county_fips").loc["06037", "complaints_received"] == "Suppressed"
    assert "complaints_substantiated" not in public.columns


def test_complaints_evaluator_gets_the_public_table_only(warehouse: Path) -> None:
    at = run_page("complaints", EVALUATOR, county="06001")

    assert not at.metric and not at.selectbox and not at.table
    public = at.dataframe[0].value
    assert public["complaints_received"].tolist() == ["12", "Suppressed"]
    assert list(public.columns) == ["quarter", "county_fips", "county_name", "complaints_received"]
