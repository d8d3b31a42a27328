"""Utilization: services, beneficiaries and claims (BILL-), statewide and by geography."""

from __future__ import annotations

from peerwh.labels import label
from peerwh.report.data import ReportData
from peerwh.report.sections.cells import (
    Measure,
    _both,
    _measure_table,
    _metric,
    _metric_geographies,
    _metric_kind,
    _metric_name,
    _metric_reader,
    _year_columns,
)
from peerwh.report.sections.model import Column, Section, Table

UTILIZATION_METRICS = (
    "UT-01",
    "UT-02",
    "UT-03",
    "UT-04",
    "UT-05",
    "UT-06",
    "UT-07",
    "UT-08",
    "UT-09",
)


def _utilization(data: ReportData) -> Section:
    measures: list[Measure] = [
        (_metric_name(data, metric), _metric_kind(data, metric), _metric_reader(data, metric))
        for metric in UTILIZATION_METRICS
    ]
    measures.insert(
        3,
        (
            "Approved peer support services (claim lines)",
            "count",
            _metric_reader(data, "UT-03", "numerator"),
        ),
    )
    statewide = _measure_table(
        data,
        "utilization_state",
        "Utilization and billing, statewide",
        measures,
        "Rates and shares as defined in Methods and definitions.",
    )
    prior_label, this_label = (c.name for c in _year_columns(data, "count"))
    rows = []
    for level, code, name in _metric_geographies(data):
        rows.append(
            (
                name,
                _metric(data, "prior", "UT-01", "numerator", level, code) if data.prior else None,
                _metric(data, "this", "UT-01", "numerator", level, code),
                _metric(data, "this", "UT-03", "numerator", level, code),
                _metric(data, "this", "UT-03", "rate", level, code),
            )
        )
    regions = Table(
        "utilization_region",
        "Beneficiaries served and services by region",
        (
            Column("Region", "text"),
            Column(f"Beneficiaries served, {prior_label}", "count"),
            Column(f"Beneficiaries served, {this_label}", "count"),
            Column(f"Approved services, {this_label}", "count"),
            Column("Services per beneficiary", "rate"),
        ),
        tuple(rows),
    )
    strata = []
    for stratum in ("delivery_system", "modality", "beneficiary_age_group"):
        values = data.metrics.loc[
            (data.metrics["metric_id"] == "UT-01")
            & (data.metrics["stratum_name"] == stratum)
            & (data.metrics["geography_level"] == "state"),
            "stratum_value",
        ].drop_duplicates()
        for value in sorted(values):
            before, now = _both(
                data,
                lambda p, v=value, s=stratum: _metric(
                    data, p, "UT-01", "numerator", stratum=(s, v)
                ),
            )
            strata.append((label(stratum), label(value), before, now))
    prior, this = _year_columns(data, "count")
    by_stratum = Table(
        "utilization_strata",
        "Beneficiaries served by delivery system, modality and age group",
        (Column("Breakdown", "text"), Column("Group", "text"), prior, this),
        tuple(strata),
        "A beneficiary served in two delivery systems, modalities or age groups is counted "
        "in each.",
    )
    return Section(
        "utilization",
        "Utilization and billing",
        (
            "Approved Medi-Cal peer support claim lines (H0038, H0025 and H0050) by date of "
            "service, from the Short-Doyle/Medi-Cal claims feed; denied and voided lines are "
            "not counted.",
        ),
        (statewide, regions, by_stratum),
    )
