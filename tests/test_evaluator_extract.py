"""The evaluator extract (RPT-02) on hand-made public rows: the CMS monitoring-workbook layout,
labels, demonstration years from the policy parameters, one baseline per metric, suppression
kept, the data issues, and the three files (CSV, Excel, Parquet) read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from peerwh import evaluator_extract as ee
from peerwh import xlsx

ROOT = Path(__file__).resolve().parents[1]
CATALOG_SEED = ROOT / "dbt_project" / "seeds" / "waiver_metrics_catalog.csv"
PARAMETERS_SEED = ROOT / "dbt_project" / "seeds" / "policy_parameters.csv"
RULE_ID = re.compile(r"^(CERT|SUP|BILL|PI|RPT)-\d{2}$")


def _catalog() -> pd.DataFrame:
    return pd.read_csv(CATALOG_SEED, dtype=str, keep_default_na=False).replace({"": None})


def _parameters(base: int = 18, start: str = "2022-01-01") -> pd.DataFrame:
    frame = pd.read_csv(PARAMETERS_SEED, dtype=str, keep_default_na=False)
    frame = frame[["parameter_name", "value_numeric", "value_date"]].replace({"": None})
    frame.loc[frame["parameter_name"] == "demonstration_year_number_base", "value_numeric"] = base
    frame.loc[frame["parameter_name"] == "demonstration_year_number_base_start", "value_date"] = (
        start
    )
    return frame


def _row(metric: str, period_type: str, start: str, end: str, **values: object) -> dict:
    row: dict[str, object] = {
        "metric_id": metric,
        "period_type": period_type,
        "period_start": pd.Timestamp(start),
        "period_end": pd.Timestamp(end),
        "is_partial_period": False,
        "geography_level": "state",
        "geography_code": "06",
        "parent_geography_code": None,
        "stratum_name": "all",
        "stratum_value": "all",
        "numerator": None,
        "denominator": None,
        "rate": None,
        "baseline_period_start": None,
        "baseline_rate": None,
        "numerator_is_suppressed": False,
        "denominator_is_suppressed": False,
        "is_suppressed": False,
    }
    row.update(values)
    return row


SFY_23 = ("state_fiscal_year", "2022-07-01", "2023-06-30")
SFY_24 = ("state_fiscal_year", "2023-07-01", "2024-06-30")
Q1_24 = ("quarter", "2024-01-01", "2024-03-31")
M_2024_08 = ("month", "2024-08-01", "2024-08-31")


def _metrics() -> pd.DataFrame:
    rows = [
        _row("WF-01", *SFY_23, numerator=40, rate=40),
        _row("WF-01", *SFY_24, numerator=57, rate=57),
        _row("WF-01", *Q1_24, numerator=31, rate=31),
        _row("WF-01", *M_2024_08, numerator=29, rate=29, is_partial_period=True),
        _row("WF-01", *SFY_24, stratum_name="sex", stratum_value="female", numerator=30, rate=30),
        _row(
            "WF-01", *SFY_23, stratum_name="sex", stratum_value="female",
            numerator_is_suppressed=True, is_suppressed=True,
        ),
        _row("PI-01", *SFY_23, numerator=12, denominator=400, rate=3.0),
        _row("PI-01", *SFY_24, numerator=20, denominator=570, rate=3.5088),
        _row("IN-02", *SFY_23, numerator=15, rate=2510.5),
        _row("IN-02", *SFY_24, numerator_is_suppressed=True, is_suppressed=True),
        _row("UT-01", *SFY_24, stratum_name="modality", stratum_value="telephone", numerator=44,
             rate=44, geography_level="county", geography_code="06001"),
    ]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return ee.build(_metrics(), _catalog(), _parameters(), {"06001": "Alameda"})


def _one(table: pd.DataFrame, metric: str, period: str, stratum: str = "all") -> pd.Series:
    rows = table[
        (table["warehouse_metric_id"] == metric)
        & (table["reporting_period"] == period)
        & (table["stratum_value"] == stratum)
    ]
    assert len(rows) == 1, (metric, period, stratum)
    return rows.iloc[0]


def test_the_columns_are_the_documented_dictionary(table: pd.DataFrame) -> None:
    assert list(table.columns) == [name for name, _, _ in ee.DICTIONARY]
    doc = (ROOT / "docs" / "evaluator-extract.md").read_text(encoding="utf-8")
    assert ee.dictionary_markdown() in doc
    assert f"**{ee.SPEC_VERSION}**" in doc


def test_metric_ids_live_in_their_own_namespace() -> None:
    catalog = _catalog()
    assert (catalog["measure_id"] == "PSS-" + catalog["metric_id"]).all()
    assert catalog["measure_id"].is_unique
    assert not catalog["measure_id"].str.match(RULE_ID.pattern).any()
    # The collision the namespace removes: warehouse ids that read as rule ids.
    assert catalog["metric_id"].str.match(RULE_ID.pattern).any()


def test_metric_types_agree_with_units() -> None:
    catalog = _catalog()
    assert set(catalog["metric_type"]) == {"count", "rate", "percentage", "dollars"}
    for metric in catalog.itertuples():
        if metric.metric_type == "count":
            assert metric.unit == "count" and metric.denominator is None, metric.metric_id
        elif metric.metric_type == "percentage":
            assert metric.unit == "percent", metric.metric_id
        elif metric.metric_type == "dollars":
            assert metric.unit == "dollars", metric.metric_id
        else:
            assert metric.denominator is not None, metric.metric_id


def test_labels_periods_and_geographies(table: pd.DataFrame) -> None:
    assert set(table["reporting_period"]) == {"SFY 2022-23", "SFY 2023-24", "2024 Q1", "2024-08"}
    county = _one(table, "UT-01", "SFY 2023-24", "telephone")
    assert (county["geography_name"], county["subpopulation_type"], county["subpopulation"]) == (
        "Alameda",
        "Modality",
        "Telephone",
    )
    female = _one(table, "WF-01", "SFY 2023-24", "female")
    assert (female["subpopulation_type"], female["subpopulation"]) == ("Sex", "Female")
    assert _one(table, "WF-01", "SFY 2023-24")["geography_name"] == "California"
    assert _one(table, "WF-01", "SFY 2023-24")["metric_id"] == "PSS-WF-01"


def test_demonstration_years_are_numbered_from_the_parameters(table: pd.DataFrame) -> None:
    assert _one(table, "WF-01", "SFY 2022-23")["demonstration_year"] == "DY18-DY19"
    quarter = _one(table, "WF-01", "2024 Q1")
    assert (quarter["demonstration_year"], quarter["demonstration_quarter"]) == ("DY20", "DY20 Q1")
    month = _one(table, "WF-01", "2024-08")
    assert (month["demonstration_year"], month["demonstration_quarter"]) == ("DY20", "DY20 Q3")
    assert _one(table, "WF-01", "SFY 2023-24")["demonstration_quarter"] == ""
    # A state-fiscal-year demonstration calendar: DY1 from July 2023.
    other = ee.build(_metrics(), _catalog(), _parameters(1, "2023-07-01"))
    assert _one(other, "WF-01", "SFY 2023-24")["demonstration_year"] == "DY1"
    assert _one(other, "WF-01", "2024 Q1")["demonstration_quarter"] == "DY1 Q3"
    # Before the first demonstration year: no label.
    assert _one(other, "WF-01", "SFY 2022-23")["demonstration_year"] == ""


def test_values_follow_the_metric_type(table: pd.DataFrame) -> None:
    count = _one(table, "WF-01", "SFY 2023-24")
    assert (count["metric_type"], count["value"], count["numerator"]) == ("count", 57, 57)
    assert pd.isna(count["rate"]) and pd.isna(count["denominator"])
    rate = _one(table, "PI-01", "SFY 2023-24")
    assert (rate["metric_type"], rate["rate"], rate["value"]) == ("rate", 3.51, 3.51)
    assert (rate["numerator"], rate["denominator"]) == (20, 570)
    dollars = _one(table, "IN-02", "SFY 2022-23")
    assert (dollars["metric_type"], dollars["value"], dollars["numerator"]) == (
        "dollars",
        2510.5,
        15,
    )
    assert pd.isna(dollars["rate"])


def test_one_baseline_per_metric_whatever_the_period_type(table: pd.DataFrame) -> None:
    wf = table[(table["warehouse_metric_id"] == "WF-01") & (table["stratum_value"] == "all")]
    assert set(wf["baseline_value"]) == {40}
    assert wf["baseline_period"].str.startswith("SFY 2022-23").all()
    assert set(table.loc[table["warehouse_metric_id"] == "PI-01", "baseline_value"]) == {3.0}


def test_suppression_is_kept_and_never_filled_in(table: pd.DataFrame) -> None:
    hidden = _one(table, "IN-02", "SFY 2023-24")
    assert hidden["is_suppressed"] and pd.isna(hidden["value"]) and pd.isna(hidden["numerator"])
    female = _one(table, "WF-01", "SFY 2023-24", "female")
    # Its baseline row is suppressed: empty and flagged, not read from elsewhere.
    assert pd.isna(female["baseline_value"]) and female["baseline_is_suppressed"]
    assert female["value"] == 30


def test_data_issues_name_their_rows(table: pd.DataFrame) -> None:
    assert _one(table, "WF-01", "2024-08")["data_issue_ids"] == "DI-01"
    assert "DI-04" in _one(table, "UT-01", "SFY 2023-24", "telephone")["data_issue_ids"]
    assert "DI-04" not in _one(table, "WF-01", "SFY 2023-24", "female")["data_issue_ids"]
    # UT-01 by county has no published baseline row.
    assert "DI-03" in _one(table, "UT-01", "SFY 2023-24", "telephone")["data_issue_ids"]
    years = ee.DemonstrationYears.from_parameters(_parameters())
    issues = ee.issues_frame(table, years).set_index("issue_id")
    assert issues.loc["DI-01", "rows_affected"] == 1
    assert issues.loc["DI-04", "rows_affected"] == 1


def test_a_catalog_without_the_new_columns_is_a_one_line_error() -> None:
    with pytest.raises(ee.ExtractError, match="waiver_metrics_catalog lacks measure_id"):
        ee.build(_metrics(), _catalog().drop(columns=["measure_id"]), _parameters())
    parameters = _parameters()
    parameters = parameters[parameters["parameter_name"] != "demonstration_year_number_base"]
    with pytest.raises(ee.ExtractError, match="no demonstration_year_number_base"):
        ee.build(_metrics(), _catalog(), parameters)


@pytest.fixture(scope="module")
def result() -> ee.Extract:
    return ee.extract(_metrics(), _catalog(), _parameters(), "20260101T000000Z", "2026-01-01")


def test_csv_reads_back_with_the_suppressed_cells_empty(result: ee.Extract) -> None:
    rows = list(csv.DictReader(io.StringIO(ee.csv_bytes(result.table).decode("utf-8"))))
    assert list(rows[0]) == list(ee.COLUMNS)
    hidden = [
        r for r in rows if r["warehouse_metric_id"] == "IN-02" and r["is_suppressed"] == "True"
    ]
    assert hidden and all(r["value"] == "" and r["numerator"] == "" for r in hidden)
    assert {r["period_start"] for r in rows} >= {"2023-07-01", "2024-01-01"}
    dictionary = ee.dictionary_csv_bytes().decode("utf-8")
    assert dictionary.startswith(
        f"# peer_support_waiver_metrics data dictionary, spec version {ee.SPEC_VERSION}"
    )
    assert result.stem == f"peer_support_waiver_metrics_v{ee.SPEC_VERSION}_20260101T000000Z"


def test_excel_sheets_have_frozen_filtered_headers_and_typed_cells(result: ee.Extract) -> None:
    book = openpyxl.load_workbook(io.BytesIO(ee.xlsx_bytes(result)))
    assert book.sheetnames == ["data", "metrics", "data_issues", "data_dictionary", "about"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    data = book["data"]
    header = [c.value for c in data[1]]
    assert header == list(ee.COLUMNS)
    assert data.auto_filter.ref == f"A1:AD{len(result.table) + 1}"
    first = {name: cell for name, cell in zip(header, data[2], strict=True)}
    assert first["period_start"].is_date and first["period_start"].number_format == "yyyy-mm-dd"
    assert isinstance(first["period_start"].value, dt.datetime)
    assert first["is_suppressed"].value is False
    numbers = [
        c for c in data.iter_rows(min_row=2) for c in c if c.column == 20 and c.value is not None
    ]
    assert numbers and all(c.number_format == "#,##0" for c in numbers)
    about = dict(book["about"].iter_rows(min_row=2, values_only=True))
    assert about["spec version"] == ee.SPEC_VERSION
    assert about["snapshot build"] == "20260101T000000Z"
    # The end of the latest complete period: the partial month is left out.
    assert about["data complete through"] == "2024-06-30"
    issues = list(book["data_issues"].iter_rows(min_row=2, values_only=True))
    assert [i[0] for i in issues] == ["DI-01", "DI-02", "DI-03", "DI-04"]


def test_parquet_documents_itself(result: ee.Extract) -> None:
    table = pq.read_table(io.BytesIO(ee.parquet_bytes(result)))
    meta = table.schema.metadata
    assert meta[b"peerwh.extract.spec_version"].decode() == ee.SPEC_VERSION
    dictionary = json.loads(meta[b"peerwh.extract.data_dictionary"])
    assert [d["column"] for d in dictionary] == list(ee.COLUMNS)
    assert json.loads(meta[b"peerwh.extract.about"])["spec version"] == ee.SPEC_VERSION
    assert table.num_rows == len(result.table)
    frame = table.to_pandas()
    assert frame.loc[frame["is_suppressed"], "value"].isna().all()


def test_the_xlsx_writer_escapes_text_and_writes_empty_cells() -> None:
    frame = pd.DataFrame(
        {"text": ["a < b & c", None], "n": [1234, None], "d": [dt.date(2024, 6, 30), None]}
    )
    sheet = xlsx.Sheet("t", frame, {"n": "integer", "d": "date"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.workbook_bytes([sheet])))
    rows = list(book["t"].iter_rows(values_only=True))
    # The empty row has no cells at all (nothing to read back).
    assert rows == [("text", "n", "d"), ("a < b & c", 1234, dt.datetime(2024, 6, 30))]
