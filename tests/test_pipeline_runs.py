"""Running the pipeline again: re-runs change nothing, bad files are reported and the rest
loads, and a batch over a blocking threshold stops publication."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from peerwh.config import FEEDS
from peerwh.contracts import load_contract
from tests.pipeline import TEST_HASH_KEY, BuiltWarehouse, copy_warehouse, run_cli

SCHEMAS = ("raw", "audit", "staging", "intermediate", "marts", "reference")


def row_counts(built: BuiltWarehouse) -> dict[str, int]:
    tables = built.query(
        "select table_schema, table_name from information_schema.tables "
        f"where table_schema in {SCHEMAS}"
    )
    return {
        f"{s}.{t}": int(built.query(f'select count(*) as n from {s}."{t}"')["n"][0])
        for s, t in tables.to_numpy()
    }


@pytest.fixture()
def private_copy(built_warehouse: BuiltWarehouse, tmp_path: Path) -> BuiltWarehouse:
    landing = tmp_path / "landing"
    shutil.copytree(built_warehouse.landing, landing)
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    return BuiltWarehouse(landing, warehouse, built_warehouse.first_run)


def rerun(built: BuiltWarehouse, *flags: str) -> tuple[int, str]:
    result = run_cli(
        "run", *flags, "--landing", str(built.landing), "--warehouse", str(built.warehouse)
    )
    return result.returncode, result.output


def test_first_run_prints_a_summary_per_feed(built_warehouse: BuiltWarehouse) -> None:
    output = built_warehouse.first_run.output
    for feed in ("certificants", "claims", "eligibility", "suspended_ineligible"):
        assert feed in output
    assert "Published snapshot" in output
    assert "Deliveries: every feed within its contract's frequency" in output
    assert " in full ..." in output  # no earlier build: the incremental models in full


def test_every_feed_is_checked_for_freshness_against_its_contract(
    built_warehouse: BuiltWarehouse,
) -> None:
    freshness = built_warehouse.query("select * from audit.source_freshness order by feed")
    assert list(freshness["feed"]) == sorted(FEEDS)
    assert set(freshness["status"]) == {"on_time"}
    assert list(freshness["delivery_every_days"]) == [
        load_contract(feed).delivery_every_days for feed in sorted(FEEDS)
    ]


def test_a_run_with_nothing_new_does_nothing(private_copy: BuiltWarehouse) -> None:
    """Same landing, same project: no ingestion, no dbt, no new snapshot."""
    serving = private_copy.warehouse / "serving"
    published = (serving / "current").read_text()
    before = row_counts(private_copy)
    code, output = rerun(private_copy)
    assert code == 0, output
    assert f"Nothing new since snapshot {published}" in output
    assert "building" not in output
    assert (serving / "current").read_text() == published
    assert row_counts(private_copy) == before


def test_a_changed_seed_or_landed_file_makes_the_next_run_build(
    private_copy: BuiltWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fingerprint of what a build is made of: a landed file, a policy parameter (a seed)
    or the hash key changes it; a failed run forgets it, so the retry builds."""
    from peerwh import build_inputs, config

    monkeypatch.setenv("PEERWH_WAREHOUSE_DIR", str(private_copy.warehouse))
    monkeypatch.setenv("PEERWH_HASH_KEY", TEST_HASH_KEY)
    landing = private_copy.landing
    recorded = build_inputs.last_build()
    assert recorded is not None
    assert (
        build_inputs.inputs_fingerprint(landing, build_inputs.project_fingerprint())
        == recorded.fingerprint
    )

    landed = next((landing / "claims").iterdir())
    os.utime(landed, ns=(landed.stat().st_atime_ns, landed.stat().st_mtime_ns + 1))
    assert (
        build_inputs.inputs_fingerprint(landing, build_inputs.project_fingerprint())
        != recorded.fingerprint
    )

    project = private_copy.warehouse.parent / "project"
    seeds = project / "dbt_project" / "seeds"
    shutil.copytree(config.PROJECT_ROOT / "dbt_project" / "seeds", seeds)
    monkeypatch.setattr(config, "PROJECT_ROOT", project)
    unchanged = build_inputs.inputs_fingerprint(landing, build_inputs.project_fingerprint())
    parameters = seeds / "policy_parameters.csv"
    parameters.write_text(parameters.read_text().replace(",20,", ",24,", 1))
    assert build_inputs.inputs_fingerprint(landing, build_inputs.project_fingerprint()) != unchanged

    monkeypatch.setenv("PEERWH_HASH_KEY", "another key")
    assert build_inputs.inputs_fingerprint(landing, build_inputs.project_fingerprint()) != unchanged

    # Only landed files changed: the next run may build incrementally; a seed or the key changed:
    # the project fingerprint differs, so it refreshes the incremental models in full.
    assert build_inputs.project_fingerprint() != recorded.project

    build_inputs.forget_build()
    assert build_inputs.last_build() is None


def test_a_forced_run_changes_no_row_count_and_reports_a_late_feed(
    private_copy: BuiltWarehouse,
) -> None:
    """--force builds again: no row changes. Claims last loaded 40 days ago is past the
    contract's 35-day frequency: the run says so (a warning: it still publishes)."""
    with duckdb.connect(str(private_copy.database)) as con:
        con.execute("update raw.claims set _ingested_at = _ingested_at - interval 40 days")
    before = row_counts(private_copy)
    code, output = rerun(private_copy, "--force")
    assert code == 0, output
    assert "incrementally (only the landed files changed)" in output
    assert row_counts(private_copy) == before
    assert "Deliveries: late (no delivery within the contract's frequency): claims" in output
    assert "Published snapshot" in output
    status = private_copy.query("select feed, status from audit.source_freshness")
    assert dict(status.to_numpy()) == {
        feed: "stale" if feed == "claims" else "on_time" for feed in FEEDS
    }


def clean_rows(landing: Path, path: Path) -> pd.DataFrame:
    """The rows of a landed file that the generator did not plant a contract problem in."""
    key = pd.read_csv(landing / "answer_key.csv", dtype=str, keep_default_na=False)
    planted = key.loc[(key["kind"] == "contract") & (key["file"] == path.name), "row_number"]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame[~(frame.index + 1).astype(str).isin(set(planted))]


def _claims_file(landing: Path) -> Path:
    """The largest claims delivery, so there are enough clean rows to copy."""
    return max((landing / "claims").glob("claims_*.csv"), key=lambda p: p.stat().st_size)


def test_malformed_files_are_reported_one_line_each_and_the_rest_loads(
    private_copy: BuiltWarehouse,
) -> None:
    landing = private_copy.landing
    claims = clean_rows(landing, _claims_file(landing)).head(30)
    claims.drop(columns=["beneficiary_cin"]).to_csv(
        landing / "claims" / "claims_20261101.csv", index=False
    )
    (landing / "certificants" / "certificants_20261102.csv").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01"
    )
    employment_file = sorted((landing / "employment").glob("employment_*.csv"))[0]
    employment = clean_rows(landing, employment_file).head(40).reset_index(drop=True)
    employment.loc[4, "hire_date"] = "2023-02-30"
    employment.to_csv(landing / "employment" / "employment_20261103.csv", index=False)

    code, output = rerun(private_copy)

    assert code == 0, output
    lines = output.splitlines()
    missing = [line for line in lines if "claims_20261101.csv: rejected" in line]
    assert len(missing) == 1 and "beneficiary_cin" in missing[0]
    binary = [line for line in lines if "certificants_20261102.csv: rejected" in line]
    assert len(binary) == 1
    bad_date = [line for line in lines if "employment_20261103.csv: row 5" in line]
    assert len(bad_date) == 1
    assert "column hire_date" in bad_date[0] and "[employment-hire_date-type]" in bad_date[0]
    assert "Traceback" not in output
    loaded = private_copy.query(
        "select status, rows_received, rows_loaded, rows_quarantined from audit.ingest_files "
        "where file_name = 'employment_20261103.csv'"
    ).iloc[0]
    assert (loaded["status"], loaded["rows_loaded"], loaded["rows_quarantined"]) == (
        "loaded",
        39,
        1,
    )
    rejected = private_copy.query(
        "select file_name from audit.ingest_files where status = 'rejected' order by 1"
    )
    assert list(rejected["file_name"]) == ["certificants_20261102.csv", "claims_20261101.csv"]


def test_a_batch_over_a_blocking_threshold_stops_publication(
    private_copy: BuiltWarehouse,
) -> None:
    serving = private_copy.warehouse / "serving"
    published_before = (serving / "current").read_text()
    claims = clean_rows(private_copy.landing, _claims_file(private_copy.landing))
    held = claims.head(40).reset_index(drop=True)
    held["recorded_at"] = "2026-11-01T00:00:00"
    held["billed_amount"] = "999.99"
    held.loc[:9, "units"] = "-1"  # 10 of 40 rows (25%) over the 5% threshold
    held.to_csv(private_copy.landing / "claims" / "claims_20261105.csv", index=False)

    code, output = rerun(private_copy)

    assert code != 0
    assert "Publication stopped" in output
    assert "claims__units__range" in output
    assert (serving / "current").read_text() == published_before
    status = private_copy.query(
        "select status from audit.ingest_files where file_name = 'claims_20261105.csv'"
    )
    assert list(status["status"]) == ["held"]

    # The next run publishes again, without the held rows; it still lists the held batch and
    # exits non-zero, as every run does until an operator settles it.
    code, output = rerun(private_copy)
    assert code != 0, output
    assert (serving / "current").read_text() != published_before
    assert "Held batches: 1." in output and "claims: claims_20261105.csv (batch" in output
    leaked = private_copy.query(
        "select count(*) as n from staging.stg_sdmc__claim_lines where billed_amount = 999.99"
    )
    assert int(leaked["n"][0]) == 0
    code, output = rerun(private_copy)
    assert code != 0 and "Nothing new since snapshot" in output and "Held batches: 1." in output

    result = run_cli(
        "drop-batch", "claims_20261105.csv", "--reason", "units corrected in a new delivery",
        "--warehouse", str(private_copy.warehouse),
    )  # fmt: skip
    assert result.returncode == 0, result.output
    code, output = rerun(private_copy)
    assert code == 0, output
    assert "Held batches" not in output
    actions = private_copy.query("select file_name, action from audit.batch_actions")
    assert list(map(tuple, actions.to_numpy())) == [("claims_20261105.csv", "dropped")]
