"""`make bench`: time every stage of the pipeline at one scale, in one run.

Prints generation time, per-feed ingest throughput (GX validation included), the dbt build,
the publish step, the total, peak memory, and the ratio of the pipeline to a plain DuckDB
baseline that reads the same files and aggregates them. The pipeline runs through Dagster
exactly as `peerwh run` does; stage times come from Dagster's step events.
"""

from __future__ import annotations

import argparse
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


def baseline_seconds(landing: Path) -> float:
    """Plain DuckDB: read every feed's files and aggregate each (no validation, no model)."""
    start = time.perf_counter()
    with duckdb.connect(":memory:") as con:
        for feed in FEEDS:
            files = sorted(str(p) for p in (landing / feed).glob("*.csv"))
            con.execute(
                "select count(*), count(distinct recorded_at) from read_csv(?, all_varchar=true)",
                [files],
            ).fetchall()
        con.execute(
            "select county_fips, substr(service_date, 1, 7) as month, count(*), "
            "count(distinct beneficiary_cin) from read_csv(?, all_varchar=true) group by all",
            [sorted(str(p) for p in (landing / "claims").glob("*.csv"))],
        ).fetchall()
    return time.perf_counter() - start


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

    from peerwh.build_inputs import inputs_fingerprint, project_fingerprint, record_build
    from peerwh.cli import build_warehouse, summarize

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
    baseline = baseline_seconds(landing)
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"\npeerwh benchmark, scale {args.scale} (seed {args.seed}), {os.cpu_count()} cores")
    print(f"  work dir: {work}")
    print(f"  {'generation':<28}{generation:>9.1f} s   {sum(summary.rows.values()):>12,} rows")
    for feed in FEEDS:
        seconds = steps.get(f"raw_{feed}", float("nan"))
        rows = summary.rows[feed]
        print(f"  {'ingest ' + feed:<28}{seconds:>9.1f} s   {rows / seconds:>12,.0f} rows/s")
    for label, step in (
        ("dbt build, warehouse", "warehouse_dbt_models"),
        ("disclosure control", "disclosure__suppression"),
        ("dbt build, public outputs", "public_dbt_models"),
        ("disclosure audit", "disclosure_audit"),
        ("publish", "serving_snapshot"),
    ):
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

    from tests.bench.page_speed import CHROMIUM, measure, report

    if shutil.which(CHROMIUM) is None:
        print(f"\n  page speed: skipped, no Chromium at {CHROMIUM}")
        return
    print("\n  dashboard page speed (headless Chromium, demo mode)")
    print(report(measure(warehouse, screenshots=args.screenshots)))


if __name__ == "__main__":
    main()
