"""A warehouse built delivery by delivery equals one built in full from the same landing.

The tiny landing arrives in three deliveries: the history (claims and eligibility up to 2025
and the first file of every other feed); then the 2026 claims, whose members' 2026
eligibility has not arrived yet; then the corrections (claims, certificants, employment) and
the late eligibility file. The first run builds in full, the next two incrementally. The
result is compared, every staging, intermediate, mart and reporting table and every public
file, with a full refresh of the same landing: EXCEPT ALL both ways, zero rows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.compare_warehouses import BUILD_TIME_COLUMNS, compare
from tests.pipeline import BuiltWarehouse, CliRun, copy_warehouse, run_cli

pytestmark = pytest.mark.pipeline

HISTORY_BEFORE = "20260101"  # extract dates (file names) of the first delivery's claims
LATE = {"eligibility_20261015.csv"}  # eligibility of months whose claims came a delivery earlier
CORRECTIONS = {"claims_20261030.csv", "certificants_20261026.csv", "employment_20261026.csv"}
SCHEMAS = ("staging", "intermediate", "marts", "reporting")
PATTERN = "stg_disclosure__suppression"  # the suppression pattern, read into dbt


def delivery(path: Path) -> int:
    """Which of the three deliveries a landed file comes in."""
    if path.name in LATE | CORRECTIONS:
        return 3
    feed_date = path.stem.rsplit("_", 1)[-1]
    if path.parent.name in ("claims", "eligibility") and feed_date >= HISTORY_BEFORE:
        return 2
    return 1


def deliver(source: Path, landing: Path, number: int) -> list[str]:
    files = [p for p in source.glob("*/*") if p.is_file() and delivery(p) == number]
    for path in files:
        (landing / path.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, landing / path.parent.name / path.name)
    return sorted(p.name for p in files)


def run(landing: Path, warehouse: Path, *flags: str) -> CliRun:
    result = run_cli("run", *flags, "--landing", str(landing), "--warehouse", str(warehouse))
    assert result.returncode == 0, result.output
    return result


def public_files(warehouse: Path) -> dict[str, Path]:
    snapshot = warehouse / "serving" / (warehouse / "serving" / "current").read_text().strip()
    return {p.name: p for p in (snapshot / "public").glob("*.parquet")}


def differing_public_rows(before: Path, after: Path) -> dict[str, tuple[int, int]]:
    old, new = public_files(before), public_files(after)
    assert set(old) == set(new)
    differences = {}
    for name in sorted(old):
        columns = duckdb.sql(f"describe select * from read_parquet('{old[name]}')").fetchall()
        kept = ", ".join(f'"{c[0]}"' for c in columns if c[0] not in BUILD_TIME_COLUMNS)
        a, b = (f"select {kept} from read_parquet('{f[name]}')" for f in (old, new))
        only_old = duckdb.sql(f"select count(*) from ({a} except all {b})").fetchall()
        only_new = duckdb.sql(f"select count(*) from ({b} except all {a})").fetchall()
        if only_old[0][0] or only_new[0][0]:
            differences[name] = (only_old[0][0], only_new[0][0])
    return differences


@pytest.fixture(scope="module")
def delivered(tiny_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """The warehouse built in three deliveries."""
    landing = tmp_path_factory.mktemp("deliveries")
    warehouse = tmp_path_factory.mktemp("delivered") / "warehouse"
    files = [deliver(tiny_landing, landing, 1)]
    first = run(landing, warehouse)
    assert " in full ..." in first.output
    for number in (2, 3):
        files.append(deliver(tiny_landing, landing, number))
        assert files[-1]
        later = run(landing, warehouse)
        assert "incrementally (only the landed files changed)" in later.output
        assert "Published snapshot" in later.output
    assert set(files[2]) >= LATE | CORRECTIONS
    return BuiltWarehouse(landing, warehouse, first)


def test_the_late_and_corrected_deliveries_were_staged(delivered: BuiltWarehouse) -> None:
    with duckdb.connect(str(delivered.database), read_only=True) as con:
        late_months = con.execute(
            "select count(*) from staging.stg_medi_cal__eligibility_months "
            "where _source_file in (select unnest(?))",
            [sorted(LATE)],
        ).fetchall()[0][0]
        corrected = con.execute(
            "select count(*) from staging.stg_sdmc__claim_lines "
            "where _source_file = 'claims_20261030.csv'"
        ).fetchall()[0][0]
    assert late_months > 0 and corrected > 0


def test_deliveries_equal_a_full_refresh_of_the_same_landing(
    delivered: BuiltWarehouse, tmp_path: Path
) -> None:
    refreshed = copy_warehouse(delivered, tmp_path / "warehouse")
    assert " in full ..." in run(delivered.landing, refreshed, "--full-refresh").output
    assert compare(delivered.database, refreshed / "warehouse.duckdb", SCHEMAS, {}) == []
    assert differing_public_rows(delivered.warehouse, refreshed) == {}


def test_deliveries_equal_the_warehouse_built_at_once_from_the_same_landing(
    delivered: BuiltWarehouse, built_warehouse: BuiltWarehouse
) -> None:
    """The order of arrival changes nothing upstream of the disclosure control. Its pattern
    may differ (each build keeps the complements of the build before that still hold), so the
    reporting models and the pattern itself are compared with a full refresh above instead."""
    schemas = ("staging", "intermediate", "marts")
    problems = compare(delivered.database, built_warehouse.database, schemas, {})
    assert [p for p in problems if not p.startswith(f"staging.{PATTERN}:")] == []
