"""The summary: the headline figures beside the year before, and the sentences saying them."""

from __future__ import annotations

from peerwh.report.data import ReportData
from peerwh.report.sections.cells import (
    Measure,
    _cert,
    _measure_table,
    _metric_reader,
    _state,
    _turnover,
)
from peerwh.report.sections.model import HIDDEN, Kind, Section, Table, cell_text, period_label


def _summary(data: ReportData) -> Section:
    measures: list[Measure] = [
        (
            "Certified peers active at year end",
            "count",
            _cert(data, "status_at_period_end", "active"),
        ),
        ("New certifications", "count", _cert(data, "activity", "new_certification")),
        ("Renewals", "count", _cert(data, "activity", "renewal")),
        ("Lapses", "count", _cert(data, "activity", "lapse")),
        ("Peers employed during the year", "count", _state(data, "employment", "employed_peers")),
        ("Peer turnover", "percent", _turnover(data)),
        ("Beneficiaries served", "count", _metric_reader(data, "UT-01", "numerator")),
        (
            "Approved peer support services (claim lines)",
            "count",
            _metric_reader(data, "UT-03", "numerator"),
        ),
        (
            "Complaints received",
            "count",
            _state(data, "complaints", "complaints", breakdown="received", category="all"),
        ),
        ("Complaints per 100 active peers", "rate", _metric_reader(data, "PI-01")),
    ]
    if data.edition == "internal":
        measures += [
            ("Program-integrity findings", "count", _metric_reader(data, "IN-01", "numerator")),
            ("Approved dollars at risk", "dollars", _metric_reader(data, "IN-02")),
        ]
    table = _measure_table(data, "summary", "Key figures, statewide", measures)
    return Section("summary", "Summary", (_summary_text(data, table),), (table,))


def _summary_text(data: ReportData, table: Table) -> str:
    values = {row[0]: row for row in table.rows}

    def said(name: str, kind: Kind = "count") -> str:
        _, before, now = values[name]
        text = cell_text(now, kind)
        if now is HIDDEN:
            return "a suppressed number of"
        if before is None or before is HIDDEN:
            return text
        return f"{text} ({cell_text(before, kind)} in {period_label(data.prior, data.period)})"

    return (
        f"In {data.period.label}, {said('Certified peers active at year end')} certified peer "
        f"support specialists held an active certification on the last day of the year, and "
        f"{said('New certifications')} peers were certified for the first time. "
        f"{_initial_capital(said('Beneficiaries served'))} Medi-Cal beneficiaries received "
        f"{said('Approved peer support services (claim lines)')} approved peer support services. "
        f"The certification program received {said('Complaints received')} complaints."
    )


def _initial_capital(text: str) -> str:
    return text[:1].upper() + text[1:]
