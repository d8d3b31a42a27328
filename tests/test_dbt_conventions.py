"""dbt Labs' dbt-project-evaluator conventions, checked by dbt-bouncer on the parsed project.

dbt_project/dbt-bouncer.yml has one check per evaluator rule (custom ones in
dbt_project/conventions/); a violation fails `make test`, and an exception is allowed only with
its reason written on the line above it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.pipeline import DBT_PROJECT_DIR, run_dbt

CONFIG = DBT_PROJECT_DIR / "dbt-bouncer.yml"
DBT_BOUNCER = str(Path(sys.executable).parent / "dbt-bouncer")

# dbt-project-evaluator 1.3.2's rules (docs/rules.md), each named in a check's description.
EVALUATOR_RULES = (
    "fct_staging_dependent_on_staging",
    "fct_source_fanout",
    "fct_rejoining_of_upstream_concepts",
    "fct_model_fanout",
    "fct_marts_or_intermediate_dependent_on_source",
    "fct_direct_join_to_source",
    "fct_duplicate_sources",
    "fct_hard_coded_references",
    "fct_multiple_sources_joined",
    "fct_root_models",
    "fct_staging_dependent_on_marts_or_intermediate",
    "fct_unused_sources",
    "fct_too_many_joins",
    "fct_missing_primary_key_tests",
    "fct_test_coverage",
    "fct_sources_without_freshness",
    "fct_undocumented_models",
    "fct_documentation_coverage",
    "fct_undocumented_source_tables",
    "fct_undocumented_sources",
    "fct_test_directories",
    "fct_model_naming_conventions",
    "fct_source_directories",
    "fct_model_directories",
    "fct_chained_views_dependencies",
    "fct_exposure_parents_materializations",
    "fct_public_models_without_contract",
    "fct_exposures_dependent_on_private_models",
    "fct_undocumented_public_models",
)


def parse(project_dir: Path, work_dir: Path) -> Path:
    """`dbt parse` of `project_dir` into work_dir/target; the directory with manifest.json."""
    parsed = run_dbt("parse", warehouse_dir=work_dir, project_dir=project_dir, work_dir=work_dir)
    assert parsed["success"], parsed["exception"] or parsed["log"]
    return work_dir / "target"


def bouncer_failures(artifacts_dir: Path, work_dir: Path) -> list[dict[str, Any]]:
    """Run dbt-bouncer with the project's config on a manifest; the failed checks."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    # Both directories are read relative to the config file: make them absolute.
    config["dbt_artifacts_dir"] = str(artifacts_dir)
    config["custom_checks_dir"] = str(DBT_PROJECT_DIR / config["custom_checks_dir"])
    config_file = work_dir / "dbt-bouncer.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    results = work_dir / "bouncer.json"
    done = subprocess.run(
        [DBT_BOUNCER, "run", "--config-file", str(config_file), "--output-file", str(results),
         "--output-format", "json", "--output-only-failures"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert results.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    failures: list[dict[str, Any]] = json.loads(results.read_text())
    assert (done.returncode != 0) == bool(failures), done.stdout[-3000:] + done.stderr[-3000:]
    return failures


@pytest.fixture(scope="module")
def project_manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return parse(DBT_PROJECT_DIR, tmp_path_factory.mktemp("conventions"))


def test_the_project_follows_every_evaluator_rule(project_manifest: Path, tmp_path: Path) -> None:
    failures = bouncer_failures(project_manifest, tmp_path)
    assert failures == [], "\n".join(
        f"{f['check_run_id']}: {f['failure_message']}" for f in failures
    )


def without_unique_test(properties: str, column: str) -> str:
    """The properties YAML without the `unique` test of the first column named `column`."""
    lines = properties.splitlines(keepends=True)
    at = lines.index(f"      - name: {column}\n")
    test = next(i for i in range(at, len(lines)) if lines[i].strip() in ("- unique", "- unique:"))
    indent = len(lines[test]) - len(lines[test].lstrip())
    end = next(
        i
        for i in range(test + 1, len(lines))
        if len(lines[i]) - len(lines[i].lstrip()) <= indent and lines[i].strip()
    )
    return "".join(lines[:test] + lines[end:])


def test_a_model_without_a_primary_key_test_fails_the_check(tmp_path: Path) -> None:
    # dim_peers' key certificant_id loses its `unique` test; `not_null` stays.
    project = tmp_path / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    properties = project / "models" / "marts" / "certification" / "_certification__models.yml"
    properties.write_text(
        without_unique_test(properties.read_text(encoding="utf-8"), "certificant_id"),
        encoding="utf-8",
    )

    failures = bouncer_failures(parse(project, tmp_path), tmp_path)
    assert "check_model_has_primary_key_test:dim_peers" in {
        re.sub(r":\d+:", ":", f["check_run_id"]) for f in failures
    }


def test_every_evaluator_rule_has_a_check() -> None:
    descriptions = " ".join(
        check.get("description", "")
        for check in yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["manifest_checks"]
    )
    assert [rule for rule in EVALUATOR_RULES if rule not in descriptions] == []


def test_every_exception_states_its_reason() -> None:
    """Each entry under `exclude:` or `exceptions:` has a comment line right above it."""
    lines = CONFIG.read_text(encoding="utf-8").splitlines()
    missing = []
    inside: int | None = None  # indentation of the exclude/exceptions key we are in
    for number, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        if inside is not None and stripped and not stripped.startswith("#") and indent <= inside:
            inside = None
        if re.match(r"(exclude|exceptions):\s*$", stripped):
            inside = indent
            continue
        if re.match(r"(exclude|exceptions):\s*\S", stripped):
            missing.append(f"line {number + 1}: one-line exception without a list")
        commented = lines[number - 1].strip().startswith("#")
        if inside is not None and stripped and not stripped.startswith("#") and not commented:
            missing.append(f"line {number + 1}: {stripped}")
    assert missing == []
