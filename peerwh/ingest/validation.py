"""Validate a delivered batch against its contract with Great Expectations (pandas path).

Each contract rule becomes one GX expectation carrying the rule id in its `meta`. Values
arrive as text; for typed rules (parse, range, date order) the frame gains a parsed helper
column `<column>__typed` (dates as days since 1970, months as year*12+month, timestamps as
epoch seconds, numbers as floats), and NPI rules a boolean `<column>__npi_ok`. GX then
evaluates every rule and reports the exact rows that break it, which route to quarantine.

Rules that read a PII column run as a suite of their own whose results GX keeps without the
values it found (`exclude_unexpected_values`): only row indices reach the stored validation
results and Data Docs. Other rules keep their failing values there, for analysts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
import numpy as np
import pandas as pd
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
)
from great_expectations.data_context.types.base import ProgressBarsConfig

from peerwh.contracts import Contract, Rule
from peerwh.ingest.files import without_values

TYPED = "__typed"
NPI_OK = "__npi_ok"
EXTRACT_DATE = "__extract_date"
RANGE_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
EPOCH = pd.Timestamp("1970-01-01")
# COMPLETE lists every failing row index, which routes rows to quarantine; the index query
# would only repeat those indices in every stored result.
VALUES_SHOWN: dict[str, Any] = {"result_format": "COMPLETE", "return_unexpected_index_query": False}
# GX applies one result format to every expectation of a run, hence a run per kind of rule.
VALUES_WITHHELD: dict[str, Any] = VALUES_SHOWN | {"exclude_unexpected_values": True}

_PATTERNS = {
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "month": r"^\d{4}-(0[1-9]|1[0-2])$",
    "integer": r"^[+-]?\d+$",
    "number": r"^[+-]?(\d+(\.\d*)?|\.\d+)$",
}


@dataclass(frozen=True)
class RuleOutcome:
    """What one rule found in one batch (one row of audit.check_results)."""

    rule: Rule
    rows_checked: int
    rows_violated: int
    status: str  # pass | fail | error | not_applicable
    message: str
    violating_rows: tuple[int, ...]

    @property
    def percent_violated(self) -> float:
        return 100.0 * self.rows_violated / self.rows_checked if self.rows_checked else 0.0


def parse_typed(values: pd.Series, parse_type: str) -> pd.Series:
    """Parse text into a comparable float (NaN where empty or unparseable)."""
    text = values.astype("string")
    if parse_type in ("date", "month"):
        ok = text.str.match(_PATTERNS[parse_type]).fillna(False).astype(bool)
        fmt = "%Y-%m-%d" if parse_type == "date" else "%Y-%m"
        parsed = pd.to_datetime(text.where(ok), format=fmt, errors="coerce")
        if parse_type == "month":
            return (parsed.dt.year * 12 + parsed.dt.month - 1).astype("float64")
        return ((parsed - EPOCH).dt.days).astype("float64")
    if parse_type == "timestamp":
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
        return (parsed - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds()
    if parse_type in ("integer", "number"):
        ok = text.str.match(_PATTERNS[parse_type]).fillna(False).astype(bool)
        return pd.to_numeric(text.where(ok), errors="coerce").astype("float64")
    raise ValueError(f"cannot parse values as {parse_type!r}")


def typed_bound(value: Any, parse_type: str) -> float:
    """A literal range bound in the same units as `parse_typed`."""
    if parse_type in ("integer", "number"):
        return float(value)
    parsed = parse_typed(pd.Series([str(value)]), parse_type).iloc[0]
    if np.isnan(parsed):
        raise ValueError(f"bound {value!r} is not a valid {parse_type}")
    return float(parsed)


def npi_check_digit_ok(values: pd.Series) -> pd.Series:
    """True where a value is 10 digits with a valid NPI Luhn check digit (prefix 80840)."""
    text = values.astype("string")
    shaped = text.str.fullmatch(r"\d{10}").fillna(False).astype(bool)
    digits = np.zeros((len(text), 10), dtype=np.int64)
    if shaped.any():
        good = text[shaped].to_numpy(dtype=str)
        digits[shaped.to_numpy()] = np.frombuffer(
            "".join(good).encode("ascii"), dtype=np.uint8
        ).reshape(-1, 10) - ord("0")
    body = digits[:, :9]
    # Luhn over the 9 body digits: double every other digit from the right.
    doubled = body[:, ::-1].copy()
    doubled[:, ::2] *= 2
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    total = 24 + doubled.sum(axis=1)  # 24 is the Luhn sum of the 80840 prefix
    check = (10 - total % 10) % 10
    result = pd.Series(shaped.to_numpy() & (check == digits[:, 9]), index=values.index)
    return result.where(values.notna())


def prepare_frame(frame: pd.DataFrame, contract: Contract, extract_date: dt.date) -> pd.DataFrame:
    """Add the helper columns the contract's typed and check-digit rules need.

    The file's extract date is a column too (`$extract_date` bounds compare with it), so one
    suite serves every file of a feed.
    """
    days = float((pd.Timestamp(extract_date) - EPOCH).days)
    helpers: dict[str, pd.Series] = {EXTRACT_DATE: pd.Series(days, index=frame.index)}
    for rule in contract.rules:
        if not set(rule.columns) <= set(frame.columns):
            continue  # the rule is not applicable to this file
        for name in rule.columns:
            column = contract.column(name)
            typed_rule = rule.check in ("parsesAs", "range", "notBefore", "notAfter")
            if typed_rule and column.parse_type != "string" and name + TYPED not in helpers:
                helpers[name + TYPED] = parse_typed(frame[name], column.parse_type)
        if rule.check == "checkDigit" and rule.column:
            helpers[rule.column + NPI_OK] = npi_check_digit_ok(frame[rule.column])
    return frame.assign(**helpers)


def expectations_for(rule: Rule, contract: Contract) -> list[gxe.Expectation]:
    """The GX expectations that implement a contract rule (one, or two for a range whose
    bound is the file's extract date)."""
    common: dict[str, Any] = {"meta": {"rule_id": rule.rule_id}}
    if rule.when:
        common |= {"row_condition": rule.when, "condition_parser": "pandas"}
    column = rule.column or ""
    args = rule.arguments
    match rule.check:
        case "required":
            return [gxe.ExpectColumnValuesToNotBeNull(column=column, **common)]
        case "unique" if len(rule.columns) > 1:
            return [gxe.ExpectCompoundColumnsToBeUnique(column_list=list(rule.columns), **common)]
        case "unique":
            return [gxe.ExpectColumnValuesToBeUnique(column=column, **common)]
        case "validValues":
            values = [str(v) for v in args["validValues"]]
            return [gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values, **common)]
        case "pattern":
            return [
                gxe.ExpectColumnValuesToMatchRegex(column=column, regex=args["pattern"], **common)
            ]
        case "notPattern":
            regex = args["notPattern"]
            return [gxe.ExpectColumnValuesToNotMatchRegex(column=column, regex=regex, **common)]
        case "checkDigit":
            return [
                gxe.ExpectColumnValuesToBeInSet(column=column + NPI_OK, value_set=[True], **common)
            ]
        case "parsesAs":
            # A present value whose parse came out empty did not parse.
            condition = f"`{column}`.notna()"
            if rule.when:
                condition = f"({rule.when}) and {condition}"
            common |= {"row_condition": condition, "condition_parser": "pandas"}
            return [gxe.ExpectColumnValuesToNotBeNull(column=column + TYPED, **common)]
        case "range":
            return _range_expectations(rule, contract, common)
        case "notBefore" | "notAfter":
            other = args[rule.check]
            later, earlier = (column, other) if rule.check == "notBefore" else (other, column)
            return [_not_before(later + TYPED, earlier + TYPED, common)]
    raise ValueError(f"rule {rule.rule_id}: no expectation for check {rule.check!r}")


def _not_before(later: str, earlier: str, common: dict[str, Any]) -> gxe.Expectation:
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=later, column_B=earlier, or_equal=True,
        ignore_row_if="either_value_is_missing", **common,
    )  # fmt: skip


def _range_expectations(
    rule: Rule, contract: Contract, common: dict[str, Any]
) -> list[gxe.Expectation]:
    column = rule.column or ""
    parse_type = contract.column(column).parse_type
    target = column + TYPED if parse_type != "string" else column
    expectations: list[gxe.Expectation] = []
    bounds = {k: v for k, v in rule.arguments.items() if k in RANGE_KEYS}
    if bounds.get("maximum") == "$extract_date":
        expectations.append(_not_before(EXTRACT_DATE, target, common))
        del bounds["maximum"]
    if bounds:
        typed = {key: typed_bound(value, parse_type) for key, value in bounds.items()}
        expectations.append(
            gxe.ExpectColumnValuesToBeBetween(
                column=target,
                min_value=typed.get("minimum", typed.get("exclusiveMinimum")),
                max_value=typed.get("maximum", typed.get("exclusiveMaximum")),
                strict_min="exclusiveMinimum" in typed,
                strict_max="exclusiveMaximum" in typed,
                **common,
            )
        )
    return expectations


class BatchValidator:
    """Runs a feed's contract as a GX suite over chunks of a delivered batch.

    One file-backed GX context per warehouse keeps suites and results so Data Docs can be
    built under `<warehouse>/gx/`.
    """

    def __init__(self, gx_root: Path) -> None:
        gx_root.mkdir(parents=True, exist_ok=True)
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        self.context = gx.get_context(mode="file", project_root_dir=str(gx_root))
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.context.variables.save()
        self.datasource = self.context.data_sources.add_or_update_pandas("landing")
        self._definitions: dict[tuple[str, tuple[str, ...]], gx.ValidationDefinition] = {}

    def _validation_definition(
        self, contract: Contract, rules: list[Rule], withheld: bool
    ) -> gx.ValidationDefinition:
        key = (contract.feed, tuple(r.rule_id for r in rules))
        if key not in self._definitions:
            self._definitions[key] = self._new_validation_definition(contract, rules, withheld)
        return self._definitions[key]

    def _new_validation_definition(
        self, contract: Contract, rules: list[Rule], withheld: bool
    ) -> gx.ValidationDefinition:
        name = f"{contract.feed}_contract" + ("_pii" if withheld else "")
        if len(rules) < sum(contract.reads_pii(r) == withheld for r in contract.rules):
            # Files lacking optional columns get their own suite, so suites never collide.
            digest = hashlib.sha256(" ".join(r.rule_id for r in rules).encode()).hexdigest()
            name += f"_subset_{digest[:8]}"
        suite = gx.ExpectationSuite(
            name=name,
            expectations=[e for r in rules for e in expectations_for(r, contract)],
            meta={"contract_version": contract.version},
        )
        suite = self.context.suites.add_or_update(suite)
        try:
            asset = self.datasource.get_asset(contract.feed)
        except LookupError:
            asset = self.datasource.add_dataframe_asset(contract.feed)
        try:
            batch_definition = asset.get_batch_definition("batch")
        except (KeyError, LookupError):
            batch_definition = asset.add_batch_definition_whole_dataframe("batch")
        definition = gx.ValidationDefinition(
            data=batch_definition, suite=suite, name=f"{name}_batch"
        )
        return self.context.validation_definitions.add_or_update(definition)

    def validate(
        self,
        contract: Contract,
        chunks: Iterator[pd.DataFrame],
        extract_date: dt.date,
        present_columns: set[str],
    ) -> list[RuleOutcome]:
        """Validate every chunk; return one outcome per rule for the whole batch.

        Rules over a column absent from the file are `not_applicable` (a missing required
        column never gets here: the file is rejected whole).
        """
        applicable = [r for r in contract.rules if set(r.columns) <= present_columns]
        runs = [
            (self._validation_definition(contract, rules, withheld), result_format)
            for withheld, result_format in ((False, VALUES_SHOWN), (True, VALUES_WITHHELD))
            if (rules := [r for r in applicable if contract.reads_pii(r) == withheld])
        ]
        checked = {r.rule_id: 0 for r in applicable}
        violating: dict[str, list[int]] = {r.rule_id: [] for r in applicable}
        errors: dict[str, str] = {}
        for chunk in chunks:
            frame = prepare_frame(chunk, contract, extract_date)
            for definition, result_format in runs:
                result = definition.run(
                    batch_parameters={"dataframe": frame}, result_format=result_format
                )
                _collect(result, checked, violating, errors)
        outcomes = [_outcome(r, checked, violating, errors) for r in applicable]
        outcomes += [
            RuleOutcome(r, 0, 0, "not_applicable", "column not in file", ())
            for r in contract.rules
            if r not in applicable
        ]
        return outcomes

    def build_docs(self) -> Path:
        self.context.build_data_docs()
        return Path(self.context.root_directory) / "uncommitted" / "data_docs" / "local_site"


def _collect(
    result: ExpectationSuiteValidationResult,
    checked: dict[str, int],
    violating: dict[str, list[int]],
    errors: dict[str, str],
) -> None:
    # A rule with two expectations checks the same rows twice: count them once per chunk.
    chunk_checked: dict[str, int] = {}
    for item in result.results:
        rule_id = item.expectation_config.meta["rule_id"]
        if item.exception_info and item.exception_info.get("raised_exception"):
            errors[rule_id] = "the check could not run: " + without_values(
                item.exception_info.get("exception_message") or "error"
            )
            continue
        stats = item.result
        count = int(stats.get("element_count") or 0)
        chunk_checked[rule_id] = max(chunk_checked.get(rule_id, 0), count)
        violating[rule_id].extend(int(i) for i in stats.get("unexpected_index_list") or [])
    for rule_id, count in chunk_checked.items():
        checked[rule_id] += count


def _outcome(
    rule: Rule,
    checked: dict[str, int],
    violating: dict[str, list[int]],
    errors: dict[str, str],
) -> RuleOutcome:
    rows = tuple(sorted(set(violating[rule.rule_id])))
    n_checked = checked[rule.rule_id]
    if rule.rule_id in errors:
        return RuleOutcome(rule, n_checked, len(rows), "error", errors[rule.rule_id], rows)
    if n_checked == 0:
        return RuleOutcome(rule, 0, 0, "not_applicable", "no rows to check", ())
    percent = 100.0 * len(rows) / n_checked
    status = "fail" if percent > rule.threshold_percent else "pass"
    message = (
        f"{len(rows)} of {n_checked} rows ({percent:.2f}%) break it; "
        f"threshold {rule.threshold_percent:g}%"
    )
    return RuleOutcome(rule, n_checked, len(rows), status, message, rows)
