"""What a build is made of, as one fingerprint, so a run with nothing new can stop at once.

The fingerprint covers every landed file (name, size, modification time: a changed or
re-delivered file changes it), everything that decides how the files become the warehouse
(contracts, the dbt project with its seeds and policy parameters, the Python code, the locked
library versions) and the hash key. `peerwh run` records it beside the snapshot it published;
the next run with the same fingerprint and that snapshot still current has nothing to do.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from peerwh import config

# The parts of the project that decide the warehouse's content (generated dbt output and
# caches excluded).
PROJECT_INPUTS = (
    "data_contracts",
    "dbt_project/dbt_project.yml",
    "dbt_project/profiles.yml",
    "dbt_project/models",
    "dbt_project/macros",
    "dbt_project/seeds",
    "dbt_project/tests",
    "peerwh",
    "orchestration",
    "requirements.lock",
)
SKIPPED_PARTS = {"__pycache__", "target", "logs", "dbt_packages"}
RECORD_FILE = "last_build_inputs"


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and SKIPPED_PARTS.isdisjoint(p.relative_to(root).parts)
    )


def project_fingerprint() -> str:
    """Everything but the landed files: a change here forces a full refresh of the
    incremental models."""
    digest = hashlib.sha256()
    for name in PROJECT_INPUTS:
        for path in _files(config.PROJECT_ROOT / name):
            digest.update(f"project {path.relative_to(config.PROJECT_ROOT)}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    key, _ = config.hash_key()
    digest.update(b"key " + hashlib.sha256(key.encode()).digest())
    return digest.hexdigest()


def inputs_fingerprint(landing_dir: Path, project: str) -> str:
    """The landed files' names, sizes and times, with `project` (`project_fingerprint()`,
    passed in because the caller needs it as well: it hashes every project file)."""
    digest = hashlib.sha256()
    for feed in config.FEEDS:
        for path in _files(landing_dir / feed) if (landing_dir / feed).is_dir() else []:
            stat = path.stat()
            digest.update(f"landing {path.relative_to(landing_dir)} {stat.st_size} ".encode())
            digest.update(f"{stat.st_mtime_ns}\n".encode())
    digest.update(project.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class LastBuild:
    fingerprint: str
    build_id: str
    project: str  # project_fingerprint() of that build


def _record_path() -> Path:
    return config.warehouse_dir() / RECORD_FILE


def last_build() -> LastBuild | None:
    """The inputs of the last build `peerwh run` published, if it is still the current one."""
    record, current = _record_path(), config.serving_dir() / "current"
    if not (record.is_file() and current.is_file() and config.warehouse_path().is_file()):
        return None
    fields = record.read_text().split()
    if len(fields) != 3 or fields[1] != current.read_text().strip():
        return None  # published by another run since (e.g. from the Dagster UI)
    return LastBuild(*fields)


def record_build(fingerprint: str, build_id: str, project: str) -> None:
    _record_path().write_text(f"{fingerprint} {build_id} {project}\n")


def forget_build() -> None:
    _record_path().unlink(missing_ok=True)
