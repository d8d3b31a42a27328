"""`peerwh`: generate sample feeds, build the warehouse through Dagster, open the dashboard."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from peerwh import config
from peerwh.build import build_warehouse, report_held, stop_children_on_signals, summarize
from peerwh.permissions import restrict_new_files

SCALES = ("tiny", "small", "medium", "large")


@click.group()
def main() -> None:
    """Medi-Cal Peer Support Specialist data warehouse."""
    # Before any command writes: feeds, warehouse, snapshots, GX results and reports, and what
    # dbt or Streamlit write as our children, are readable by their owner only.
    restrict_new_files()


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Landing directory to write the feed folders and answer_key.csv into.",
)
@click.option("--scale", type=click.Choice(SCALES), default="small", show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
def generate(out_dir: Path, scale: str, seed: int) -> None:
    """Write synthetic feeds (with planted problems and their answer key)."""
    from peerwh_synthetic import generate as run_generator

    summary = run_generator(out_dir, scale=scale, seed=seed, progress=True)
    click.echo(f"wrote {scale} feeds (seed {seed}) to {out_dir} in {summary.seconds:.1f} s")
    for feed, rows in summary.rows.items():
        click.echo(f"  {feed:<22} {summary.files[feed]:>3} files {rows:>12,} rows")
    click.echo(f"  answer key: {out_dir / 'answer_key.csv'}")


def _set_dirs(landing: Path | None, warehouse: Path | None) -> None:
    if landing:
        os.environ["PEERWH_LANDING_DIR"] = str(landing.resolve())
    if warehouse:
        os.environ["PEERWH_WAREHOUSE_DIR"] = str(warehouse.resolve())


@main.command()
@click.option(
    "--landing",
    type=click.Path(path_type=Path, file_okay=False),
    help="Landing directory (default $PEERWH_LANDING_DIR or ./landing).",
)
@click.option(
    "--warehouse",
    type=click.Path(path_type=Path, file_okay=False),
    help="Warehouse directory (default $PEERWH_WAREHOUSE_DIR or ./warehouse).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Build even when nothing changed since the last published build.",
)
@click.option(
    "--full-refresh",
    is_flag=True,
    help="Rebuild the incremental models from every delivery, not only the new ones "
    "(implies --force).",
)
def run(landing: Path | None, warehouse: Path | None, force: bool, full_refresh: bool) -> None:
    """Ingest every feed, build the dbt project and publish the snapshot (through Dagster).

    A run that finds no new or changed landed file and no change to the contracts, the dbt
    project (seeds and policy parameters included), the code or the hash key since the build it
    last published says so and stops: nothing is rebuilt or published.
    """
    from peerwh.runlock import WarehouseBusy, run_lock

    _set_dirs(landing, warehouse)
    landing_dir = config.landing_dir()
    if not landing_dir.is_dir():
        raise click.ClickException(f"landing directory {landing_dir} does not exist")
    try:
        with run_lock(config.warehouse_dir()):
            stop_children_on_signals()
            code = _run(landing_dir, force, full_refresh)
    except WarehouseBusy as busy:
        raise click.ClickException(str(busy)) from None
    if code:
        sys.exit(code)


def _run(landing_dir: Path, force: bool, full_refresh: bool) -> int:
    """`peerwh run` while it holds the warehouse; the exit status."""
    from peerwh.build_inputs import (
        forget_build,
        inputs_fingerprint,
        last_build,
        project_fingerprint,
        record_build,
    )
    from peerwh.ingest.files import unknown_folders

    key_file_used = config.hash_key()[1]
    if key_file_used:
        click.echo(
            f"demo mode: PEERWH_HASH_KEY is not set; hashing CINs with the generated key "
            f"in {config.warehouse_dir() / 'demo_hash_key'}"
        )
    for line in unknown_folders(landing_dir, config.FEEDS):
        click.echo(f"warning: {line}")
    # Taken before ingestion: a file landing during the run makes the next run build again.
    project = project_fingerprint()
    fingerprint = inputs_fingerprint(landing_dir, project)
    previous = last_build()
    if not (force or full_refresh) and previous is not None and previous.fingerprint == fingerprint:
        click.echo(
            f"Nothing new since snapshot {previous.build_id}: no new or changed file in "
            f"{landing_dir}, no change to the contracts, the dbt project, its seeds and policy "
            "parameters, or the code. Nothing was rebuilt or published (--force builds anyway)."
        )
        return report_held()
    # Incremental models hold results of the seeds, parameters, contracts and code of the
    # builds before: when those changed (or no published build vouches for them), rebuild.
    full_refresh = full_refresh or previous is None or previous.project != project
    forget_build()
    how = "in full" if full_refresh else "incrementally (only the landed files changed)"
    click.echo(f"building {config.warehouse_path()} from {landing_dir} {how} ...")
    result = build_warehouse(full_refresh=full_refresh)
    lines, published = summarize(result)
    click.echo("\n".join(lines))
    held = report_held()
    if not published:
        return 1
    record_build(fingerprint, (config.serving_dir() / "current").read_text().strip(), project)
    return held


def _settle(name: str, action: str, reason: str, warehouse: Path | None) -> None:
    import duckdb

    from peerwh.build_inputs import forget_build
    from peerwh.ingest.held import BatchError, find_held, settle
    from peerwh.runlock import WarehouseBusy, run_lock

    _set_dirs(None, warehouse)
    database = config.warehouse_path()
    if not database.is_file():
        raise click.ClickException(f"no warehouse at {database}: run `peerwh run` first")
    try:
        with run_lock(config.warehouse_dir()), duckdb.connect(str(database)) as con:
            batch = find_held(con, name)
            settle(con, batch, action, reason)
            if action == "released":
                forget_build()  # the next run rebuilds in full, with the released rows
    except (WarehouseBusy, BatchError) as error:
        raise click.ClickException(str(error)) from None
    then = (
        "its rows load on the next `peerwh run` (in full)"
        if action == "released"
        else "its rows stay in raw, never read"
    )
    click.echo(f"{action} {batch.line()}: {then}; recorded in audit.batch_actions")


def _settle_command(name: str, action: str, help_text: str) -> None:
    @main.command(name, help=help_text)
    @click.argument("batch")
    @click.option("--reason", required=True, help="Why, for the audit (audit.batch_actions).")
    @click.option("--warehouse", type=click.Path(path_type=Path, file_okay=False))
    def command(batch: str, reason: str, warehouse: Path | None) -> None:
        _settle(batch, action, reason, warehouse)


_settle_command(
    "release-batch",
    "released",
    "Accept a held batch (file name or batch id): its rows load on the next run.",
)
_settle_command(
    "drop-batch",
    "dropped",
    "Give up a held batch (file name or batch id): its rows stay in raw, never read.",
)


def dashboard_command(port: int, address: str, allowed_hosts: tuple[str, ...]) -> list[str]:
    """The `streamlit run` command line. Every fixed setting (XSRF, CORS, toolbar, error details,
    the loopback defaults) is in `dashboards/.streamlit/config.toml`, which Streamlit reads beside
    `app.py` however the app is started; the flags here override it."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(config.DASHBOARDS_DIR / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        address,
    ]
    for host in allowed_hosts:
        command += ["--server.allowedHosts", host]
    return command


def _check_sign_in() -> None:
    """Tell the operator at start-up what keeps anyone from signing in (the app logs it too)."""
    from peerwh.dashboards.auth import (
        UsersFileError,
        demo_mode,
        load_users,
        trusted_proxies,
        users_file,
    )

    try:
        if demo_mode():
            return
        trusted_proxies()
    except UsersFileError as exc:
        raise click.ClickException(str(exc)) from None
    for message in load_users(users_file()).messages():
        click.echo(f"warning: {message}", err=True)


@main.command()
@click.option("--warehouse", type=click.Path(path_type=Path, file_okay=False))
@click.option("--port", type=int, default=8501, show_default=True)
@click.option(
    "--address",
    envvar="PEERWH_DASHBOARD_ADDRESS",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on ($PEERWH_DASHBOARD_ADDRESS). Keep the default and put a TLS "
    "reverse proxy in front (docs/dashboards.md) rather than listening on 0.0.0.0.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    envvar="PEERWH_DASHBOARD_ALLOWED_HOSTS",
    help="A host name browsers use to reach the dashboard, e.g. the proxy's; repeat for more "
    "($PEERWH_DASHBOARD_ALLOWED_HOSTS, space-separated). Replaces the default localhost names. "
    "Other Host headers are refused (DNS rebinding).",
)
def dashboard(
    warehouse: Path | None, port: int, address: str, allowed_hosts: tuple[str, ...]
) -> None:
    """Start the Streamlit dashboards on the current snapshot."""
    _set_dirs(None, warehouse)
    _check_sign_in()
    click.echo(f"dashboard on http://{address}:{port} (snapshot under {config.serving_dir()})")
    raise SystemExit(subprocess.call(dashboard_command(port, address, allowed_hosts)))


@main.command("render-contracts")
@click.option("--check", is_flag=True, help="Only report files that differ; exit 1 if any.")
def render_contracts(check: bool) -> None:
    """Write the dbt sources YAML and staging code lists from data_contracts/."""
    from peerwh.config import PROJECT_ROOT
    from peerwh.contracts.render import stale_files, write_rendered_files

    changed = stale_files() if check else write_rendered_files()
    for path in changed:
        verb = "differs from its contract" if check else "rendered"
        click.echo(f"{path.relative_to(PROJECT_ROOT)}: {verb}")
    if check and changed:
        click.echo("run `peerwh render-contracts` and commit the result", err=True)
        sys.exit(1)
    if not changed:
        click.echo("every rendered file agrees with data_contracts/")


@main.command("audit-disclosure")
@click.option("--warehouse", type=click.Path(path_type=Path, file_okay=False))
def audit_disclosure(warehouse: Path | None) -> None:
    """Audit the public outputs (RPT-03): can a suppressed count be worked back?"""
    import duckdb

    from peerwh.disclosure.audit import verdict_lines
    from peerwh.disclosure.warehouse import DisclosureError, audit_warehouse

    _set_dirs(None, warehouse)
    database = config.warehouse_path()
    if not database.exists():
        raise click.ClickException(f"no warehouse at {database}: run `peerwh run` first")
    try:
        with duckdb.connect(str(database)) as con:
            result, differing = audit_warehouse(con)
    except (DisclosureError, duckdb.Error) as error:
        raise click.ClickException(f"cannot audit {database}: {error}") from None
    lines = verdict_lines(result, differing)
    click.echo("\n".join(lines))
    if differing or not result.passed:
        sys.exit(1)


@main.command()
@click.option(
    "--year",
    type=int,
    required=True,
    help="The year the report year ends in: 2024 = SFY 2023-24 (July 2023 to June 2024), "
    "or with --calendar CY 2024.",
)
@click.option(
    "--calendar", is_flag=True, help="Report the calendar year instead of the state fiscal year."
)
@click.option(
    "--edition",
    type=click.Choice(["public", "internal", "both"]),
    default="public",
    show_default=True,
    help="public: suppressed (RPT-03); internal: unsuppressed, DHCS state analysts only.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output directory (default <warehouse>/reports/<year>/).",
)
@click.option("--warehouse", type=click.Path(path_type=Path, file_okay=False))
def report(
    year: int, calendar: bool, edition: str, out_dir: Path | None, warehouse: Path | None
) -> None:
    """Write the annual program report (HTML, Excel, PDF) from the warehouse.

    A year is named by the year it ends in: --year 2024 writes SFY 2023-24 beside
    SFY 2022-23; --year 2024 --calendar writes CY 2024 beside CY 2023.
    """
    from peerwh.report import (
        EDITIONS,
        ReportError,
        connect,
        default_out_dir,
        find_period,
        write_report,
    )

    _set_dirs(None, warehouse)
    editions = EDITIONS if edition == "both" else (edition,)
    try:
        with connect(config.warehouse_path()) as con:
            period = find_period(con, year, "calendar_year" if calendar else "state_fiscal_year")
            target = out_dir or default_out_dir(config.warehouse_dir(), period)
            written = write_report(con, period, editions, target)
    except ReportError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"annual program report {period.label} in {target}")
    for files in written:
        for path in (files.html, files.excel, files.pdf):
            click.echo(f"  {files.edition:<9}{path.name}")


if __name__ == "__main__":
    main()
