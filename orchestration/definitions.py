"""The Dagster code location: everything in `defs/` (one module per part of the asset graph:
ingest, freshness, dbt, disclosure, serving, automation, resources), loaded by Dagster's
`load_from_defs_folder`.

Importing this module runs nothing. Loading the definitions (Dagster does it when it starts
the code location; `peerwh run` through `load_definitions`) makes new files owner-only,
exports the variables dbt reads and parses the dbt project if its manifest is missing, since
the dbt assets are built from it.
"""

from __future__ import annotations

import functools

import dagster as dg

from peerwh.config import PROJECT_ROOT
from peerwh.dbt_project import dbt_project, export_dbt_environment
from peerwh.permissions import restrict_new_files


@functools.cache
def load_definitions() -> dg.Definitions:
    # `dg dev` and its run workers load the definitions in processes that `peerwh` did not
    # start: what they write (warehouse, snapshots, GX results) is for the owner's eyes only too.
    restrict_new_files()
    export_dbt_environment()
    dbt_project()
    return dg.load_from_defs_folder(project_root=PROJECT_ROOT)


@dg.definitions
def defs() -> dg.Definitions:
    return load_definitions()
