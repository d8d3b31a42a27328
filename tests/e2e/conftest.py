"""End-to-end fixtures: a published warehouse, a Streamlit server on a free port, system Chromium.

Run with `.venv/bin/python -m pytest tests/e2e`. Never run `playwright install`: the browser is the
system Chromium (`PEERWH_CHROMIUM`, default /usr/bin/chromium); the tests skip when it is missing.

Two servers: `streamlit_url` in demo mode (`PEERWH_AUTH=none`, a state analyst) and
`signin_url` with a users file (`E2E_USERS`, Argon2 hashes written by `dashboards.auth`).
`PEERWH_E2E_WAREHOUSE=<dir>` reuses an already published warehouse instead of building one.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from playwright.sync_api import Page, expect

PROJECT_ROOT = Path(__file__).resolve().parents[2]
APP = PROJECT_ROOT / "dashboards" / "app.py"
CHROMIUM = os.environ.get("PEERWH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT_S = 60.0

# CI machines have two cores shared with the pipeline; give pages time to settle.
expect.set_options(timeout=20_000)


# --- The Streamlit server -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            return bool(response.status == 200 and response.read().strip() == b"ok")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group (started with its own session), by its id only."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@dataclass(frozen=True)
class E2EUser:
    username: str
    password: str
    role: str
    county_fips: str | None = None


# The county user's county is the tiny fixture's busiest one other than Los Angeles (06037),
# which is the county it must never see; see `county_user_fips`.
OTHER_COUNTY_FIPS = "06037"
STATE_USER = E2EUser("ana", "state-analyst-pw", "state_analyst")
EVALUATOR_USER = E2EUser("eve", "evaluator-pw", "evaluator")
COUNTY_PASSWORD = "county-user-pw"


@pytest.fixture(scope="session")
def e2e_warehouse(request: pytest.FixtureRequest) -> Path:
    configured = os.environ.get("PEERWH_E2E_WAREHOUSE")
    if configured:
        return Path(configured).resolve()
    warehouse: Path = request.getfixturevalue("published_warehouse")
    return warehouse


def snapshot_manifest(warehouse_dir: Path) -> tuple[Path, dict[str, Any]]:
    """(folder, manifest) of the current snapshot, read without `dashboards`."""
    serving = warehouse_dir / "serving"
    build_id = (serving / "current").read_text().strip()
    manifest: dict[str, Any] = json.loads((serving / build_id / "manifest.json").read_text())
    return serving / build_id, manifest


def snapshot_table(warehouse_dir: Path, table: str) -> Path:
    """The Parquet file of `table` in the current snapshot (public ones in its public/ folder)."""
    folder, manifest = snapshot_manifest(warehouse_dir)
    entry = manifest["tables"][table]
    return folder / entry.get("folder", "") / entry["file"]


@pytest.fixture(scope="session")
def county_user_fips(e2e_warehouse: Path) -> tuple[str, str]:
    """(fips, name) of the county with most active peers in the latest month, not 06037."""
    parquet = snapshot_table(e2e_warehouse, "fct_workforce_monthly")
    with duckdb.connect(":memory:") as con:
        row = con.execute(
            """
            SELECT county_fips, county_name FROM read_parquet($path)
            WHERE month_start = (SELECT max(month_start) FROM read_parquet($path))
              AND county_fips <> $other
            ORDER BY active_certified_peers DESC, county_name
            LIMIT 1
            """,
            {"path": str(parquet), "other": OTHER_COUNTY_FIPS},
        ).fetchone()
    assert row is not None
    return str(row[0]), str(row[1])


@pytest.fixture(scope="session")
def county_user(county_user_fips: tuple[str, str]) -> E2EUser:
    return E2EUser("county", COUNTY_PASSWORD, "county", county_user_fips[0])


# An entry with a county code that does not exist (`users add` refuses it, a hand edit does not):
# it must keep only itself out, every e2e sign-in happens beside it.
BAD_COUNTY_USER = E2EUser("nowhere", "nowhere-pw", "county", "06999")


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory, county_user: E2EUser) -> Path:
    """A users file with a state analyst, an evaluator and a county user (real Argon2 hashes),
    and `BAD_COUNTY_USER`."""
    from peerwh.dashboards.access import Role
    from peerwh.dashboards.auth import add_user, hash_password

    path = tmp_path_factory.mktemp("users") / "users.yaml"
    for user in (STATE_USER, EVALUATOR_USER, county_user):
        add_user(path, user.username, user.password, Role(user.role), user.county_fips)
    bad = BAD_COUNTY_USER
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            f"- {{username: {bad.username}, role: {bad.role}, county_fips: '{bad.county_fips}', "
            f"password_hash: '{hash_password(bad.password)}'}}\n"
        )
    return path


def _serve(
    warehouse: Path,
    tmp_path_factory: pytest.TempPathFactory,
    extra_env: dict[str, str],
    log_path: Path | None = None,
    via_cli: bool = False,
) -> Iterator[str]:
    """Run `streamlit run dashboards/app.py` (`peerwh dashboard` with `via_cli`) on a free port
    until the session ends; its output goes to `log_path`."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = log_path or tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {
        **os.environ,
        "PEERWH_WAREHOUSE_DIR": str(warehouse),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **extra_env,
    }
    # Everything else (loopback address, allowed hosts, XSRF, toolbar, error details, static
    # files) comes from dashboards/.streamlit/config.toml, as for every other way of starting it.
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    if via_cli:
        command = [sys.executable, "-m", "peerwh.cli", "dashboard", "--port", str(port)]
    started = time.perf_counter()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = started + SERVER_START_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None or time.perf_counter() > deadline:
                pytest.fail(f"Streamlit did not become healthy; log:\n{log_path.read_text()}")
            time.sleep(0.1)
        print(
            f"\n[e2e] streamlit healthy {time.perf_counter() - started:.2f}s after launch ({url})"
        )
        yield url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def streamlit_url(e2e_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Demo mode (`PEERWH_AUTH=none`): signed in as a state analyst, with a banner."""
    yield from _serve(e2e_warehouse, tmp_path_factory, {"PEERWH_AUTH": "none"})


@pytest.fixture(scope="session")
def signin_url(
    e2e_warehouse: Path, tmp_path_factory: pytest.TempPathFactory, users_file: Path
) -> Iterator[str]:
    """Sign-in mode against `users_file`, as if behind one reverse proxy: a test's browser plays
    the proxy by sending `X-Forwarded-For` (without it, every browser is the local client)."""
    yield from _serve(
        e2e_warehouse,
        tmp_path_factory,
        {
            "PEERWH_AUTH": "users",
            "PEERWH_USERS_FILE": str(users_file),
            "PEERWH_TRUSTED_PROXIES": "1",
        },
    )


def sign_in(page: Page, url: str, user: E2EUser) -> None:
    """Open `url`, fill the sign-in form and wait until the form is gone."""
    page.goto(url)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(user.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    expect(page.get_by_text(f"Signed in as {user.username}")).to_be_visible()


# --- pytest-playwright overrides ------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any],
) -> dict[str, Any]:
    if shutil.which(CHROMIUM) is None:
        pytest.skip(
            f"no Chromium at {CHROMIUM} (set PEERWH_CHROMIUM); never run `playwright install`"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": {"width": 1400, "height": 1000},
        "locale": "en-US",
    }
