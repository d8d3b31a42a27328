"""Files the pipeline writes are readable by their owner only; a public folder can be opened."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from peerwh.permissions import PRIVATE_UMASK, make_world_readable
from tests.pipeline import BuiltWarehouse


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_built_warehouse_is_readable_by_its_owner_only(built_warehouse: BuiltWarehouse) -> None:
    """Built by `peerwh run` (Dagster, GX, a dbt child process, publish, the report)."""
    warehouse = built_warehouse.warehouse
    paths = list(warehouse.rglob("*"))
    assert {"warehouse.duckdb", "serving", "gx", "reports", "dbt_docs"} <= {
        path.relative_to(warehouse).parts[0] for path in paths
    }

    # The snapshots' public folders are open to all on purpose (the folders above them may be
    # passed through, not listed); everything else is the owner's alone.
    serving = warehouse / "serving"
    public = [p for p in serving.glob("*/public")]
    assert public
    opened = {p for folder in public for p in (folder, *folder.rglob("*"))}
    passages = {warehouse, serving, *(folder.parent for folder in public)}
    exposed = [
        f"{stat.filemode(p.stat().st_mode)} {p}"
        for p in paths
        if p not in opened and _mode(p) & (0o066 if p in passages else 0o077)
    ]

    assert exposed == []
    assert all(_mode(p) & 0o004 for p in opened)


def test_a_public_folder_is_opened_to_all_and_nothing_beside_it(tmp_path: Path) -> None:
    root = tmp_path / "warehouse"
    build = root / "serving" / "b1"
    public = build / "public"
    old_umask = os.umask(PRIVATE_UMASK)
    try:
        (public / "tables").mkdir(parents=True)
        (public / "tables" / "metrics.csv").write_text("metric,value\n")
        (build / "fct_claim_lines.parquet").write_text("internal")
    finally:
        os.umask(old_umask)

    make_world_readable(public, root)

    assert _mode(public) == _mode(public / "tables") == 0o755
    assert _mode(public / "tables" / "metrics.csv") == 0o644
    # Reachable by path, not listable.
    assert _mode(root) == _mode(root / "serving") == _mode(build) == 0o711
    assert _mode(build / "fct_claim_lines.parquet") == 0o600
    assert _mode(tmp_path) == 0o700  # above the root: untouched


def test_only_a_folder_inside_the_root_can_be_opened(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()

    with pytest.raises(ValueError, match="is not inside"):
        make_world_readable(tmp_path / "elsewhere", tmp_path / "warehouse")
