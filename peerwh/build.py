"""Build the warehouse through Dagster for `peerwh run` (and the benchmark): the build itself,
its summary for the user, the batches still held, and stopping dbt with the run.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import click

from peerwh import config


def build_warehouse(quiet: bool = True, instance: Any = None, full_refresh: bool = True) -> Any:
    """Materialize the whole asset graph in this process; return Dagster's result.

    `full_refresh` rebuilds the incremental models from scratch (dbt --full-refresh)."""
    import dagster as dg

    from peerwh.dbt_project import ensure_manifest

    ensure_manifest(force=True)
    # The code location is a folder of the project, not of the installed package: load it
    # from there, as `dg dev` does.
    if str(config.PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(config.PROJECT_ROOT))
    from orchestration.definitions import load_definitions

    if instance is None and os.environ.get("DAGSTER_HOME"):
        # Keep the run history where `dg dev` shows it; a missing home is created, not fatal.
        home = Path(os.environ["DAGSTER_HOME"])
        home.mkdir(parents=True, exist_ok=True)
        (home / "dagster.yaml").touch()
        instance = dg.DagsterInstance.get()
    run_config: dict[str, Any] = {
        "ops": {
            step: {"config": {"full_refresh": full_refresh}}
            for step in ("warehouse_dbt_models", "public_dbt_models")
        }
    }
    if quiet:
        run_config["loggers"] = {"console": {"config": {"log_level": "ERROR"}}}
    job = load_definitions().resolve_job_def("warehouse_build")
    # dbt's own progress lines and Dagster's error reports (a failed step's whole traceback: a
    # full disk made ~190 lines) go to a log file, so the terminal shows only the summary, with
    # one line per failed step.
    log_path = run_log_path()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        log_path.open("w") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        return job.execute_in_process(
            instance=instance or dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
            run_config=run_config,
        )


def run_log_path() -> Path:
    return config.warehouse_dir() / "logs" / "last_run.log"


def summarize(result: Any) -> tuple[list[str], bool]:
    """Lines for the user, and whether a snapshot was published."""
    from peerwh.ingest.files import without_values

    lines: list[str] = []
    materialized = {
        m.asset_key.to_user_string(): m.metadata
        for m in result.get_asset_materialization_events()
        for m in [m.event_specific_data.materialization]
    }
    lines.append(
        f"{'feed':<22}{'new files':>10}{'rejected':>9}{'held':>6}{'duplicate':>10}"
        f"{'rows loaded':>13}{'quarantined':>13}"
    )
    messages: list[str] = []
    for feed in config.FEEDS:
        meta = materialized.get(f"raw_{feed}")
        if meta is None:
            lines.append(f"{feed:<22}  (not ingested: see errors above)")
            continue
        value = {k: v.value for k, v in meta.items()}
        lines.append(
            f"{feed:<22}{value['files_new']:>10}{value['files_rejected']:>9}"
            f"{value['files_held']:>6}{value['files_duplicate']:>10}"
            f"{value['rows_loaded']:>13,}{value['rows_quarantined']:>13,}"
        )
        if value["messages"] != "none":
            messages += [m.removeprefix("- ") for m in str(value["messages"]).splitlines()]
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    if messages:
        lines += ["", "Problems found in the files:", *(f"  {m}" for m in messages)]
    if failed:
        lines += ["", "Failed checks:"]
        lines += [
            f"  {e.asset_key.to_user_string()}: {e.check_name} ({e.severity.value.lower()})"
            for e in failed
        ]
    for step in result.all_events:
        error = step.event_specific_data.error if step.is_step_failure else None
        # A failed blocking check already shows under "Failed checks"; other failures show here.
        if error is not None and error.cls_name != "DagsterAssetCheckFailedError":
            while error.cause is not None:  # the root cause (a full disk, say), not Dagster's
                error = error.cause
            # Quoted text left out: a database error may quote a value, and values may be PII.
            first = without_values(error.message)
            lines += ["", f"Step {step.step_key} failed: {first} (details: {run_log_path()})"]
    freshness = materialized.get("audit/source_freshness")
    if freshness is not None:
        late = str(freshness["stale"].value)
        lines += [
            "",
            "Deliveries: every feed within its contract's frequency (dbt source freshness)"
            if late == "none"
            else f"Deliveries: late (no delivery within the contract's frequency): {late}",
        ]
    disclosure = materialized.get("disclosure_audit")
    if disclosure is not None:
        lines += ["", "Disclosure control (RPT-03):"]
        lines += [f"  {line}" for line in str(disclosure["verdict"].value).splitlines()]
    snapshot = materialized.get("serving_snapshot")
    if snapshot is None:
        lines += ["", "Publication stopped: the current snapshot was left unchanged."]
        return lines, False
    lines += [
        "",
        f"Published snapshot {snapshot['build_id'].value} at {snapshot['path'].value}",
    ]
    return lines, True


def report_held() -> int:
    """List the batches still held (after any run, built or not): 1 if there are any."""
    import duckdb

    from peerwh.ingest.files import without_values
    from peerwh.ingest.held import held_batches

    database = config.warehouse_path()
    if not database.is_file():
        return 0
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            held = held_batches(con)
    except duckdb.Error as error:
        click.echo(
            f"\nHeld batches: unknown, the warehouse cannot be read ({without_values(error)})"
        )
        return 1
    if not held:
        return 0
    click.echo(
        f"\nHeld batches: {len(held)}. Their rows reach no model, and every run exits non-zero "
        "until each is released or dropped (peerwh release-batch|drop-batch FILE --reason "
        "TEXT) or replaced by a re-delivery under its name:"
    )
    click.echo("\n".join(f"  {b.line()}" for b in held))
    return 1


def descendants(pid: int) -> list[int]:
    """The processes started by `pid` and theirs (Linux /proc; none elsewhere)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # The command name (field 2) may hold blanks: the fields after it are fixed.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def stop_children_on_signals() -> None:
    """A run stopped with SIGTERM, SIGINT or SIGHUP stops its children (dbt) before it ends, so
    that none goes on writing the warehouse after the run is gone."""
    import signal
    import time

    def stop(signum: int, _frame: object) -> None:
        children = descendants(os.getpid())
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() for c in children):
            time.sleep(0.1)
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        click.echo(f"\nstopped by signal {signum}: the run and its children ended", err=True)
        os._exit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop)
