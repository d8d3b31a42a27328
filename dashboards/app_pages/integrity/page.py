"""Program integrity (internal): claim-line findings by rule over time, the money at risk,
roll-ups by provider organization and by rendering peer (rates per 1,000 lines), claims
processing (denial rate, submission to adjudication), EPSDT-exempt lines (BILL-06), the claim
lines behind the findings (paged, with a full export), and the certification and supervision
findings.

State analysts see every county; a county user its own county's claim lines only (the query
layer's scoped views, `access.INTEGRITY_VIEWS`), and no certification or supervision findings
(they carry no county; state-only). Evaluators cannot open the page, and the query layer refuses
them every integrity view. Beneficiaries appear only as their keyed hash.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from peerwh.dashboards import session, shared_queries
from peerwh.dashboards.access import AccessDenied, Role
from peerwh.dashboards.app_pages.integrity import figures, queries, tables
from peerwh.dashboards.formatting import count_text
from peerwh.dashboards.labels import column_label, labelled_codes
from peerwh.dashboards.metrics import Kpi
from peerwh.dashboards.snapshot import SnapshotReader
from peerwh.dashboards.ui import csv_download, kpi_row, open_snapshot, page_offset

ALL_COUNTIES = "All counties"


def _filters(
    scope_counties: dict[str, str], options: dict[str, list[tuple[str, str]]]
) -> tuple[tuple[str, ...], str | None, str | None, str | None]:
    """The filter widgets: (rules, county FIPS or None, first month, last month)."""
    rule_ids = [value for value, _ in options.get("rule", [])]
    months = options.get("month", [])
    left, middle, right = st.columns([2, 1, 2])
    with left:
        rules = st.multiselect(
            "Rules",
            rule_ids,
            default=rule_ids,
            key="integrity_rules",
            help="BILL-xx claim-line rules (docs/rules.md). Empty means every rule.",
        )
    with middle:
        with_findings = [v for v, _ in options.get("county", [])]
        # A county user's scope is one county: no "All counties" to choose.
        one_county = len(scope_counties) == 1 and bool(with_findings)
        county_options: list[str | None] = (
            [*with_findings] if one_county else [None, *with_findings]
        )
        county = st.selectbox(
            "County",
            county_options,
            format_func=lambda fips: (
                ALL_COUNTIES if fips is None else f"{scope_counties.get(fips, fips)} ({fips})"
            ),
            key="integrity_county",
            disabled=len(county_options) == 1,
        )
    first = last = None
    with right:
        if len(months) > 1:
            labels = dict(months)
            first, last = st.select_slider(
                "Service months",
                options=[value for value, _ in months],
                value=(months[0][0], months[-1][0]),
                format_func=lambda value: labels[value],
                key="integrity_months",
            )
    return tuple(rules), county, first, last


def render() -> None:
    scope = session.scope()
    st.title("Program integrity")
    if scope.role not in (Role.STATE_ANALYST, Role.COUNTY):
        st.error("Program integrity data is internal: for state analysts and county users.")
        return
    snapshot = open_snapshot((*queries.INTEGRITY_TABLES, shared_queries.WORKFORCE_TABLE))
    if snapshot is None:
        return
    reader = snapshot.reader(scope)
    try:
        option_rows = queries.integrity_filter_options(reader)
        county_rows = shared_queries.counties(reader)
    except AccessDenied as exc:
        st.error(str(exc), icon=":material/block:")
        return
    names = dict(zip(county_rows["county_fips"], county_rows["county_name"], strict=True))
    options: dict[str, list[tuple[str, str]]] = {}
    for row in option_rows.itertuples(index=False):
        options.setdefault(str(row.kind), []).append((str(row.value), str(row.label)))
    st.caption(
        "Internal: findings about named peers and providers. Claim-line findings are placed in "
        "the month of the service; beneficiaries appear only as a keyed hash."
        + (" Your account covers your county's claim lines." if scope.role is Role.COUNTY else "")
    )
    rules, county, first, last = _filters(names, options)
    selection = queries.IntegrityFilter(rules, county, first, last)

    _headlines(reader, selection)
    _findings_over_time(reader, selection)
    _rollups(reader, selection)
    _epsdt(reader, selection, names)
    _finding_lines(reader, selection)
    if scope.is_state:
        _policy_findings(reader, first, last)
    else:
        st.caption(
            "Certification and supervision findings carry no county; state analysts see them."
        )
    st.caption(f"Service months filter every section · {snapshot.caption()}")


def _headlines(reader: SnapshotReader, selection: queries.IntegrityFilter) -> None:
    totals = queries.integrity_totals(reader, selection).iloc[0]
    with_days = queries.has_adjudication_dates(reader)
    processing = queries.claims_processing(reader, selection, with_days).iloc[0]
    approved = int(processing["approved_lines"])
    findings = int(totals["findings"])
    kpis = [
        Kpi("Rule findings", count_text(findings)),
        Kpi("Claim lines flagged", count_text(totals["claim_lines"])),
        Kpi(
            "Approved amount at risk",
            tables.dollars(totals["approved_amount_at_risk"]),
            "Each claim line counted once, whatever the number of rules it breaks.",
        ),
        Kpi(
            "Findings per 1,000 lines",
            "–" if not approved else f"{1000 * findings / approved:,.1f}",
            f"Findings of the selected rules per 1,000 approved lines ({approved:,} lines).",
        ),
        Kpi(
            "Denial rate",
            "–" if pd.isna(processing["denial_rate"]) else f"{processing['denial_rate']:.1f}%",
            f"{int(processing['denied_lines']):,} denied of the approved and denied lines; "
            f"{int(processing['pending_lines']):,} pending and "
            f"{int(processing['voided_lines']):,} voided lines are not counted.",
        ),
        Kpi(
            "EPSDT-exempt lines",
            count_text(processing["epsdt_exempt_lines"]),
            "BILL-06: approved lines of members under 21 in a county and delivery system not "
            "opted in; EPSDT requires the service, so they are counted apart, not flagged "
            f"({int(processing['epsdt_exempt_beneficiaries']):,} members).",
        ),
    ]
    if with_days:
        median = processing["median_days_to_adjudication"]
        kpis.append(
            Kpi(
                "Days to adjudication",
                "–" if pd.isna(median) else f"{float(median):,.0f}",
                "Median days from submission to adjudication of the adjudicated lines "
                f"(mean {processing['mean_days_to_adjudication']}).",
            )
        )
    kpi_row(kpis)
    if not with_days:
        st.caption(
            "Submission-to-adjudication time: this snapshot's claim lines carry no submitted "
            "and adjudicated dates."
        )


def _findings_over_time(reader: SnapshotReader, selection: queries.IntegrityFilter) -> None:
    by_month = queries.integrity_findings_by_month(reader, selection)
    left, right = st.columns(2)
    for column, value, title, y_title, money in (
        (left, "findings", "Claim-line findings by service month and rule", "Findings", False),
        (
            right,
            "approved_amount_at_risk",
            "Approved amount at risk by service month and rule",
            "Approved amount at risk",
            True,
        ),
    ):
        with column:
            st.plotly_chart(
                figures.stacked_monthly_bars(
                    by_month,
                    month="service_month",
                    series="rule_id",
                    value=value,
                    title=title,
                    y_title=y_title,
                    money=money,
                ),
                width="stretch",
            )
    by_rule = queries.integrity_findings_by_rule(reader, selection)
    st.subheader("Findings by rule")
    st.table(tables.integrity_rule_table(by_rule))


ROLLUP_PAGE_SIZE = 50


def _rollups(reader: SnapshotReader, selection: queries.IntegrityFilter) -> None:
    st.subheader("By provider organization and by peer")
    st.caption(
        "Rates are per 1,000 approved lines of the organization or peer in the county and "
        "months chosen; the denial rate is of its approved and denied lines (%). Highest "
        "finding rate first."
    )
    key = (
        st.segmented_control(
            "Roll up by",
            list(queries.ROLLUP_KEYS),
            default="organization_npi",
            format_func=queries.ROLLUP_KEYS.__getitem__,
            key="integrity_rollup_key",
        )
        or "organization_npi"
    )
    key_label = queries.ROLLUP_KEYS[key]
    total = queries.count_rollup(reader, selection, key)
    offset = page_offset(total, ROLLUP_PAGE_SIZE, f"integrity_rollup_page_{key}", key_label + "s")
    frame = queries.integrity_rollup(reader, selection, key, ROLLUP_PAGE_SIZE, offset)
    st.dataframe(
        tables.rollup_table(frame, key, key_label),
        hide_index=True,
        column_config={
            header: st.column_config.NumberColumn(format=fmt)
            for header, fmt in tables.rollup_formats().items()
        },
        key=f"integrity_rollup_{key}",
    )
    csv_download(
        f"Download every {key_label.lower()} (CSV)",
        lambda: queries.integrity_rollup(reader, selection, key),
        f"integrity_by_{key}.csv",
        f"integrity_rollup_csv_{key}",
    )


def _epsdt(
    reader: SnapshotReader, selection: queries.IntegrityFilter, names: dict[str, str]
) -> None:
    st.subheader("EPSDT-exempt lines (BILL-06)")
    frame = queries.epsdt_exempt_lines(reader, selection)
    if frame.empty:
        st.caption("No EPSDT-exempt line in this selection.")
        return
    shown = frame.assign(
        county_fips=[f"{names.get(f, f)} ({f})" for f in frame["county_fips"]],
    )
    st.dataframe(
        labelled_codes(shown, ("delivery_system",)).rename(
            columns={column_label("county_fips"): "County"}
        ),
        hide_index=True,
        column_config={
            column_label("epsdt_exempt_lines"): st.column_config.NumberColumn(format="%,d"),
            column_label("beneficiaries"): st.column_config.NumberColumn(format="%,d"),
            column_label("approved_amount"): st.column_config.NumberColumn(format="dollar"),
        },
        key="integrity_epsdt",
    )
    st.caption(
        "Approved lines of members under 21 in a county and delivery system that had not opted "
        "in on the service date: EPSDT requires medically necessary peer services regardless, "
        "so BILL-06 counts them here and does not flag them."
    )


def _finding_lines(reader: SnapshotReader, selection: queries.IntegrityFilter) -> None:
    st.subheader("Claim lines behind the findings")
    by_rule = queries.integrity_findings_by_rule(reader, selection)
    drill_rules = [str(r) for r in by_rule["rule_id"]]
    drill = st.selectbox(
        "Rule to inspect",
        [None, *drill_rules],
        format_func=lambda rule: "Every selected rule" if rule is None else rule,
        key="integrity_drill_rule",
    )
    drilled = replace(selection, rules=(drill,)) if drill else selection
    total = queries.count_finding_lines(reader, drilled)
    st.caption(
        f"{total:,} line findings, most money at risk first. `Beneficiary (keyed hash)` is a "
        "keyed hash of the member; no name, date of birth or CIN leaves the raw layer."
    )
    offset = page_offset(
        total, queries.FINDING_LINES_PAGE_SIZE, f"integrity_lines_page_{drill}", "line findings"
    )
    lines = queries.integrity_finding_lines(
        reader, drilled, queries.FINDING_LINES_PAGE_SIZE, offset
    )
    st.dataframe(
        labelled_codes(lines, ("severity", "delivery_system")),
        hide_index=True,
        column_config={
            column_label("approved_amount_at_risk"): st.column_config.NumberColumn(format="dollar"),
            column_label("approved_amount"): st.column_config.NumberColumn(format="dollar"),
            column_label("service_date"): st.column_config.DateColumn(format="YYYY-MM-DD"),
        },
        key="integrity_lines",
    )
    csv_download(
        f"Download all {total:,} line findings (CSV)",
        lambda: queries.all_finding_lines(reader, drilled),
        "integrity_line_findings.csv",
        "integrity_lines_csv",
    )


def _policy_findings(reader: SnapshotReader, first: str | None, last: str | None) -> None:
    for heading, table, title in (
        (
            "Certification findings (CERT-xx)",
            queries.CERTIFICATION_FINDINGS_TABLE,
            "Certification findings by month detected and rule",
        ),
        (
            "Supervision findings (SUP-xx)",
            queries.SUPERVISION_FINDINGS_TABLE,
            "Supervision findings by month of hire and rule",
        ),
    ):
        st.subheader(heading)
        trend = queries.policy_findings_by_month(reader, table, first, last)
        st.plotly_chart(
            figures.stacked_monthly_bars(
                trend,
                month="month",
                series="rule_id",
                value="findings",
                title=title,
                y_title="Findings",
            ),
            width="stretch",
        )
        st.dataframe(
            labelled_codes(queries.policy_findings(reader, table, first, last), ()),
            hide_index=True,
            column_config={
                column_label("detected_on"): st.column_config.DateColumn(format="YYYY-MM-DD")
            },
            key=f"integrity_{table}",
        )
        st.caption(
            f"The {queries.POLICY_FINDINGS_SHOWN:,} most recent findings at most; the download "
            "holds every one."
        )
        csv_download(
            f"Download every {heading.split(' (')[0].lower()} (CSV)",
            lambda table=table: queries.policy_findings(reader, table, first, last, None),
            f"{table}.csv",
            f"integrity_{table}_csv",
        )


render()
