"""What the annual report says, section by section, as typed tables (RPT-01).

One model of the document, built here from the report rows and rendered alike by every writer
(HTML, Excel, PDF): each table knows the kind of each column (a count, a percentage, dollars),
so a writer formats it as what it is, and a cell is a number, `None` (not applicable or not in
the data, shown as a dash) or `HIDDEN` (suppressed under RPT-03, shown as "suppressed").
Every figure is shown for the report's year beside the year before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from peerwh.labels import label
from peerwh.report.data import ReportData, ReportPeriod

Kind = Literal["text", "count", "percent", "rate", "dollars", "days", "date"]


class _Hidden:
    """A suppressed cell (RPT-03)."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = _Hidden()
Cell = object  # a number, a str, a date, None or HIDDEN

STATE_NAME = "California"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind


@dataclass(frozen=True)
class Table:
    """A titled table; `row_kinds`, when given, is the kind of each row's numbers (a table of
    measures mixes counts and percentages row by row)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    row_kinds: tuple[Kind, ...] = ()

    def kind(self, row: int, column: int) -> Kind:
        own = self.columns[column].kind
        if self.row_kinds and own != "text":
            return self.row_kinds[row]
        return own

    def text_rows(self) -> list[list[str]]:
        """Every cell as the text a reader sees."""
        return [
            [cell_text(value, self.kind(r, c)) for c, value in enumerate(row)]
            for r, row in enumerate(self.rows)
        ]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    suppression: str
    year: str
    sections: tuple[Section, ...]
    appendices: tuple[Table, ...] = field(default=())


# --- formatting -----------------------------------------------------------------------------

SUPPRESSED_TEXT = "suppressed"
NOT_APPLICABLE = "–"


def cell_text(value: Cell, kind: Kind) -> str:
    """A cell as a reader sees it: `1,234`, `39.2%`, `$12,345`, `2024-06-30`."""
    if value is HIDDEN:
        return SUPPRESSED_TEXT
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return NOT_APPLICABLE
    if kind == "count":
        return f"{round(float(value)):,}"  # type: ignore[arg-type]
    if kind == "percent":
        return f"{float(value):,.1f}%"  # type: ignore[arg-type]
    if kind == "dollars":
        return f"${float(value):,.0f}"  # type: ignore[arg-type]
    if kind in ("rate", "days"):
        return f"{float(value):,.1f}"  # type: ignore[arg-type]
    if kind == "date" and isinstance(value, dt.date | pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def period_label(period: ReportPeriod | None, this: ReportPeriod) -> str:
    """The label of the prior year, also when the warehouse does not have it."""
    if period is not None:
        return period.label
    year = this.report_year - 1
    if this.year_type == "calendar_year":
        return f"CY {year}"
    return f"SFY {year - 1}-{year % 100:02d}"


# --- reading cells --------------------------------------------------------------------------


def _value(row: pd.Series, column: str, hidden: bool) -> Cell:
    value = row[column]
    if pd.isna(value):
        return HIDDEN if hidden else None
    return float(value)


def _count(frame: pd.DataFrame, column: str, **match: str) -> Cell:
    """One count of a year's model rows; None when the year is not in the data."""
    if frame.empty:
        return None
    rows = frame
    for key, wanted in match.items():
        rows = rows[rows[key] == wanted]
    if rows.empty:
        return 0.0
    row = rows.iloc[0]
    return _value(row, column, bool(row.get("is_suppressed", False)))


def _metric(
    data: ReportData,
    period: str,
    metric_id: str,
    column: str = "rate",
    level: str = "state",
    code: str = "06",
    stratum: tuple[str, str] = ("all", "all"),
) -> Cell:
    metrics = data.metrics
    rows = metrics[
        (metrics["period"] == period)
        & (metrics["metric_id"] == metric_id)
        & (metrics["geography_level"] == level)
        & (metrics["geography_code"] == code)
        & (metrics["stratum_name"] == stratum[0])
        & (metrics["stratum_value"] == stratum[1])
    ]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return _value(row, column, bool(row["is_suppressed"]))


def _has_prior(data: ReportData) -> bool:
    return data.prior is not None


def _both(data: ReportData, read: Callable[[str], Cell]) -> tuple[Cell, Cell]:
    return (read("prior") if _has_prior(data) else None, read("this"))


def _share(part: Cell, whole: Cell) -> Cell:
    if part is HIDDEN or whole is HIDDEN:
        return HIDDEN
    if part is None or whole is None or not whole:
        return None
    return 100.0 * float(part) / float(whole)  # type: ignore[arg-type]


def _year_columns(data: ReportData, kind: Kind) -> tuple[Column, Column]:
    return (Column(period_label(data.prior, data.period), kind), Column(data.period.label, kind))


# --- sections -------------------------------------------------------------------------------

# A metric's rate as a reader's kind: the catalog unit (waiver_metrics_catalog) decides.
UNIT_KINDS: dict[str, Kind] = {"count": "count", "percent": "percent", "dollars": "dollars"}


def _metric_kind(data: ReportData, metric_id: str) -> Kind:
    units = dict(zip(data.catalog["metric_id"], data.catalog["unit"], strict=True))
    return UNIT_KINDS.get(str(units.get(metric_id, "")), "rate")


def _metric_name(data: ReportData, metric_id: str) -> str:
    names = dict(zip(data.catalog["metric_id"], data.catalog["metric_name"], strict=True))
    return str(names.get(metric_id, metric_id))


Measure = tuple[str, Kind, Callable[[str], Cell]]


def _measure_table(
    data: ReportData,
    key: str,
    title: str,
    measures: Sequence[Measure],
    note: str = "",
    header: str = "Measure",
) -> Table:
    """One row per measure, the prior year and this year side by side."""
    prior, this = _year_columns(data, "count")
    rows = tuple((name, *_both(data, read)) for name, _, read in measures)
    return Table(
        key,
        title,
        (Column(header, "text"), prior, this),
        rows,
        note,
        tuple(kind for _, kind, _ in measures),
    )


def _category_table(
    data: ReportData,
    key: str,
    title: str,
    table: str,
    breakdown: str,
    column: str,
    note: str = "",
    header: str = "Category",
) -> Table:
    """Statewide counts of one breakdown of an annual report model, by category."""
    frames = {"prior": data.prior_tables[table], "this": data.tables[table]}
    this = frames["this"]
    categories = this.loc[this["breakdown"] == breakdown, "category"].drop_duplicates()
    measures: list[Measure] = [
        (
            label(category),
            "count",
            lambda period, category=category: _count(
                frames[period],
                column,
                geography_level="state",
                breakdown=breakdown,
                category=category,
            ),
        )
        for category in categories
    ]
    return _measure_table(data, key, title, measures, note, header)


def _cert(data: ReportData, breakdown: str, category: str) -> Callable[[str], Cell]:
    def read(period: str) -> Cell:
        frame = data.prior_tables if period == "prior" else data.tables
        return _count(
            frame["certification"],
            "peers",
            geography_level="state",
            breakdown=breakdown,
            category=category,
        )

    return read


def _state(data: ReportData, table: str, column: str, **match: str) -> Callable[[str], Cell]:
    def read(period: str) -> Cell:
        frame = data.prior_tables if period == "prior" else data.tables
        return _count(frame[table], column, geography_level="state", **match)

    return read


def _metric_reader(
    data: ReportData, metric_id: str, column: str = "rate", **where: str
) -> Callable[[str], Cell]:
    def read(period: str) -> Cell:
        stratum = (where.get("stratum_name", "all"), where.get("stratum_value", "all"))
        return _metric(data, period, metric_id, column, stratum=stratum)

    return read


def _complaint_share(data: ReportData, breakdown: str) -> Callable[[str], Cell]:
    """The share of complaints judged on a deadline that met it (not-yet-due left out)."""

    def read(period: str) -> Cell:
        frame = (data.prior_tables if period == "prior" else data.tables)["complaints"]
        yes = _count(
            frame, "complaints", geography_level="state", breakdown=breakdown, category="yes"
        )
        no = _count(
            frame, "complaints", geography_level="state", breakdown=breakdown, category="no"
        )
        if yes is HIDDEN or no is HIDDEN:
            return HIDDEN
        if yes is None or no is None:
            return None
        return _share(yes, float(yes) + float(no))  # type: ignore[arg-type]

    return read


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


def _turnover(data: ReportData) -> Callable[[str], Cell]:
    read = _state(data, "employment", "turnover_rate")

    def percent(period: str) -> Cell:
        value = read(period)
        return 100.0 * float(value) if isinstance(value, float) else value  # type: ignore[arg-type]

    return percent


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


EMPLOYMENT_MEASURES: tuple[tuple[str, str, Kind], ...] = (
    ("Peers employed during the year", "employed_peers", "count"),
    ("Peers employed on the last day", "employed_peers_on_period_end", "count"),
    ("Peer FTE on the last day", "employed_fte_on_period_end", "rate"),
    ("Peer supervisors on the last day", "supervisors_on_period_end", "count"),
    ("Peers per supervisor", "peers_per_supervisor", "rate"),
    ("Hires", "hires", "count"),
    ("Separations", "separations", "count"),
)


def _geography_rows(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    return frame[frame["geography_level"] == level].sort_values("geography_name")


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


def _metric_geographies(data: ReportData) -> list[tuple[str, str, str]]:
    regions = sorted(
        set(data.metrics.loc[data.metrics["geography_level"] == "region", "geography_code"])
    )
    return [("state", "06", STATE_NAME), *(("region", r, str(r)) for r in regions)]


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


def _methods(data: ReportData) -> Section:
    used = [
        "WF-01",
        "UT-01",
        "UT-02",
        "UT-03",
        "UT-04",
        "UT-05",
        "UT-06",
        "UT-07",
        "UT-08",
        "UT-09",
        "PI-01",
    ]
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


def title(data: ReportData) -> str:
    return f"Peer Support Specialist Program - Annual Report {data.period.label}"


def subtitle(data: ReportData) -> str:
    period = data.period
    edition = "Public edition (suppressed)" if data.edition == "public" else "Internal edition"
    complete = "" if period.is_complete else " (year not complete in the data)"
    as_of = data_as_of(data)
    as_of_text = f" Data as of {as_of.isoformat()}." if as_of else ""
    return f"{edition}. {period.period_start} to {period.period_end}{complete}.{as_of_text}"


def build_document(data: ReportData, generated: dt.date | None = None) -> Document:
    """The whole report of one edition: its sections in reading order, then the appendices."""
    sections = [
        _summary(data),
        _certification(data),
        _workforce(data),
        _utilization(data),
        _integrity(data),
        _complaints(data),
        _methods(data),
        _data_notes(data, generated or dt.date.today()),
    ]
    return Document(
        title(data),
        subtitle(data),
        suppression_rule(data),
        data.period.label,
        tuple(s for s in sections if s is not None),
        _county_appendices(data),
    )
