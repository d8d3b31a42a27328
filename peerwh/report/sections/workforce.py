"""The workforce: peer employment, turnover, geography and demographics."""

from __future__ import annotations

from peerwh.labels import label
from peerwh.report.data import ReportData
from peerwh.report.sections.cells import (
    Measure,
    _both,
    _geography_rows,
    _measure_table,
    _metric,
    _share,
    _state,
    _turnover,
    _value,
    _year_columns,
)
from peerwh.report.sections.model import STATE_NAME, Column, Kind, Section, Table

EMPLOYMENT_MEASURES: tuple[tuple[str, str, Kind], ...] = (
    ("Peers employed during the year", "employed_peers", "count"),
    ("Peers employed on the last day", "employed_peers_on_period_end", "count"),
    ("Peer FTE on the last day", "employed_fte_on_period_end", "rate"),
    ("Peer supervisors on the last day", "supervisors_on_period_end", "count"),
    ("Peers per supervisor", "peers_per_supervisor", "rate"),
    ("Hires", "hires", "count"),
    ("Separations", "separations", "count"),
)


def _workforce(data: ReportData) -> Section:
    measures: list[Measure] = [
        (name, kind, _state(data, "employment", column))
        for name, column, kind in EMPLOYMENT_MEASURES
    ]
    measures.append(("Turnover (separations per 100 peers employed)", "percent", _turnover(data)))
    statewide = _measure_table(data, "workforce_state", "Peer workforce, statewide", measures)
    this, prior = data.tables["employment"], data.prior_tables["employment"]
    prior_label, this_label = (c.name for c in _year_columns(data, "count"))
    rows = []
    for level in ("state", "region"):
        for _, row in _geography_rows(this, level).iterrows():
            before = prior[
                (prior["geography_level"] == level)
                & (prior["geography_code"] == row["geography_code"])
            ]
            hidden = bool(row["is_suppressed"])
            rows.append(
                (
                    STATE_NAME if level == "state" else str(row["geography_name"]),
                    _value(before.iloc[0], "employed_peers", bool(before.iloc[0]["is_suppressed"]))
                    if len(before)
                    else None,
                    _value(row, "employed_peers", hidden),
                    _value(row, "employed_peers_on_period_end", hidden),
                    _value(row, "supervisors_on_period_end", hidden),
                    _value(row, "hires", hidden),
                    _value(row, "separations", hidden),
                )
            )
    regions = Table(
        "workforce_region",
        "Peer workforce by region",
        (
            Column("Region", "text"),
            Column(f"Employed during {prior_label}", "count"),
            Column(f"Employed during {this_label}", "count"),
            Column("Employed on the last day", "count"),
            Column("Supervisors on the last day", "count"),
            Column("Hires", "count"),
            Column("Separations", "count"),
        ),
        tuple(rows),
    )
    demographics = tuple(_demographics(data, stratum, title) for stratum, title in DEMOGRAPHICS)
    return Section(
        "workforce",
        "Workforce",
        (
            "Peers employed by county behavioral health plans and their providers (employment "
            "feed), and the demographics of certified peers active in the year (WF-01 by the "
            "peer's sex, race or ethnicity, primary language and age group, as the peer reported "
            "them to the certification program). County figures are in Appendix B.",
        ),
        (statewide, regions, *demographics),
    )


DEMOGRAPHICS = (
    ("peer_sex", "Active peers by sex"),
    ("peer_race_ethnicity", "Active peers by race or ethnicity"),
    ("peer_language", "Active peers by primary language"),
    ("peer_age_group", "Active peers by age group"),
)


def _demographics(data: ReportData, stratum: str, title: str) -> Table:
    metrics = data.metrics
    values = metrics.loc[
        (metrics["metric_id"] == "WF-01")
        & (metrics["stratum_name"] == stratum)
        & (metrics["geography_level"] == "state"),
        "stratum_value",
    ].drop_duplicates()
    prior, this = _year_columns(data, "count")
    rows = []
    total = _metric(data, "this", "WF-01", "numerator")
    # Age bands in their order, other groups by their label.
    ordered = sorted(values) if stratum == "peer_age_group" else sorted(values, key=label)
    for value in ordered:
        before, now = _both(
            data, lambda p, v=value: _metric(data, p, "WF-01", "numerator", stratum=(stratum, v))
        )
        rows.append((label(value), before, now, _share(now, total)))
    return Table(
        f"peers_by_{stratum}",
        title,
        (Column(label(stratum), "text"), prior, this, Column(f"Share, {this.name}", "percent")),
        tuple(rows),
    )
