"""`peerwh dashboard`: the address it listens on, the host names it accepts, and what it tells the
operator at start-up. The settings it does not pass are in `dashboards/.streamlit/config.toml`
(tested on a running server in `tests/e2e/test_hardening.py`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from peerwh import cli
from peerwh.dashboards.access import Role
from peerwh.dashboards.auth import add_user


def _dashboard(
    monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str]
) -> tuple[list[str], Result]:
    """The Streamlit command `peerwh dashboard` would run, and what it printed."""
    commands: list[list[str]] = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command: commands.append(command) or 0)
    result = CliRunner().invoke(cli.main, ["dashboard", *args], env={"PEERWH_AUTH": "none", **env})
    return (commands[0] if commands else []), result


def _flag(command: list[str], name: str) -> list[str]:
    return [command[i + 1] for i, word in enumerate(command) if word == name]


def test_it_listens_on_loopback_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    default, _ = _dashboard(monkeypatch, [], {"PEERWH_DASHBOARD_ADDRESS": ""})
    from_env, _ = _dashboard(monkeypatch, [], {"PEERWH_DASHBOARD_ADDRESS": "0.0.0.0"})
    from_flag, _ = _dashboard(
        monkeypatch, ["--address", "10.1.2.3"], {"PEERWH_DASHBOARD_ADDRESS": "0.0.0.0"}
    )

    assert _flag(default, "--server.address") == ["127.0.0.1"]
    assert _flag(from_env, "--server.address") == ["0.0.0.0"]
    assert _flag(from_flag, "--server.address") == ["10.1.2.3"]


def test_allowed_host_names_come_from_the_flag_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default, _ = _dashboard(monkeypatch, [], {})
    from_env, _ = _dashboard(
        monkeypatch, [], {"PEERWH_DASHBOARD_ALLOWED_HOSTS": "dash.example.org other.example.org"}
    )
    from_flag, _ = _dashboard(monkeypatch, ["--allowed-host", "dash.example.org"], {})

    assert _flag(default, "--server.allowedHosts") == []  # config.toml's localhost names
    assert _flag(from_env, "--server.allowedHosts") == ["dash.example.org", "other.example.org"]
    assert _flag(from_flag, "--server.allowedHosts") == ["dash.example.org"]


def test_start_up_names_each_bad_users_file_entry_for_the_operator(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "users.yaml"
    add_user(path, "ana", "pw-ana", Role.STATE_ANALYST)
    path.write_text(path.read_text().replace("state_analyst", "admin"))

    command, result = _dashboard(
        monkeypatch, [], {"PEERWH_AUTH": "users", "PEERWH_USERS_FILE": str(path)}
    )

    assert command  # it starts all the same: the operator may fix the file while it runs
    assert result.stderr == (
        f"warning: users file {path}: entry 1 ('ana') has role 'admin', not one of "
        "state_analyst, county, evaluator: that user cannot sign in\n"
    )


def test_start_up_refuses_a_bad_trusted_proxies_value(monkeypatch: pytest.MonkeyPatch) -> None:
    command, result = _dashboard(
        monkeypatch, [], {"PEERWH_AUTH": "users", "PEERWH_TRUSTED_PROXIES": "nginx"}
    )

    assert not command
    assert result.exit_code == 1
    assert "PEERWH_TRUSTED_PROXIES must be a number of proxies" in result.stderr
