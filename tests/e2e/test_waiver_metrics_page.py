"""The Waiver metrics page, end to end: table and chart against the snapshot, the pickers, the
three downloads, and an evaluator's view.

Expected numbers come from DuckDB reading `rpt_waiver_metrics.parquet` directly. The table is
public and already suppressed: the page and every download must keep suppressed cells empty,
flagged and footnoted.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from playwright.sync_api import Page, expect

from peerwh import evaluator_extract
from tests.e2e.conftest import EVALUATOR_USER, sign_in, snapshot_table
from tests.e2e.helpers import (
    chart_traces,
    choose,
    iso_days,
    no_exception,
    screenshot,
    sql,
    table_rows,
    wait_for_charts,
)

SUPPRESSED = "Suppressed"
FOOTNOTE_START = "Suppressed: counts from 1 to 10 are not shown"


@pytest.fixture(scope="module")
def parquet(e2e_warehouse: Path) -> dict[str, Path]:
    return {
        name: snapshot_table(e2e_warehouse, name)
        for name in ("rpt_waiver_metrics", "waiver_metrics_catalog")
    }


def _selection(metric: str, period: str, level: str, code: str, stratum: str) -> str:
    return (
        f"metric_id = '{metric}' AND period_type = '{period}' AND geography_level = '{level}' "
        f"AND geography_code = '{code}' AND stratum_name = '{stratum}'"
    )


def _suppressed_stratum(parquet: dict[str, Path]) -> str:
    """A stratum of statewide WF-01 by state fiscal year with a suppressed cell (RPT-03)."""
    rows = sql(
        parquet,
        """
        SELECT stratum_name FROM rpt_waiver_metrics
        WHERE metric_id = 'WF-01' AND period_type = 'state_fiscal_year'
            AND geography_level = 'state' AND stratum_name <> 'all'
        GROUP BY stratum_name HAVING bool_or(is_suppressed) ORDER BY stratum_name LIMIT 1
        """,
    )
    assert rows, "fixture needs a suppressed cell in a WF-01 stratum"
    return str(rows[0][0])


def _rows(parquet: dict[str, Path], where: str) -> list[tuple[Any, ...]]:
    """period_start, period_end, stratum_value, numerator, denominator, rate, baseline_rate,
    numerator/denominator/row suppressed flags, is_partial_period; by period and stratum."""
    return sql(
        parquet,
        f"""
        SELECT strftime(period_start, '%Y-%m-%d'), strftime(period_end, '%Y-%m-%d'),
            stratum_value, numerator, denominator, rate, baseline_rate,
            numerator_is_suppressed, denominator_is_suppressed, is_suppressed, is_partial_period
        FROM rpt_waiver_metrics WHERE {where}
        ORDER BY period_start, stratum_value
        """,
    )


def _number(value: Decimal | int | None, hidden: bool, rate: bool = False) -> str:
    if hidden:
        return SUPPRESSED
    if value is None:
        return "–"
    if not rate:
        return f"{int(value):,}"
    return f"{Decimal(value):,.4f}".rstrip("0").rstrip(".")


def _expected_table(rows: list[tuple[Any, ...]]) -> list[list[str]]:
    table = []
    for start, end, stratum, num, den, rate, baseline, *flags, partial in rows:
        num_hidden, den_hidden, hidden = flags
        table.append(
            [
                f"{start} to {end}",
                stratum,
                _number(num, num_hidden),
                _number(den, den_hidden),
                _number(rate, hidden, rate=True),
                _number(baseline, False, rate=True),
                "yes" if partial else "",
            ]
        )
    return table


def _expected_rates(rows: list[tuple[Any, ...]]) -> dict[str, list[float | None]]:
    """{stratum value: rates by period}; NULL (suppressed) as None."""
    rates: dict[str, list[float | None]] = {}
    for row in rows:
        rates.setdefault(row[2], []).append(None if row[5] is None else float(row[5]))
    return rates


def _chart_rates(page: Page) -> dict[str, list[float | None]]:
    return {
        ("all" if name == "Rate" else name): [
            None if v is None or v != v else round(float(v), 4) for v in trace["y"]
        ]
        for name, trace in chart_traces(page).items()
        if not name.endswith("baseline")
    }


def _eventually(read: Callable[[], object], expected: object, timeout_s: float = 20.0) -> None:
    deadline = time.perf_counter() + timeout_s
    while read() != expected and time.perf_counter() < deadline:
        time.sleep(0.2)
    assert read() == expected


def _download(page: Page, button: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    download = info.value
    target = folder / download.suggested_filename
    download.save_as(target)
    return target


def test_waiver_page_matches_snapshot_and_the_pickers_change_it(
    page: Page, streamlit_url: str, parquet: dict[str, Path], tmp_path: Path
) -> None:
    default = _rows(parquet, _selection("WF-01", "state_fiscal_year", "state", "06", "all"))
    assert default, "fixture needs statewide WF-01 rows"

    started = time.perf_counter()
    page.goto(f"{streamlit_url}/waiver_metrics")
    wait_for_charts(page)
    print(f"\n[e2e] waiver metrics load -> chart drawn {time.perf_counter() - started:.2f}s")

    expect(page.get_by_role("heading", name="Waiver metrics")).to_be_visible()
    expect(page.get_by_role("combobox", name="Metric")).to_have_value(
        "WF-01 · Active certified peers"
    )
    definition = sql(
        parquet, "SELECT definition FROM waiver_metrics_catalog WHERE metric_id = 'WF-01'"
    )[0][0]
    expect(page.get_by_text(definition)).to_be_visible()
    assert table_rows(page.get_by_test_id("stTable")) == _expected_table(default)
    assert _chart_rates(page) == _expected_rates(default)
    # The baseline is drawn where one is published (the disclosure control may suppress every
    # period's rate, its baseline with it).
    if any(r[6] is not None for r in default):
        baseline = chart_traces(page)["Rate baseline"]
        assert [None if v is None or v != v else round(float(v), 4) for v in baseline["y"]] == [
            None if r[6] is None else float(r[6]) for r in default
        ]
        assert iso_days(baseline["x"]) == [r[0] for r in default]
    else:
        assert "Rate baseline" not in chart_traces(page)
    no_exception(page)

    # A stratum: several lines, some cells suppressed (RPT-03) and shown as such.
    stratum = _suppressed_stratum(parquet)
    by_stratum = _rows(parquet, _selection("WF-01", "state_fiscal_year", "state", "06", stratum))
    started = time.perf_counter()
    choose(page, "Stratum", stratum)
    _eventually(lambda: table_rows(page.get_by_test_id("stTable")), _expected_table(by_stratum))
    print(f"[e2e] waiver stratum change -> table updated {time.perf_counter() - started:.2f}s")
    _eventually(lambda: _chart_rates(page), _expected_rates(by_stratum))
    expect(page.get_by_text(FOOTNOTE_START).first).to_be_visible()
    screenshot(page, tmp_path / "waiver_metrics.png")

    # Another metric: its own rows.
    choose(page, "Metric", "PI-01 · Complaints per 100 active peers")
    expect(page.get_by_role("combobox", name="Stratum")).to_have_value("all")
    pi = _rows(parquet, _selection("PI-01", "state_fiscal_year", "state", "06", "all"))
    _eventually(lambda: table_rows(page.get_by_test_id("stTable")), _expected_table(pi))
    no_exception(page)


def _expected_frame(parquet: dict[str, Path], where: str) -> pd.DataFrame:
    rows = sql(
        parquet,
        f"""
        SELECT metric_id, period_type, strftime(period_start, '%Y-%m-%d') AS period_start,
            geography_level, geography_code, stratum_name, stratum_value, numerator,
            denominator, rate, baseline_rate, is_suppressed
        FROM rpt_waiver_metrics WHERE {where} ORDER BY period_start, stratum_value
        """,
    )
    columns = [
        "metric_id", "period_type", "period_start", "geography_level", "geography_code",
        "stratum_name", "stratum_value", "numerator", "denominator", "rate", "baseline_rate",
        "is_suppressed",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _check_download(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same rows; suppressed counts empty and noted, the others equal to the snapshot."""
    assert len(got) == len(expected) > 0
    for column in ("metric_id", "period_type", "geography_level", "geography_code",
                   "stratum_name", "stratum_value"):  # fmt: skip
        assert got[column].astype(str).tolist() == expected[column].astype(str).tolist(), column
    assert [str(v)[:10] for v in got["period_start"]] == expected["period_start"].tolist()
    assert got["is_suppressed"].astype(bool).tolist() == expected["is_suppressed"].tolist()
    for column in ("numerator", "denominator", "rate"):
        values = [None if pd.isna(v) or v == "" else float(v) for v in got[column]]
        assert values == [None if pd.isna(v) else float(v) for v in expected[column]], column
    notes = got["suppression_note"].fillna("").astype(str)
    hidden = expected["is_suppressed"]
    assert all(n.startswith(FOOTNOTE_START) for n in notes[hidden.to_numpy()])
    assert (notes[~hidden.to_numpy()] == "").all()


def test_waiver_downloads_hold_the_filtered_rows_suppressed_and_marked(
    page: Page, signin_url: str, parquet: dict[str, Path], tmp_path: Path
) -> None:
    """As an evaluator: the same public table, downloaded in each format."""
    sign_in(page, f"{signin_url}/waiver_metrics", EVALUATOR_USER)
    wait_for_charts(page)
    stratum = _suppressed_stratum(parquet)
    choose(page, "Stratum", stratum)
    where = _selection("WF-01", "state_fiscal_year", "state", "06", stratum)
    expected = _expected_frame(parquet, where)
    assert expected["is_suppressed"].any()
    _eventually(
        lambda: table_rows(page.get_by_test_id("stTable")), _expected_table(_rows(parquet, where))
    )

    csv = _download(page, "Download CSV", tmp_path)
    assert csv.name == f"waiver_metrics_WF-01_state_fiscal_year_state_06_{stratum}.csv"
    _check_download(pd.read_csv(csv, dtype={"geography_code": str}), expected)

    xlsx = _download(page, "Download Excel", tmp_path)
    book = openpyxl.load_workbook(xlsx)
    data = list(book["data"].iter_rows(values_only=True))
    _check_download(pd.DataFrame(data[1:], columns=data[0]), expected)
    notes = dict(book["notes"].iter_rows(min_row=2, values_only=True))
    assert str(notes["Suppression"]).startswith(FOOTNOTE_START)
    assert notes["Metric"] == "WF-01 Active certified peers"

    table = pq.read_table(io.BytesIO(_download(page, "Download Parquet", tmp_path).read_bytes()))
    assert table.schema.metadata[b"suppression_footnote"].decode().startswith(FOOTNOTE_START)
    _check_download(table.to_pandas(), expected)
    no_exception(page)


def _options(page: Page, label: str) -> list[str]:
    """The options the selectbox labelled `label` offers (opened, read, closed)."""
    page.get_by_role("combobox", name=label).click()
    options = page.get_by_role("option")
    options.first.wait_for(state="visible")
    texts = options.all_inner_texts()
    page.keyboard.press("Escape")
    return texts


def test_waiver_pickers_offer_only_the_published_grid(
    page: Page, signin_url: str, parquet: dict[str, Path]
) -> None:
    """As an evaluator: months statewide only; a region without months; a county only with the
    `all` stratum (rpt_waiver_metrics' grid)."""
    sign_in(page, f"{signin_url}/waiver_metrics", EVALUATOR_USER)
    wait_for_charts(page)
    levels_by_type = dict(
        sql(
            parquet,
            """
            SELECT period_type, list(DISTINCT geography_level ORDER BY geography_level)
            FROM rpt_waiver_metrics WHERE metric_id = 'WF-01' GROUP BY period_type
            """,
        )
    )
    assert levels_by_type["month"] == ["state"]

    choose(page, "Period type", "Month")
    expect(page.get_by_role("combobox", name="Geography level")).to_have_value("State")
    assert _options(page, "Geography level") == ["State"]
    assert _options(page, "Stratum") == ["all"]

    choose(page, "Period type", "Quarter")
    assert _options(page, "Geography level") == ["State", "Region", "County"]
    choose(page, "Geography level", "Region")
    assert "peer_age_group" in _options(page, "Stratum")
    choose(page, "Geography level", "County")
    expect(page.get_by_role("combobox", name="Stratum")).to_have_value("all")
    # The stratum picker reads "all" before the rerun too: wait until its options are the county's.
    deadline = time.monotonic() + 20
    while _options(page, "Stratum") != ["all"] and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert _options(page, "Stratum") == ["all"]
    no_exception(page)


def test_the_whole_table_downloads_in_one_click(
    page: Page, signin_url: str, parquet: dict[str, Path], tmp_path: Path
) -> None:
    """As an evaluator: every published row in the CMS monitoring-workbook layout, one click per
    format, with the data dictionary and the spec version (docs/evaluator-extract.md)."""
    sign_in(page, f"{signin_url}/waiver_metrics", EVALUATOR_USER)
    wait_for_charts(page)
    expect(page.get_by_role("heading", name="All metrics: evaluator extract")).to_be_visible()
    published = sql(
        parquet,
        "SELECT count(*), count(DISTINCT metric_id), sum(numerator), count(*) FILTER "
        "(WHERE is_suppressed) FROM rpt_waiver_metrics",
    )[0]
    rows, metrics, numerators, suppressed = published

    csv = _download(page, "All metrics (CSV)", tmp_path)
    assert csv.name.startswith(f"peer_support_waiver_metrics_v{evaluator_extract.SPEC_VERSION}_")
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(evaluator_extract.COLUMNS)
    assert len(frame) == rows
    assert frame["warehouse_metric_id"].nunique() == metrics
    assert frame["metric_id"].str.startswith("PSS-").all()
    assert pd.to_numeric(frame["numerator"]).sum() == numerators
    hidden = frame[frame["is_suppressed"] == "True"]
    assert len(hidden) == suppressed > 0
    assert (hidden["value"] == "").all()
    assert set(frame["metric_type"]) <= {"count", "rate", "percentage", "dollars"}
    assert frame["demonstration_year"].str.match(r"^(DY\d+(-DY\d+)?)?$").all()

    book = openpyxl.load_workbook(_download(page, "All metrics (Excel)", tmp_path), read_only=True)
    assert book.sheetnames == ["data", "metrics", "data_issues", "data_dictionary", "about"]
    about = dict(book["about"].iter_rows(min_row=2, values_only=True))
    assert about["spec version"] == evaluator_extract.SPEC_VERSION
    header = next(book["data"].iter_rows(max_row=1, values_only=True))
    assert list(header) == list(evaluator_extract.COLUMNS)

    table = pq.read_table(_download(page, "All metrics (Parquet)", tmp_path))
    assert table.num_rows == rows
    assert table.schema.metadata[b"peerwh.extract.spec_version"].decode() == (
        evaluator_extract.SPEC_VERSION
    )
    dictionary = _download(page, "Data dictionary (CSV)", tmp_path).read_text(encoding="utf-8")
    assert f"spec version {evaluator_extract.SPEC_VERSION}" in dictionary.splitlines()[0]
    no_exception(page)
