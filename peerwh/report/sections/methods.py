"""Methods and definitions."""

from __future__ import annotations

from peerwh.report.data import ReportData
from peerwh.report.sections.model import Column, Section, Table
from peerwh.report.sections.utilization import UTILIZATION_METRICS


def _methods(data: ReportData) -> Section:
    used = ["WF-01", *UTILIZATION_METRICS, "PI-01"]
    if data.edition == "internal":
        used += ["IN-01", "IN-02", "CF-01"]
    catalog = data.catalog.set_index("metric_id")
    definitions = Table(
        "definitions",
        "Measure definitions",
        (Column("Measure", "text"), Column("Definition", "text")),
        tuple(
            (str(catalog.loc[m, "metric_name"]), str(catalog.loc[m, "definition"]))
            for m in used
            if m in catalog.index
        ),
    )
    paragraphs = (
        "Reporting year. A report is named by the year it ends in: the state fiscal year (SFY) "
        "edition for 2024 is SFY 2023-24, 1 July 2023 to 30 June 2024; the calendar-year "
        "edition for 2024 is 1 January to 31 December 2024. Each figure is shown beside the "
        "same figure for the year before, computed by the same rules from the same build.",
        "Three counts of active peers. 'Certified peers active at year end' counts peers whose "
        "certification was active on the last day of the year (a point in time). 'Active "
        "certified peers' (WF-01, used for demographics and as the denominator of complaints "
        "per 100 peers) counts peers active on at least one day of the year, so it is larger. "
        "'Peers employed' counts peers on a county's employment roster, certified or not.",
        "Geography. Peers are placed in their county of residence, employment in the employing "
        "county, services in the county of the claim, complaints in the county where they "
        "arose. Regions are groups of counties; the state total includes people whose county "
        "is unknown, so it can exceed the sum of the regions.",
        "Utilization. Approved claim lines by date of service; a claim adjusted later counts "
        "in the version the claims feed last sent. Penetration (UT-02) divides by the "
        "Medi-Cal members its definition below names.",
        "Rules. Every figure cites the rule it reports on (CERT-, BILL-, PI-, RPT-); the rule "
        "texts are in the warehouse documentation.",
    )
    return Section("methods", "Methods and definitions", paragraphs, (definitions,))
