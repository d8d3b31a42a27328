"""Complaints and actions (PI-01 to PI-04)."""

from __future__ import annotations

from peerwh.report.data import ReportData
from peerwh.report.sections.cells import (
    Measure,
    _category_table,
    _complaint_share,
    _measure_table,
    _metric,
    _metric_geographies,
    _metric_name,
    _metric_reader,
    _state,
    _year_columns,
)
from peerwh.report.sections.model import Column, Section, Table


def _complaints(data: ReportData) -> Section:
    measures: list[Measure] = [
        (
            "Complaints received",
            "count",
            _state(data, "complaints", "complaints", breakdown="received", category="all"),
        ),
        (_metric_name(data, "PI-01"), "rate", _metric_reader(data, "PI-01")),
        (
            "Acknowledged on time (of those due)",
            "percent",
            _complaint_share(data, "acknowledged_on_time"),
        ),
        ("Resolved on time (of those due)", "percent", _complaint_share(data, "resolved_on_time")),
        (
            "Mean days from receipt to resolution",
            "days",
            _state(
                data, "complaints", "mean_days_to_resolve", breakdown="received", category="all"
            ),
        ),
    ]
    statewide = _measure_table(data, "complaints_state", "Complaints, statewide", measures)
    prior, this = _year_columns(data, "rate")
    rows = tuple(
        (
            name,
            _metric(data, "prior", "PI-01", "rate", level, code) if data.prior else None,
            _metric(data, "this", "PI-01", "rate", level, code),
        )
        for level, code, name in _metric_geographies(data)
    )
    per_peer = Table(
        "complaints_region",
        "Complaints per 100 active peers by region",
        (Column("Region", "text"), prior, this),
        rows,
        "Complaints received (county where the complaint arose) per 100 peers active in the "
        "year (county of residence).",
    )
    breakdowns = tuple(
        _category_table(
            data, f"complaints_{b}", title, "complaints", b, "complaints", header=header
        )
        for b, title, header in (
            ("outcome", "Complaints received in the year by outcome", "Outcome"),
            ("most_severe_action", "Complaints by the most severe action taken", "Action"),
            ("appeal", "Complaints by appeal", "Appeal"),
        )
    )
    return Section(
        "complaints",
        "Complaints and actions",
        (
            "Complaints about certified peers received by the certification program in the "
            "year (PI-03 to PI-05), their outcome and the actions taken. Timeliness (PI-04): "
            "acknowledged within 5 business days, resolved within 90 days (120 with one "
            "extension); complaints whose deadline had not passed are left out of the shares. "
            "County figures are in Appendix C.",
        ),
        (statewide, per_peer, *breakdowns),
    )
