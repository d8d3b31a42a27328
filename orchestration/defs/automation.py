"""When the warehouse builds: on new landing files (sensor) and daily (schedule)."""

from __future__ import annotations

import hashlib

import dagster as dg

from peerwh import config

warehouse_build = dg.define_asset_job(
    "warehouse_build",
    selection=dg.AssetSelection.all(),
    description="Ingest every feed, build the dbt project and publish the snapshot.",
)


def landing_fingerprint() -> str | None:
    """Changes whenever a file lands, is replaced or disappears; None when nothing landed."""
    root = config.landing_dir()
    entries = sorted(
        f"{p.relative_to(root)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for feed in config.FEEDS
        if (root / feed).is_dir()
        for p in (root / feed).iterdir()
        if p.is_file()
    )
    return hashlib.sha256("\n".join(entries).encode()).hexdigest() if entries else None


@dg.sensor(
    job=warehouse_build,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts a build when files land in the landing zone.",
)
def landing_sensor(
    context: dg.SensorEvaluationContext,
) -> dg.SensorResult | dg.SkipReason:
    fingerprint = landing_fingerprint()
    if fingerprint is None:
        return dg.SkipReason(f"no files in {config.landing_dir()}")
    if fingerprint == context.cursor:
        return dg.SkipReason("no new or changed files in the landing zone")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint)], cursor=fingerprint)


daily_build = dg.ScheduleDefinition(
    name="daily_build",
    job=warehouse_build,
    cron_schedule="0 6 * * *",
    execution_timezone="America/Los_Angeles",
    description="Daily build at 06:00 Pacific, so freshness checks run even without new files.",
)
