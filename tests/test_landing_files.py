"""Reading delivered files: what loads, what is rejected whole, and re-deliveries."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from peerwh.config import FEEDS
from peerwh.contracts import load_contract
from peerwh.ingest import FeedReport, ingest_feed, ingest_file
from peerwh.ingest.files import discover, unknown_folders
from peerwh.ingest.store import ensure_tables
from peerwh.ingest.validation import BatchValidator

FEED = "suspended_ineligible"
NOW = dt.datetime(2026, 11, 1, 12, 0)
ROWS = pd.DataFrame(
    {
        "npi": ["1234567893", None, "1234567893"],
        "provider_name": ["Clinic A", "Clinic B", "Clinic C"],
        "license_number": [None, "L-1", None],
        "certification_number": ["CPSS000001", None, None],
        "suspension_effective_date": ["2023-01-01", "2023-06-01", "2024-02-29"],
        "suspension_end_date": [None, "2024-01-01", None],
        "recorded_at": ["2024-01-01T00:00:00"] * 3,
    }
)


@pytest.fixture(scope="module")
def validator(tmp_path_factory: pytest.TempPathFactory) -> BatchValidator:
    return BatchValidator(tmp_path_factory.mktemp("gx"))


def land(landing: Path, name: str, content: bytes) -> Path:
    folder = landing / FEED
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def ingest(
    landing: Path, validator: BatchValidator
) -> tuple[FeedReport, duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(landing.parent / "warehouse.duckdb"))
    return ingest_feed(con, load_contract(FEED), landing, validator, now=NOW), con


def test_csv_with_bom_and_loose_header_case_loads(
    tmp_path: Path, validator: BatchValidator
) -> None:
    frame = ROWS.rename(columns=lambda c: f" {c.upper()} ")
    land(
        tmp_path / "landing", f"{FEED}_20261001.csv", frame.to_csv(index=False).encode("utf-8-sig")
    )
    report, con = ingest(tmp_path / "landing", validator)
    assert [(f.status, f.rows_loaded) for f in report.files] == [("loaded", 3)]
    names = con.execute(f"select provider_name from raw.{FEED} order by 1").fetchall()
    assert names == [("Clinic A",), ("Clinic B",), ("Clinic C",)]


def test_parquet_loads_like_csv(tmp_path: Path, validator: BatchValidator) -> None:
    path = tmp_path / "landing" / FEED / f"{FEED}_20261001.parquet"
    path.parent.mkdir(parents=True)
    ROWS.to_parquet(path)
    report, _con = ingest(tmp_path / "landing", validator)
    assert [(f.status, f.rows_loaded, f.rows_quarantined) for f in report.files] == [
        ("loaded", 3, 0)
    ]


def test_extra_columns_are_kept_and_reported(tmp_path: Path, validator: BatchValidator) -> None:
    frame = ROWS.assign(source_system="MEDS")
    land(tmp_path / "landing", f"{FEED}_20261001.csv", frame.to_csv(index=False).encode())
    report, con = ingest(tmp_path / "landing", validator)
    assert report.files[0].status == "loaded"
    assert any("unknown column(s) source_system" in m for m in report.files[0].messages)
    extras = con.execute(f"select distinct _extra_columns from raw.{FEED}").fetchall()
    assert extras == [('{"source_system":"MEDS"}',)]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"npi,provider_name,suspension_effective_date,recorded_at\n", "no rows"),
        (b"npi,recorded_at\n1234567893,2024-01-01\n", "required column(s) missing"),
        ("npi,provider_name\n".encode("utf-16"), "must be UTF-8"),
        (b"npi,provider_name\n\xff\xfe\xfa,x\n", "invalid UTF8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    ],
)
def test_unreadable_files_are_rejected_whole_with_one_line(
    tmp_path: Path, validator: BatchValidator, content: bytes, reason: str
) -> None:
    land(tmp_path / "landing", f"{FEED}_20261001.csv", content)
    land(tmp_path / "landing", f"{FEED}_20261002.csv", ROWS.to_csv(index=False).encode())
    report, con = ingest(tmp_path / "landing", validator)
    bad, good = report.files
    assert bad.status == "rejected" and len(bad.messages) == 1
    assert f"{FEED}_20261001.csv" in bad.messages[0] and reason in bad.messages[0]
    assert good.status == "loaded" and good.rows_loaded == 3
    status = con.execute("select status from audit.ingest_files order by file_name").fetchall()
    assert status == [("rejected",), ("loaded",)]


def test_a_rerun_on_the_same_file_is_a_silent_no_op(
    tmp_path: Path, validator: BatchValidator
) -> None:
    land(tmp_path / "landing", f"{FEED}_20261001.csv", ROWS.to_csv(index=False).encode())
    ingest(tmp_path / "landing", validator)[1].close()
    report, con = ingest(tmp_path / "landing", validator)
    assert [(f.status, f.messages) for f in report.files] == [("skipped", [])]
    assert report.new_files == []
    assert con.execute("select count(*) from audit.ingest_files").fetchall() == [(1,)]
    assert con.execute(f"select count(*) from raw.{FEED}").fetchall() == [(3,)]


def test_the_same_content_under_a_new_name_is_recorded_as_a_duplicate_once(
    tmp_path: Path, validator: BatchValidator
) -> None:
    content = ROWS.to_csv(index=False).encode()
    land(tmp_path / "landing", f"{FEED}_20261001.csv", content)
    ingest(tmp_path / "landing", validator)[1].close()
    land(tmp_path / "landing", f"{FEED}_20261002.csv", content)
    land(tmp_path / "landing", f"{FEED}_20261003.csv", content)
    report, con = ingest(tmp_path / "landing", validator)
    assert [f.status for f in report.files] == ["skipped", "duplicate", "duplicate"]
    [message] = report.files[1].messages
    assert f"{FEED}_20261002.csv: duplicate" in message and f"{FEED}_20261001.csv" in message
    recorded = con.execute(
        "select file_name, status, duplicate_of, rows_received, rows_loaded, rows_quarantined"
        " from audit.ingest_files order by file_name"
    ).fetchall()
    first = f"{FEED}_20261001.csv"
    assert recorded == [
        (first, "loaded", None, 3, 3, 0),
        (f"{FEED}_20261002.csv", "duplicate", first, 0, 0, 0),
        (f"{FEED}_20261003.csv", "duplicate", first, 0, 0, 0),
    ]
    assert con.execute(f"select count(*) from raw.{FEED}").fetchall() == [(3,)]
    con.close()

    # Recorded once: the next run skips all three in silence.
    report, con = ingest(tmp_path / "landing", validator)
    assert [f.status for f in report.files] == ["skipped"] * 3 and report.new_files == []
    assert con.execute("select count(*) from audit.ingest_files").fetchall() == [(3,)]


def test_a_duplicate_in_the_same_run_is_recorded_too(
    tmp_path: Path, validator: BatchValidator
) -> None:
    content = ROWS.to_csv(index=False).encode()
    land(tmp_path / "landing", f"{FEED}_20261001.csv", content)
    land(tmp_path / "landing", f"{FEED}_20261002.csv", content)
    report, con = ingest(tmp_path / "landing", validator)
    assert [f.status for f in report.files] == ["loaded", "duplicate"]
    assert con.execute(f"select count(*) from raw.{FEED}").fetchall() == [(3,)]
    # The earlier batch keeps its checks and rows; the duplicate has a batch id of its own, so
    # rows counted by batch id agree with each file's record.
    checks = con.execute("select distinct file_name from audit.check_results").fetchall()
    assert checks == [(f"{FEED}_20261001.csv",)]
    counted = con.execute(
        f"select f.status, f.rows_loaded, count(r._batch_id) from audit.ingest_files f"
        f" left join raw.{FEED} r on r._batch_id = f.batch_id group by all order by 1"
    ).fetchall()
    assert counted == [("duplicate", 0, 0), ("loaded", 3, 3)]


def test_badly_named_files_are_reported_and_skipped(
    tmp_path: Path, validator: BatchValidator
) -> None:
    land(tmp_path / "landing", "si_list_final.csv", ROWS.to_csv(index=False).encode())
    report, _ = ingest(tmp_path / "landing", validator)
    assert report.files == []
    assert len(report.problems) == 1 and "si_list_final.csv" in report.problems[0]


def test_landing_files_are_never_changed(tmp_path: Path, validator: BatchValidator) -> None:
    path = land(tmp_path / "landing", f"{FEED}_20261001.csv", ROWS.to_csv(index=False).encode())
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    ingest(tmp_path / "landing", validator)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_a_ragged_row_is_named_not_quoted(tmp_path: Path, validator: BatchValidator) -> None:
    # Arrow's own message would end with the row; a row may hold PII.
    content = ROWS.to_csv(index=False) + "1234567893,Jane Roe,,,2023-01-01,,2024-01-01,extra\n"
    land(tmp_path / "landing", f"{FEED}_20261001.csv", content.encode())
    report, _con = ingest(tmp_path / "landing", validator)
    [message] = report.files[0].messages
    assert "rejected: row 4 (line 5) has 8 fields where the header has 7" in message
    assert "Jane Roe" not in message


# Values that must never reach a message: a name, a CIN, a date of birth.
PII = ("Xanthe Quillfeather", "91234567A", "1951-03-09")
HEADER = ",".join(ROWS.columns)
PII_LINE = f"1234567893,{PII[0]},{PII[1]},,{PII[2]},,2024-01-01"


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (f"{HEADER}\n{PII_LINE},extra\n", "row 1 (line 2) has 8 fields where the header has 7: "
         "field 8 has no column in the header"),
        (f"{HEADER}\n1234567893,x,,,2023-01-01,,2024-01-01\n{PII_LINE[:40]}\n",
         "row 2 (line 3) has 3 fields where the header has 7: column certification_number and "
         "after missing"),
        # An unterminated quote runs to the end of the file: one row of 2 fields.
        (f'{HEADER}\n1234567893,"{PII[0]},{PII[1]},{PII[2]}\n\n{PII_LINE}\n',
         "row 1 (line 2) has 2 fields where the header has 7: column license_number and after "
         "missing"),
        # Blank lines are skipped, by Arrow and in the numbering alike.
        (f"{HEADER}\n\n1234567893,x,,,2023-01-01,,2024-01-01\n\n{PII_LINE},,\n",
         "row 2 (line 5) has 9 fields where the header has 7"),
    ],
)  # fmt: skip
def test_a_malformed_line_is_named_by_file_line_column_and_rule_never_quoted(
    tmp_path: Path, validator: BatchValidator, content: str, where: str
) -> None:
    land(tmp_path / "landing", f"{FEED}_20261001.csv", content.encode())
    report, con = ingest(tmp_path / "landing", validator)
    [message] = report.files[0].messages
    assert message.startswith(f"{tmp_path / 'landing' / FEED / f'{FEED}_20261001.csv'}: rejected")
    assert where in message and f"[{FEED}-file-readable]" in message
    assert_no_pii([message], con)


def assert_no_pii(messages: list[str], con: duckdb.DuckDBPyConnection) -> None:
    """No planted value in the messages nor in any audit table but the quarantine's raw row."""
    texts = list(messages)
    for table in ("ingest_files", "check_results", "row_warnings"):
        texts += [str(row) for row in con.execute(f"select * from audit.{table}").fetchall()]
    texts += [str(row) for row in con.execute("select message from audit.quarantine").fetchall()]
    assert [(value, text) for text in texts for value in PII if value in text] == []


def test_no_reader_error_quotes_a_row(tmp_path: Path, validator: BatchValidator) -> None:
    landing = tmp_path / "landing"
    # A file outside the landing, linked into it: refused, not read (nor quoted).
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(f"{HEADER}\n{PII_LINE}\n")
    (landing / FEED).mkdir(parents=True)
    (landing / FEED / f"{FEED}_20261001.csv").symlink_to(outside)
    land(landing, f"{FEED}_20261002.csv", f"{PII_LINE}\n{PII_LINE}\n".encode())  # no header
    land(landing, f"{FEED}_20261003.parquet", f"{HEADER}\n{PII_LINE}\n".encode())
    land(landing, f"{FEED}_20261004.csv", f"{HEADER}\n{PII_LINE}\n".encode("utf-16"))
    land(landing, f"{FEED}_20261005.csv", f"{HEADER}\n{PII_LINE}\n".encode() + b"\xff\n")
    # Inside the landing, a link to another landed file is read like the file.
    (landing / FEED / f"{FEED}_20261006.csv").symlink_to(landing / FEED / f"{FEED}_20261002.csv")

    report, con = ingest(landing, validator)

    [refused] = report.problems
    assert f"{FEED}_20261001.csv: a link to a file outside the landing directory" in refused
    assert [f.status for f in report.files] == ["rejected"] * 4 + ["duplicate"]
    assert con.execute(f"select count(*) from raw.{FEED}").fetchall() == [(0,)]
    messages = [refused, *(m for f in report.files for m in f.messages)]
    assert_no_pii(messages, con)


def test_a_file_that_changes_while_read_is_left_for_the_next_run(
    tmp_path: Path, validator: BatchValidator
) -> None:
    """The hash recorded is that of the bytes loaded: a file that grew after it was found (and
    hashed) is not loaded and not recorded, so the next run reads it whole."""
    path = land(
        tmp_path / "landing", f"{FEED}_20261001.csv", ROWS.head(2).to_csv(index=False).encode()
    )
    [landed], _ = discover(tmp_path / "landing", FEED)
    path.write_bytes(ROWS.to_csv(index=False).encode())  # the rest of the rows arrive
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    ensure_tables(con, load_contract(FEED))
    report = ingest_file(con, validator, load_contract(FEED), landed, NOW)
    assert report.status == "deferred" and "changed while being read" in report.messages[0]
    assert con.execute("select count(*) from audit.ingest_files").fetchall() == [(0,)]
    con.close()

    report, con = ingest(tmp_path / "landing", validator)
    assert [(f.status, f.rows_loaded) for f in report.files] == [("loaded", 3)]
    [(sha256,)] = con.execute("select sha256 from audit.ingest_files").fetchall()
    assert sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_temporary_names_are_not_read_and_unknown_folders_are_reported(
    tmp_path: Path, validator: BatchValidator
) -> None:
    landing = tmp_path / "landing"
    for name in (
        f".{FEED}_20261001.csv",
        f"{FEED}_20261002.csv.partial",
        f"{FEED}_20261003.csv.tmp",
    ):
        land(landing, name, ROWS.to_csv(index=False).encode())
    (landing / "claims_v2").mkdir()
    (landing / "Claims").mkdir()
    (landing / "answer_key.csv").write_text("a file, not a folder\n")
    report, _ = ingest(landing, validator)
    assert report.files == [] and report.problems == []
    assert unknown_folders(landing, FEEDS) == [
        f"{landing / name}: not a feed folder (feeds: {', '.join(FEEDS)}); its files are not read"
        for name in ("Claims", "claims_v2")
    ]
