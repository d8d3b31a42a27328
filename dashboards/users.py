"""Manage the users file: `python -m dashboards.users add USERNAME --role ROLE [--county FIPS]`,
`python -m dashboards.users remove USERNAME`.

The password is read without echo (or from `PEERWH_NEW_PASSWORD`, for scripts). A new entry is
checked as the dashboard checks it at sign-in; the file's other problems are listed afterwards.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from peerwh.dashboards.access import Role
from peerwh.dashboards.auth import UsersFileError, add_user, load_users, remove_user, users_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboards.users")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add or replace a user")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--county", help="county FIPS code (county role only), e.g. 06037")
    remove = commands.add_parser("remove", help="remove a user (signed out at once)")
    remove.add_argument("username")
    args = parser.parse_args(argv)

    path = users_file()
    try:
        if args.command == "remove":
            if not remove_user(path, args.username):
                print(f"error: no user {args.username!r} in {path}", file=sys.stderr)
                return 1
            print(f"removed {args.username} from {path}")
        else:
            password = os.environ.get("PEERWH_NEW_PASSWORD") or getpass.getpass("Password: ")
            user = add_user(path, args.username, password, Role(args.role), args.county)
            print(f"saved {user.username} ({user.role.value}) to {path}")
    except ValueError as exc:
        print(f"error: user {args.username!r} {exc}; nothing was saved", file=sys.stderr)
        return 1
    except UsersFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for message in load_users(path).messages():
        print(f"warning: {message}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
