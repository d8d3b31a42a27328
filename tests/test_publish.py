"""The publish step: a complete snapshot or none, switched atomically, never carrying PII."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import duckdb
import pytest

from peerwh.permissions import PRIVATE_UMASK
from peerwh.publish import (
    BUILDS_KEPT,
    PUBLISHED_REFERENCE_TABLES,
    PublishError,
    current_build_id,
    publish,
)

CIN_PATTERN = "[0-9]{8}[A-Z]"  # a Medi-Cal Client Index Number (feeds.md)

AUDIT = """
create schema audit;
create table audit.check_results (check_id varchar, status varchar);
create table audit.ingest_files (file_name varchar, rows_loaded bigint);
insert into audit.check_results values ('claims-units-range', 'pass');
insert into audit.ingest_files values ('claims_20240131.csv', 3);
create schema reference;
create table reference.waiver_metrics_catalog (metric_id varchar, metric_name varchar);
create table reference.policy_parameters (parameter_name varchar, value_numeric decimal(18, 4));
insert into reference.waiver_metrics_catalog values ('WF-01', 'Active certified peers');
insert into reference.policy_parameters values ('suppression_max_count', 10);
create table reference.hcpcs_codes (code varchar, description varchar);
create table reference.county_opt_in (county_fips varchar, delivery_system varchar);
insert into reference.hcpcs_codes values ('H0038', 'Self-help/peer services');
insert into reference.county_opt_in values ('06001', 'SMHS');
"""


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(AUDIT)
    con.execute("create schema marts")
    con.execute("create table marts.fct_demo as select * from range(3) t(n)")
    con.execute("create schema reporting")
    con.execute("create table reporting.rpt_demo as select * from range(2) t(n)")
    return con


def at(second: int) -> dt.datetime:
    return dt.datetime(2026, 1, 1, 0, 0, second, tzinfo=dt.UTC)


def test_snapshot_has_every_mart_the_audit_summaries_and_the_reference_tables(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    snapshot = publish(con, tmp_path, now=at(1))
    assert current_build_id(tmp_path) == snapshot.build_id
    manifest = json.loads((snapshot.path / "manifest.json").read_text())
    assert set(manifest["tables"]) == {
        "fct_demo",
        "rpt_demo",
        "audit__check_results",
        "audit__ingest_files",
        "waiver_metrics_catalog",
        "policy_parameters",
        "hcpcs_codes",
        "county_opt_in",
    }
    assert manifest["tables"]["policy_parameters"]["source"] == "reference.policy_parameters"
    assert manifest["tables"]["fct_demo"]["rows"] == 3
    rows = duckdb.sql(f"select count(*) from '{snapshot.path / 'fct_demo.parquet'}'").fetchall()
    assert rows == [(3,)]


def test_public_outputs_have_a_folder_of_their_own_that_anyone_may_read(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    serving = tmp_path / "warehouse" / "serving"
    previous = os.umask(PRIVATE_UMASK)  # as `peerwh` runs: everything else owner-only
    try:
        snapshot = publish(con, serving, now=at(1))
    finally:
        os.umask(previous)
    public = snapshot.path / "public"
    assert sorted(p.name for p in public.iterdir()) == [
        "county_opt_in.parquet",
        "hcpcs_codes.parquet",
        "manifest.json",
        "policy_parameters.parquet",
        "rpt_demo.parquet",
        "waiver_metrics_catalog.parquet",
    ]
    manifest = json.loads((public / "manifest.json").read_text())
    assert set(manifest["tables"]) == {"rpt_demo", *PUBLISHED_REFERENCE_TABLES}
    assert "suppress" in manifest["about"]
    internal = json.loads((snapshot.path / "manifest.json").read_text())["tables"]
    assert internal["rpt_demo"]["folder"] == "public"
    assert internal["fct_demo"]["folder"] == ""
    assert (public / "rpt_demo.parquet").stat().st_mode & 0o777 == 0o644
    assert public.stat().st_mode & 0o777 == 0o755
    # Beside it, nothing is listable by others: the build folder may only be passed through.
    assert snapshot.path.stat().st_mode & 0o007 == 0o001


def test_a_pii_column_stops_publication_and_keeps_the_current_snapshot(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first = publish(con, tmp_path, now=at(1))
    con.execute("create table marts.fct_leak as select 'x' as beneficiary_cin")
    with pytest.raises(PublishError, match="beneficiary_cin"):
        publish(con, tmp_path, now=at(2))
    assert current_build_id(tmp_path) == first.build_id
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.build_id, "current"]


def test_an_unchanged_table_is_linked_from_the_current_snapshot_a_changed_one_written(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first = publish(con, tmp_path, now=at(1))
    con.execute("update marts.fct_demo set n = n + 10 where n = 2")  # same row count
    second = publish(con, tmp_path, now=at(2))

    def inode(snapshot_path: Path, name: str) -> int:
        return (snapshot_path / name).stat().st_ino

    assert inode(first.path, "public/rpt_demo.parquet") == inode(
        second.path, "public/rpt_demo.parquet"
    )
    assert inode(first.path, "fct_demo.parquet") != inode(second.path, "fct_demo.parquet")
    values = duckdb.sql(f"select sum(n) from '{second.path / 'fct_demo.parquet'}'").fetchall()
    assert values == [(13,)]
    assert second.tables["rpt_demo"] == 2

    # Pruning the first build leaves the second whole: a link is a file of its own.
    for second_at in range(3, 3 + BUILDS_KEPT):
        publish(con, tmp_path, now=at(second_at))
    assert not first.path.exists()
    latest = tmp_path / str(current_build_id(tmp_path)) / "public" / "rpt_demo.parquet"
    assert duckdb.sql(f"select count(*) from '{latest}'").fetchall() == [(2,)]


def test_old_builds_are_pruned(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    builds = [publish(con, tmp_path, now=at(s)).build_id for s in range(BUILDS_KEPT + 2)]
    kept = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert kept == builds[-BUILDS_KEPT:]
    assert current_build_id(tmp_path) == builds[-1]


def test_published_snapshot_carries_no_pii(published_warehouse: Path) -> None:
    """No column a contract classifies as PII, and no CIN-shaped value anywhere (RPT-03)."""
    from peerwh.contracts import load_contracts

    pii = {c for contract in load_contracts().values() for c in contract.pii_columns}
    build = published_warehouse / "serving" / current_build_id(published_warehouse / "serving")
    files = sorted(build.glob("*.parquet"))
    assert files
    con = duckdb.connect(":memory:")
    for path in files:
        schema = con.execute(f"describe select * from '{path}'").fetchall()
        assert not {name for name, *_ in schema} & pii, path.name
        text = [name for name, kind, *_ in schema if kind == "VARCHAR"]
        for name in text:
            query = f"""select count(*) from '{path}' where regexp_full_match("{name}", ?)"""
            hits = con.execute(query, [CIN_PATTERN]).fetchall()[0][0]
            assert hits == 0, f"{path.name}.{name} holds CIN-shaped values"


def test_dbt_docs_are_published_without_the_hash_key(published_warehouse: Path) -> None:
    from tests.pipeline import TEST_HASH_KEY

    site = (published_warehouse / "dbt_docs" / "index.html").read_text()
    assert "fct_workforce_monthly" in site and "stg_sdmc__claim_lines" in site
    key = TEST_HASH_KEY.encode().ljust(64, b"\0")
    for pad in (0x36, 0x5C):
        assert bytes(b ^ pad for b in key).hex() not in site


def test_a_publication_killed_mid_way_is_cleaned_up_by_the_next(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first = publish(con, tmp_path, now=at(1))
    leftover = tmp_path / f".{at(2):%Y%m%dT%H%M%S%fZ}.partial"  # signal 9 while writing it
    (leftover / "public").mkdir(parents=True)
    (leftover / "fct_demo.parquet").write_bytes(b"half a file")
    assert current_build_id(tmp_path) == first.build_id
    second = publish(con, tmp_path, now=at(3))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [first.build_id, second.build_id, "current"]
    )


def test_the_pointer_switch_is_durable(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new pointer's content is fsync'ed before the rename, and the folder after it."""
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(f"fsync {os.readlink(f'/proc/self/fd/{fd}')}")
        real_fsync(fd)

    def replace(source: str | Path, target: str | Path) -> None:
        events.append(f"replace {source} {target}")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    snapshot = publish(con, tmp_path, now=at(1))
    switch = events.index(f"replace {tmp_path / 'current.tmp'} {tmp_path / 'current'}")
    assert f"fsync {tmp_path / 'current.tmp'}" in events[:switch]
    # The snapshot's files are synced before it takes its name, and so before the switch.
    partial = tmp_path / f".{snapshot.build_id}.partial"
    assert f"fsync {partial / 'fct_demo.parquet'}" in events[:switch]
    assert f"fsync {tmp_path}" in events[switch:]
