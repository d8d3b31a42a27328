"""What a hostile visitor tried: the network, the Host header, the toolbar, error details,
sign-in throttling, a bad users-file entry, a removed user's open session.

The servers are started as users start them: `streamlit run dashboards/app.py` with no security
flag (`dashboards/.streamlit/config.toml` must apply by itself) and `peerwh dashboard`.
"""

from __future__ import annotations

import shutil
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserType, Page, expect

from peerwh.dashboards.access import Role
from peerwh.dashboards.auth import add_user, remove_user
from peerwh.dashboards.session import SESSION_ENDED, SIGN_IN_FAILED
from tests.e2e.conftest import (
    BAD_COUNTY_USER,
    CHROMIUM_ARGS,
    EVALUATOR_USER,
    PROJECT_ROOT,
    E2EUser,
    _serve,
    sign_in,
    snapshot_table,
)
from tests.e2e.helpers import no_exception

LOOPBACK = {"127.0.0.1", "::1"}


def _port(url: str) -> int:
    port = urlparse(url).port
    assert port is not None
    return port


def _listening_addresses(port: int) -> set[str]:
    """The local addresses of the listening TCP sockets on `port`, from /proc/net/tcp and tcp6."""
    found: set[str] = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        for line in Path("/proc/net", table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] != "0A" or int(port_hex, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)
            # The kernel prints each 32-bit word in the machine's (little-endian) order.
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(socket.inet_ntop(family, raw))
    return found


@pytest.fixture(scope="module")
def cli_url(e2e_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`peerwh dashboard` in demo mode, without --address."""
    yield from _serve(e2e_warehouse, tmp_path_factory, {"PEERWH_AUTH": "none"}, via_cli=True)


@pytest.mark.parametrize("server", ["streamlit_url", "cli_url"])
def test_the_dashboard_listens_on_loopback_only(
    request: pytest.FixtureRequest, server: str
) -> None:
    port = _port(request.getfixturevalue(server))

    assert _listening_addresses(port) == {"127.0.0.1"}


def _websocket_status(url: str, host: str) -> int:
    """The HTTP status of a WebSocket handshake with the app sent with `Host: host`."""
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", _port(url)), timeout=10) as sock:
        sock.sendall(request.encode())
        return int(sock.recv(64).split()[1])


def test_the_websocket_refuses_a_host_name_that_is_not_the_servers(streamlit_url: str) -> None:
    port = _port(streamlit_url)

    assert _websocket_status(streamlit_url, f"127.0.0.1:{port}") == 101
    assert _websocket_status(streamlit_url, f"localhost:{port}") == 101
    assert _websocket_status(streamlit_url, f"rebind.example:{port}") == 403


def test_a_page_that_rebinds_its_name_to_the_server_gets_no_data(
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
    streamlit_url: str,
    page: Page,
) -> None:
    """DNS rebinding against the demo mode: rebind.example resolves to 127.0.0.1, as the
    attacker's DNS would answer once the victim's browser has loaded its page."""
    rule = "--host-resolver-rules=MAP rebind.example 127.0.0.1"
    browser = browser_type.launch(**{**browser_type_launch_args, "args": [*CHROMIUM_ARGS, rule]})
    try:
        rebound = browser.new_page()
        with rebound.expect_websocket() as websocket:
            rebound.goto(f"http://rebind.example:{_port(streamlit_url)}/")
        deadline = time.monotonic() + 20
        while not websocket.value.is_closed() and time.monotonic() < deadline:
            rebound.wait_for_timeout(100)

        assert websocket.value.is_closed()
        expect(rebound.get_by_role("heading", name="Overview")).to_have_count(0)
        expect(rebound.get_by_test_id("stMetric")).to_have_count(0)
    finally:
        browser.close()
    page.goto(streamlit_url)  # the same server, by its own name
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def test_users_get_no_deploy_button_nor_developer_menu(page: Page, streamlit_url: str) -> None:
    page.goto(streamlit_url)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()

    expect(page.get_by_test_id("stAppDeployButton")).to_have_count(0)
    page.get_by_test_id("stMainMenu").click()
    menu = page.get_by_test_id("stMainMenuList")
    expect(menu).to_contain_text("Print")
    for developer_item in ("Rerun", "Clear cache", "Deploy", "Settings"):
        expect(menu).not_to_contain_text(developer_item)


def test_xsrf_protection_is_on_and_other_origins_are_not_allowed(streamlit_url: str) -> None:
    request = urllib.request.Request(
        f"{streamlit_url}/_stcore/health", headers={"Origin": "http://rebind.example"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert "_streamlit_xsrf=" in (response.headers.get("Set-Cookie") or "")
        assert response.headers.get("Access-Control-Allow-Origin") in (None, streamlit_url)


@pytest.fixture(scope="module")
def broken_server(
    e2e_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path, Path]]:
    """(url, warehouse, server log) of a demo server whose snapshot has a corrupt Parquet file."""
    warehouse = tmp_path_factory.mktemp("broken_warehouse")
    serving = e2e_warehouse / "serving"
    build_id = (serving / "current").read_text().strip()
    shutil.copytree(serving / build_id, warehouse / "serving" / build_id)
    shutil.copy(serving / "current", warehouse / "serving" / "current")
    snapshot_table(warehouse, "fct_workforce_monthly").write_bytes(b"not a parquet file")
    log = tmp_path_factory.mktemp("broken_log") / "server.log"
    for url in _serve(warehouse, tmp_path_factory, {"PEERWH_AUTH": "none"}, log_path=log):
        yield url, warehouse, log


def test_an_error_shows_users_a_plain_message_and_the_operator_a_traceback(
    page: Page, broken_server: tuple[str, Path, Path]
) -> None:
    url, warehouse, log = broken_server
    page.goto(url)

    expect(page.get_by_test_id("stException")).to_contain_text("This app has encountered an error")
    shown = page.locator("body").inner_text()
    for detail in ("Traceback", ".py", "Exception", str(PROJECT_ROOT), str(warehouse)):
        assert detail not in shown
    deadline = time.monotonic() + 10
    while "Uncaught app execution" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    logged = log.read_text()
    assert "Uncaught app execution" in logged
    assert "Traceback (most recent call last)" in logged
    assert "app_pages/overview/page.py" in logged


def _try_sign_in(page: Page, url: str, username: str, password: str) -> None:
    """A fresh session's sign-in attempt, waiting until the form answers."""
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("stAlert")).to_be_visible()


def test_a_user_with_a_county_that_does_not_exist_cannot_sign_in(
    page: Page, signin_url: str, users_file: Path
) -> None:
    """It once signed in, and three pages crashed with tracebacks naming source files."""
    _try_sign_in(page, signin_url, BAD_COUNTY_USER.username, BAD_COUNTY_USER.password)

    expect(page.get_by_test_id("stAlert")).to_have_text(SIGN_IN_FAILED)
    shown = page.locator("body").inner_text()
    assert str(users_file) not in shown and BAD_COUNTY_USER.county_fips not in shown
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    no_exception(page)
    sign_in(page, signin_url, EVALUATOR_USER)  # the file's other users still can


# The browser plays two clients behind a proxy by sending X-Forwarded-For, which Streamlit reads
# from the WebSocket handshake. Debian's Chromium 150 (installed 2026-12-06) no longer adds a
# context's extra HTTP headers to that handshake, so both contexts reach the app as one client
# and this test cannot tell anything. The property stays tested without a browser:
# test_dashboard_auth.py (test_throttle_never_slows_another_client_or_username,
# test_client_address_trusts_forwarded_for_only_from_configured_proxies).
@pytest.mark.skip(reason="Chromium 150 sends no extra headers on the WebSocket handshake")
def test_a_stranger_cannot_lock_a_user_out(
    browser: Browser, signin_url: str, users_file: Path
) -> None:
    """Before, five wrong passwords from anyone locked a known username for everyone."""
    target = E2EUser("target", "target-pw", "evaluator")
    add_user(users_file, target.username, target.password, Role.EVALUATOR)
    stranger = browser.new_context(extra_http_headers={"X-Forwarded-For": "203.0.113.5"})
    user = browser.new_context(extra_http_headers={"X-Forwarded-For": "198.51.100.7"})
    try:
        page = stranger.new_page()
        for _ in range(5):
            _try_sign_in(page, signin_url, target.username, "guess")
            expect(page.get_by_test_id("stAlert")).to_have_text(SIGN_IN_FAILED)
        _try_sign_in(page, signin_url, target.username, target.password)
        expect(page.get_by_test_id("stAlert")).to_contain_text("Too many failed sign-ins")

        sign_in(user.new_page(), signin_url, target)
    finally:
        stranger.close()
        user.close()


def test_a_removed_user_loses_access_at_the_next_filter_change(
    page: Page, signin_url: str, users_file: Path
) -> None:
    """The county filter reruns only its fragment, not the app's sign-in check."""
    leaver = E2EUser("leaver", "leaver-pw", "state_analyst")
    add_user(users_file, leaver.username, leaver.password, Role.STATE_ANALYST)
    sign_in(page, f"{signin_url}/workforce", leaver)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()

    remove_user(users_file, leaver.username)
    page.get_by_role("combobox", name="County").click()
    page.keyboard.type("Alameda")
    page.get_by_role("option", name="Alameda", exact=True).click()

    expect(page.get_by_text(SESSION_ENDED)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
