"""The county appendices: certification, employment and complaints by county."""

from __future__ import annotations

from collections.abc import Sequence

from peerwh.report.data import ReportData
from peerwh.report.sections.cells import _count, _geography_rows, _year_columns
from peerwh.report.sections.model import Cell, Column, Table


def _county_appendices(data: ReportData) -> tuple[Table, ...]:
    prior_label, this_label = (c.name for c in _year_columns(data, "count"))

    def county_rows(
        table: str, reads: Sequence[tuple[str, str, dict[str, str]]]
    ) -> tuple[tuple[Cell, ...], ...]:
        this = data.tables[table]
        out = []
        counties = _geography_rows(this, "county").drop_duplicates("geography_code")
        for _, row in counties.iterrows():
            cells: list[Cell] = [str(row["geography_name"])]
            for period, column, match in reads:
                frame = (data.prior_tables if period == "prior" else data.tables)[table]
                if period == "prior" and data.prior is None:
                    cells.append(None)
                    continue
                cells.append(
                    _count(
                        frame,
                        column,
                        geography_level="county",
                        geography_code=row["geography_code"],
                        **match,
                    )
                )
            out.append(tuple(cells))
        return tuple(out)

    cert = Table(
        "appendix_a_certification",
        "Appendix A. Certification by county of residence",
        (
            Column("County", "text"),
            Column(f"Active at end of {prior_label}", "count"),
            Column(f"Active at end of {this_label}", "count"),
            Column("New certifications", "count"),
            Column("Renewals", "count"),
            Column("Lapses", "count"),
        ),
        county_rows(
            "certification",
            [
                ("prior", "peers", {"breakdown": "status_at_period_end", "category": "active"}),
                ("this", "peers", {"breakdown": "status_at_period_end", "category": "active"}),
                ("this", "peers", {"breakdown": "activity", "category": "new_certification"}),
                ("this", "peers", {"breakdown": "activity", "category": "renewal"}),
                ("this", "peers", {"breakdown": "activity", "category": "lapse"}),
            ],
        ),
    )
    employment = Table(
        "appendix_b_employment",
        "Appendix B. Peer employment by county",
        (
            Column("County", "text"),
            Column(f"Employed during {prior_label}", "count"),
            Column(f"Employed during {this_label}", "count"),
            Column("Employed on the last day", "count"),
            Column("Hires", "count"),
            Column("Separations", "count"),
        ),
        county_rows(
            "employment",
            [
                ("prior", "employed_peers", {}),
                ("this", "employed_peers", {}),
                ("this", "employed_peers_on_period_end", {}),
                ("this", "hires", {}),
                ("this", "separations", {}),
            ],
        ),
    )
    complaints = Table(
        "appendix_c_complaints",
        "Appendix C. Complaints received by county",
        (
            Column("County", "text"),
            Column(f"Received, {prior_label}", "count"),
            Column(f"Received, {this_label}", "count"),
        ),
        county_rows(
            "complaints",
            [
                ("prior", "complaints", {"breakdown": "received", "category": "all"}),
                ("this", "complaints", {"breakdown": "received", "category": "all"}),
            ],
        ),
    )
    return (cert, employment, complaints)
