"""Manage the users file: `python -m dashboards.users add USERNAME --role ROLE [--county FIPS]`.

The password is read without echo (or from `PEERWH_NEW_PASSWORD`, for scripts).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from dashboards.access import Role
from dashboards.auth import UsersFileError, add_user, users_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboards.users")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add or replace a user")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--county", help="county FIPS code (county role only), e.g. 06037")
    args = parser.parse_args(argv)

    password = os.environ.get("PEERWH_NEW_PASSWORD") or getpass.getpass("Password: ")
    path = users_file()
    try:
        user = add_user(path, args.username, password, Role(args.role), args.county)
    except (ValueError, UsersFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"saved {user.username} ({user.role.value}) to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
