"""The RPT-03 suppression macro (macros/suppression.sql) on hand-made tables in a real DuckDB.

dbt compiles `suppress_counts` once per call pattern (in a child process, as Dagster runs
dbt) against a scratch warehouse holding only the `policy_parameters` seed; each test then
writes its own table of cells and runs the compiled SQL. The thresholds are read when the SQL
runs, so a test can change the seed table and re-run the same SQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

# Each call pattern: the arguments of suppress_counts over the scratch table main.cells
# (row_label, column_label, n, m, rate).
PRIMARY_ONLY = (
    "select * from ({{ suppress_counts('main.cells', key_columns=['row_label', 'column_label'], "
    "count_columns=['n'], derived_columns={'rate': ['n']}) }}) as suppressed"
)
COMPLEMENTARY = (
    "select * from ({{ suppress_counts('main.cells', key_columns=['row_label', 'column_label'], "
    "count_columns=['n', 'm'], complement_groups=[['row_label'], ['column_label']], "
    "derived_columns={'rate': ['m', 'n']}) }}) as suppressed"
)

DBT_RUNNER = """
import json, sys
from dbt.cli.main import dbtRunner

out = []
for command in json.loads(sys.argv[1]):
    res = dbtRunner().invoke(command)
    compiled = None
    if command[0] == "compile" and res.success:
        compiled = res.result.results[0].node.compiled_code
    out.append({"success": res.success, "exception": str(res.exception or ""), "sql": compiled})
print(json.dumps(out))
"""


def run_dbt(commands: list[list[str]], work_dir: Path) -> list[dict[str, object]]:
    common = [
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target", "dev", "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
    ]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", DBT_RUNNER, json.dumps([[*c, *common] for c in commands])],
        env={
            **os.environ,
            "DO_NOT_TRACK": "1",
            "PEERWH_WAREHOUSE_DIR": str(work_dir),
            "PEERWH_HASH_KEY": "suppression-test-key",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.stdout.strip(), done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    for result in results:
        assert result["success"], result["exception"] or done.stdout[-3000:]
    return results


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The seed loaded into a scratch warehouse and the macro compiled for each pattern."""
    work_dir = tmp_path_factory.mktemp("suppression")
    results = run_dbt(
        [
            ["seed", "--select", "policy_parameters"],
            ["compile", "--inline", PRIMARY_ONLY],
            ["compile", "--inline", COMPLEMENTARY],
        ],
        work_dir,
    )
    return {
        "database": work_dir / "warehouse.duckdb",
        "primary": results[1]["sql"],
        "complementary": results[2]["sql"],
    }


@pytest.fixture
def con(compiled: dict[str, object]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the scratch warehouse; each test's changes are rolled back."""
    connection = duckdb.connect(str(compiled["database"]))
    connection.execute("begin transaction")
    try:
        yield connection
    finally:
        connection.execute("rollback")
        connection.close()


def suppress(
    con: duckdb.DuckDBPyConnection, sql: object, cells: list[tuple[object, ...]]
) -> pd.DataFrame:
    """Write the cells (row_label, column_label, n, m) and run the compiled macro on them."""
    frame = pd.DataFrame(cells, columns=["row_label", "column_label", "n", "m"]).astype(
        {"n": "Int64", "m": "Int64"}
    )
    frame["rate"] = (frame["m"] / frame["n"]).astype("Float64")
    con.register("cells_frame", frame)
    con.execute("create or replace table main.cells as select * from cells_frame")
    result = con.execute(str(sql)).df()
    return result.sort_values(["row_label", "column_label"]).reset_index(drop=True)


def values(series: pd.Series) -> list[object]:
    """The column as a list, NULL as None."""
    return [None if pd.isna(v) else v for v in series]


def suppressed_cells(result: pd.DataFrame, column: str = "n") -> set[tuple[str, str]]:
    rows = result[result[f"{column}_is_suppressed"]]
    return set(zip(rows["row_label"], rows["column_label"], strict=True))


# ------------------------------------------------------------------------ primary suppression


def test_counts_from_1_to_10_are_suppressed_and_0_and_11_shown(
    con: duckdb.DuckDBPyConnection, compiled: dict[str, object]
) -> None:
    counts = [0, 1, 5, 10, 11, 250, None]
    cells = [("r", f"c{i}", v, 1) for i, v in enumerate(counts)]
    result = suppress(con, compiled["primary"], cells)
    assert values(result["n"]) == [0, None, None, None, 11, 250, None]
    assert result["n_is_suppressed"].tolist() == [False, True, True, True, False, False, False]
    assert result["is_suppressed"].tolist() == result["n_is_suppressed"].tolist()


def test_a_rate_of_a_suppressed_count_is_suppressed(
    con: duckdb.DuckDBPyConnection, compiled: dict[str, object]
) -> None:
    result = suppress(con, compiled["primary"], [("r", "a", 4, 1), ("r", "b", 40, 10)])
    assert result["rate"].isna().tolist() == [True, False]
    assert result.loc[1, "rate"] == pytest.approx(0.25)


def test_thresholds_are_read_when_the_sql_runs(
    con: duckdb.DuckDBPyConnection, compiled: dict[str, object]
) -> None:
    cells = [("r", "a", 5, 1), ("r", "b", 7, 1), ("r", "c", 10, 1)]
    assert suppress(con, compiled["primary"], cells)["n_is_suppressed"].all()
    con.execute(
        "update reference.policy_parameters set value_numeric = 6 "
        "where parameter_name = 'suppression_max_count'"
    )
    result = suppress(con, compiled["primary"], cells)
    assert values(result["n"]) == [None, 7, 10]


# ------------------------------------------------------------------------ complementary


def test_a_lone_small_cell_gets_the_smallest_non_zero_cell_of_its_row_as_complement(
    con: duckdb.DuckDBPyConnection, compiled: dict[str, object]
) -> None:
    # One row, so no column group has more than one cell: only the row rule acts.
    result = suppress(
        con,
        compiled["complementary"],
        [("r1", "a", 5, 0), ("r1", "b", 0, 0), ("r1", "c", 30, 0), ("r1", "d", 12, 0)],
    )
    assert suppressed_cells(result) == {("r1", "a"), ("r1", "d")}
    assert values(result["n"]) == [None, 0, 30, None]


def test_small_suppressed_sum_gets_another_complement(
    con: duckdb.DuckDBPyConnection, compiled: dict[str, object]
) -> None:
    # 2 + 3 = 5 could be read off the row total: the smallest shown non-zero cell joins them.
    result = suppress(
        con,
        compiled["complementary"],
        [("r1", "a", 2, 0), ("r1", "b", 3, 0), ("r1", "c", 40, 0), ("r1", "d", 50, 0)],
    )
    assert suppressed_cells(result) == {("r1", "a"), ("r1", "b"), ("r1", "c")}


def test_complements_spread_across_rows_and_columns(
    con: duckdb.DuckDBPyConnection, compiled: dict[str, object]
) -> None:
    # The unit test's table, one row per quarter, one column per county:
    # r1: 5 14 0 / r2: 13 50 11 / r3: 40 60 70. Rows are visited first.
    grid = {("r1", "a"): 5, ("r1", "b"): 14, ("r1", "c"): 0, ("r2", "a"): 13, ("r2", "b"): 50,
            ("r2", "c"): 11, ("r3", "a"): 40, ("r3", "b"): 60, ("r3", "c"): 70}  # fmt: skip
    result = suppress(con, compiled["complementary"], [(*k, v, 0) for k, v in grid.items()])
    # Row r1 has only the 5: its smallest non-zero cell (14) follows, not the 0; columns a
    # and b then each have one suppressed cell and give up their smallest shown cells (13,
    # 50); row r2 then has two, summing to 63, and nothing more is needed.
    assert suppressed_cells(result) == {("r1", "a"), ("r1", "b"), ("r2", "a"), ("r2", "b")}
    shown = result[~result["n_is_suppressed"]]
    assert sorted(shown["n"].tolist()) == [0, 11, 40, 60, 70]


def test_each_count_column_has_its_own_pattern_and_rates_follow_both(
    con: duckdb.DuckDBPyConnection, compiled: dict[str, object]
) -> None:
    result = suppress(
        con,
        compiled["complementary"],
        [("r1", "a", 50, 3), ("r1", "b", 60, 30), ("r1", "c", 70, 40)],
    )
    assert not result["n_is_suppressed"].any()
    assert suppressed_cells(result, "m") == {("r1", "a"), ("r1", "b")}
    assert result["rate"].isna().tolist() == [True, True, False]
    assert result["is_suppressed"].tolist() == [True, True, False]


def random_grid(seed: int, rows: int, columns: int) -> list[tuple[object, ...]]:
    """A sparse table like county x quarter counts: many zeros, many small counts."""
    rng = np.random.default_rng(seed)
    values = rng.choice([0, 0, 0, 1, 2, 3, 5, 8, 10, 11, 15, 30, 80], size=(rows, columns))
    return [
        (f"r{i:02d}", f"c{j:02d}", int(values[i, j]), int(values[i, j]) // 2)
        for i in range(rows)
        for j in range(columns)
    ]


@pytest.mark.parametrize("seed", range(8))
def test_random_tables_leave_nothing_recoverable(
    con: duckdb.DuckDBPyConnection, compiled: dict[str, object], seed: int
) -> None:
    cells = random_grid(seed, rows=6, columns=9)
    raw = pd.DataFrame(cells, columns=["row_label", "column_label", "n", "m"])
    result = suppress(con, compiled["complementary"], cells).merge(
        raw, on=["row_label", "column_label"], suffixes=("", "_raw")
    )
    for column in ("n", "m"):
        flag = result[f"{column}_is_suppressed"]
        value = result[f"{column}_raw"]
        assert flag[value.between(1, 10)].all(), "a small count is shown"
        assert result.loc[~flag, column].tolist() == value[~flag].tolist()
        for group in ("row_label", "column_label"):
            for label, cells_of_group in result.groupby(group):
                hidden = cells_of_group[cells_of_group[f"{column}_is_suppressed"]]
                shown = cells_of_group[~cells_of_group[f"{column}_is_suppressed"]]
                where = f"{column} {group}={label}"
                assert len(hidden) != 1, f"{where}: one suppressed cell, recoverable from the total"
                if len(hidden) and (shown[f"{column}_raw"] > 0).any():
                    assert hidden[f"{column}_raw"].sum() > 10, f"{where}: suppressed sum is small"
    assert result.loc[result["n_is_suppressed"] | result["m_is_suppressed"], "rate"].isna().all()
