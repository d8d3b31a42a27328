"""dbt-project-evaluator (v1.3.2) rules that dbt-bouncer 4.0 has no built-in check for.

dbt-bouncer's built-ins cover most of the evaluator's rules (dbt-bouncer.yml names the rule
each check stands for). The rules below count differently from the nearest built-in, so they
are written out here as the evaluator's SQL counts them (its `models/marts/**/fct_*.sql`):

- fct_missing_primary_key_tests: `unique` and `not_null` (test or constraint) on one column,
  or a compound-key test on the model; check_model_has_unique_test accepts `unique` alone.
- fct_model_fanout: parents of 3 or more *leaf* models (no model or exposure below them);
  check_model_max_fanout counts every child.
- fct_too_many_joins: 7 or more distinct parents of any kind (models, sources, seeds);
  check_model_max_upstream_dependencies counts models and sources apart and leaves out seeds.
- fct_model_directories / fct_source_directories: a staging model in the staging folder of
  its source, a source defined in that folder, every other model nearest the folder of its
  layer; dbt-bouncer checks folder names, not that they match the source.
- fct_test_directories: a model's generic tests in a YAML file of the model's own folder.
- fct_exposures_dependent_on_private_models: every parent of an exposure a public model;
  check_exposure_based_on_non_public_models looks at models only and lets sources and seeds
  pass (the evaluator also flags sources under fct_exposure_parents_materializations).

This file is loaded by dbt-bouncer (`custom_checks_dir`), not imported by the project: no
`from __future__ import annotations`, because the check decorator reads the keyword
parameters' annotations as types.
"""

from pathlib import PurePosixPath
from typing import Any

from dbt_bouncer.check_framework.decorator import check, fail

LAYER_FOLDERS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts"}
LAYER_PREFIXES = {"stg_": "staging", "int_": "intermediate", "fct_": "marts", "dim_": "marts"}


def _parents(node: Any) -> list[str]:
    return list(getattr(node.depends_on, "nodes", None) or [])


def _folders(path: str) -> tuple[str, ...]:
    return PurePosixPath(path).parent.parts


def _layer(name: str, folders: tuple[str, ...]) -> str:
    """The evaluator's model type: by prefix, else by the nearest layer folder, else `other`."""
    prefix = name.split("_", 1)[0] + "_"
    if prefix in LAYER_PREFIXES:
        return LAYER_PREFIXES[prefix]
    return _nearest_layer_folder(folders) or "other"


def _nearest_layer_folder(folders: tuple[str, ...]) -> str | None:
    for folder in reversed(folders):
        for layer, folder_name in LAYER_FOLDERS.items():
            if folder == folder_name:
                return layer
    return None


def _test_name(test: Any) -> str:
    metadata = getattr(test, "test_metadata", None)
    return str(getattr(metadata, "name", "") or "") if metadata else ""


def _constraint_type(constraint: Any) -> str:
    kind = getattr(constraint, "type", None)
    return str(getattr(kind, "value", kind))


@check
def check_model_has_primary_key_test(
    model: Any,
    ctx: Any,
    *,
    primary_key_test_sets: list[list[str]] = [["unique", "not_null"], ["unique_combination"]],  # noqa: B006
) -> None:
    """fct_missing_primary_key_tests: every test of one set on one column (or on the model)."""
    by_column: dict[str, set[str]] = {}
    for test in ctx.tests_by_attached_node.get(model.unique_id, []):
        column = getattr(test, "column_name", None) or ""
        by_column.setdefault(column, set()).add(_test_name(test))
    # As in the evaluator, a column's not_null constraint stands for its not_null test.
    for name, column in (getattr(model, "columns", None) or {}).items():
        constraints = getattr(column, "constraints", None) or []
        if any(_constraint_type(c) == "not_null" for c in constraints):
            by_column.setdefault(name, set()).add("not_null")
    for names in by_column.values():
        if any(set(test_set) <= names for test_set in primary_key_test_sets):
            return
    fail(
        f"`{model.name}` has no primary-key test: none of {primary_key_test_sets} on one "
        "column or on the model."
    )


@check
def check_model_max_leaf_fanout(model: Any, ctx: Any, *, models_fanout_threshold: int = 3) -> None:
    """fct_model_fanout: fewer than `models_fanout_threshold` direct children that are leaves."""
    exposure_parents = {node for exposure in ctx.exposures for node in _parents(exposure) if node}
    leaves = sorted(
        child.name
        for child in ctx.children_by_unique_id.get(model.unique_id, [])
        if not ctx.children_by_unique_id.get(child.unique_id)
        and child.unique_id not in exposure_parents
    )
    if len(leaves) >= models_fanout_threshold:
        fail(f"`{model.name}` has {len(leaves)} leaf children: {leaves}.")


@check
def check_model_too_many_joins(model: Any, *, too_many_joins_threshold: int = 7) -> None:
    """fct_too_many_joins: fewer than `too_many_joins_threshold` distinct direct parents."""
    parents = sorted(set(_parents(model)))
    if len(parents) >= too_many_joins_threshold:
        names = [parent.split(".", 2)[-1] for parent in parents]
        fail(f"`{model.name}` reads {len(parents)} models, sources and seeds: {names}.")


@check
def check_model_in_its_layer_directory(model: Any, ctx: Any) -> None:
    """fct_model_directories: nearest its layer's folder; staging in its source's folder."""
    folders = _folders(model.original_file_path)
    layer = _layer(model.name, folders)
    nearest = _nearest_layer_folder(folders)
    if nearest is not None and nearest != layer:
        fail(f"`{model.name}` is a {layer} model nearest the `{nearest}` folder.")
    if layer != "staging":
        return
    for parent in _parents(model):
        source = ctx.sources_by_unique_id.get(parent)
        source = getattr(source, "source", None) or source
        if source is not None and source.source_name not in folders:
            fail(
                f"`{model.name}` reads source `{source.source_name}` but is not in "
                f"models/staging/{source.source_name}/."
            )


@check
def check_source_in_its_staging_directory(source: Any) -> None:
    """fct_source_directories: a source is defined in a folder named after it."""
    if source.source_name not in _folders(source.original_file_path):
        fail(
            f"`{source.source_name}.{source.name}` is defined in {source.original_file_path}, "
            f"not in models/staging/{source.source_name}/."
        )


@check
def check_model_tests_in_its_directory(model: Any, ctx: Any) -> None:
    """fct_test_directories: the generic tests of a model are in a YAML file of its folder."""
    folder = _folders(model.original_file_path)
    elsewhere = sorted(
        {
            test.original_file_path
            for test in ctx.tests_by_attached_node.get(model.unique_id, [])
            if getattr(test, "test_metadata", None) is not None
            and _folders(test.original_file_path) != folder
        }
    )
    if elsewhere:
        fail(f"`{model.name}` has tests outside its folder, in {elsewhere}.")


@check
def check_exposure_parents_are_public_models(
    exposure: Any,
    ctx: Any,
    *,
    exceptions: dict[str, str] = {},  # noqa: B006
) -> None:
    """fct_exposures_dependent_on_private_models: an exposure reads public models only.

    `exceptions` maps a parent's unique id to the reason it may stay (written in the config).
    """
    offending = []
    for parent in _parents(exposure):
        model = ctx.models_by_unique_id.get(parent)
        access = getattr(model, "access", None)
        if model is not None and getattr(access, "value", access) == "public":
            continue
        if parent in exceptions:
            continue
        offending.append(parent)
    if offending:
        fail(f"`{exposure.name}` reads what is not a public model: {offending}.")
