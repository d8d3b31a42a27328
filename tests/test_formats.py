"""One reading of a value, whatever the format: the same records delivered as CSV, as Parquet of
text columns and as Parquet of typed columns (dates, timestamps, integers, decimals, booleans)
load the same rows and break the same rules in the same rows.

Per feed the records are clean rows of a tiny generated delivery (a good example of every rule)
and, per contract rule, a copy of a clean row broken to violate that rule (its bad example);
blank text stands for every missing value the bad examples need, so blank-is-NULL is read in
all three forms too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from peerwh.contracts import Contract, Rule, load_contracts
from peerwh.ingest import ingest_feed
from peerwh.ingest.validation import BatchValidator, parse_typed

NOW = dt.datetime(2026, 11, 1, 12, 0)
EXTRACT = "20261001"
GOOD_ROWS = 12
# A value of each parse type that no parser accepts.
UNPARSEABLE = {
    "date": "2024-02-30",
    "month": "2024-13",
    "timestamp": "2024-02-30T10:00:00",
    "integer": "1.5",
    "number": "1,5",
    "boolean": "maybe",
    "string": "#",
}
# Only reads the session's generated feeds (tiny_landing), builds no warehouse: a unit test.
pytestmark = pytest.mark.unit


def _good_rows(landing: Path, feed: str) -> pd.DataFrame:
    key = pd.read_csv(landing / "answer_key.csv", dtype=str, keep_default_na=False)
    path = sorted((landing / feed).glob(f"{feed}_*.csv"))[0]
    planted = key.loc[(key["kind"] == "contract") & (key["file"] == path.name), "row_number"]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame[~(frame.index + 1).astype(str).isin(set(planted))].reset_index(drop=True)


def _shifted(value: object, by: float) -> str:
    return f"{float(str(value)) + by:g}"


def _bad_value(rule: Rule, contract: Contract, row: pd.Series) -> dict[str, str] | None:
    """The changes that make a clean row break `rule`, or None for a duplicate of the row."""
    column = rule.column or ""
    args = rule.arguments
    parse_type = contract.column(column).parse_type if column else "string"
    match rule.check:
        case "required":
            return {column: "  "}
        case "unique":
            return None
        case "validValues":
            return {column: "not_a_code"}
        case "pattern" | "parsesAs":
            return {column: UNPARSEABLE[parse_type]}
        case "notPattern":
            return {column: "95"}
        case "checkDigit":
            return {column: "1234567890"}
        case "notBefore":
            return {column: "1901-01-01"}
        case "notAfter":
            return {column: "2999-12-31"}
        case "range" if parse_type in ("date", "timestamp"):
            return {column: "1899-12-31" if "minimum" in args else "2999-12-31"}
        case "range" if "minimum" in args:
            return {column: _shifted(args["minimum"], -1)}
        case "range" if "exclusiveMinimum" in args:
            return {column: _shifted(args["exclusiveMinimum"], 0)}
        case "range":
            return {column: _shifted(args.get("maximum", args.get("exclusiveMaximum")), 1)}
    raise AssertionError(f"no bad example for {rule.rule_id} ({rule.check})")


def records(good: pd.DataFrame, contract: Contract) -> tuple[pd.DataFrame, dict[str, int]]:
    """Good rows then one bad example per rule; rule id -> the bad example's row number."""
    rows, bad_row = [good.head(GOOD_ROWS)], {}
    for rule in contract.rules:
        candidates = good.query(rule.when, engine="python") if rule.when else good
        template = candidates.iloc[0] if len(candidates) else None
        if template is None:
            continue  # no clean row meets the rule's condition: no example to break
        change = _bad_value(rule, contract, template)
        example = template.to_dict() | (change or {})
        rows.append(pd.DataFrame([example], columns=good.columns))
        bad_row[rule.rule_id] = sum(len(r) for r in rows)
    return pd.concat(rows, ignore_index=True), bad_row


def _typed(values: pd.Series, parse_type: str) -> pa.Array | None:
    """The column as Parquet of its contract type (every value has it: see `typeable`)."""
    text = values.where(values.str.strip() != "")
    present = text.dropna()
    if parse_type == "boolean":
        return pa.array(text.map({"true": True, "false": False}), pa.bool_())
    if parse_type not in TYPED_TYPES:
        return None
    if parse_type == "date":
        return pa.array([dt.date.fromisoformat(v) if pd.notna(v) else None for v in text])
    if parse_type == "timestamp":
        utc = [
            dt.datetime.fromisoformat(v).replace(tzinfo=dt.UTC) if pd.notna(v) else None
            for v in text
        ]
        return pa.array(utc, pa.timestamp("us", tz="UTC"))
    if parse_type == "integer":
        return pa.array(pd.to_numeric(text).astype("Int64"), pa.int64())
    scale = int(present.str.extract(r"\.(\d*)$")[0].str.len().max() or 0)
    return pa.array(pd.to_numeric(text), pa.float64()).cast(pa.decimal128(18, scale))


def land(frame: pd.DataFrame, contract: Contract, form: str, landing: Path) -> None:
    folder = landing / contract.feed
    folder.mkdir(parents=True)
    if form.startswith("csv"):
        frame.to_csv(folder / f"{contract.feed}_{EXTRACT}.csv", index=False)
        return
    arrays = {}
    for name in frame.columns:
        typed = None
        if form == "parquet_typed" and name in contract.column_names:
            typed = _typed(frame[name], contract.column(name).parse_type)
        arrays[name] = typed if typed is not None else pa.array(frame[name], pa.string())
    pq.write_table(pa.table(arrays), folder / f"{contract.feed}_{EXTRACT}.parquet")


@pytest.fixture(scope="module")
def validator(tmp_path_factory: pytest.TempPathFactory) -> BatchValidator:
    return BatchValidator(tmp_path_factory.mktemp("gx"))


def _loaded(con: duckdb.DuckDBPyConnection, contract: Contract) -> dict[str, pd.DataFrame]:
    columns = ", ".join(f'"{c}"' for c in contract.column_names)
    raw = con.execute(
        f"select _row_number, {columns} from raw.{contract.feed} order by _row_number"
    ).df()
    for column in contract.columns:
        if column.parse_type == "number":  # 6.25 in a decimal(18, 2) is 6.25, not 6.250
            raw[column.name] = parse_typed(raw[column.name], "number")
    return {
        "raw": raw,
        "quarantine": con.execute(
            "select row_number, column_name, rule_id from audit.quarantine order by all"
        ).df(),
        "warnings": con.execute(
            "select row_number, rule_id from audit.row_warnings order by all"
        ).df(),
        "checks": con.execute(
            "select check_id, status, rows_violated, rows_checked from audit.check_results"
            " order by all"
        ).df(),
        "files": con.execute(
            "select status, rows_received, rows_loaded, rows_quarantined from audit.ingest_files"
        ).df(),
    }


TYPED_TYPES = ("date", "timestamp", "integer", "number", "boolean")


def typeable(frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """The rows whose every value fits its column's contract type (or is blank): the ones a
    Parquet file of typed columns can carry."""
    fits = pd.Series(True, index=frame.index)
    for column in contract.columns:
        if column.parse_type not in TYPED_TYPES or column.name not in frame:
            continue
        text = frame[column.name].where(frame[column.name].str.strip() != "")
        if column.parse_type == "boolean":
            fits &= text.isna() | text.isin(["true", "false"])
        else:
            fits &= text.isna() | parse_typed(text, column.parse_type).notna()
    return frame[fits].reset_index(drop=True)


def _ingest(frame: pd.DataFrame, contract: Contract, form: str, root: Path, validator) -> dict:
    land(frame, contract, form, root / form)
    with duckdb.connect(str(root / f"{form}.duckdb")) as con:
        report = ingest_feed(con, contract, root / form, validator, now=NOW)
        assert [f.status for f in report.files] != ["rejected"], report.files[0].messages
        return _loaded(con, contract)


def _assert_same(results: dict, expected: dict, form: str) -> None:
    for table, frame in expected.items():
        pd.testing.assert_frame_equal(results[table], frame, obj=f"{form} {table}")


@pytest.mark.parametrize("feed", sorted(load_contracts()))
def test_csv_and_parquet_deliveries_of_the_same_records_load_the_same_rows(
    feed: str, tiny_landing: Path, validator: BatchValidator, tmp_path: Path
) -> None:
    contract = load_contracts()[feed]
    frame, bad_row = records(_good_rows(tiny_landing, feed), contract)
    csv = _ingest(frame, contract, "csv", tmp_path, validator)
    _assert_same(_ingest(frame, contract, "parquet_text", tmp_path, validator), csv, "text")

    # Typed columns cannot carry the values that break a type: those rows stay out of both.
    subset = typeable(frame, contract)
    assert len(subset) > GOOD_ROWS
    typed = _ingest(subset, contract, "parquet_typed", tmp_path, validator)
    _assert_same(typed, _ingest(subset, contract, "csv_subset", tmp_path, validator), "typed")
    schema = pq.read_schema(tmp_path / "parquet_typed" / feed / f"{feed}_{EXTRACT}.parquet")
    typed_columns = [c.name for c in contract.columns if c.parse_type in TYPED_TYPES]
    assert all(not pa.types.is_string(schema.field(c).type) for c in typed_columns)

    # Every rule that has a bad example flags it; a rule whose condition no clean row meets has
    # none, and only conditional rules may lack one.
    flagged = pd.concat([csv["quarantine"], csv["warnings"]])
    found = set(zip(flagged["rule_id"], flagged["row_number"], strict=True))
    assert [r for r, row in bad_row.items() if (r, row) not in found] == []
    assert all(r.when for r in contract.rules if r.rule_id not in bad_row)
