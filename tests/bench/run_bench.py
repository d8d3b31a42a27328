"""`make bench`: time every stage of the pipeline at one scale, in one run.

Three runs on one warehouse: the full build; `peerwh run` again with nothing new; and a daily
delivery (a claims file of DAILY_CLAIM_LINES new lines and a small file of each other feed that
re-sends a few of its records) built incrementally. For the full build and the daily delivery:
generation time, per-feed ingest throughput (GX validation included), the dbt builds, the
disclosure control, publish, the total, peak memory, and the ratio of the pipeline to a plain
DuckDB baseline that reads the same files and aggregates them. The pipeline runs through Dagster
exactly as `peerwh run` does; stage times come from Dagster's step events.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from peerwh.config import FEEDS

DAILY_CLAIM_LINES = 50_000
DAILY_RECORDS = 50  # re-sent in each other feed's daily file
STAGES = (
    ("dbt build, warehouse", "warehouse_dbt_models"),
    ("disclosure control", "disclosure__suppression"),
    ("dbt build, public outputs", "public_dbt_models"),
    ("disclosure audit", "disclosure_audit"),
    ("publish", "serving_snapshot"),
)


def baseline_seconds(files: dict[str, list[Path]]) -> float:
    """Plain DuckDB: read every feed's files and aggregate each (no validation, no model)."""
    start = time.perf_counter()
    with duckdb.connect(":memory:") as con:
        for feed_files in files.values():
            con.execute(
                "select count(*), count(distinct recorded_at) from read_csv(?, all_varchar=true)",
                [[str(p) for p in feed_files]],
            ).fetchall()
        con.execute(
            "select county_fips, substr(service_date, 1, 7) as month, count(*), "
            "count(distinct beneficiary_cin) from read_csv(?, all_varchar=true) group by all",
            [[str(p) for p in files["claims"]]],
        ).fetchall()
    return time.perf_counter() - start


def landed_files(landing: Path) -> dict[str, list[Path]]:
    return {feed: sorted((landing / feed).glob("*.csv")) for feed in FEEDS}


def write_daily_delivery(landing: Path) -> dict[str, list[Path]]:
    """The next day's files: DAILY_CLAIM_LINES new claim lines (lines of the largest claims file
    under new claim ids), and DAILY_RECORDS records of every other feed re-sent as they were.
    Answer-key plants ride along, as in any delivery."""
    files = landed_files(landing)
    day = max(dt.date.fromisoformat(p.stem.rsplit("_", 1)[1]) for p in files["claims"])
    day += dt.timedelta(days=1)
    delivered: dict[str, list[Path]] = {}
    with duckdb.connect(":memory:") as con:
        for feed in FEEDS:
            target = landing / feed / f"{feed}_{day:%Y%m%d}.csv"
            if feed == "claims":
                new_ids = f"* replace (claim_id || '-D{day:%Y%m%d}' as claim_id)"
                largest = max(files[feed], key=lambda path: path.stat().st_size)
                rows, columns, source = DAILY_CLAIM_LINES, new_ids, [largest]
            else:
                rows, columns, source = DAILY_RECORDS, "*", files[feed]
            con.execute(
                f"copy (select {columns} from read_csv(?, all_varchar=true) limit {rows}) "
                f"to '{target}' (header)",
                [[str(p) for p in source]],
            )
            delivered[feed] = [target]
    return delivered


def daily_run(work: Path) -> tuple[float, float, dict[str, float]]:
    """`peerwh run` in a process of its own: wall seconds, its peak memory (MB), step times."""
    home = work / "dagster_home"
    home.mkdir(exist_ok=True)
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "peerwh.cli", "run"],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0 or "incrementally" not in output:
        print(f"the daily delivery run failed or built in full:\n{output[-3000:]}")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs(limit=1)
        steps = step_seconds(instance, runs[0].run_id) if runs else {}
    return seconds, usage.ru_maxrss / 1024, steps


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Wall seconds of each Dagster step of the run."""
    return {
        stats.step_key: (stats.end_time or 0) - (stats.start_time or 0)
        for stats in instance.get_run_step_stats(run_id)
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="medium", choices=["tiny", "small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--screenshots", type=Path, help="also save one screenshot per dashboard page here"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix=f"peerwh-bench-{args.scale}-"))
    landing, warehouse = work / "landing", work / "warehouse"
    os.environ.update(
        PEERWH_LANDING_DIR=str(landing),
        PEERWH_WAREHOUSE_DIR=str(warehouse),
        PEERWH_HASH_KEY=os.environ.get("PEERWH_HASH_KEY", "bench-key"),
    )

    from peerwh_synthetic import generate

    t0 = time.perf_counter()
    summary = generate(landing, scale=args.scale, seed=args.seed, progress=False)
    generation = time.perf_counter() - t0

    from peerwh.build import build_warehouse, summarize
    from peerwh.build_inputs import inputs_fingerprint, project_fingerprint, record_build

    instance = dg.DagsterInstance.ephemeral()
    t1 = time.perf_counter()
    project = project_fingerprint()
    fingerprint = inputs_fingerprint(landing, project)
    result = build_warehouse(instance=instance)
    pipeline = time.perf_counter() - t1
    lines, published = summarize(result)
    noop = float("nan")
    if published:
        # As `peerwh run` does after publishing; the same command again has nothing to do.
        current = (warehouse / "serving" / "current").read_text().strip()
        record_build(fingerprint, current, project)
        t2 = time.perf_counter()
        again = subprocess.run(
            [sys.executable, "-m", "peerwh.cli", "run"], capture_output=True, text=True, check=False
        )
        noop = time.perf_counter() - t2
        if "Nothing new" not in again.stdout:
            print(f"the no-op run built again:\n{again.stdout[-2000:]}{again.stderr[-2000:]}")
    steps = step_seconds(instance, result.run_id)
    baseline = baseline_seconds(landed_files(landing))
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    daily = float("nan"), float("nan"), {}
    daily_baseline = float("nan")
    if published:
        delivery = write_daily_delivery(landing)
        daily = daily_run(work)
        daily_baseline = baseline_seconds(delivery)

    print(f"\npeerwh benchmark, scale {args.scale} (seed {args.seed}), {os.cpu_count()} cores")
    print(f"  work dir: {work}")
    print(f"  {'generation':<28}{generation:>9.1f} s   {sum(summary.rows.values()):>12,} rows")
    for feed in FEEDS:
        seconds = steps.get(f"raw_{feed}", float("nan"))
        rows = summary.rows[feed]
        print(f"  {'ingest ' + feed:<28}{seconds:>9.1f} s   {rows / seconds:>12,.0f} rows/s")
    for label, step in STAGES:
        print(f"  {label:<28}{steps.get(step, float('nan')):>9.1f} s")
    print(f"  {'pipeline total (Dagster)':<28}{pipeline:>9.1f} s")
    print(f"  {'run again, nothing new':<28}{noop:>9.1f} s   (peerwh run, a new process)")
    print(f"  {'plain DuckDB baseline':<28}{baseline:>9.1f} s   ratio {pipeline / baseline:.1f}x")
    print(
        f"  {'peak memory':<28}{peak_self:>9.0f} MB (this process), "
        f"{peak_children:.0f} MB (largest child: dbt)"
    )
    if not published:
        print("\n".join(lines))
        sys.exit(1)
    seconds, peak, daily_steps = daily
    print(
        f"\n  daily delivery ({DAILY_CLAIM_LINES:,} new claim lines, {DAILY_RECORDS} records "
        "re-sent in each other feed), built incrementally onto the warehouse"
    )
    for feed in FEEDS:
        print(f"  {'ingest ' + feed:<28}{daily_steps.get(f'raw_{feed}', float('nan')):>9.1f} s")
    for label, step in STAGES:
        print(f"  {label:<28}{daily_steps.get(step, float('nan')):>9.1f} s")
    print(f"  {'end to end (peerwh run)':<28}{seconds:>9.1f} s")
    print(
        f"  {'plain DuckDB, same files':<28}{daily_baseline:>9.1f} s   "
        f"ratio {seconds / daily_baseline:.0f}x"
    )
    print(f"  {'peak memory':<28}{peak:>9.0f} MB (peerwh run and its children)")

    from tests.bench.page_speed import CHROMIUM, measure, report

    if shutil.which(CHROMIUM) is None:
        print(f"\n  page speed: skipped, no Chromium at {CHROMIUM}")
        return
    print("\n  dashboard page speed (headless Chromium, demo mode)")
    print(report(measure(warehouse, screenshots=args.screenshots)))


if __name__ == "__main__":
    main()
