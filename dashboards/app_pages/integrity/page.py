"""Program integrity (state analysts only): claim-line findings by rule over time, the money at
risk, the claim lines behind them, and the certification and supervision findings.

The page is registered for state analysts only, and the query layer refuses the integrity tables
to every other role (`access.PROGRAM_INTEGRITY_TABLES`, `fct_claim_lines` is state-only), so the
page's URL opens nothing for them. Beneficiaries appear only as their keyed hash.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from peerwh.dashboards import session, shared_queries
from peerwh.dashboards.access import AccessDenied, Role
from peerwh.dashboards.app_pages.integrity import figures, queries, tables
from peerwh.dashboards.ui import open_snapshot

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
        county_options: list[str | None] = [None, *(v for v, _ in options.get("county", []))]
        county = st.selectbox(
            "County",
            county_options,
            format_func=lambda fips: (
                ALL_COUNTIES if fips is None else f"{scope_counties.get(fips, fips)} ({fips})"
            ),
            key="integrity_county",
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
    if scope.role is not Role.STATE_ANALYST:
        st.error("Program integrity data is available to state analysts only.")
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
    )
    rules, county, first, last = _filters(names, options)
    selection = queries.IntegrityFilter(rules, county, first, last)

    totals = queries.integrity_totals(reader, selection).iloc[0]
    a, b, c = st.columns(3)
    a.metric("Rule findings", f"{int(totals['findings']):,}", border=True)
    b.metric("Claim lines flagged", f"{int(totals['claim_lines']):,}", border=True)
    c.metric(
        "Approved amount at risk",
        tables.dollars(totals["approved_amount_at_risk"]),
        border=True,
        help="Each claim line counted once, whatever the number of rules it breaks.",
    )

    by_month = queries.integrity_findings_by_month(reader, selection)
    left, right = st.columns(2)
    with left:
        st.plotly_chart(
            figures.stacked_monthly_bars(
                by_month,
                month="service_month",
                series="rule_id",
                value="findings",
                title="Claim-line findings by service month and rule",
                y_title="Findings",
            ),
            width="stretch",
        )
    with right:
        st.plotly_chart(
            figures.stacked_monthly_bars(
                by_month,
                month="service_month",
                series="rule_id",
                value="approved_amount_at_risk",
                title="Approved amount at risk by service month and rule",
                y_title="Approved amount at risk",
                money=True,
            ),
            width="stretch",
        )
    by_rule = queries.integrity_findings_by_rule(reader, selection)
    st.subheader("Findings by rule")
    st.table(tables.integrity_rule_table(by_rule))

    st.subheader("Claim lines behind the findings")
    drill_rules = [str(r) for r in by_rule["rule_id"]]
    drill = st.selectbox(
        "Rule to inspect",
        [None, *drill_rules],
        format_func=lambda rule: "Every selected rule" if rule is None else rule,
        key="integrity_drill_rule",
    )
    drilled = replace(selection, rules=(drill,)) if drill else selection
    lines = queries.integrity_finding_lines(reader, drilled)
    st.caption(
        f"{len(lines):,} line findings, most money at risk first (at most 500 shown). "
        "`beneficiary_key` is a keyed hash of the member; no name, date of birth or CIN leaves "
        "the raw layer."
    )
    st.dataframe(
        lines,
        hide_index=True,
        column_config={
            "approved_amount_at_risk": st.column_config.NumberColumn(
                "Amount at risk", format="dollar"
            ),
            "approved_amount": st.column_config.NumberColumn("Approved amount", format="dollar"),
            "service_date": st.column_config.DateColumn("Service date", format="YYYY-MM-DD"),
        },
        key="integrity_lines",
    )

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
            queries.policy_findings(reader, table, first, last),
            hide_index=True,
            column_config={
                "detected_on": st.column_config.DateColumn("Detected on", format="YYYY-MM-DD")
            },
            key=f"integrity_{table}",
        )
    st.caption(
        f"Service months filter the certification and supervision findings too · "
        f"{snapshot.caption()}"
    )


render()
