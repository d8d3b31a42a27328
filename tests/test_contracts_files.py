"""The data contracts in data_contracts/ are valid ODCS v3.2 and follow the project's rule format.

The format is described in data_contracts/README.md; the content must agree with the feed
specification (feeds.md), which sits in ../shared/spec beside the repository.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from open_data_contract_standard.model import OpenDataContractStandard

from peerwh_synthetic.contract_plants import CONTRACT_RULES

REPO_ROOT = Path(__file__).resolve().parents[1]
CONTRACTS_DIR = REPO_ROOT / "data_contracts"
FEEDS_MD = Path(__file__).resolve().parents[2] / "shared" / "spec" / "feeds.md"

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

LOGICAL_TYPES = {"string", "date", "timestamp", "integer", "number", "boolean"}
PARSES_AS = {
    "date": "date",
    "timestamp": "timestamp",
    "integer": "integer",
    "number": "number",
}
METRICS = {"nullValues", "invalidValues", "duplicateValues"}
CATEGORIES = {"conformance", "completeness", "plausibility"}
DIMENSIONS = {"completeness", "conformity", "consistency", "accuracy", "uniqueness"}
THRESHOLD_PERCENT = {"error": 5, "warn": 10}

# Check kinds of the README: each maps to the argument keys that make it up.
CHECK_KINDS: dict[str, frozenset[str]] = {
    "parsesAs": frozenset({"parsesAs"}),
    "validValues": frozenset({"validValues"}),
    "pattern": frozenset({"pattern"}),
    "notPattern": frozenset({"notPattern"}),
    "range": frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}),
    "notBefore": frozenset({"notBefore"}),
    "notAfter": frozenset({"notAfter"}),
    "checkDigit": frozenset({"checkDigit"}),
}
MODIFIER_KEYS = frozenset({"when", "columns"})

CALIFORNIA_COUNTY_FIPS = [f"06{n:03d}" for n in range(1, 116, 2)]

# The generator plants violations of these rules: they must keep their ids.
REQUIRED_RULE_IDS = CONTRACT_RULES


# --- helpers -----------------------------------------------------------------------


def contract_path(feed: str) -> Path:
    return CONTRACTS_DIR / f"{feed}.odcs.yaml"


def load_contract(feed: str) -> dict[str, Any]:
    with contract_path(feed).open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def schema_object(contract: dict[str, Any]) -> dict[str, Any]:
    objects: list[dict[str, Any]] = contract["schema"]
    assert len(objects) == 1, "a contract has exactly one schema object"
    return objects[0]


def properties(contract: dict[str, Any]) -> list[dict[str, Any]]:
    props: list[dict[str, Any]] = schema_object(contract)["properties"]
    return props


def column_names(contract: dict[str, Any]) -> list[str]:
    return [prop["name"] for prop in properties(contract)]


def iter_rules(contract: dict[str, Any]) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """Every rule with the column it is attached to (None for schema-level rules)."""
    for prop in properties(contract):
        for rule in prop.get("quality") or []:
            yield prop["name"], rule
    for rule in schema_object(contract).get("quality") or []:
        yield None, rule


def all_rules() -> Iterator[tuple[str, str | None, dict[str, Any]]]:
    for feed in FEEDS:
        for column, rule in iter_rules(load_contract(feed)):
            yield feed, column, rule


def rules_by_id(feed: str) -> dict[str, tuple[str | None, dict[str, Any]]]:
    return {rule["id"]: (column, rule) for column, rule in iter_rules(load_contract(feed))}


def check_kinds(arguments: dict[str, Any]) -> list[str]:
    return [kind for kind, keys in CHECK_KINDS.items() if keys & arguments.keys()]


def rule_label(feed: str, rule: dict[str, Any]) -> str:
    return f"{feed}: {rule.get('id', '<no id>')}"


def odcs_json_schema() -> dict[str, Any]:
    text = (
        resources.files("open_data_contract_standard")
        .joinpath("schema.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def spec_columns(text: str) -> dict[str, dict[str, str]]:
    """Columns per feed from feeds.md: {feed: {column: rule cell}}, in table order."""
    columns: dict[str, dict[str, str]] = {}
    feed: str | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:].split()[0] if line[3:].split() else ""
            feed = heading if heading in FEEDS else None
            if feed:
                columns[feed] = {}
            continue
        if feed is None or not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] == "column" or set(cells[0]) <= {"-", ":", " "}:
            continue
        for name in cells[0].split(","):
            columns[feed][name.strip().strip("`")] = cells[2] if len(cells) > 2 else ""
    return columns


# --- the files ---------------------------------------------------------------------


def test_there_is_one_contract_per_feed() -> None:
    assert sorted(p.name for p in CONTRACTS_DIR.glob("*.odcs.yaml")) == sorted(
        f"{f}.odcs.yaml" for f in FEEDS
    )


@pytest.mark.parametrize("feed", FEEDS)
def test_contract_loads_with_the_odcs_model(feed: str) -> None:
    contract = OpenDataContractStandard.from_file(str(contract_path(feed)))

    assert (contract.apiVersion, contract.kind, contract.id) == (
        "v3.2.0",
        "DataContract",
        f"peerwh-{feed}",
    )
    assert (contract.name, contract.version, contract.status) == (
        feed,
        "1.0.0",
        "active",
    )
    assert contract.domain == "medi-cal-peer-support"
    assert (
        contract.description is not None
        and contract.description.purpose
        and contract.description.usage
    )
    assert contract.schema_ is not None and len(contract.schema_) == 1
    obj = contract.schema_[0]
    assert (obj.name, obj.physicalName, obj.logicalType) == (feed, feed, "object")
    assert obj.description


@pytest.mark.parametrize("feed", FEEDS)
def test_contract_validates_against_the_odcs_json_schema(feed: str) -> None:
    schema = odcs_json_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(
        validator_class(schema).iter_errors(load_contract(feed)),
        key=lambda e: list(e.path),
    )

    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


# --- columns -----------------------------------------------------------------------


@pytest.mark.parametrize("feed", FEEDS)
def test_every_column_is_typed_described_and_classified(feed: str) -> None:
    for prop in properties(load_contract(feed)):
        name = prop["name"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        assert prop.get("logicalType") in LOGICAL_TYPES, name
        assert prop.get("description", "").strip(), f"{name} has no description"
        assert prop.get("classification") in {"pii", "internal"}, name
        if prop.get("logicalTypeOptions", {}).get("format") == "month":
            assert prop["logicalType"] == "string", name


@pytest.mark.parametrize("feed", FEEDS)
def test_primary_key_columns_are_required_and_numbered_from_one(feed: str) -> None:
    keys = [prop for prop in properties(load_contract(feed)) if prop.get("primaryKey")]

    assert sorted(prop["primaryKeyPosition"] for prop in keys) == list(range(1, len(keys) + 1))
    assert all(prop.get("required") for prop in keys)


@pytest.mark.parametrize("feed", FEEDS)
def test_required_flag_matches_an_unconditional_required_rule(feed: str) -> None:
    contract = load_contract(feed)
    ids = rules_by_id(feed)
    for prop in properties(contract):
        rule = ids.get(f"{feed}-{prop['name']}-required", (None, {}))[1]
        has_rule = rule.get("metric") == "nullValues" and "when" not in (
            rule.get("arguments") or {}
        )
        assert bool(prop.get("required")) == has_rule, prop["name"]


@pytest.mark.parametrize("feed", FEEDS)
def test_typed_columns_have_a_type_rule(feed: str) -> None:
    ids = rules_by_id(feed)
    for prop in properties(load_contract(feed)):
        name = prop["name"]
        if prop.get("logicalTypeOptions", {}).get("format") == "month":
            expected: str | None = "month"
        else:
            expected = PARSES_AS.get(prop["logicalType"])
        if expected is not None:
            rule = ids[f"{feed}-{name}-type"][1]
            assert rule["arguments"] == {"parsesAs": expected}, name
        if prop["logicalType"] == "boolean":
            rule = ids[f"{feed}-{name}-allowed_values"][1]
            assert rule["arguments"] == {"validValues": ["true", "false"]}, name


@pytest.mark.parametrize("feed", FEEDS)
def test_county_fips_columns_allow_exactly_the_58_california_counties(
    feed: str,
) -> None:
    ids = rules_by_id(feed)
    if "county_fips" not in column_names(load_contract(feed)):
        pytest.skip(f"{feed} has no county_fips column")
    rule = ids[f"{feed}-county_fips-allowed_values"][1]

    assert rule["arguments"]["validValues"] == CALIFORNIA_COUNTY_FIPS
    assert len(CALIFORNIA_COUNTY_FIPS) == 58


# --- rules -------------------------------------------------------------------------


def test_rule_ids_are_unique_across_all_contracts() -> None:
    counts = Counter(rule["id"] for _, _, rule in all_rules())

    assert [rule_id for rule_id, n in counts.items() if n > 1] == []


def test_the_rules_the_data_generator_relies_on_exist() -> None:
    ids = {rule["id"] for _, _, rule in all_rules()}

    assert [rule_id for rule_id in REQUIRED_RULE_IDS if rule_id not in ids] == []


@pytest.mark.parametrize("feed", FEEDS)
def test_rule_ids_name_the_feed_a_column_and_the_check(feed: str) -> None:
    columns = set(column_names(load_contract(feed)))
    for column, rule in iter_rules(load_contract(feed)):
        match = re.fullmatch(rf"{feed}-([a-z0-9_]+)-([a-z0-9_]+)", rule["id"])
        assert match, rule_label(feed, rule)
        arguments = rule.get("arguments") or {}
        if column is None:
            expected = {"_".join(arguments.get("columns", []))}
        else:
            # a consistency rule may be named for the column whose value triggers it (its `when`)
            when = arguments.get("when", "")
            expected = {column} | {c for c in columns if re.search(rf"\b{c}\b", when)}
        assert match.group(1) in expected, rule_label(feed, rule)


@pytest.mark.parametrize("feed", FEEDS)
def test_every_rule_has_severity_category_dimension_and_percent_threshold(
    feed: str,
) -> None:
    for _, rule in iter_rules(load_contract(feed)):
        label = rule_label(feed, rule)
        assert rule.get("name", "").strip(), label
        assert rule.get("type") == "library", label
        assert rule.get("metric") in METRICS, label
        assert rule.get("severity") in THRESHOLD_PERCENT, label
        assert rule.get("unit") == "percent", label
        assert rule.get("mustBeLessOrEqualTo") == THRESHOLD_PERCENT[rule["severity"]], label
        assert rule.get("dimension") in DIMENSIONS, label
        categories = [
            c["value"]
            for c in rule.get("customProperties") or []
            if c.get("property") == "category"
        ]
        assert len(categories) == 1 and categories[0] in CATEGORIES, label


@pytest.mark.parametrize("feed", FEEDS)
def test_every_rule_has_exactly_the_check_its_metric_needs(feed: str) -> None:
    known_keys = MODIFIER_KEYS.union(*CHECK_KINDS.values())
    for column, rule in iter_rules(load_contract(feed)):
        label = rule_label(feed, rule)
        arguments = rule.get("arguments") or {}
        assert set(arguments) <= known_keys, label
        kinds = check_kinds(arguments)
        if rule["metric"] == "invalidValues":
            assert len(kinds) == 1, label
        else:
            assert kinds == [], label
        if "columns" in arguments:
            assert column is None and rule["metric"] == "duplicateValues", label
        if column is None:
            assert rule["metric"] == "duplicateValues" and len(arguments.get("columns", [])) >= 2, (
                label
            )


@pytest.mark.parametrize("feed", FEEDS)
def test_columns_named_by_rules_exist(feed: str) -> None:
    contract = load_contract(feed)
    columns = set(column_names(contract))
    for column, rule in iter_rules(contract):
        arguments = rule.get("arguments") or {}
        named = [arguments[key] for key in ("notBefore", "notAfter") if key in arguments]
        named += arguments.get("columns", [])
        assert set(named) <= columns, rule_label(feed, rule)
        assert column not in named, rule_label(feed, rule)


@pytest.mark.parametrize("feed", FEEDS)
def test_patterns_are_anchored_python_regexes(feed: str) -> None:
    for _, rule in iter_rules(load_contract(feed)):
        for key in ("pattern", "notPattern"):
            regex = (rule.get("arguments") or {}).get(key)
            if regex is not None:
                re.compile(regex)
                assert regex.startswith("^") and regex.endswith("$"), rule_label(feed, rule)


@pytest.mark.parametrize("feed", FEEDS)
def test_when_conditions_are_pandas_queries_over_the_contract_columns(
    feed: str,
) -> None:
    pd = pytest.importorskip("pandas")
    contract = load_contract(feed)
    empty = pd.DataFrame(
        {name: pd.Series([None, "x"], dtype="object") for name in column_names(contract)}
    )
    for _, rule in iter_rules(contract):
        when = (rule.get("arguments") or {}).get("when")
        if when is not None:
            empty.query(when)  # raises on unknown columns or bad syntax


def test_modality_rules_check_the_modifiers_column_as_warnings() -> None:
    modality_rules = {
        rule_id: (column, rule)
        for rule_id, (column, rule) in rules_by_id("claims").items()
        if rule_id.startswith("claims-modality-") and rule_id != "claims-modality-allowed_values"
    }

    assert sorted(modality_rules) == [
        "claims-modality-in_person_no_telehealth_modifier",
        "claims-modality-telephone_has_93",
        "claims-modality-telephone_modifiers_required",
        "claims-modality-video_has_95",
        "claims-modality-video_modifiers_required",
    ]
    assert {column for column, _ in modality_rules.values()} == {"modifiers"}
    assert {rule["severity"] for _, rule in modality_rules.values()} == {"warn"}


# --- agreement with feeds.md -------------------------------------------------------


@pytest.fixture(scope="module")
def spec() -> dict[str, dict[str, str]]:
    if not FEEDS_MD.is_file():
        pytest.skip(f"feed specification not found at {FEEDS_MD}")
    return spec_columns(FEEDS_MD.read_text(encoding="utf-8"))


@pytest.mark.parametrize("feed", FEEDS)
def test_contract_columns_are_the_columns_of_feeds_md(
    feed: str, spec: dict[str, dict[str, str]]
) -> None:
    assert column_names(load_contract(feed)) == list(spec[feed])


@pytest.mark.parametrize("feed", FEEDS)
def test_pii_columns_are_the_ones_feeds_md_marks_pii(
    feed: str, spec: dict[str, dict[str, str]]
) -> None:
    classified = {
        prop["name"] for prop in properties(load_contract(feed)) if prop["classification"] == "pii"
    }
    marked = {column for column, rule in spec[feed].items() if re.search(r"\bPII\b", rule)}

    assert classified == marked
