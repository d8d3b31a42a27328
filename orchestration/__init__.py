"""The Dagster code location: `definitions.py` loads the `defs/` folder (see its docstring)."""
