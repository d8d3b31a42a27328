"""Is every feed delivered on time? dbt source freshness, on every build.

Each contract's `frequency` SLA becomes the freshness of its dbt source (rendered by
`peerwh render-contracts`); this asset runs `dbt source freshness` after ingestion, keeps the
result in `audit.source_freshness` (published for the Data quality page) and reports it as an
asset check. A late feed is a warning, not a stop: the warehouse still builds from what came.
"""

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from orchestration.defs.ingest import ingest_assets
from peerwh.config import FEEDS
from peerwh.contracts import load_contract

CHECK_NAME = "every_feed_delivered_within_its_sla"

FRESHNESS_DDL = """
create schema if not exists audit;
create or replace table audit.source_freshness (
    feed varchar not null,
    last_loaded_at timestamp,
    checked_at timestamp not null,
    days_since_last_load double,
    delivery_every_days integer,
    status varchar not null
)
"""


def source_unique_id(feed: str) -> str:
    """A feed's dbt source table: raw.<feed>, declared in the source of the system sending it."""
    return f"source.peerwh.{load_contract(feed).source_system}.{feed}"


def freshness_selector() -> str:
    """`--select` of every raw feed's source table (the disclosure pattern is no feed).

    One argument, space-separated: dagster-dbt keeps only the first value after `--select`.
    """
    return " ".join(f"source:{load_contract(feed).source_system}.{feed}" for feed in FEEDS)


def freshness_rows(sources: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per raw feed from dbt's sources.json; a feed with no delivery is `stale`."""
    rows = []
    feed_ids = {source_unique_id(feed): feed for feed in FEEDS}
    for result in sources.get("results", []):
        feed = feed_ids.get(str(result.get("unique_id", "")))
        if feed is None:
            continue
        age = result.get("max_loaded_at_time_ago_in_s")
        status = "on_time" if result.get("status") == "pass" else "stale"
        rows.append(
            {
                "feed": feed,
                "last_loaded_at": _timestamp(result.get("max_loaded_at")),
                "checked_at": _timestamp(result.get("snapshotted_at"))
                or dt.datetime.now(dt.UTC).replace(tzinfo=None),
                "days_since_last_load": None if age is None else round(age / 86_400, 1),
                "delivery_every_days": load_contract(feed).delivery_every_days,
                "status": status,
            }
        )
    return sorted(rows, key=lambda row: row["feed"])


def _timestamp(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


@dg.asset(
    key=["audit", "source_freshness"],
    deps=ingest_assets,
    group_name="ingest",
    kinds={"dbt", "duckdb"},
    pool="warehouse",
    check_specs=[
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=["audit", "source_freshness"],
            description="dbt source freshness: every feed's last load is within the delivery "
            "frequency its contract promises (slaProperties frequency).",
        )
    ],
    description="dbt source freshness of every raw feed (audit.source_freshness): last load, "
    "days since, the contract's delivery frequency, on_time or stale.",
)
def source_freshness(
    context: AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    invocation = dbt.cli(
        ["source", "freshness", "--select", freshness_selector()], raise_on_error=False
    )
    invocation.wait()
    try:
        rows = freshness_rows(invocation.get_artifact("sources.json"))
    except FileNotFoundError:
        context.log.warning(
            "dbt source freshness wrote no sources.json: %s", invocation.get_error()
        )
        rows = []
    with duckdb.get_connection() as con:
        con.execute(FRESHNESS_DDL)
        for row in rows:
            con.execute(
                "insert into audit.source_freshness values ($feed, $last_loaded_at, "
                "$checked_at, $days_since_last_load, $delivery_every_days, $status)",
                row,
            )
    stale = [row["feed"] for row in rows if row["status"] != "on_time"]
    yield dg.MaterializeResult(metadata={"feeds": len(rows), "stale": ", ".join(stale) or "none"})
    yield dg.AssetCheckResult(
        check_name=CHECK_NAME,
        passed=not stale and len(rows) > 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            row["feed"]: f"{row['status']}, last load {row['days_since_last_load']} days ago "
            f"(every {row['delivery_every_days']} days)"
            for row in rows
        },
    )
