"""`peerwh dashboard`: the address it listens on and the host names it accepts. The settings it
does not pass are in `dashboards/.streamlit/config.toml` (tested on a running server in
`tests/e2e/test_hardening.py`)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result

from orchestration import cli


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
