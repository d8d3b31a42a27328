"""The Dagster code location (package peerwh.orchestration): `definitions.py` loads `defs/`."""
