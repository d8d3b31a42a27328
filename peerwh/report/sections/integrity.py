"""Program integrity (internal edition only; PI-)."""

from __future__ import annotations

from peerwh.report.data import ReportData
from peerwh.report.sections.cells import _measure_table, _metric_name, _metric_reader, _year_columns
from peerwh.report.sections.model import Cell, Column, Section, Table


def _integrity(data: ReportData) -> Section | None:
    if data.integrity is None:
        return None
    findings = data.integrity
    rules = sorted(set(findings["rule_id"]))
    prior, this = _year_columns(data, "count")

    def pick(period: str, rule: str, column: str) -> Cell:
        rows = findings[(findings["period"] == period) & (findings["rule_id"] == rule)]
        if period == "prior" and data.prior is None:
            return None
        return float(rows[column].iloc[0]) if len(rows) else 0.0

    rows = tuple(
        (
            rule,
            pick("prior", rule, "findings"),
            pick("this", rule, "findings"),
            pick("this", rule, "lines"),
            pick("this", rule, "amount_at_risk"),
        )
        for rule in rules
    )
    by_rule = Table(
        "integrity_rules",
        "Program-integrity findings by rule",
        (
            Column("Rule", "text"),
            Column(f"Findings, {prior.name}", "count"),
            Column(f"Findings, {this.name}", "count"),
            Column(f"Lines, {this.name}", "count"),
            Column(f"Approved dollars at risk, {this.name}", "dollars"),
        ),
        rows,
        "A line breaking two rules appears under each rule; the statewide lines and dollars "
        "count it once.",
    )
    totals = _measure_table(
        data,
        "integrity_state",
        "Program integrity, statewide",
        [
            (_metric_name(data, "IN-01"), "count", _metric_reader(data, "IN-01", "numerator")),
            ("Approved lines with a finding", "count", _metric_reader(data, "IN-02", "numerator")),
            (_metric_name(data, "IN-02"), "dollars", _metric_reader(data, "IN-02")),
            (_metric_name(data, "CF-01"), "count", _metric_reader(data, "CF-01", "numerator")),
        ],
    )
    return Section(
        "integrity",
        "Program integrity (internal edition)",
        (
            "Findings of the billing rules BILL-01 to BILL-11 on approved lines served in the "
            "year, and certification findings (CERT-). Findings are leads for review, not "
            "determinations of improper payment. Not published.",
        ),
        (totals, by_rule),
    )
