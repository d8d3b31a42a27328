"""Who may read what the pipeline writes: its owner only, except folders published on purpose.

The warehouse, the snapshots, the GX results and the reports hold internal, unsuppressed figures
(and `raw` and the quarantine hold PII), so every entry point that writes them (`peerwh`, the
Dagster code location) calls `restrict_new_files()` first. A process umask covers everything the
process and its children write (DuckDB, dbt, Great Expectations, Parquet, reports) without a
chmod at each place that writes. Copying `os.environ` does not carry it: umask is inherited
through fork and exec.

A folder meant for the public (the open-data files of a snapshot) is opened with
`make_world_readable`.
"""

from __future__ import annotations

import os
from pathlib import Path

# New files 0o600 and folders 0o700: group and others get nothing.
PRIVATE_UMASK = 0o077
PUBLIC_FILE_MODE = 0o644
PUBLIC_DIR_MODE = 0o755


def restrict_new_files() -> None:
    """Files and folders this process (and its children) creates are readable by the owner only."""
    os.umask(PRIVATE_UMASK)


def make_world_readable(folder: Path, root: Path) -> None:
    """Let anyone read `folder` and everything in it, and reach it from `root`.

    The folders from `root` down to `folder`'s parent get only the search bit for group and
    others: one can open the public folder by its path, but not list what lies beside it.
    """
    folder, root = folder.resolve(), root.resolve()
    if not folder.is_relative_to(root):
        raise ValueError(f"{folder} is not inside {root}")
    for path in (folder, *folder.rglob("*")):
        path.chmod(PUBLIC_DIR_MODE if path.is_dir() else PUBLIC_FILE_MODE)
    for parent in folder.parents:
        if not parent.is_relative_to(root):
            break
        parent.chmod(parent.stat().st_mode | 0o011)
