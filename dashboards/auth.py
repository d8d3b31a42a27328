"""Sign-in against a local users file of salted Argon2id password hashes (`argon2-cffi`).

The users file is YAML at `PEERWH_USERS_FILE` (default `<warehouse dir>/users.yaml`):

    users:
      - username: ana
        role: state_analyst
        password_hash: "$argon2id$v=19$m=65536,t=3,p=4$..."
      - username: lacounty
        role: county
        county_fips: "06037"
        password_hash: "$argon2id$..."

Add users with `python -m dashboards.users add USERNAME --role county --county 06037`.
`PEERWH_AUTH=none` is the demo mode: no sign-in, everyone is a state analyst (and every page
says so). No Streamlit here.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboards.access import Role, Scope
from orchestration.config import warehouse_dir

AUTH_ENV = "PEERWH_AUTH"
USERS_FILE_ENV = "PEERWH_USERS_FILE"
DEMO_USERNAME = "demo"

_HASHER = PasswordHasher()
# Verified when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _HASHER.hash("not-a-real-password")


class UsersFileError(RuntimeError):
    """The users file is missing or malformed."""


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    county_fips: str | None
    password_hash: str

    def scope(self) -> Scope:
        return Scope(self.role, self.county_fips, self.username)


def demo_mode() -> bool:
    """True when `PEERWH_AUTH=none`; any other value than `none`/`users`/unset is an error."""
    value = os.environ.get(AUTH_ENV, "users").strip().lower()
    if value not in {"none", "users", ""}:
        raise UsersFileError(f"{AUTH_ENV} must be 'users' (default) or 'none', not {value!r}")
    return value == "none"


def demo_scope() -> Scope:
    return Scope(Role.STATE_ANALYST, None, DEMO_USERNAME)


def users_file() -> Path:
    configured = os.environ.get(USERS_FILE_ENV)
    return Path(configured).resolve() if configured else warehouse_dir() / "users.yaml"


def hash_password(password: str) -> str:
    """A salted Argon2id hash (argon2-cffi's RFC 9106 low-memory defaults)."""
    if not password:
        raise ValueError("the password is empty")
    return _HASHER.hash(password)


def _parse_user(entry: Any, path: Path) -> User:
    if not isinstance(entry, dict):
        raise UsersFileError(f"{path}: each user must be a mapping, got {entry!r}")
    try:
        username = str(entry["username"]).strip()
        role = Role(str(entry["role"]))
        password_hash = str(entry["password_hash"])
    except KeyError as exc:
        raise UsersFileError(f"{path}: a user lacks {exc.args[0]!r}") from exc
    except ValueError as exc:
        raise UsersFileError(f"{path}: user {entry.get('username')!r}: {exc}") from exc
    county = entry.get("county_fips")
    user = User(username, role, None if county is None else str(county), password_hash)
    try:
        user.scope()
    except ValueError as exc:
        raise UsersFileError(f"{path}: user {username!r}: {exc}") from exc
    if not username:
        raise UsersFileError(f"{path}: a user has an empty username")
    return user


def load_users(path: Path) -> dict[str, User]:
    """Users by username. Raises `UsersFileError` when missing, malformed or duplicated."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise UsersFileError(f"no users file at {path}") from exc
    except yaml.YAMLError as exc:
        raise UsersFileError(f"{path} is not valid YAML: {exc}") from exc
    entries = raw.get("users") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise UsersFileError(f"{path} must hold a `users:` list")
    users: dict[str, User] = {}
    for entry in entries:
        user = _parse_user(entry, path)
        if user.username in users:
            raise UsersFileError(f"{path}: user {user.username!r} appears twice")
        users[user.username] = user
    return users


def authenticate(users: dict[str, User], username: str, password: str) -> Scope | None:
    """The user's scope when the password matches its hash, else None."""
    user = users.get(username.strip())
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user.scope() if user else None


@dataclass
class SignInThrottle:
    """Refuses sign-in for a username after `max_failures` failures within `window_s` seconds.

    Slows password guessing against one account (OWASP's login throttling): the count is per
    username, process-wide (shared by every browser session of the server, so opening a new
    session does not reset it) and forgets failures older than the window. A success clears it.
    Thread-safe: Streamlit runs each session in its own thread.
    """

    max_failures: int = 5
    window_s: float = 15 * 60
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @staticmethod
    def _key(username: str) -> str:
        return username.strip().casefold()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        return failures

    def retry_after_s(self, username: str) -> float:
        """Seconds until `username` may try again; 0 when it may try now."""
        with self._lock:
            now = self.clock()
            failures = self._recent(self._key(username), now)
            if len(failures) < self.max_failures:
                return 0.0
            return failures[-self.max_failures] + self.window_s - now

    def record(self, username: str, succeeded: bool) -> None:
        with self._lock:
            key = self._key(username)
            if succeeded:
                self._failures.pop(key, None)
            else:
                self._recent(key, self.clock()).append(self.clock())


def add_user(
    path: Path, username: str, password: str, role: Role, county_fips: str | None = None
) -> User:
    """Add (or replace) `username` in the users file at `path`, creating it if needed."""
    user = User(username.strip(), role, county_fips, hash_password(password))
    user.scope()  # validates role and county
    existing = load_users(path) if path.exists() else {}
    existing[user.username] = user
    entries = []
    for item in existing.values():
        entry: dict[str, str] = {"username": item.username, "role": item.role.value}
        if item.county_fips is not None:
            entry["county_fips"] = item.county_fips
        entry["password_hash"] = item.password_hash
        entries.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"users": entries}, sort_keys=False), encoding="utf-8")
    path.chmod(0o600)
    return user
