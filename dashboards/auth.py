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

An entry with a problem (unknown role or county, no username, a username used twice, a missing
or malformed hash) is left out, and the problem is logged for the operator naming the entry;
every other user can still sign in. The sign-in page never shows the problems.
"""

from __future__ import annotations

import csv
import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from peerwh.config import DBT_PROJECT_DIR, warehouse_dir
from peerwh.dashboards.access import Role, Scope

AUTH_ENV = "PEERWH_AUTH"
USERS_FILE_ENV = "PEERWH_USERS_FILE"
TRUSTED_PROXIES_ENV = "PEERWH_TRUSTED_PROXIES"
DEMO_USERNAME = "demo"
# The warehouse's own list of California's 58 counties.
COUNTIES_SEED = DBT_PROJECT_DIR / "seeds" / "counties.csv"

_LOG = logging.getLogger(__name__)
_HASHER = PasswordHasher()
# Verified when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _HASHER.hash("not-a-real-password")


class UsersFileError(RuntimeError):
    """The sign-in configuration is unusable (an invalid `PEERWH_AUTH`, an unwritable file)."""


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    county_fips: str | None
    password_hash: str

    def scope(self) -> Scope:
        return Scope(self.role, self.county_fips, self.username)


@dataclass(frozen=True)
class UsersFile:
    """The users who may sign in, and what is wrong with the file (one line per problem)."""

    path: Path
    users: Mapping[str, User]
    problems: tuple[str, ...] = ()

    def messages(self) -> list[str]:
        """The problems for the operator's log or terminal, each naming the file."""
        return [f"users file {self.path}: {problem}" for problem in self.problems]


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


@functools.cache
def california_county_fips() -> frozenset[str]:
    with COUNTIES_SEED.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["county_fips"] for row in csv.DictReader(handle))


def parse_user(entry: Any) -> User:
    """One entry of the users file as a `User`; `ValueError` saying what is wrong with it."""
    if not isinstance(entry, dict):
        raise ValueError("is not a mapping of username, role, county_fips and password_hash")
    username = entry.get("username")
    if not isinstance(username, str) or not username.strip():
        raise ValueError("has no username")
    role_value, county = entry.get("role"), entry.get("county_fips")
    roles = [role.value for role in Role]
    if role_value not in roles:
        raise ValueError(f"has role {role_value!r}, not one of {', '.join(roles)}")
    role = Role(role_value)
    if role is Role.COUNTY and county is None:
        raise ValueError("has role county but no county_fips")
    if role is not Role.COUNTY and county is not None:
        raise ValueError(f"has county_fips {county!r}, but only a county user has a county")
    if county is not None and not isinstance(county, str):
        # YAML reads an unquoted 06037 as a number: it must be written "06037".
        raise ValueError(f'has county_fips {county!r}, a number: quote it, like "06037"')
    if county is not None and county not in california_county_fips():
        raise ValueError(
            f"has county_fips {county!r}, which is not one of California's 58 county FIPS "
            f"codes ({COUNTIES_SEED.name})"
        )
    password_hash = entry.get("password_hash")
    try:
        is_argon2id = extract_parameters(str(password_hash)).type is Type.ID
    except InvalidHashError:
        is_argon2id = False
    if not isinstance(password_hash, str) or not is_argon2id:
        raise ValueError("has no valid Argon2id password_hash (set one with `users add`)")
    return User(username.strip(), role, county, password_hash)


def _username(entry: Any) -> str | None:
    username = entry.get("username") if isinstance(entry, dict) else None
    return username.strip() or None if isinstance(username, str) else None


def _entries(path: Path) -> list[Any]:
    """The raw entries of the `users:` list; `UsersFileError` when the file cannot give them."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise UsersFileError("does not exist") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UsersFileError(f"cannot be read: {exc}") from None
    entries = raw.get("users") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise UsersFileError("must hold a `users:` list")
    return entries


def load_users(path: Path) -> UsersFile:
    """The valid users of the file at `path` by username, and a line per problem.

    A bad entry is left out alone; a username that appears twice is left out in every entry,
    since which of them is meant cannot be known. Never raises, whatever the file holds.
    """
    try:
        entries = _entries(path)
    except UsersFileError as exc:
        return UsersFile(path, {}, (f"{exc}; nobody can sign in",))
    usernames = [_username(entry) for entry in entries]
    problems: list[str] = []
    for username in dict.fromkeys(usernames):
        where = [str(i) for i, name in enumerate(usernames, start=1) if name == username]
        if username and len(where) > 1:
            problems.append(
                f"username {username!r} appears in entries {', '.join(where)}: "
                "none of them can sign in"
            )
    users: dict[str, User] = {}
    for index, (username, entry) in enumerate(zip(usernames, entries, strict=True), start=1):
        if username and usernames.count(username) > 1:
            continue
        try:
            user = parse_user(entry)
        except ValueError as exc:
            name = f" ({username!r})" if username else ""
            problems.append(f"entry {index}{name} {exc}: that user cannot sign in")
            continue
        users[user.username] = user
    return UsersFile(path, users, tuple(problems))


def _version(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _load_and_log(path: Path, version: tuple[int, int, int] | None) -> UsersFile:
    loaded = load_users(path)
    for message in loaded.messages():
        _LOG.error(message)
    return loaded


def current_users(path: Path | None = None) -> UsersFile:
    """The users file as it is now. Read again only when it changed, so that every rerun of every
    session may ask (a removed user loses access at once); its problems are logged once."""
    path = path or users_file()
    return _load_and_log(path, _version(path))


def authenticate(users: Mapping[str, User], username: str, password: str) -> User | None:
    """The user when the password matches its hash, else None."""
    user = users.get(username.strip())
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def trusted_proxies() -> int:
    """How many reverse proxies in front of the dashboard add to `X-Forwarded-For` (default 0)."""
    value = os.environ.get(TRUSTED_PROXIES_ENV, "").strip() or "0"
    if not value.isdigit():
        raise UsersFileError(f"{TRUSTED_PROXIES_ENV} must be a number of proxies, not {value!r}")
    return int(value)


def client_address(peer: str | None, forwarded_for: Iterable[str]) -> str:
    """Where a sign-in comes from: the connection's address (`local` for loopback), or, behind
    `PEERWH_TRUSTED_PROXIES` proxies, the address the outermost of them received it from.

    Each proxy appends the address it was sent the request by to `X-Forwarded-For`: only the last
    entries, one per trusted proxy, are true; earlier ones are whatever the client wrote.
    """
    trusted = trusted_proxies()
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    if trusted and len(hops) >= trusted:
        return hops[-trusted]
    return peer or "local"


@dataclass
class SignInThrottle:
    """Slows password guessing without letting anyone lock another person out.

    Failures count per (client address, username), and per client address over every username.
    Once a count reaches its free failures, the next attempt must wait `first_wait_s` after the
    latest failure, twice as long after each further failure, at most `max_wait_s` (exponential
    back-off, OWASP's "throttle by account and source" instead of locking accounts). Sign-ins from
    another address are never slowed by these failures, so a stranger cannot keep a user out.
    A success clears its (client, username) count only: signing in to one's own account does not
    buy more guesses at others. Counts are forgotten `forget_after_s` after their latest failure.
    Process-wide (every browser session of the server shares it) and thread-safe: Streamlit runs
    each session in its own thread.
    """

    free_failures: int = 5
    free_failures_per_client: int = 20
    first_wait_s: float = 30.0
    max_wait_s: float = 15 * 60.0
    forget_after_s: float = 24 * 3600.0
    clock: Callable[[], float] = time.monotonic
    # (client, casefolded username or None for the client's total) -> (failures, latest failure)
    _failures: dict[tuple[str, str | None], tuple[int, float]] = field(
        default_factory=dict, init=False, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def _keys(self, client: str, username: str) -> tuple[tuple[str, str | None], ...]:
        return ((client, username.strip().casefold()), (client, None))

    def _wait_s(self, key: tuple[str, str | None], free: int, now: float) -> float:
        failures, latest = self._failures.get(key, (0, now))
        if failures < free:
            return 0.0
        # The exponent is capped long before a float could overflow.
        wait = min(self.first_wait_s * 2 ** min(failures - free, 32), self.max_wait_s)
        return max(0.0, latest + wait - now)

    def _forget_old(self, now: float) -> None:
        self._failures = {
            key: (failures, latest)
            for key, (failures, latest) in self._failures.items()
            if now - latest < self.forget_after_s
        }

    def retry_after_s(self, client: str, username: str) -> float:
        """Seconds until `client` may try `username` again; 0 when it may try now."""
        with self._lock:
            now = self.clock()
            self._forget_old(now)
            user_key, client_key = self._keys(client, username)
            return max(
                self._wait_s(user_key, self.free_failures, now),
                self._wait_s(client_key, self.free_failures_per_client, now),
            )

    def record(self, client: str, username: str, succeeded: bool) -> None:
        with self._lock:
            user_key, client_key = self._keys(client, username)
            if succeeded:
                self._failures.pop(user_key, None)
                return
            now = self.clock()
            for key in (user_key, client_key):
                self._failures[key] = (self._failures.get(key, (0, now))[0] + 1, now)


def _entry(user: User) -> dict[str, str]:
    entry = {"username": user.username, "role": user.role.value}
    if user.county_fips is not None:
        entry["county_fips"] = user.county_fips
    entry["password_hash"] = user.password_hash
    return entry


def _write_entries(path: Path, entries: list[Any]) -> None:
    """Replace the users file in one step, readable by its owner only, so that the dashboard,
    which may read it at any moment, sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"users": entries}, handle, sort_keys=False)
    os.replace(partial, path)


def _entries_to_update(path: Path) -> list[Any]:
    """The file's entries as written, none when there is no file yet. An entry with a problem is
    kept as it is: the operator fixes it, a command that adds or removes another does not drop it.
    """
    if not path.exists():
        return []
    try:
        return _entries(path)
    except UsersFileError as exc:
        raise UsersFileError(f"users file {path} {exc}: fix it first") from None


def _without(entries: list[Any], username: str) -> list[Any]:
    return [e for e in entries if not (isinstance(e, dict) and e.get("username") == username)]


def add_user(
    path: Path, username: str, password: str, role: Role, county_fips: str | None = None
) -> User:
    """Add (or replace) `username` in the users file at `path`, creating it if needed.

    `ValueError` when the new entry has a problem (the checks of `parse_user`, as at sign-in).
    """
    if not password:
        raise ValueError("has an empty password")
    user = parse_user(_entry(User(username.strip(), role, county_fips, hash_password(password))))
    entries = _entries_to_update(path)
    _write_entries(path, [*_without(entries, user.username), _entry(user)])
    return user


def remove_user(path: Path, username: str) -> bool:
    """Remove `username` from the users file; False when it is not there."""
    entries = _entries_to_update(path)
    kept = _without(entries, username.strip())
    if len(kept) == len(entries):
        return False
    _write_entries(path, kept)
    return True
