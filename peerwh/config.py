"""Where things live. Every path comes from an environment variable with a safe demo default.

The dbt profile reads the same variables, so the CLI, Dagster and dbt agree from any directory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONTRACTS_DIR = PROJECT_ROOT / "data_contracts"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DASHBOARDS_DIR = PROJECT_ROOT / "dashboards"

FEEDS: tuple[str, ...] = (
    "certificants",
    "certification_events",
    "employment",
    "claims",
    "eligibility",
    "complaint_events",
    "suspended_ineligible",
    "member_counts",
)


def landing_dir() -> Path:
    return Path(os.environ.get("PEERWH_LANDING_DIR", PROJECT_ROOT / "landing")).resolve()


def warehouse_dir() -> Path:
    return Path(os.environ.get("PEERWH_WAREHOUSE_DIR", PROJECT_ROOT / "warehouse")).resolve()


def warehouse_path() -> Path:
    return warehouse_dir() / "warehouse.duckdb"


def serving_dir() -> Path:
    return warehouse_dir() / "serving"


def hash_key() -> tuple[str, bool]:
    """The key for hashing beneficiary CINs, and whether it is the generated demo key.

    Outside demo mode `PEERWH_HASH_KEY` must be set; the demo writes a random key file
    beside the warehouse once and reuses it, so hashes stay stable between runs.
    """
    key = os.environ.get("PEERWH_HASH_KEY")
    if key:
        return key, False
    key_file = warehouse_dir() / "demo_hash_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip(), True
