"""Operations: one run at a time, a run that dies whole, and held batches that stay on the books
until an operator settles them."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from peerwh.contracts import load_contract
from peerwh.ingest import ingest_feed
from peerwh.ingest.held import BatchError, find_held, held_batches, settle
from peerwh.ingest.validation import BatchValidator
from peerwh.runlock import LOCK_FILE, WarehouseBusy, run_lock
from tests.pipeline import PROJECT_ROOT, run_cli

# The CLI starts and stops without building anything: fast enough for the unit tests.
pytestmark = pytest.mark.unit

FEED = "suspended_ineligible"
NOW = dt.datetime(2026, 11, 1, 12, 0)


def _tree(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_a_second_run_says_which_run_holds_the_warehouse_and_touches_nothing(
    tmp_path: Path,
) -> None:
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    (landing / FEED).mkdir(parents=True)
    with run_lock(warehouse):
        before = _tree(warehouse)
        result = run_cli("run", "--landing", str(landing), "--warehouse", str(warehouse))
        assert _tree(warehouse) == before
    assert result.returncode != 0
    [line] = [line for line in result.output.splitlines() if line.strip()]
    assert f"the warehouse {warehouse} is in use by another run (pid {os.getpid()} on " in line
    assert "started 20" in line and "nothing was touched" in line
    assert not (warehouse / "warehouse.duckdb").exists()


def test_the_lock_dies_with_its_holder(tmp_path: Path) -> None:
    """A run killed with signal 9 leaves no stale lock."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from peerwh.runlock import run_lock\n"
            "with run_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(600)",
            str(tmp_path),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    with pytest.raises(WarehouseBusy, match=f"pid {holder.pid} on "), run_lock(tmp_path):
        pass
    holder.kill()
    holder.wait()
    with run_lock(tmp_path):
        assert (tmp_path / LOCK_FILE).read_text().startswith(f"pid {os.getpid()} on ")


def test_a_stopped_run_stops_its_children(tmp_path: Path) -> None:
    """SIGTERM to the run (not its process group) ends the child it started, as dbt would be."""
    pid_file = tmp_path / "child.pid"
    script = textwrap.dedent(
        f"""
        import subprocess, sys
        from pathlib import Path
        from peerwh.build import stop_children_on_signals
        stop_children_on_signals()
        child = subprocess.Popen(["sleep", "600"])
        Path({str(pid_file)!r}).write_text(str(child.pid))
        child.wait()
        """
    )
    run = subprocess.Popen([sys.executable, "-c", script], cwd=PROJECT_ROOT)
    deadline = time.monotonic() + 60
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    child = int(pid_file.read_text())
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=30) == 128 + signal.SIGTERM
    time.sleep(0.5)
    state = Path(f"/proc/{child}/stat")
    # Gone, or a zombie waiting for init to reap it: either way it runs no more.
    assert not state.exists() or state.read_text().rsplit(")", 1)[1].split()[0] == "Z"


ROWS = pd.DataFrame(
    {
        "npi": ["1234567890"] * 4 + ["1234567893"] * 6,  # 4 of 10 break the check digit
        "provider_name": [f"Clinic {i}" for i in range(10)],
        "suspension_effective_date": ["2023-01-01"] * 10,
        "recorded_at": ["2024-01-01T00:00:00"] * 10,
    }
)


@pytest.fixture(scope="module")
def validator(tmp_path_factory: pytest.TempPathFactory) -> BatchValidator:
    return BatchValidator(tmp_path_factory.mktemp("gx"))


def _held_warehouse(tmp_path: Path, validator: BatchValidator) -> Path:
    folder = tmp_path / "landing" / FEED
    folder.mkdir(parents=True)
    ROWS.to_csv(folder / f"{FEED}_20261001.csv", index=False)
    database = tmp_path / "warehouse" / "warehouse.duckdb"
    database.parent.mkdir()
    with duckdb.connect(str(database)) as con:
        report = ingest_feed(con, load_contract(FEED), tmp_path / "landing", validator, now=NOW)
    assert [f.status for f in report.files] == ["held"]
    return database


def test_release_accepts_the_held_rows_and_is_recorded(
    tmp_path: Path, validator: BatchValidator
) -> None:
    database = _held_warehouse(tmp_path, validator)
    with duckdb.connect(str(database)) as con:
        [batch] = held_batches(con)
        assert find_held(con, f"{FEED}_20261001.csv") == batch == find_held(con, batch.batch_id)
        settle(con, batch, "released", "checked with the sender")
        assert held_batches(con) == []
        assert con.execute(f"select distinct _load_status from raw.{FEED}").fetchall() == [
            ("accepted",)
        ]
        assert con.execute("select status from audit.ingest_files").fetchall() == [("released",)]
        action = con.execute("select file_name, action, reason from audit.batch_actions").fetchall()
        assert action == [(f"{FEED}_20261001.csv", "released", "checked with the sender")]
        with pytest.raises(BatchError, match="no held batch named"):
            find_held(con, f"{FEED}_20261001.csv")


def test_drop_batch_from_the_cli_settles_it_and_the_audit_says_who(
    tmp_path: Path, validator: BatchValidator
) -> None:
    database = _held_warehouse(tmp_path, validator)
    warehouse = str(database.parent)
    result = run_cli("drop-batch", "nope.csv", "--reason", "x", "--warehouse", warehouse)
    assert result.returncode != 0
    assert f"no held batch named nope.csv (held now: {FEED}_20261001.csv)" in result.output
    result = run_cli(
        "drop-batch", f"{FEED}_20261001.csv", "--reason", "sender withdrew it", "--warehouse",
        warehouse,
    )  # fmt: skip
    assert result.returncode == 0, result.output
    assert f"dropped {FEED}: {FEED}_20261001.csv" in result.output
    with duckdb.connect(str(database), read_only=True) as con:
        assert held_batches(con) == []
        assert con.execute(f"select distinct _load_status from raw.{FEED}").fetchall() == [
            ("held",)
        ]
        row = con.execute("select action, reason, acted_by from audit.batch_actions").fetchone()
    assert row is not None and row[:2] == ("dropped", "sender withdrew it") and row[2]


def test_a_redelivery_under_the_same_name_replaces_the_held_batch(
    tmp_path: Path, validator: BatchValidator
) -> None:
    database = _held_warehouse(tmp_path, validator)
    corrected = ROWS.assign(npi="1234567893")
    corrected.to_csv(tmp_path / "landing" / FEED / f"{FEED}_20261001.csv", index=False)
    with duckdb.connect(str(database)) as con:
        report = ingest_feed(con, load_contract(FEED), tmp_path / "landing", validator, now=NOW)
        assert [f.status for f in report.files] == ["loaded"]
        messages = report.files[0].messages
        assert any("replaces the held batch" in m for m in messages)
        assert any(f"{FEED}_20261001.csv: re-delivery: a file of this name" in m for m in messages)
        assert held_batches(con) == []
        statuses = con.execute("select status from audit.ingest_files order by 1").fetchall()
        assert statuses == [("loaded",), ("replaced",)]


class _FailedStep:
    is_step_failure = True
    step_key = "raw_claims"

    def __init__(self, error: object) -> None:
        self.event_specific_data = type("Data", (), {"error": error})()


class _FailedRun:
    """What Dagster returns for a run whose ingestion step died of a full disk."""

    def __init__(self, error: object) -> None:
        self.all_events = [_FailedStep(error)]

    def get_asset_materialization_events(self) -> list[object]:
        return []

    def get_asset_check_evaluations(self) -> list[object]:
        return []


def test_a_failed_step_is_one_line_with_its_root_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dagster._utils.error import SerializableErrorInfo

    from peerwh.build import summarize

    monkeypatch.setenv("PEERWH_WAREHOUSE_DIR", str(tmp_path))
    disk_full = SerializableErrorInfo(
        'IO Error: Could not write file "/srv/wh/warehouse.duckdb.wal": No space left on device\n'
        "more detail\n",
        ["a stack of 190 lines"],
        "IOException",
    )
    error = SerializableErrorInfo(
        'Error occurred while executing op "raw_claims":', ["..."], "StepError", disk_full
    )
    lines, published = summarize(_FailedRun(error))
    assert not published
    [failed] = [line for line in lines if line.startswith("Step ")]
    assert failed == (
        "Step raw_claims failed: IO Error: Could not write file '…': No space left on device "
        f"(details: {tmp_path / 'logs' / 'last_run.log'})"
    )
