"""Sign-in and scope in the app: the users file, Argon2 hashes, and `AppTest` runs of the pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import session
from dashboards.access import Role, Scope
from dashboards.auth import (
    SignInThrottle,
    UsersFileError,
    add_user,
    authenticate,
    demo_mode,
    hash_password,
    load_users,
)
from dashboards.session import DEMO_BANNER, SIGN_IN_FAILED
from dashboards.ui import SUPPRESSION_RULE
from dashboards.users import main as users_main
from tests.test_dashboard_access import publish

DASHBOARDS = Path(__file__).resolve().parents[1] / "dashboards"
APP = DASHBOARDS / "app.py"


# --- users file and hashes ------------------------------------------------------------------------


def test_hashes_are_salted_argon2id() -> None:
    first, second = hash_password("s3cret"), hash_password("s3cret")

    assert first.startswith("$argon2id$")
    assert first != second


def test_authenticate_returns_the_users_scope_only_for_the_right_password(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    add_user(path, "la", "pw-la", Role.COUNTY, "06037")
    users = load_users(path)

    assert authenticate(users, "la", "pw-la") == Scope(Role.COUNTY, "06037", "la")
    assert authenticate(users, "la", "wrong") is None
    assert authenticate(users, "nobody", "pw-la") is None


def test_users_file_never_holds_the_password(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    add_user(path, "ana", "plain-text-pw", Role.STATE_ANALYST)

    assert "plain-text-pw" not in path.read_text()
    assert path.stat().st_mode & 0o077 == 0


def test_adding_an_existing_user_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    add_user(path, "ana", "old", Role.STATE_ANALYST)
    add_user(path, "ana", "new", Role.EVALUATOR)
    users = load_users(path)

    assert list(users) == ["ana"]
    assert authenticate(users, "ana", "new") == Scope(Role.EVALUATOR, None, "ana")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("users:\n  - {username: x, role: county, password_hash: h}\n", "county"),
        ("users:\n  - {username: x, role: admin, password_hash: h}\n", "admin"),
        ("users:\n  - {username: x, role: evaluator}\n", "password_hash"),
        (
            "users:\n  - {username: x, role: evaluator, password_hash: h}\n"
            "  - {username: x, role: evaluator, password_hash: h}\n",
            "twice",
        ),
        ("just text", "users"),
    ],
)
def test_malformed_users_file_is_refused(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "users.yaml"
    path.write_text(text)

    with pytest.raises(UsersFileError, match=problem):
        load_users(path)


def test_missing_users_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsersFileError, match="no users file"):
        load_users(tmp_path / "absent.yaml")


def test_users_command_adds_a_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "users.yaml"
    monkeypatch.setenv("PEERWH_USERS_FILE", str(path))
    monkeypatch.setenv("PEERWH_NEW_PASSWORD", "pw")

    assert users_main(["add", "sac", "--role", "county", "--county", "06067"]) == 0
    assert authenticate(load_users(path), "sac", "pw") == Scope(Role.COUNTY, "06067", "sac")
    assert users_main(["add", "bad", "--role", "county"]) == 1


@pytest.mark.parametrize(("value", "demo"), [("none", True), ("users", False), ("", False)])
def test_auth_mode_from_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, demo: bool
) -> None:
    monkeypatch.setenv("PEERWH_AUTH", value)

    assert demo_mode() is demo


def test_unknown_auth_mode_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEERWH_AUTH", "off")

    with pytest.raises(UsersFileError):
        demo_mode()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_refuses_a_username_after_repeated_failures() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(max_failures=3, window_s=60, clock=clock)
    for _ in range(2):
        throttle.record("ana", succeeded=False)
        assert throttle.retry_after_s("ana") == 0
    throttle.record(" ANA ", succeeded=False)  # the same account, however typed

    assert throttle.retry_after_s("ana") == 60
    assert throttle.retry_after_s("eve") == 0
    clock.now += 59
    assert throttle.retry_after_s("ana") == 1
    clock.now += 1
    assert throttle.retry_after_s("ana") == 0


def test_throttle_forgets_old_failures_and_clears_on_success() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(max_failures=2, window_s=60, clock=clock)
    throttle.record("ana", succeeded=False)
    clock.now += 61
    throttle.record("ana", succeeded=False)
    assert throttle.retry_after_s("ana") == 0  # the first failure is outside the window

    throttle.record("ana", succeeded=True)
    throttle.record("ana", succeeded=False)
    assert throttle.retry_after_s("ana") == 0


# --- the app, without a browser -------------------------------------------------------------------


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny published snapshot and a users file with one user per role."""
    publish(tmp_path / "serving")
    users = tmp_path / "users.yaml"
    add_user(users, "ana", "pw-ana", Role.STATE_ANALYST)
    add_user(users, "eve", "pw-eve", Role.EVALUATOR)
    add_user(users, "alameda", "pw-alameda", Role.COUNTY, "06001")
    monkeypatch.setenv("PEERWH_WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.setenv("PEERWH_USERS_FILE", str(users))
    monkeypatch.delenv("PEERWH_AUTH", raising=False)
    return tmp_path


def _app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def _sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    return at.button[0].click().run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_signed_out_user_sees_only_the_sign_in_form(app_env: Path) -> None:
    at = _app()

    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.metric and not at.get("plotly_chart")


def test_wrong_password_is_refused_without_showing_data(app_env: Path) -> None:
    at = _sign_in(_app(), "ana", "nope")

    assert [e.value for e in at.error] == [SIGN_IN_FAILED]
    assert not at.metric


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(app_env: Path) -> None:
    session._throttle.clear()
    try:
        at = _app()
        for _ in range(SignInThrottle.max_failures):
            at = _sign_in(at, "eve", "guess")
            assert [e.value for e in at.error] == [SIGN_IN_FAILED]
        at = _sign_in(at, "eve", "pw-eve")

        assert [e.value for e in at.error] == [session.throttled_message(15 * 60)]
        assert not at.metric
        assert [t.value for t in at.title] == ["Sign in"]
    finally:
        session._throttle.clear()


def test_state_analyst_signs_in_to_the_overview(app_env: Path) -> None:
    at = _sign_in(_app(), "ana", "pw-ana")

    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    assert _metrics(at)["Active certified peers, Feb 2024"] == "30"
    assert _metrics(at)["Build"] == "b1"
    assert not at.warning  # no demo banner


def test_county_user_gets_its_own_county_and_statewide_only(app_env: Path) -> None:
    at = _sign_in(_app(), "alameda", "pw-alameda")
    at.switch_page("app_pages/workforce.py").run()

    box = at.selectbox(key="workforce_county")
    assert box.options == ["All counties (statewide)", "Alameda"]
    assert box.value == "06001"
    assert _metrics(at)["Active certified peers, Feb 2024"] == "15"


def test_county_in_the_url_does_not_widen_a_county_users_scope(app_env: Path) -> None:
    at = _sign_in(_app({"county": "06037"}), "alameda", "pw-alameda")
    at.switch_page("app_pages/workforce.py").run()

    assert at.selectbox(key="workforce_county").value == "06001"
    assert any("06037" in w.value and "outside your scope" in w.value for w in at.warning)
    assert _metrics(at)["Active certified peers, Feb 2024"] == "15"


def test_county_in_the_url_preselects_it_for_a_state_analyst(app_env: Path) -> None:
    at = _sign_in(_app({"county": "06037"}), "ana", "pw-ana")
    at.switch_page("app_pages/workforce.py").run()

    assert at.selectbox(key="workforce_county").value == "06037"
    assert _metrics(at)["Active certified peers, Feb 2024"] == "15"
    assert not at.warning


def test_county_user_statewide_figures_are_suppressed(app_env: Path) -> None:
    """Statewide employed peers in Jan 2024 is 9: a small cell, shown as suppressed."""
    at = _sign_in(_app(), "alameda", "pw-alameda")
    at.switch_page("app_pages/workforce.py").run()
    at.selectbox(key="workforce_county").select_index(0).run()

    table = at.dataframe[0].value
    jan = table.loc[table["month_start"].astype(str).str.startswith("2024-01")]
    assert jan["employed_peers"].tolist() == ["Suppressed"]
    assert SUPPRESSION_RULE in [c.value for c in at.caption]


def test_evaluator_sees_statewide_only(app_env: Path) -> None:
    at = _sign_in(_app(), "eve", "pw-eve")
    at.switch_page("app_pages/workforce.py").run()

    box = at.selectbox(key="workforce_county")
    assert box.options == ["All counties (statewide)"]
    assert box.disabled
    assert _metrics(at)["Employed peers, Feb 2024"] == "22"


@pytest.mark.parametrize("username", ["alameda", "eve"])
def test_data_quality_page_is_not_offered_to_other_roles(app_env: Path, username: str) -> None:
    at = _sign_in(_app(), username, f"pw-{username}")

    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/data_quality.py")


@pytest.mark.parametrize(
    "scope", [Scope(Role.COUNTY, "06001", "alameda"), Scope(Role.EVALUATOR, None, "eve")]
)
def test_data_quality_page_script_refuses_other_roles_by_itself(
    app_env: Path, scope: Scope
) -> None:
    """Even run directly, the page reads through the query layer, which refuses the audit tables."""
    at = AppTest.from_file(str(DASHBOARDS / "app_pages" / "data_quality.py"), default_timeout=60)
    at.session_state["peerwh_scope"] = scope
    at.run()

    assert not at.exception
    assert any("state analysts only" in e.value for e in at.error)
    assert not at.metric and not at.get("plotly_chart")


def test_state_analyst_data_quality_scorecard(app_env: Path) -> None:
    at = _sign_in(_app(), "ana", "pw-ana")
    at.switch_page("app_pages/data_quality.py").run()

    assert not at.exception
    assert _metrics(at) == {
        "Files ingested": "3",
        "Failed rule results": "1",
        "Rows quarantined": "2",
    }
    at.selectbox(key="dq_feed").select("employment").run()
    assert _metrics(at) == {
        "Files ingested": "1",
        "Failed rule results": "0",
        "Rows quarantined": "0",
    }


def test_demo_mode_signs_in_as_state_analyst_and_says_so(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERWH_AUTH", "none")

    at = _app()

    assert [t.value for t in at.title] == ["Overview"]
    assert [w.value for w in at.warning] == [DEMO_BANNER]
