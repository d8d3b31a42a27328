"""RPT-03 in the real pipeline (tiny warehouse): every public count goes through the disclosure
control, the audit proves it on every build, and a build whose public outputs fail the audit
publishes nothing. The engine and the audit themselves: test_disclosure.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from peerwh.dbt_project import MANIFEST_PATH
from peerwh.publish import PUBLIC_FOLDER, PUBLIC_MART_TABLES, PUBLISHED_REFERENCE_TABLES
from tests.pipeline import BuiltWarehouse, copy_warehouse, run_cli


@pytest.fixture()
def private_copy(built_warehouse: BuiltWarehouse, tmp_path: Path) -> BuiltWarehouse:
    landing = tmp_path / "landing"
    shutil.copytree(built_warehouse.landing, landing)
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    return BuiltWarehouse(landing, warehouse, built_warehouse.first_run)


def test_every_primary_is_protected_from_the_public_and_every_county(
    built_warehouse: BuiltWarehouse,
) -> None:
    primaries = built_warehouse.query(
        "select status, narrowest_width, margin from audit.disclosure_primaries"
    )
    assert len(primaries) > 100  # tiny data has many small cells
    assert (primaries["status"] == "protected").all()
    assert (primaries["narrowest_width"] >= primaries["margin"] - 1e-6).all()
    output = built_warehouse.first_run.output
    assert "Disclosure control (RPT-03):" in output
    assert "audit passed" in output


def test_every_published_count_is_an_unsuppressed_cell_with_its_true_value(
    built_warehouse: BuiltWarehouse,
) -> None:
    keys = "quantity, period_start, period_end, geography_level, geography_code, stratum_name, "
    keys += "stratum_value"
    wrong = built_warehouse.query(
        f"""
        select published.*
        from reporting.rpt_published_counts as published
        left join intermediate.int_disclosure_cells as cells using ({keys})
        left join disclosure.suppression as pattern using ({keys})
        where cells.value is distinct from published.value
            or pattern.is_suppressed is distinct from false
            or published.value between 1 and 10
        """
    )
    assert wrong.empty, wrong.head().to_string()
    outputs = set(
        built_warehouse.query("select distinct output_name from reporting.rpt_published_counts")[
            "output_name"
        ]
    )
    assert {"rpt_waiver_metrics", "rpt_complaints_by_county_quarter"} <= outputs


def test_every_public_model_reads_the_suppression_pattern() -> None:
    # A model of the reporting schema that did not depend on the pattern would publish counts
    # the disclosure control never saw.
    manifest = json.loads(MANIFEST_PATH.read_text())
    pattern = "source.peerwh.disclosure.suppression"
    parents = manifest["parent_map"]

    def ancestors(node_id: str) -> set[str]:
        seen: set[str] = set()
        todo = [node_id]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    public = [
        node_id
        for node_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["schema"].endswith("reporting")
    ]
    assert len(public) >= 4
    assert [node_id for node_id in public if pattern not in ancestors(node_id)] == []


def test_the_public_folder_holds_the_public_outputs_only(built_warehouse: BuiltWarehouse) -> None:
    serving = built_warehouse.warehouse / "serving"
    snapshot = serving / (serving / "current").read_text().strip()
    public = snapshot / PUBLIC_FOLDER
    files = {p.stem for p in public.glob("*.parquet")}
    assert {"rpt_waiver_metrics", "rpt_complaints_by_county_quarter"} <= files
    assert {"rpt_workforce_statewide_monthly", "audit__disclosure_summary"} <= files
    assert all(
        name.startswith("rpt_")
        for name in files
        - {"audit__disclosure_summary", *PUBLISHED_REFERENCE_TABLES, *PUBLIC_MART_TABLES}
    )
    assert all(p.stat().st_mode & 0o004 for p in public.iterdir())
    internal = {p.stem for p in snapshot.glob("*.parquet")}
    assert "fct_claim_lines" in internal
    assert not any(p.stat().st_mode & 0o004 for p in snapshot.glob("*.parquet"))


def test_audit_disclosure_command_reports_the_verdict(private_copy: BuiltWarehouse) -> None:
    result = run_cli("audit-disclosure", "--warehouse", str(private_copy.warehouse))
    assert result.returncode == 0, result.output
    assert "audit passed" in result.output
    assert "of the cells" in result.output


def test_a_build_whose_public_outputs_fail_the_audit_does_not_publish(
    private_copy: BuiltWarehouse,
) -> None:
    serving = private_copy.warehouse / "serving"
    before = (serving / "current").read_text()
    # Publish the complements: the engine's pattern is kept on a run over the same cells, so
    # the public outputs apply this one, and only the audit stands in the way.
    with duckdb.connect(str(private_copy.database)) as con:
        con.execute(
            "update disclosure.suppression set is_suppressed = false "
            "where is_suppressed and not is_primary"
        )
    # --force: the landing and the project are unchanged, which alone would make a no-op run.
    result = run_cli(
        "run",
        "--force",
        "--landing",
        str(private_copy.landing),
        "--warehouse",
        str(private_copy.warehouse),
    )
    assert result.returncode == 1, result.output
    assert "audit FAILED" in result.output
    assert "Publication stopped" in result.output
    assert (serving / "current").read_text() == before
    audit = run_cli("audit-disclosure", "--warehouse", str(private_copy.warehouse))
    assert audit.returncode == 1
    assert "recovered" in audit.output or "narrow" in audit.output
