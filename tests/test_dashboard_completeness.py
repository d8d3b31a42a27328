"""Completeness on the dashboards (issue 16): incomplete periods shaded on time-series charts,
the latest complete period preselected, and every page's data-as-of and build id."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from peerwh.dashboards import shared_queries
from peerwh.dashboards.access import Role, Scope
from peerwh.dashboards.app_pages.utilization.figures import utilization_trend_figure
from peerwh.dashboards.app_pages.waiver_metrics.figures import waiver_metric_figure
from peerwh.dashboards.shared_figures import (
    CLAIMS_RUN_OUT_LABEL,
    incomplete_periods,
    shade_incomplete,
)
from peerwh.dashboards.snapshot import SnapshotReader
from peerwh.dashboards.ui import provenance_lines

MONTHS = pd.to_datetime(["2026-04-01", "2026-05-01", "2026-06-01", "2026-07-01", "2026-08-01"])


def _services(months: pd.DatetimeIndex) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": months,
            "services": [2100, 2080, 2050, 1200, 570][: len(months)],
            "beneficiaries_served": [900, 890, 880, 600, 300][: len(months)],
        }
    )


def test_months_ending_after_complete_through_are_incomplete() -> None:
    assert incomplete_periods(MONTHS, date(2026, 6, 30)) == list(MONTHS[3:])
    assert incomplete_periods(MONTHS, date(2026, 8, 31)) == []
    assert incomplete_periods(MONTHS, None) == []


def test_a_quarter_reaching_past_complete_through_is_incomplete() -> None:
    starts = pd.to_datetime(["2026-01-01", "2026-04-01"])
    ends = pd.to_datetime(["2026-03-31", "2026-06-30"])

    assert incomplete_periods(starts, date(2026, 5, 31), ends) == [starts[1]]
    assert incomplete_periods(starts, date(2026, 6, 30), ends) == []


def test_shading_covers_the_first_incomplete_month_to_the_last_with_its_label() -> None:
    fig = utilization_trend_figure(_services(MONTHS), complete_through=date(2026, 6, 30))

    (band,) = fig.layout.shapes
    assert pd.Timestamp(band.x0) < pd.Timestamp("2026-07-01") < pd.Timestamp(band.x1)
    assert pd.Timestamp("2026-06-01") < pd.Timestamp(band.x0)
    assert pd.Timestamp(band.x1) > pd.Timestamp("2026-08-01")
    assert [a.text for a in fig.layout.annotations] == [CLAIMS_RUN_OUT_LABEL]


def test_no_shading_when_every_month_is_complete_or_completeness_is_unknown() -> None:
    complete = utilization_trend_figure(_services(MONTHS), complete_through=date(2026, 8, 31))
    unknown = utilization_trend_figure(_services(MONTHS))

    assert not complete.layout.shapes and not unknown.layout.shapes
    assert not shade_incomplete(unknown, MONTHS, None)


def test_waiver_figure_shades_quarters_after_complete_through() -> None:
    starts = pd.to_datetime(["2026-01-01", "2026-04-01", "2026-07-01"])
    rows = pd.DataFrame(
        {
            "period_start": starts,
            "period_end": starts + pd.offsets.QuarterEnd(0),
            "stratum_value": "all",
            "rate": [30.0, 31.0, 12.0],
            "baseline_rate": [None, None, None],
            "is_suppressed": False,
        }
    )

    fig = waiver_metric_figure(rows, "UT-01", "per 1,000 members", date(2026, 6, 30))

    (band,) = fig.layout.shapes
    assert pd.Timestamp("2026-04-01") < pd.Timestamp(band.x0) < pd.Timestamp("2026-07-01")
    assert CLAIMS_RUN_OUT_LABEL in [a.text for a in fig.layout.annotations]


def test_provenance_names_data_as_of_claims_completeness_and_build() -> None:
    known = shared_queries.Completeness(
        date(2026, 10, 5), {"claims": date(2026, 6, 30), "employment": date(2026, 9, 30)}
    )

    lines = provenance_lines("20261006T0101Z", "2026-10-06 01:01 UTC", known)

    assert lines == [
        "**Data as of** 2026-10-05 (latest extract)",
        "**Claims complete through** 2026-06-30: later months are incomplete (claims run-out) "
        "and shaded on charts",
        "**Build** 20261006T0101Z, published 2026-10-06 01:01 UTC",
    ]


def _publish_completeness(
    serving: Path, tables: dict[str, str], folder_name: str = "public"
) -> SnapshotReader:
    """One snapshot holding `tables` ({name: SELECT}), each in `folder_name` ("" internal)."""
    folder = serving / "b1"
    (folder / folder_name).mkdir(parents=True, exist_ok=True)
    entries = {}
    with duckdb.connect(":memory:") as con:
        for name, select in tables.items():
            target = folder / folder_name / f"{name}.parquet"
            con.execute(f"COPY ({select}) TO '{target}' (FORMAT parquet)")
            entries[name] = {"file": f"{name}.parquet", "rows": 1, "folder": folder_name}
    manifest = {"build_id": "b1", "created_at": "2026-10-06T01:01:00+00:00", "tables": entries}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (serving / "current").write_text("b1")
    return SnapshotReader(Scope(Role.EVALUATOR), serving, "b1")


def test_every_role_reads_the_completeness_of_each_feed(tmp_path: Path) -> None:
    reader = _publish_completeness(
        tmp_path,
        {
            shared_queries.COMPLETENESS_TABLE: """
                SELECT * FROM (VALUES
                    ('claims', DATE '2026-10-05', 3, DATE '2026-06-30'),
                    ('employment', DATE '2026-09-30', 0, DATE '2026-09-30'),
                    ('suspended_ineligible', NULL, 0, NULL)
                ) AS t(feed_name, latest_extract_date, run_out_months, complete_through)
            """
        },
    )

    known = shared_queries.completeness(reader)

    assert known.data_as_of == date(2026, 10, 5)
    assert known.claims_complete_through == date(2026, 6, 30)
    assert known.complete_through["suspended_ineligible"] is None


def test_an_evaluator_of_a_build_with_the_mart_internal_reads_unknown(tmp_path: Path) -> None:
    reader = _publish_completeness(
        tmp_path,
        {shared_queries.COMPLETENESS_TABLE: "SELECT 'claims' AS feed_name"},
        folder_name="",
    )

    assert shared_queries.completeness(reader) == shared_queries.Completeness(None, {})


def test_a_build_without_the_completeness_mart_reads_as_unknown(tmp_path: Path) -> None:
    reader = _publish_completeness(tmp_path, {"other": "SELECT 1 AS x"})

    known = shared_queries.completeness(reader)

    assert known == shared_queries.Completeness(None, {})
    assert provenance_lines("b1", "now", known)[0].startswith("**Data as of** unknown")


def test_integrity_monthly_bars_shade_the_run_out_months() -> None:
    from peerwh.dashboards.app_pages.integrity.figures import stacked_monthly_bars

    findings = pd.DataFrame(
        {
            "service_month": [*MONTHS, MONTHS[-1]],
            "rule_id": ["BILL-01"] * 5 + ["BILL-02"],
            "findings": [5, 4, 6, 3, 1, 2],
        }
    )

    fig = stacked_monthly_bars(
        findings,
        month="service_month",
        series="rule_id",
        value="findings",
        title="Findings",
        y_title="Findings",
        complete_through=date(2026, 7, 31),
    )

    (band,) = fig.layout.shapes
    assert pd.Timestamp("2026-07-01") < pd.Timestamp(band.x0) < pd.Timestamp("2026-08-01")


def test_waiver_table_marks_a_period_in_claims_run_out() -> None:
    from peerwh import evaluator_extract
    from peerwh.dashboards.app_pages.waiver_metrics.tables import waiver_metric_table

    starts = pd.to_datetime(["2026-04-01", "2026-07-01", "2026-10-01"])
    ends = [d.date() for d in starts + pd.offsets.QuarterEnd(0)]
    rows = pd.DataFrame(
        {
            "period_start": starts,
            "period_end": ends,
            "stratum_value": "all",
            "numerator": [40, 20, 5],
            "denominator": [200, 200, 200],
            "rate": [20.0, 10.0, 2.5],
            "baseline_rate": [None, None, None],
            "numerator_is_suppressed": False,
            "denominator_is_suppressed": False,
            "is_suppressed": False,
            "is_partial_period": [False, False, True],
        }
    )
    rows["period_complete"] = evaluator_extract.period_complete(
        rows["is_partial_period"], ends, [True] * 3, date(2026, 6, 30)
    )

    shown = waiver_metric_table(rows, "Suppressed")

    assert shown["Partial period"].tolist() == ["", "claims run-out", "yes"]
