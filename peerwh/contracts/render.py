"""Render what dbt repeats of the contracts, so a contract change reaches dbt in one command.

- `models/staging/<system>/_<system>__sources.yml` is written whole: one dbt source per
  system that sends feeds (the contract's `customProperties` sourceSystem), one table per
  feed; columns, descriptions, PII meta and freshness all come from
  `data_contracts/<feed>.odcs.yaml`. The tables stay `raw.<feed>`, as ingestion writes them.
- In `models/staging/<system>/_<feed>__models.yml` only the `values:` line of each
  `accepted_values` test on a column with a contract code list is rewritten; the rest of that
  file describes what staging adds and stays hand-written.
- In `docs/feeds.md` the column tables between two marker lines are rewritten.

`peerwh render-contracts` writes the files; `--check` (and the tests) fail on any difference.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from peerwh.config import DBT_PROJECT_DIR, FEEDS, PROJECT_ROOT
from peerwh.contracts.reader import Column, Contract, ContractError, load_contract
from peerwh.ingest.store import LINEAGE_COLUMNS

STAGING_DIR = DBT_PROJECT_DIR / "models" / "staging"
FEEDS_DOC = PROJECT_ROOT / "docs" / "feeds.md"
DOC_BEGIN = "<!-- BEGIN columns rendered from data_contracts by peerwh render-contracts -->"
DOC_END = "<!-- END columns rendered from data_contracts -->"

# Longer code lists (the 58 counties) are in the contract and the county seed, not the docs.
MAX_CODES_LISTED = 20

_COLUMN = re.compile(r"^ {6}- name: (?P<name>\w+)\s*$")
_VALUES = re.compile(r"^(?P<indent> +)values: \[.*\]\s*$")


def sources_path(system: str) -> Path:
    return STAGING_DIR / system / f"_{system}__sources.yml"


def models_path(feed: str) -> Path:
    return STAGING_DIR / load_contract(feed).source_system / f"_{feed}__models.yml"


def contracts_by_system() -> dict[str, list[Contract]]:
    """The feed contracts grouped by the system that sends them, feeds in FEEDS order."""
    systems: dict[str, list[Contract]] = {}
    for feed in FEEDS:
        contract = load_contract(feed)
        systems.setdefault(contract.source_system, []).append(contract)
    return dict(sorted(systems.items()))


def _quoted(text: str) -> str:
    # A JSON string is a YAML double-quoted scalar; it keeps `{{ doc() }}` and colons literal.
    return json.dumps(text, ensure_ascii=False)


def _table_description(contract: Contract) -> str:
    keys = [c.name for c in contract.columns if c.primary_key]
    key = f"Business key {', '.join(keys)}." if keys else "The feed has no business key column."
    return (
        f"{contract.purpose} One row per record per delivery. {key} All feed columns are VARCHAR "
        "as received; rows already passed the feed contract's row-level checks "
        f"(data_contracts/{contract.feed}.odcs.yaml)."
    )


def _column_description(contract: Contract, column: Column) -> str:
    description = " ".join(column.description.split())
    if column.pii and "PII" not in description:
        description = f"PII. {description}"
    codes = contract.valid_values(column.name)
    if codes and len(codes) <= MAX_CODES_LISTED and not all(c in description for c in codes):
        description += " Codes: " + ", ".join(f"`{c}`" for c in codes) + "."
    return description


def render_sources(contracts: list[Contract]) -> str:
    """The dbt source of one system: a table per feed it sends."""
    system = contracts[0].source_system
    descriptions = {c.source_system_description for c in contracts}
    if len(descriptions) != 1 or "" in descriptions:
        raise ContractError(f"contracts of {system} must agree on one sourceSystem description")
    feeds = ", ".join(c.feed for c in contracts)
    lines = [
        "# Rendered from data_contracts/<feed>.odcs.yaml of each feed the system sends",
        f"# ({feeds}) by `peerwh render-contracts`: edit the contracts, not this file.",
        "# Tables raw.<feed>, written by the ingestion layer; every feed column arrives as VARCHAR",
        "# as received (empty = NULL), plus lineage columns.",
        "sources:",
        f"  - name: {system}",
        f"    description: {_quoted(descriptions.pop())}",
        "    schema: raw",
        "    tables:",
    ]
    for contract in contracts:
        lines += _render_table(contract)
    return "\n".join(lines) + "\n"


def _render_table(contract: Contract) -> list[str]:
    feed = contract.feed
    lines = [
        f"      - name: {feed}",
        f"        description: {_quoted(_table_description(contract))}",
        "        config:",
        "          meta:",
        "            dagster:",
        f'              asset_key: ["raw_{feed}"]',
    ]
    if contract.delivery_every_days is not None:
        lines += [
            "          loaded_at_field: _ingested_at",
            "          freshness:",
            f"            warn_after: {{count: {contract.delivery_every_days}, period: day}}",
        ]
    lines.append("        columns:")
    for column in contract.columns:
        description = _column_description(contract, column)
        lines += [
            f"          - name: {column.name}",
            f"            description: {_quoted(description)}",
        ]
        if column.pii:
            lines += ["            config:", "              meta: {pii: true}"]
    for name in LINEAGE_COLUMNS:
        if name == "_load_status":
            continue  # written below, with its tests
        lines += [
            f"          - name: {name}",
            f"            description: \"{{{{ doc('col_{name}') }}}}\"",
        ]
    lines += [
        "          - name: _load_status",
        "            description: \"{{ doc('col__load_status') }}\"",
        "            data_tests:",
        "              - not_null",
        "              - accepted_values:",
        "                  arguments:",
        '                    values: ["accepted", "held"]',
    ]
    return lines


def render_staging_values(contract: Contract, text: str) -> str:
    """The staging models YAML with each contract column's accepted values set from the contract."""
    out: list[str] = []
    column: str | None = None
    for line in text.splitlines():
        if match := _COLUMN.match(line):
            column = match["name"]
        elif column and (match := _VALUES.match(line)):
            values = contract.valid_values(column)
            if values is not None:
                line = f"{match['indent']}values: {json.dumps(list(values))}"
        out.append(line)
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_feed_columns(contracts: list[Contract]) -> str:
    """One Markdown table per feed: column, type, required, key, PII, description."""
    parts: list[str] = []
    for contract in contracts:
        parts += [
            "",
            f"### {contract.feed}",
            "",
            f"Contract: [data_contracts/{contract.feed}.odcs.yaml]"
            f"(../data_contracts/{contract.feed}.odcs.yaml), version {contract.version}.",
            "",
            "| column | type | required | key | PII | description |",
            "|---|---|---|---|---|---|",
        ]
        for column in contract.columns:
            flags = [
                "yes" if column.required else "",
                "yes" if column.primary_key else "",
                "yes" if column.pii else "",
            ]
            parts.append(
                f"| `{column.name}` | {column.parse_type} | {' | '.join(flags)} | "
                f"{_cell(_column_description(contract, column))} |"
            )
    return "\n".join(parts) + "\n"


def render_feeds_doc(contracts: list[Contract], text: str) -> str:
    """docs/feeds.md with the part between the marker lines rendered from the contracts."""
    head, found, rest = text.partition(DOC_BEGIN)
    _, found_end, tail = rest.partition(DOC_END)
    if not found or not found_end:
        raise ValueError(f"{FEEDS_DOC} lacks the marker lines {DOC_BEGIN!r} and {DOC_END!r}")
    return head + DOC_BEGIN + "\n" + render_feed_columns(contracts) + "\n" + DOC_END + tail


def rendered_files() -> dict[Path, str]:
    """Every file the contracts render, with the text it should have."""
    files: dict[Path, str] = {}
    for system, contracts in contracts_by_system().items():
        files[sources_path(system)] = render_sources(contracts)
        for contract in contracts:
            models = models_path(contract.feed)
            files[models] = render_staging_values(contract, models.read_text(encoding="utf-8"))
    contracts = [load_contract(feed) for feed in FEEDS]
    files[FEEDS_DOC] = render_feeds_doc(contracts, FEEDS_DOC.read_text(encoding="utf-8"))
    return files


def stale_files() -> list[Path]:
    """Files whose committed text differs from what the contracts render."""
    return [
        path
        for path, text in rendered_files().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def write_rendered_files() -> list[Path]:
    """Write every stale file; return the ones written."""
    files = rendered_files()
    written = stale_files()
    for path in written:
        path.write_text(files[path], encoding="utf-8")
    return written
