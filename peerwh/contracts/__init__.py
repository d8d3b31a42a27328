"""Data contracts, the single source of truth for every feed fact.

`reader` types `data_contracts/<feed>.odcs.yaml`; `render` writes what dbt repeats of them
(the sources YAML and the staging `accepted_values`), checked by `peerwh render-contracts
--check` in the tests.
"""

from peerwh.contracts.reader import (
    Column,
    Contract,
    ContractError,
    Rule,
    load_contract,
    load_contracts,
    parse_contract,
    valid_values,
)

__all__ = [
    "Column",
    "Contract",
    "ContractError",
    "Rule",
    "load_contract",
    "load_contracts",
    "parse_contract",
    "valid_values",
]
