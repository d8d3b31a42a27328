"""Data notes: when the data is from, how it is suppressed (RPT-03), each feed's state."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from peerwh.labels import label
from peerwh.report.data import ReportData
from peerwh.report.sections.model import Cell, Column, Kind, Section, Table, period_label


def suppression_rule(data: ReportData) -> str:
    low = int(data.parameters.get("suppression_min_count", 1))
    high = int(data.parameters.get("suppression_max_count", 10))
    if data.edition == "internal":
        return (
            "INTERNAL EDITION - unsuppressed counts for authorised DHCS state analysts only "
            "(RPT-03). Do not publish or share outside DHCS."
        )
    return (
        f"Suppressed (RPT-03, CalHHS Data De-identification Guidelines): counts from {low} to "
        f"{high}, and further cells that would let one be recovered from the totals of this "
        "report or of the other public tables, are shown as 'suppressed'; rates, shares, FTE "
        "and means derived from a suppressed count are suppressed too. A 0 is shown."
    )


def data_as_of(data: ReportData) -> dt.date | None:
    dates = pd.to_datetime(data.extracts["latest_extract_date"]).dropna()
    return dates.max().date() if len(dates) else None


def _data_notes(data: ReportData, generated: dt.date) -> Section:
    period = data.period
    items: list[tuple[str, Cell, Kind]] = [
        (
            "Reporting period",
            f"{period.label}: {period.period_start} to {period.period_end}",
            "text",
        ),
        (
            "Year complete in the data",
            "yes"
            if period.is_complete
            else "no - the data end before the year does; figures are partial",
            "text",
        ),
        (
            "Compared with",
            period_label(data.prior, period) if data.prior else "the prior year is not in the data",
            "text",
        ),
        ("Data as of (latest extract)", data_as_of(data), "date"),
        ("Report generated", generated, "date"),
        (
            "Edition",
            "Public (suppressed)" if data.edition == "public" else "Internal (unsuppressed)",
            "text",
        ),
        ("Suppression", suppression_rule(data), "text"),
        (
            "Claims run-out",
            "Claims for services late in the year keep arriving for months after it; figures "
            "for a year that ended shortly before the data-as-of date will grow.",
            "text",
        ),
    ]
    about = Table(
        "data_notes",
        "About these data",
        (Column("Item", "text"), Column("Value", "text")),
        tuple((name, value) for name, value, _ in items),
        row_kinds=tuple(kind for _, _, kind in items),
    )
    extracts = Table(
        "extracts",
        "Source extracts",
        (Column("Feed", "text"), Column("Latest extract", "date"), Column("Files loaded", "count")),
        tuple(
            (
                label(r.feed),
                pd.Timestamp(r.latest_extract_date).date(),
                float(r.files),
            )
            for r in data.extracts.itertuples()
        ),
    )
    return Section("data_notes", "Data notes", (), (about, extracts))
