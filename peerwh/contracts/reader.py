"""Read `data_contracts/<feed>.odcs.yaml` into typed objects.

The contracts (Open Data Contract Standard v3.2, format in `data_contracts/README.md`) are
the single source of truth for every row-level rule. This module only reads and validates
them; `validation.py` turns the rules into Great Expectations expectations.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from open_data_contract_standard.model import OpenDataContractStandard

from peerwh.config import CONTRACTS_DIR, FEEDS

CHECK_ARGUMENTS = (
    "parsesAs",
    "validValues",
    "pattern",
    "notPattern",
    "notBefore",
    "notAfter",
    "checkDigit",
)
RANGE_ARGUMENTS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


class ContractError(ValueError):
    """A contract file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Column:
    name: str
    logical_type: str
    required: bool
    primary_key: bool
    pii: bool
    description: str
    is_month: bool = False

    @property
    def parse_type(self) -> str:
        """The type a value of this column must parse as ('string' when any text is fine)."""
        return "month" if self.is_month else self.logical_type


@dataclass(frozen=True)
class Rule:
    rule_id: str
    feed: str
    column: str | None
    metric: str
    name: str
    severity: str
    category: str
    dimension: str
    threshold_percent: float
    arguments: dict[str, Any] = field(default_factory=dict)

    @property
    def check(self) -> str:
        """The kind of check: required, unique, or the argument that defines it."""
        if self.metric == "nullValues":
            return "required"
        if self.metric == "duplicateValues":
            return "unique"
        if any(key in self.arguments for key in RANGE_ARGUMENTS):
            return "range"
        return next(key for key in CHECK_ARGUMENTS if key in self.arguments)

    @property
    def when(self) -> str | None:
        return self.arguments.get("when")

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the rule reads (for messages and for skipping absent columns)."""
        names = list(self.arguments.get("columns", []))
        if self.column:
            names.insert(0, self.column)
        for key in ("notBefore", "notAfter"):
            if key in self.arguments:
                names.append(self.arguments[key])
        return tuple(names)


@dataclass(frozen=True)
class Contract:
    feed: str
    version: str
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...]
    purpose: str = ""
    # Days after the last delivery before the feed counts as stale (slaProperties frequency).
    delivery_every_days: int | None = None
    # The system that sends the feed (customProperties sourceSystem): its dbt source name and
    # staging folder, and what that source's description says of the system.
    source_system: str = ""
    source_system_description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def pii_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.pii)

    def reads_pii(self, rule: Rule) -> bool:
        """Whether the rule reads a PII column: then no value it finds may be shown or stored."""
        return not set(rule.columns).isdisjoint(self.pii_columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.feed} has no column {name!r}")

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.rule_id == rule_id:
                return r
        raise KeyError(f"{self.feed} has no rule {rule_id!r}")

    def valid_values(self, column: str) -> tuple[str, ...] | None:
        """The code list of a column (its validValues rule), or None when it has none."""
        for r in self.rules:
            if r.column == column and "validValues" in r.arguments:
                return tuple(str(v) for v in r.arguments["validValues"])
        return None


@functools.cache
def _odcs_validator() -> jsonschema.protocols.Validator:
    """The ODCS JSON-schema validator, built once: `jsonschema.validate` checks the (large)
    schema itself on every call, which cost 0.4 s a contract."""
    text = resources.files("open_data_contract_standard").joinpath("schema.json").read_text()
    schema = json.loads(text)
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return validator(schema)


def contract_path(feed: str, contracts_dir: Path = CONTRACTS_DIR) -> Path:
    return contracts_dir / f"{feed}.odcs.yaml"


def _category(quality: dict[str, Any], rule_id: str) -> str:
    for prop in quality.get("customProperties") or []:
        if prop.get("property") == "category":
            return str(prop["value"])
    raise ContractError(f"rule {rule_id} has no category customProperty")


def _rule(feed: str, column: str | None, quality: dict[str, Any]) -> Rule:
    rule_id = quality.get("id")
    if not rule_id:
        raise ContractError(f"{feed}: a quality rule on {column} has no id")
    threshold = quality.get("mustBeLessOrEqualTo")
    if threshold is None or quality.get("unit") != "percent":
        raise ContractError(f"rule {rule_id} needs mustBeLessOrEqualTo with unit: percent")
    severity = quality.get("severity")
    if severity not in ("error", "warn"):
        raise ContractError(f"rule {rule_id} has severity {severity!r}; use error or warn")
    rule = Rule(
        rule_id=rule_id,
        feed=feed,
        column=column,
        metric=quality["metric"],
        name=quality.get("name") or rule_id,
        severity=severity,
        category=_category(quality, rule_id),
        dimension=quality.get("dimension", ""),
        threshold_percent=float(threshold),
        arguments=dict(quality.get("arguments") or {}),
    )
    if rule.metric == "invalidValues":
        kinds = [k for k in CHECK_ARGUMENTS if k in rule.arguments]
        if any(k in rule.arguments for k in RANGE_ARGUMENTS):
            kinds.append("range")
        if len(kinds) != 1:
            raise ContractError(f"rule {rule_id} must define exactly one check, found {kinds}")
    elif rule.metric not in ("nullValues", "duplicateValues"):
        raise ContractError(f"rule {rule_id} has unsupported metric {rule.metric!r}")
    return rule


def _column(prop: dict[str, Any]) -> Column:
    options = prop.get("logicalTypeOptions") or {}
    return Column(
        name=prop["name"],
        logical_type=prop.get("logicalType", "string"),
        required=bool(prop.get("required", False)),
        primary_key=bool(prop.get("primaryKey", False)),
        pii=prop.get("classification") == "pii",
        description=prop.get("description", ""),
        is_month=options.get("format") == "month",
    )


def parse_contract(feed: str, document: dict[str, Any]) -> Contract:
    """Validate one contract document against ODCS and our conventions, and type it."""
    try:
        _odcs_validator().validate(document)
        OpenDataContractStandard(**document)
    except (jsonschema.ValidationError, ValueError) as exc:
        raise ContractError(f"{feed}: not a valid ODCS v3 contract: {exc}") from exc
    objects = [o for o in document.get("schema") or [] if o.get("name") == feed]
    if len(objects) != 1:
        raise ContractError(f"{feed}: expected one schema object named {feed!r}")
    obj = objects[0]
    props = obj.get("properties") or []
    columns = tuple(_column(p) for p in props)
    rules = [_rule(feed, p["name"], q) for p in props for q in p.get("quality") or []]
    rules += [_rule(feed, None, q) for q in obj.get("quality") or []]
    names = {c.name for c in columns}
    for rule in rules:
        missing = [c for c in rule.columns if c not in names]
        if missing:
            raise ContractError(f"rule {rule.rule_id} names unknown columns {missing}")
    return Contract(
        feed=feed,
        version=str(document.get("version", "")),
        columns=columns,
        rules=tuple(rules),
        purpose=" ".join(str((document.get("description") or {}).get("purpose", "")).split()),
        delivery_every_days=_delivery_every_days(feed, document),
        **_source_system(feed, document),
    )


def _source_system(feed: str, document: dict[str, Any]) -> dict[str, str]:
    systems = [
        p for p in document.get("customProperties") or [] if p.get("property") == "sourceSystem"
    ]
    if len(systems) != 1 or not str(systems[0].get("value") or "").isidentifier():
        raise ContractError(
            f"{feed}: expected one customProperties sourceSystem, a dbt source name"
        )
    return {
        "source_system": str(systems[0]["value"]),
        "source_system_description": " ".join(str(systems[0].get("description", "")).split()),
    }


def _delivery_every_days(feed: str, document: dict[str, Any]) -> int | None:
    for sla in document.get("slaProperties") or []:
        if sla.get("property") == "frequency":
            if sla.get("unit") not in ("d", "day", "days"):
                raise ContractError(f"{feed}: the frequency SLA must be in days (unit: d)")
            return int(sla["value"])
    return None


@functools.cache
def load_contract(feed: str, contracts_dir: Path = CONTRACTS_DIR) -> Contract:
    path = contract_path(feed, contracts_dir)
    if not path.exists():
        raise ContractError(f"no contract for feed {feed!r} at {path}")
    return parse_contract(feed, yaml.safe_load(path.read_text(encoding="utf-8")))


def valid_values(feed: str, column: str) -> tuple[str, ...]:
    """The contract's code list for a column; a KeyError when the column has none."""
    values = load_contract(feed).valid_values(column)
    if values is None:
        raise KeyError(f"{feed}.{column} has no validValues rule in its contract")
    return values


def load_contracts(contracts_dir: Path = CONTRACTS_DIR) -> dict[str, Contract]:
    contracts = {feed: load_contract(feed, contracts_dir) for feed in FEEDS}
    seen: dict[str, str] = {}
    for contract in contracts.values():
        for rule in contract.rules:
            if rule.rule_id in seen:
                raise ContractError(f"rule id {rule.rule_id} is used twice")
            seen[rule.rule_id] = contract.feed
    return contracts
