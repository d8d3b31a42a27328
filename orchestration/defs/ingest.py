"""One ingestion asset per feed, with one asset check per contract rule.

Checks on `error` rules are blocking: a batch over its threshold stops the run before dbt,
so a failing batch never reaches the published snapshot.
"""

from collections.abc import Iterator

import dagster as dg
from dagster import AssetExecutionContext
from dagster_duckdb import DuckDBResource

from orchestration.defs.resources import WarehousePaths
from peerwh.config import FEEDS
from peerwh.contracts import Contract, Rule, load_contract
from peerwh.ingest import FeedReport, ingest_feed
from peerwh.ingest.validation import BatchValidator

FILES_READABLE = "files_readable"


def check_name(rule: Rule) -> str:
    """Dagster check names allow only [A-Za-z0-9_]."""
    return rule.rule_id.replace("-", "__")


def landing_spec(feed: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=f"landing_{feed}",
        group_name="landing",
        kinds={"csv"},
        description=f"Files delivered to landing/{feed}/ (CSV or Parquet).",
    )


def _check_specs(contract: Contract, asset_key: str) -> list[dg.AssetCheckSpec]:
    specs = [
        dg.AssetCheckSpec(
            check_name(rule),
            asset=asset_key,
            blocking=rule.severity == "error",
            description=f"{rule.name} [{rule.rule_id}; {rule.category}, {rule.severity}, "
            f"threshold {rule.threshold_percent:g}%]",
        )
        for rule in contract.rules
    ]
    specs.append(
        dg.AssetCheckSpec(
            FILES_READABLE,
            asset=asset_key,
            description="Every new file could be read as a table (others still load).",
        )
    )
    return specs


def _check_results(contract: Contract, report: FeedReport) -> Iterator[dg.AssetCheckResult]:
    failed = report.failed_rules()
    for rule in contract.rules:
        outcomes = failed.get(rule.rule_id, [])
        yield dg.AssetCheckResult(
            check_name=check_name(rule),
            passed=not outcomes,
            severity=dg.AssetCheckSeverity.ERROR
            if rule.severity == "error"
            else dg.AssetCheckSeverity.WARN,
            metadata={
                "rule_id": rule.rule_id,
                "rows_violated": sum(o.rows_violated for o in outcomes),
                "failing_files": len(outcomes),
                "detail": "; ".join(o.message for o in outcomes) or "no new file over threshold",
            },
        )
    rejected = [f for f in report.files if f.status == "rejected"]
    yield dg.AssetCheckResult(
        check_name=FILES_READABLE,
        passed=not rejected,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"rejected": "\n".join(m for f in rejected for m in f.messages) or "none"},
    )


def build_ingest_asset(feed: str) -> dg.AssetsDefinition:
    contract = load_contract(feed)
    key = f"raw_{feed}"

    @dg.asset(
        key=key,
        deps=[landing_spec(feed)],
        check_specs=_check_specs(contract, key),
        group_name="ingest",
        kinds={"python", "duckdb", "great_expectations"},
        pool="warehouse",
        description=f"Rows of landing/{feed}/ loaded into raw.{feed} after validation against "
        f"data_contracts/{feed}.odcs.yaml (bad rows to audit.quarantine).",
    )
    def _ingest(
        context: AssetExecutionContext, duckdb: DuckDBResource, paths: WarehousePaths
    ) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
        validator = BatchValidator(paths.warehouse / "gx")
        with duckdb.get_connection() as con:
            report = ingest_feed(con, contract, paths.landing, validator)
        if any(f.status != "duplicate" for f in report.new_files):
            validator.build_docs()
        for line in report.problems + [m for f in report.new_files for m in f.messages]:
            context.log.warning(line)
        new = report.new_files
        yield dg.MaterializeResult(
            metadata={
                "files_new": len(new),
                "files_skipped": len(report.files) - len(new),
                "files_rejected": sum(f.status == "rejected" for f in new),
                "files_held": sum(f.status == "held" for f in new),
                "files_duplicate": sum(f.status == "duplicate" for f in new),
                "rows_received": sum(f.rows_received for f in new),
                "rows_loaded": sum(f.rows_loaded for f in new),
                "rows_quarantined": sum(f.rows_quarantined for f in new),
                "rows_with_warnings": sum(f.rows_with_warnings for f in new),
                "messages": dg.MetadataValue.md(
                    "\n".join(
                        f"- {m}" for m in report.problems + [m for f in new for m in f.messages]
                    )
                    or "none"
                ),
            }
        )
        yield from _check_results(contract, report)

    return _ingest


ingest_assets = [build_ingest_asset(feed) for feed in FEEDS]
landing_specs = [landing_spec(feed) for feed in FEEDS]
