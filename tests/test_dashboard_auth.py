"""Sign-in and scope in the app: the users file, Argon2 hashes, and `AppTest` runs of the pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from peerwh.dashboards import session
from peerwh.dashboards.access import Role, Scope
from peerwh.dashboards.auth import (
    SignInThrottle,
    UsersFileError,
    add_user,
    authenticate,
    client_address,
    demo_mode,
    hash_password,
    load_users,
    remove_user,
)
from peerwh.dashboards.session import (
    DEMO_BANNER,
    SESSION_ENDED,
    SIGN_IN_FAILED,
    SIGN_IN_UNAVAILABLE,
)
from peerwh.dashboards.ui import SUPPRESSION_RULE
from peerwh.dashboards.users import main as users_main
from tests.test_dashboard_access import publish

DASHBOARDS = Path(__file__).resolve().parents[1] / "dashboards"
APP = DASHBOARDS / "app.py"


# --- users file and hashes ------------------------------------------------------------------------


def test_hashes_are_salted_argon2id() -> None:
    first, second = hash_password("s3cret"), hash_password("s3cret")

    assert first.startswith("$argon2id$")
    assert first != second


def test_authenticate_returns_the_user_only_for_the_right_password(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    add_user(path, "la", "pw-la", Role.COUNTY, "06037")
    users = load_users(path).users

    user = authenticate(users, "la", "pw-la")
    assert user is not None and user.scope() == Scope(Role.COUNTY, "06037", "la")
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
    users = load_users(path).users

    assert list(users) == ["ana"]
    assert authenticate(users, "ana", "new") == users["ana"]
    assert users["ana"].scope() == Scope(Role.EVALUATOR, None, "ana")


HASH = hash_password("pw-bad")


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        # A county code that does not exist used to sign in and crash three pages.
        (
            f'{{username: bad, role: county, county_fips: "06999", password_hash: "{HASH}"}}',
            "entry 2 ('bad') has county_fips '06999', which is not one of California's 58",
        ),
        (
            f"{{username: bad, role: county, county_fips: 06037, password_hash: '{HASH}'}}",
            "entry 2 ('bad') has county_fips 3103, a number: quote it",
        ),
        (
            f"{{username: bad, role: county, password_hash: '{HASH}'}}",
            "entry 2 ('bad') has role county but no county_fips",
        ),
        (
            f"{{username: bad, role: evaluator, county_fips: '06037', password_hash: '{HASH}'}}",
            "entry 2 ('bad') has county_fips '06037', but only a county user has a county",
        ),
        (
            f"{{username: bad, role: admin, password_hash: '{HASH}'}}",
            "entry 2 ('bad') has role 'admin', not one of state_analyst, county, evaluator",
        ),
        ("{username: bad, role: evaluator}", "entry 2 ('bad') has no valid Argon2id"),
        ("{username: bad, role: evaluator, password_hash: h}", "entry 2 ('bad') has no valid"),
        (f"{{role: evaluator, password_hash: '{HASH}'}}", "entry 2 has no username"),
        ("just text", "entry 2 is not a mapping"),
    ],
)
def test_a_bad_entry_is_left_out_alone_and_named_for_the_operator(
    tmp_path: Path, entry: str, problem: str
) -> None:
    path = tmp_path / "users.yaml"
    add_user(path, "ok", "pw-ok", Role.EVALUATOR)
    path.write_text(path.read_text() + f"- {entry}\n")

    users_file = load_users(path)

    assert list(users_file.users) == ["ok"]
    [message] = users_file.messages()
    assert message.startswith(f"users file {path}: {problem}")
    assert message.endswith(": that user cannot sign in")


def test_a_username_used_twice_is_left_out_in_every_entry(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    add_user(path, "ok", "pw-ok", Role.EVALUATOR)
    twice = f"- {{username: dup, role: evaluator, password_hash: '{HASH}'}}\n"
    path.write_text(path.read_text() + twice + twice)

    users_file = load_users(path)

    assert list(users_file.users) == ["ok"]
    assert users_file.problems == (
        "username 'dup' appears in entries 2, 3: none of them can sign in",
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [("just text", "must hold a `users:` list"), ("users: [unclosed", "cannot be read")],
)
def test_an_unusable_users_file_lets_nobody_sign_in(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "users.yaml"
    path.write_text(text)

    users_file = load_users(path)

    assert not users_file.users
    assert len(users_file.problems) == 1
    assert problem in users_file.problems[0]
    assert users_file.problems[0].endswith("nobody can sign in")


def test_missing_users_file_lets_nobody_sign_in(tmp_path: Path) -> None:
    users_file = load_users(tmp_path / "absent.yaml")

    assert not users_file.users
    assert users_file.problems == ("does not exist; nobody can sign in",)


def test_users_command_adds_a_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "users.yaml"
    monkeypatch.setenv("PEERWH_USERS_FILE", str(path))
    monkeypatch.setenv("PEERWH_NEW_PASSWORD", "pw")

    assert users_main(["add", "sac", "--role", "county", "--county", "06067"]) == 0
    users = load_users(path).users
    assert authenticate(users, "sac", "pw") == users["sac"]
    assert users["sac"].scope() == Scope(Role.COUNTY, "06067", "sac")
    assert users_main(["add", "bad", "--role", "county"]) == 1


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (
            ["--role", "county", "--county", "06999"],
            "error: user 'new' has county_fips '06999', which is not one of California's 58",
        ),
        (["--role", "county"], "error: user 'new' has role county but no county_fips"),
        (
            ["--role", "evaluator", "--county", "06037"],
            "error: user 'new' has county_fips '06037', but only a county user has a county",
        ),
    ],
)
def test_users_command_refuses_a_bad_entry_and_saves_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    problem: str,
) -> None:
    path = tmp_path / "users.yaml"
    add_user(path, "ok", "pw-ok", Role.EVALUATOR)
    before = path.read_text()
    monkeypatch.setenv("PEERWH_USERS_FILE", str(path))
    monkeypatch.setenv("PEERWH_NEW_PASSWORD", "pw")

    assert users_main(["add", "new", *args]) == 1
    assert capsys.readouterr().err.startswith(problem)
    assert path.read_text() == before


def test_users_command_keeps_and_reports_the_files_other_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "users.yaml"
    old = f"{{username: old, role: county, county_fips: '06999', password_hash: '{HASH}'}}"
    path.write_text(f"users:\n- {old}\n")
    monkeypatch.setenv("PEERWH_USERS_FILE", str(path))
    monkeypatch.setenv("PEERWH_NEW_PASSWORD", "pw")

    assert users_main(["add", "new", "--role", "evaluator"]) == 0

    assert "06999" in path.read_text()  # not dropped: the operator fixes it
    assert list(load_users(path).users) == ["new"]
    assert capsys.readouterr().err == (
        f"warning: users file {path}: entry 1 ('old') has county_fips '06999', which is not one "
        "of California's 58 county FIPS codes (counties.csv): that user cannot sign in\n"
    )


def test_users_command_removes_a_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "users.yaml"
    add_user(path, "ana", "pw-ana", Role.STATE_ANALYST)
    add_user(path, "eve", "pw-eve", Role.EVALUATOR)
    monkeypatch.setenv("PEERWH_USERS_FILE", str(path))

    assert users_main(["remove", "ana"]) == 0
    assert list(load_users(path).users) == ["eve"]
    assert users_main(["remove", "ana"]) == 1
    assert f"error: no user 'ana' in {path}" in capsys.readouterr().err
    assert path.stat().st_mode & 0o077 == 0


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


def _fail(throttle: SignInThrottle, client: str, username: str, times: int) -> None:
    for _ in range(times):
        throttle.record(client, username, succeeded=False)


def test_throttle_backs_off_exponentially_per_client_and_username() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(free_failures=3, first_wait_s=10, max_wait_s=35, clock=clock)
    _fail(throttle, "203.0.113.5", "ana", 2)
    assert throttle.retry_after_s("203.0.113.5", "ana") == 0
    _fail(throttle, "203.0.113.5", " ANA ", 1)  # the same account, however typed

    assert throttle.retry_after_s("203.0.113.5", "ana") == 10
    clock.now += 10
    _fail(throttle, "203.0.113.5", "ana", 1)
    assert throttle.retry_after_s("203.0.113.5", "ana") == 20
    clock.now += 20
    _fail(throttle, "203.0.113.5", "ana", 1)
    assert throttle.retry_after_s("203.0.113.5", "ana") == 35  # 40, capped
    clock.now += 34
    assert throttle.retry_after_s("203.0.113.5", "ana") == 1


def test_throttle_never_slows_another_client_or_username() -> None:
    """A stranger's failures cannot keep a user out (they once locked the username for all)."""
    throttle = SignInThrottle(free_failures=3, clock=FakeClock())
    _fail(throttle, "203.0.113.5", "ana", 50)

    assert throttle.retry_after_s("203.0.113.5", "ana") > 0
    assert throttle.retry_after_s("198.51.100.7", "ana") == 0
    assert throttle.retry_after_s("203.0.113.5", "eve") > 0  # the client's own total
    assert throttle.retry_after_s("198.51.100.7", "eve") == 0


def test_throttle_limits_one_clients_guesses_over_every_username() -> None:
    throttle = SignInThrottle(free_failures=3, free_failures_per_client=5, clock=FakeClock())
    for name in ("a", "b", "c", "d"):
        _fail(throttle, "203.0.113.5", name, 1)
    assert throttle.retry_after_s("203.0.113.5", "e") == 0
    _fail(throttle, "203.0.113.5", "e", 1)

    assert throttle.retry_after_s("203.0.113.5", "f") == throttle.first_wait_s
    throttle.record("203.0.113.5", "own", succeeded=True)  # one's own sign-in buys no guesses
    assert throttle.retry_after_s("203.0.113.5", "f") == throttle.first_wait_s


def test_throttle_forgets_old_failures_and_clears_on_success() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(free_failures=2, forget_after_s=60, clock=clock)
    _fail(throttle, "local", "ana", 2)
    assert throttle.retry_after_s("local", "ana") > 0
    clock.now += 60
    assert throttle.retry_after_s("local", "ana") == 0  # forgotten

    _fail(throttle, "local", "ana", 1)
    throttle.record("local", "ana", succeeded=True)
    _fail(throttle, "local", "ana", 1)
    assert throttle.retry_after_s("local", "ana") == 0


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "client"),
    [
        ("", "203.0.113.5", ["198.51.100.7"], "203.0.113.5"),  # no proxy: the header is a lie
        ("", None, [], "local"),
        ("1", None, ["198.51.100.7"], "198.51.100.7"),
        ("1", None, ["10.9.9.9, 198.51.100.7"], "198.51.100.7"),  # the client wrote 10.9.9.9
        ("2", None, ["10.9.9.9, 198.51.100.7", "192.0.2.1"], "198.51.100.7"),
        ("1", None, [], "local"),  # reached directly, not through the proxy
    ],
)
def test_client_address_trusts_forwarded_for_only_from_configured_proxies(
    monkeypatch: pytest.MonkeyPatch,
    trusted: str,
    peer: str | None,
    forwarded: list[str],
    client: str,
) -> None:
    monkeypatch.setenv("PEERWH_TRUSTED_PROXIES", trusted)

    assert client_address(peer, forwarded) == client


def test_a_bad_trusted_proxies_value_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEERWH_TRUSTED_PROXIES", "yes")

    with pytest.raises(UsersFileError, match="PEERWH_TRUSTED_PROXIES"):
        client_address(None, [])


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
    # AppTest's browser connection is a mock without an address: one local client.
    monkeypatch.setattr(session, "_client", lambda: "local")
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


@pytest.fixture
def fresh_throttle() -> Iterator[None]:
    session._throttle.clear()
    yield
    session._throttle.clear()


def test_repeated_wrong_passwords_slow_that_client_even_for_the_right_one(
    app_env: Path, fresh_throttle: None
) -> None:
    at = _app()
    for _ in range(SignInThrottle.free_failures):
        at = _sign_in(at, "eve", "guess")
        assert [e.value for e in at.error] == [SIGN_IN_FAILED]
    at = _sign_in(at, "eve", "pw-eve")

    assert [e.value for e in at.error] == [session.throttled_message(SignInThrottle.first_wait_s)]
    assert not at.metric
    assert [t.value for t in at.title] == ["Sign in"]


def test_wrong_passwords_from_elsewhere_do_not_keep_the_user_out(
    app_env: Path, fresh_throttle: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "_client", lambda: "203.0.113.5")
    at = _app()
    for _ in range(3 * SignInThrottle.free_failures):
        at = _sign_in(at, "eve", "guess")
    assert "Too many failed sign-ins" in at.error[0].value

    monkeypatch.setattr(session, "_client", lambda: "198.51.100.7")
    at = _sign_in(_app(), "eve", "pw-eve")

    assert not at.error
    assert [t.value for t in at.title] == ["Overview"]


def _shown_text(at: AppTest) -> str:
    """Every text the page shows, as one string."""
    kinds = ("title", "caption", "markdown", "error", "info", "warning", "text")
    return "\n".join(str(element.value) for kind in kinds for element in at.get(kind))


def test_a_bad_entry_keeps_only_that_user_out_and_the_page_says_nothing_of_it(
    app_env: Path, caplog: pytest.LogCaptureFixture
) -> None:
    users = app_env / "users.yaml"
    nowhere = f"{{username: nowhere, role: county, county_fips: '06999', password_hash: '{HASH}'}}"
    users.write_text(users.read_text() + f"- {nowhere}\n")

    at = _app()
    assert not at.error
    assert "nowhere" not in _shown_text(at) and str(users) not in _shown_text(at)
    at = _sign_in(at, "nowhere", "pw-bad")
    assert [e.value for e in at.error] == [SIGN_IN_FAILED]
    assert "06999" not in _shown_text(at) and str(users) not in _shown_text(at)
    at = _sign_in(_app(), "alameda", "pw-alameda")

    assert [t.value for t in at.title] == ["Overview"]
    assert f"users file {users}: entry 4 ('nowhere') has county_fips '06999'" in caplog.text


def test_an_unusable_users_file_shows_a_plain_message_only(
    app_env: Path, caplog: pytest.LogCaptureFixture
) -> None:
    users = app_env / "users.yaml"
    users.write_text("users: [unclosed")

    at = _app()

    assert [e.value for e in at.error] == [SIGN_IN_UNAVAILABLE]
    assert not at.text_input
    assert str(users) not in _shown_text(at)
    assert f"users file {users}: cannot be read" in caplog.text


@pytest.mark.parametrize(
    "change",
    [
        lambda path: remove_user(path, "alameda"),
        lambda path: add_user(path, "alameda", "pw-alameda", Role.COUNTY, "06037"),
        lambda path: add_user(path, "alameda", "pw-alameda", Role.EVALUATOR),
        lambda path: add_user(path, "alameda", "new-password", Role.COUNTY, "06001"),
    ],
    ids=["removed", "other county", "other role", "new password"],
)
def test_a_changed_or_removed_user_is_signed_out_at_the_next_interaction(
    app_env: Path, change: Callable[[Path], object]
) -> None:
    at = _sign_in(_app(), "alameda", "pw-alameda")
    at.switch_page("app_pages/workforce/page.py").run()
    assert _metrics(at)["Active certified peers, Feb 2024"] == "15"

    change(app_env / "users.yaml")
    at.selectbox(key="workforce_county").select_index(0).run()

    assert [t.value for t in at.title] == ["Sign in"]
    assert [i.value for i in at.info] == [SESSION_ENDED]
    assert not at.metric and not at.dataframe


def test_state_analyst_signs_in_to_the_overview(app_env: Path) -> None:
    at = _sign_in(_app(), "ana", "pw-ana")

    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    assert _metrics(at)["Active certified peers, Feb 2024"] == "30"
    assert _metrics(at)["Build"] == "b1"
    assert not at.warning  # no demo banner


def test_county_user_gets_its_own_county_and_statewide_only(app_env: Path) -> None:
    at = _sign_in(_app(), "alameda", "pw-alameda")
    at.switch_page("app_pages/workforce/page.py").run()

    box = at.selectbox(key="workforce_county")
    assert box.options == ["All counties (statewide)", "Alameda"]
    assert box.value == "06001"
    assert _metrics(at)["Active certified peers, Feb 2024"] == "15"


def test_county_in_the_url_does_not_widen_a_county_users_scope(app_env: Path) -> None:
    at = _sign_in(_app({"county": "06037"}), "alameda", "pw-alameda")
    at.switch_page("app_pages/workforce/page.py").run()

    assert at.selectbox(key="workforce_county").value == "06001"
    assert any("06037" in w.value and "outside your scope" in w.value for w in at.warning)
    assert _metrics(at)["Active certified peers, Feb 2024"] == "15"


def test_county_in_the_url_preselects_it_for_a_state_analyst(app_env: Path) -> None:
    at = _sign_in(_app({"county": "06037"}), "ana", "pw-ana")
    at.switch_page("app_pages/workforce/page.py").run()

    assert at.selectbox(key="workforce_county").value == "06037"
    assert _metrics(at)["Active certified peers, Feb 2024"] == "15"
    assert not at.warning


def test_county_user_statewide_figures_are_suppressed(app_env: Path) -> None:
    """Statewide employed peers in Jan 2024 is 9: a small cell, shown as suppressed."""
    at = _sign_in(_app(), "alameda", "pw-alameda")
    at.switch_page("app_pages/workforce/page.py").run()
    at.selectbox(key="workforce_county").select_index(0).run()

    table = at.dataframe[0].value
    jan = table.loc[table["month_start"].astype(str).str.startswith("2024-01")]
    assert jan["employed_peers"].tolist() == ["Suppressed"]
    assert SUPPRESSION_RULE in [c.value for c in at.caption]


def test_evaluator_sees_statewide_only(app_env: Path) -> None:
    at = _sign_in(_app(), "eve", "pw-eve")
    at.switch_page("app_pages/workforce/page.py").run()

    box = at.selectbox(key="workforce_county")
    assert box.options == ["All counties (statewide)"]
    assert box.disabled
    assert _metrics(at)["Employed peers, Feb 2024"] == "22"


@pytest.mark.parametrize("username", ["alameda", "eve"])
def test_data_quality_page_is_not_offered_to_other_roles(app_env: Path, username: str) -> None:
    at = _sign_in(_app(), username, f"pw-{username}")

    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/data_quality/page.py")


@pytest.mark.parametrize("username", ["alameda", "eve"])
def test_data_quality_page_script_refuses_other_roles_by_itself(
    app_env: Path, username: str
) -> None:
    """Even run directly, the page reads through the query layer, which refuses the audit tables."""
    at = AppTest.from_file(
        str(DASHBOARDS / "app_pages" / "data_quality" / "page.py"), default_timeout=60
    )
    at.session_state["peerwh_user"] = load_users(app_env / "users.yaml").users[username]
    at.run()

    assert not at.exception
    assert any("state analysts only" in e.value for e in at.error)
    assert not at.metric and not at.get("plotly_chart")


SCORECARD_METRICS = ("Files ingested", "Failed rule results", "Rows quarantined")


def test_state_analyst_data_quality_scorecard(app_env: Path) -> None:
    at = _sign_in(_app(), "ana", "pw-ana")
    at.switch_page("app_pages/data_quality/page.py").run()

    assert not at.exception
    assert {k: v for k, v in _metrics(at).items() if k in SCORECARD_METRICS} == {
        "Files ingested": "3",
        "Failed rule results": "1",
        "Rows quarantined": "2",
    }
    at.selectbox(key="dq_feed").select("employment").run()
    assert {k: v for k, v in _metrics(at).items() if k in SCORECARD_METRICS} == {
        "Files ingested": "1",
        "Failed rule results": "0",
        "Rows quarantined": "0",
    }


def test_data_quality_shows_the_disclosure_audit_verdict_and_its_loss(app_env: Path) -> None:
    """RPT-03's audit of the public tables: verdict, time, and the loss per quantity and level
    (the snapshot's `audit__disclosure_summary`: 70 cells, 17 of them suppressed)."""
    at = _sign_in(_app(), "ana", "pw-ana")
    at.switch_page("app_pages/data_quality/page.py").run()

    assert "Disclosure control (RPT-03)" in [h.value for h in at.subheader]
    metrics = _metrics(at)
    assert metrics["Disclosure audit"] == "Passed"
    assert metrics["Audited"] == "2025-01-02 03:00 UTC"
    assert (metrics["Public cells"], metrics["Cells suppressed"]) == ("70", "24.3%")
    loss = at.table[-1].value
    assert loss["Geography"].tolist() == ["State", "Region", "County"]
    assert loss["Primaries (1 to 10)"].tolist() == ["0", "3", "8"]
    assert loss["Complements"].tolist() == ["1", "3", "2"]
    assert loss["Share of cells suppressed"].tolist() == ["10.0%", "30.0%", "25.0%"]
    assert loss["Share of the total suppressed"].tolist() == ["5.0%", "7.8%", "6.7%"]


def test_demo_mode_signs_in_as_state_analyst_and_says_so(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERWH_AUTH", "none")

    at = _app()

    assert [t.value for t in at.title] == ["Overview"]
    assert [w.value for w in at.warning] == [DEMO_BANNER]
