"""PII stays in the database: no name, date of birth or CIN from a feed, well formed or not,
appears in any file the pipeline writes outside DuckDB, nor in what `peerwh run` prints.

Known values are planted into tiny generated feeds (rows that load, rows quarantined by rules on
PII columns and by other rules, files rejected whole for a ragged line or a bad encoding, a file
without a header); one real pipeline run then writes the warehouse, and every file it wrote
outside the database is read as its readers would read it and searched for those values.
"""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from peerwh.contracts import load_contracts
from tests.pipeline import PROJECT_ROOT, BuiltWarehouse, run_cli

DATABASE_SUFFIXES = (".duckdb", ".wal")
DBT_OUTPUT_DIRS = (PROJECT_ROOT / "dbt_project" / "target", PROJECT_ROOT / "dbt_project" / "logs")
# What GX stores of the values an expectation found; row indices are not among them.
# "Muñoz" in Latin-1: a byte that is not UTF-8 (written through surrogateescape).
NOT_UTF8 = "Mu\udcf1oz"
GX_VALUE_KEYS = {"unexpected_list", "partial_unexpected_list", "partial_unexpected_counts"}


@dataclass(frozen=True)
class Planted:
    value: str
    where: str  # which feed row carries it, for the failure message
    loaded: bool = True  # False: in a file rejected whole, so not in the database either

    @property
    def is_name(self) -> bool:
        # Names are searched case-insensitively: a file without a header has its first row
        # read as column names, which are lower-cased.
        return self.value.replace(" ", "").isalpha()


@dataclass(frozen=True)
class PlantedRun:
    built: BuiltWarehouse
    dagster_home: Path
    planted: tuple[Planted, ...]


def pii_rules() -> set[str]:
    """Rules that read a PII column, whatever else they read."""
    contracts = load_contracts().values()
    return {r.rule_id for c in contracts for r in c.rules if set(r.columns) & set(c.pii_columns)}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False)


def _planted_rows(landing: Path, feed: str) -> pd.DataFrame:
    key = _read(landing / "answer_key.csv")
    return key[(key["kind"] == "contract") & (key["feed"] == feed)]


def _clean_row(landing: Path, path: Path, wanted: str) -> pd.Series:
    """The first row with no planted problem that satisfies the pandas query `wanted`."""
    frame = _read(path)
    planted = _planted_rows(landing, path.parent.name)
    dirty = {int(n) - 1 for n in planted.loc[planted["file"] == path.name, "row_number"]}
    clean = frame[~frame.index.isin(dirty)].query(wanted)
    return clean.iloc[0]


def _append(path: Path, template: pd.Series, rows: list[dict[str, str]]) -> None:
    frame = _read(path)
    added = pd.DataFrame([template.to_dict() | row for row in rows], columns=frame.columns)
    _write(pd.concat([frame, added], ignore_index=True), path)


def _line(values: Iterable[str]) -> bytes:
    return ",".join(values).encode("utf-8", "surrogateescape")


def _land(path: Path, *lines: bytes) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def _largest(landing: Path, feed: str) -> Path:
    return max((landing / feed).glob(f"{feed}_*.csv"), key=lambda p: p.stat().st_size)


def _distinctive(value: str) -> bool:
    """Long enough not to occur by chance, and not a date that non-PII columns may hold too
    (service, hire and event dates are from 1990 on)."""
    return len(value) >= 6 and not "1990" <= value < "2100"


def _old_dob(column: str) -> str:
    # Dates of birth before 1990 cannot be mistaken for the service, hire or event dates that
    # marts and reports show.
    return f"`{column}` < '1990' and `{column}` != ''"


def plant(landing: Path) -> list[Planted]:
    """Plant PII into the generated feeds; return every planted value."""
    planted: list[Planted] = []

    def keep(where: str, *values: str, loaded: bool = True) -> None:
        planted.extend(Planted(v, where, loaded) for v in values)

    # Values the generator made up, on rows that load into raw and staging.
    certificants = landing / "certificants" / "certificants_20261005.csv"
    person = _clean_row(
        landing,
        certificants,
        f"first_name.str.len() >= 6 and last_name.str.len() >= 6 and {_old_dob('date_of_birth')}",
    )
    keep("clean certificant", person["first_name"], person["last_name"], person["date_of_birth"])
    claims = _largest(landing, "claims")
    claim = _clean_row(landing, claims, _old_dob("beneficiary_dob"))
    keep("clean claim line", claim["beneficiary_cin"], claim["beneficiary_dob"])
    eligibility = _largest(landing, "eligibility")
    member = _clean_row(landing, eligibility, _old_dob("date_of_birth"))
    keep("clean eligibility month", member["beneficiary_cin"], member["date_of_birth"])
    employment = landing / "employment" / "employment_20261005.csv"
    supervisor = _clean_row(landing, employment, "certificant_id == '' and person_name != ''")
    keep("clean employment", supervisor["person_name"])

    # Rows the generator quarantines, under rules on PII columns (malformed CINs, an impossible
    # date of birth, a missing last name) and under other rules, with the PII they carry.
    for feed, contract in load_contracts().items():
        for plant_row in _planted_rows(landing, feed).itertuples():
            row = _read(landing / feed / plant_row.file).iloc[int(plant_row.row_number) - 1]
            where = f"{plant_row.file} row {plant_row.row_number} ({plant_row.rule_id})"
            keep(where, *(row[c] for c in contract.pii_columns if _distinctive(row[c])))
    # Employment rows quarantined for other rules now name their person.
    frame = _read(employment)
    rows = [int(n) - 1 for n in _planted_rows(landing, "employment")["row_number"]]
    frame.loc[rows, "person_name"] = "Ozymandria Velloquet"
    _write(frame, employment)
    keep("employment rows quarantined for other rules", "Ozymandria Velloquet")

    # Rows added to be quarantined under rules the generator did not plant at this scale.
    _append(
        certificants,
        person,
        [
            {
                "certificant_id": "P9900001",
                "first_name": "Zebulonia",
                "last_name": "Quaxtrelby",
                "date_of_birth": "1890-04-04",
            }
        ],
    )
    keep("certificant born before 1900", "Zebulonia", "Quaxtrelby", "1890-04-04")
    _append(
        claims,
        claim,
        [
            {
                "claim_id": "CLM1990000001",
                "beneficiary_cin": "93572468T",
                "beneficiary_dob": "1972-02-30",
            }
        ],
    )
    keep("claim line with an impossible date of birth", "93572468T", "1972-02-30")
    twice = {"beneficiary_cin": "97531246K", "date_of_birth": "1958-11-03"}
    _append(
        eligibility,
        member,
        [twice, twice, {"beneficiary_cin": "96420864M", "date_of_birth": "1968-13-01"}],
    )
    keep("eligibility month delivered twice", "97531246K", "1958-11-03")
    keep("eligibility month with an impossible date of birth", "96420864M", "1968-13-01")

    # Files rejected whole: a ragged line (Arrow quotes it), a ragged line that is not UTF-8
    # either, a line that is not UTF-8, and a file whose first line is a row, not a header.
    ragged = person.to_dict() | {
        "first_name": "Xanthippa",
        "last_name": "Brumblecort",
        "date_of_birth": "1949-06-17",
    }
    _land(
        certificants.with_name("certificants_20261027.csv"),
        _line(person.index),
        _line(person),
        _line([*ragged.values(), "extra"]),
    )
    keep("ragged line", "Xanthippa", "Brumblecort", "1949-06-17", loaded=False)
    ragged = claim.to_dict() | {"beneficiary_cin": "94826173R", "beneficiary_dob": "1953-07-19"}
    _land(
        claims.with_name("claims_20261031.csv"),
        _line(claim.index),
        _line([*ragged.values(), NOT_UTF8]),
    )
    keep("ragged line that is not UTF-8", "94826173R", "1953-07-19", loaded=False)
    not_utf8 = member.to_dict() | {
        "beneficiary_cin": "95173864P",
        "date_of_birth": "1966-04-22",
        "race_ethnicity": NOT_UTF8,
    }
    _land(
        eligibility.with_name("eligibility_20261016.csv"),
        _line(member.index),
        _line(not_utf8.values()),
    )
    keep("line that is not UTF-8", "95173864P", "1966-04-22", loaded=False)
    # The same name twice: read as a header, it repeats a column.
    headless = person.to_dict() | {
        "certificant_id": "P9900002",
        "first_name": "Pomeroyza",
        "last_name": "Pomeroyza",
        "date_of_birth": "1939-02-14",
    }
    _land(
        certificants.with_name("certificants_20261028.csv"), _line(headless.values()), _line(person)
    )
    keep("file without a header", "Pomeroyza", "1939-02-14", loaded=False)
    # A file outside the landing, linked into it: refused, never read.
    outside = landing.parent / "outside_landing.csv"
    linked = person.to_dict() | {"first_name": "Quintabel", "date_of_birth": "1944-08-21"}
    _land(outside, _line(person.index), _line(linked.values()))
    certificants.with_name("certificants_20261029.csv").symlink_to(outside)
    keep("a link out of the landing", "Quintabel", "1944-08-21", loaded=False)
    return planted


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory: pytest.TempPathFactory) -> PlantedRun:
    from peerwh_synthetic import generate

    root = tmp_path_factory.mktemp("pii")
    landing, warehouse, dagster_home = root / "landing", root / "warehouse", root / "dagster"
    generate(landing, scale="tiny", seed=7, progress=False)
    planted = plant(landing)
    # A Dagster home, so that Dagster's run and event storage is written to files too.
    result = run_cli(
        "run",
        "--landing",
        str(landing),
        "--warehouse",
        str(warehouse),
        env={"DAGSTER_HOME": str(dagster_home)},
    )
    assert result.returncode == 0, result.output
    return PlantedRun(BuiltWarehouse(landing, warehouse, result), dagster_home, tuple(planted))


def _parquet_texts(path: Path) -> Iterator[str]:
    with duckdb.connect() as con:
        rows = con.execute("select columns(*)::varchar from read_parquet(?)", [str(path)])
        yield from (" ".join(str(v) for v in row) for row in rows.fetchall())


def _xlsx_texts(path: Path) -> Iterator[str]:
    workbook = load_workbook(path, read_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            yield " ".join(str(v) for v in row if v is not None)
    workbook.close()


def _sqlite_texts(path: Path) -> Iterator[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type = 'table'")]
        for table in tables:
            for row in con.execute(f'select * from "{table}"'):
                yield " ".join(
                    v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row
                )


def _decoded(name: str, data: bytes) -> Iterator[str]:
    if name.endswith(".gz"):
        yield from _decoded(name.removesuffix(".gz"), gzip.decompress(data))
    elif name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                yield from _decoded(member, archive.read(member))
    else:
        yield data.decode("utf-8", "replace")


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def texts_of(path: Path) -> Iterator[str]:
    """What a file says, read the way its own readers read it."""
    if path.suffix == ".parquet":
        yield from _parquet_texts(path)
    elif path.suffix == ".xlsx":
        yield from _xlsx_texts(path)
    elif path.suffix == ".pdf":
        yield from (page.extract_text() for page in PdfReader(path).pages)
    elif _is_sqlite(path):
        yield from _sqlite_texts(path)
    else:
        yield from _decoded(path.name, path.read_bytes())


def written_files(run: PlantedRun) -> list[Path]:
    """Every file the run wrote outside the database."""
    roots = (run.built.warehouse, run.dagster_home, *DBT_OUTPUT_DIRS)
    files = [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]
    return [p for p in files if not p.name.endswith(DATABASE_SUFFIXES)]


def leaks(text: str, planted: tuple[Planted, ...]) -> list[Planted]:
    lowered = text.lower()
    return [p for p in planted if (p.value.lower() in lowered if p.is_name else p.value in text)]


def test_planted_values_reached_the_database(planted_run: PlantedRun) -> None:
    """The search below means something only if the feeds carried the values in."""
    tables = ["audit.quarantine", *(f"raw.{feed}" for feed in load_contracts())]
    database = " ".join(
        planted_run.built.query(f"select string_agg(to_json(t)::varchar, ' ') as text from {t} t")[
            "text"
        ][0]
        for t in tables
    )
    missing = [p for p in planted_run.planted if p.loaded and p.value not in database]
    assert missing == []


def test_pii_rules_still_quarantine_the_planted_rows(planted_run: PlantedRun) -> None:
    quarantined = planted_run.built.query(
        "select file_name, row_number, column_name, rule_id, message from audit.quarantine"
        " where rule_id in (select unnest(?))",
        [sorted(pii_rules())],
    )
    assert {
        "certificants-date_of_birth-type",
        "certificants-date_of_birth-range",
        "certificants-last_name-required",
        "claims-beneficiary_cin-pattern",
        "claims-beneficiary_dob-type",
        "eligibility-beneficiary_cin-pattern",
        "eligibility-date_of_birth-type",
        "eligibility-beneficiary_cin_eligibility_month-unique",
    } <= set(quarantined["rule_id"])
    for row in quarantined.itertuples():
        assert row.message.startswith(str(planted_run.built.landing)), row.message
        assert f"{row.file_name}: row {row.row_number}, column {row.column_name}:" in row.message
        assert row.message.endswith(f"[{row.rule_id}] (value withheld: PII)"), row.message


def test_rejected_files_name_the_file_and_the_row(planted_run: PlantedRun) -> None:
    output = planted_run.built.first_run.output
    assert (
        "certificants_20261027.csv: rejected: row 2 (line 3) has 13 fields where the header has "
        "12: field 13 has no column in the header" in output
    )
    assert "claims_20261031.csv: rejected: row 1 (line 2) has 27 fields" in output
    assert "[claims-file-readable]" in output
    assert "certificants_20261029.csv: a link to a file outside the landing directory" in output
    assert "eligibility_20261016.csv: rejected" in output and "invalid UTF8" in output
    assert "certificants_20261028.csv: rejected: required column(s) missing" in output


def test_no_planted_pii_in_the_audit_messages(planted_run: PlantedRun) -> None:
    """The audit tables that the snapshot publishes, read in the database itself: what they say
    of a file, a check or a row names it; only audit.quarantine.raw_values keeps the row."""
    texts = {
        table: planted_run.built.query(
            f"select string_agg(to_json(t)::varchar, ' ') as text from audit.{table} t"
        )["text"][0]
        for table in ("ingest_files", "check_results", "row_warnings")
    }
    texts["quarantine"] = planted_run.built.query(
        "select string_agg(message, ' ') as text from audit.quarantine"
    )["text"][0]
    found = [
        f"{p.value!r} ({p.where}) in audit.{table}"
        for table, text in texts.items()
        for p in leaks(text, planted_run.planted)
    ]
    assert found == []


def test_gx_stores_no_value_a_pii_rule_found(planted_run: PlantedRun) -> None:
    """Row indices only, also for values derived from PII (parsed dates of birth) that no
    text search would recognise; other rules keep their values for analysts."""
    withheld = pii_rules()
    failed_pii_rules: set[str] = set()
    kept: set[str] = set()
    for path in (planted_run.built.warehouse / "gx").rglob("validations/**/*.json"):
        for item in json.loads(path.read_text())["results"]:
            rule_id = item["expectation_config"]["meta"]["rule_id"]
            stored = set(item["result"])
            if rule_id in withheld:
                assert not stored & GX_VALUE_KEYS, (path, rule_id)
                rows = item["result"].get("unexpected_index_list", [])
                assert all(isinstance(row, int) for row in rows), (path, rule_id)
                failed_pii_rules |= {rule_id} if rows else set()
            elif not item["success"]:
                kept |= stored & GX_VALUE_KEYS
    assert "eligibility-beneficiary_cin_eligibility_month-unique" in failed_pii_rules
    assert kept == GX_VALUE_KEYS


def test_no_planted_pii_outside_the_database(planted_run: PlantedRun) -> None:
    found = [
        f"{p.value!r} ({p.where}) in CLI output"
        for p in leaks(planted_run.built.first_run.output, planted_run.planted)
    ]
    files = written_files(planted_run)
    assert any(f.suffix == ".parquet" for f in files) and any(f.suffix == ".pdf" for f in files)
    for path in files:
        for text in texts_of(path):
            found += [
                f"{p.value!r} ({p.where}) in {path}" for p in leaks(text, planted_run.planted)
            ]
    assert found == [], "\n".join(sorted(set(found)))
