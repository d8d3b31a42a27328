"""Certification: active peers, pathways, activity and specializations (CERT-)."""

from __future__ import annotations

from peerwh.report.data import ReportData
from peerwh.report.sections.cells import _category_table
from peerwh.report.sections.model import Section


def _certification(data: ReportData) -> Section:
    tables = (
        _category_table(
            data,
            "cert_status",
            "Peers by certification status on the last day of the year",
            "certification",
            "status_at_period_end",
            "peers",
            header="Status",
        ),
        _category_table(
            data,
            "cert_activity",
            "Certification activity in the year",
            "certification",
            "activity",
            "peers",
            header="Activity",
        ),
        _category_table(
            data,
            "cert_pathway",
            "Peers active in the year by certification pathway",
            "certification",
            "pathway_of_active_peers",
            "peers",
            header="Pathway",
        ),
        _category_table(
            data,
            "cert_specialization",
            "Peers active in the year by specialization",
            "certification",
            "specialization_of_active_peers",
            "peers",
            "A peer may hold several specializations.",
            header="Specialization",
        ),
    )
    return Section(
        "certification",
        "Certification",
        (
            "Statewide counts of certified peer support specialists (CERT-04 to CERT-09). "
            "Past and present peers are counted (RPT-04). County figures are in Appendix A.",
        ),
        tables,
    )
