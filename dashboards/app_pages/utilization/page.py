"""Utilization: beneficiaries served, services and penetration by county; breakdowns by delivery
system, code, modality, age group (under 21 separately), collateral share; DMC-ODS by ASAM level.

Detail (approved claim lines, unsuppressed) is for state analysts (statewide or any county, also
via `?county=FIPS`) and county users (their own county). Penetration by county and the statewide
utilization metrics come from the public, suppressed `rpt_waiver_metrics` (county cells: quarters
and years, stratum `all`), which every role sees; evaluators see only those. The URL never widens
a scope: a county outside it is refused by the query layer.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

from peerwh.dashboards import session, shared_figures, shared_queries
from peerwh.dashboards.access import AccessDenied, Role
from peerwh.dashboards.app_pages.utilization import figures, queries
from peerwh.dashboards.formatting import month_label, share_text, suppressed_labels
from peerwh.dashboards.geo import OFFLINE_GEO_CONFIG, load_california_counties
from peerwh.dashboards.labels import column_label, label, labels
from peerwh.dashboards.metrics import Kpi
from peerwh.dashboards.snapshot import SnapshotReader
from peerwh.dashboards.ui import (
    SUPPRESSION_RULE,
    OpenSnapshot,
    county_detail_choice,
    kpi_row,
    open_snapshot,
    public_period_choice,
)

ALL_SYSTEMS_LABEL = "All delivery systems"
DMC_ODS = "DMC_ODS"


@dataclass(frozen=True)
class BreakdownChart:
    """One breakdown tab's bar chart: `measure` of `utilization_breakdowns` by `dimension`."""

    dimension: str
    measure: str
    title: str
    axis_title: str
    percent: bool = False  # `measure` is a fraction, drawn as a percentage


# The breakdown tabs, in order, but for the last one (ASAM levels, a query of their own).
BREAKDOWN_CHARTS: dict[str, BreakdownChart] = {
    "Delivery system": BreakdownChart(
        "delivery_system", "services", "Services by delivery system", "Services"
    ),
    "HCPCS code": BreakdownChart("hcpcs_code", "services", "Services by HCPCS code", "Services"),
    "Modality": BreakdownChart("modality", "services", "Services by modality", "Services"),
    "Age group": BreakdownChart("age_group", "services", "Services by age group", "Services"),
    "Under 21 (EPSDT)": BreakdownChart(
        "under_21",
        "beneficiaries_served",
        "Beneficiaries served, under 21 (EPSDT) and 21+",
        "Beneficiaries served",
    ),
    "Collateral share": BreakdownChart(
        "delivery_system",
        "collateral_share",
        "Collateral share of services by delivery system (BILL-09)",
        "Collateral share",
        percent=True,
    ),
}
ASAM_TAB = "DMC-ODS by ASAM level"
PUBLIC_METRIC_NAMES: dict[str, str] = {
    "UT-01": "Beneficiaries served",
    "UT-02": "Penetration rate (per 1,000 members)",
    "UT-03": "Services per beneficiary served",
    "UT-04": "Telehealth or telephone share (%)",
    "UT-05": "Under-21 share of beneficiaries served (%)",
    "UT-06": "Collateral share (%)",
}


COUNTY_TABLE_COLUMNS: dict[str, str] = {
    "county_fips": column_label("county_fips"),
    "county_name": "County",
    "services": "Services",
    "units": "Units",
    "service_minutes": "Minutes",
    "approved_amount": column_label("approved_amount"),
    "collateral_services": "Collateral services",
    "collateral_share": "Collateral share (%)",
}
COUNTY_TABLE_FORMATS: dict[str, str] = {
    "services": "{:,.0f}",
    "units": "{:,.0f}",
    "service_minutes": "{:,.0f}",
    "approved_amount": "${:,.2f}",
    "collateral_services": "{:,.0f}",
    "collateral_share": "{:.1f}",
}
PENETRATION_COLUMNS: dict[str, str] = {
    "county_fips": column_label("county_fips"),
    "county_name": "County",
    "beneficiaries_served": "Beneficiaries served",
    "member_months": "Member months",
    "penetration_per_1000": "Penetration (per 1,000 members)",
}
PENETRATION_FORMATS: dict[str, str] = {
    "beneficiaries_served": "{:,.0f}",
    "member_months": "{:,.0f}",
    "penetration_per_1000": "{:.2f}",
}
PUBLIC_METRIC_COLUMNS: dict[str, str] = {
    "metric_id": "Metric",
    "metric": "Name",
    "stratum_name": "Stratum",
    "stratum_value": "Value",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "rate": "Rate",
    "baseline_rate": "Baseline rate",
}


# Fragments: a filter of the services section reruns that section only, and a period of the
# public section that one, so a filter change redraws what it changes.
@session.fragment
def _detail(reader: SnapshotReader) -> None:
    scope = reader.scope
    county_rows = shared_queries.counties(reader)
    names = dict(zip(county_rows["county_fips"], county_rows["county_name"], strict=True))
    months = queries.service_months(reader)
    if not months:
        st.info("No approved peer support services in this snapshot for your scope.")
        return
    systems = queries.delivery_systems(reader)
    complete_through = shared_queries.completeness(reader).claims_complete_through

    county_column, system_column = st.columns(2)
    with county_column:
        county_fips = county_detail_choice(scope, names, "utilization_county")
    with system_column:
        system_options: list[str | None] = [None, *systems]
        delivery_system: str | None = st.selectbox(
            "Delivery system",
            system_options,
            format_func=lambda s: ALL_SYSTEMS_LABEL if s is None else label(s),
            key="utilization_delivery_system",
        )
    # Opens on complete months only: the last months' claim lines are still arriving.
    complete = [m for m in months if complete_through is None or m <= complete_through]
    first, last = st.select_slider(
        "Service months",
        options=months,
        value=(months[0], (complete or months)[-1]),
        format_func=lambda m: m.strftime("%b %Y"),
        key="utilization_months",
    )
    selection = queries.UtilizationFilter(first, last, county_fips, delivery_system)
    area = "Statewide" if county_fips is None else names[county_fips]
    try:
        summary = queries.utilization_summary(reader, selection).iloc[0]
    except AccessDenied as exc:
        st.error(str(exc), icon=":material/block:")
        return

    served, under_21, services = (
        int(summary["beneficiaries_served"]),
        int(summary["under_21_served"]),
        int(summary["services"]),
    )
    period = f"{month_label(first)} – {month_label(last)}"
    kpi_row(
        [
            Kpi(name, value, f"{area}, {period}")
            for name, value in (
                ("Beneficiaries served", f"{served:,}"),
                ("Under 21 served", f"{under_21:,}"),
                ("Services", f"{services:,}"),
                ("Collateral share", share_text(int(summary["collateral_services"]), services)),
            )
        ]
    )
    st.caption(
        "Beneficiaries are distinct over the whole period (a person served in several months "
        "counts once); services are approved claim lines, flagged lines included."
    )

    # Every dimension a chart of the section needs, once each, in one query.
    dimensions = tuple(
        dict.fromkeys(["service_month", *(c.dimension for c in BREAKDOWN_CHARTS.values())])
    )
    frames = queries.utilization_breakdowns(reader, selection, dimensions)
    by = {d: frames[frames["dimension"] == d].reset_index(drop=True) for d in dimensions}
    st.plotly_chart(
        figures.utilization_trend_figure(by["service_month"], area, complete_through),
        width="stretch",
    )

    # One breakdown at a time: the tabs rerun the section when switched, and only the open tab
    # draws its chart, so a county change redraws two charts instead of eight.
    non_peer = _non_peer_codes(reader, by["hcpcs_code"]["category"])
    tab_names = [*BREAKDOWN_CHARTS, ASAM_TAB]
    tabs = st.tabs(tab_names, key="utilization_breakdown", on_change="rerun")
    for tab_name, tab in zip(tab_names, tabs, strict=True):
        if not tab.open:
            continue
        with tab:
            if tab_name == "HCPCS code" and non_peer:
                st.caption(
                    f"{len(non_peer)} code(s) outside the peer taxonomy (BILL-02) are flagged "
                    "red: services billed by peers under another code are program-integrity "
                    "findings."
                )
            if tab_name in BREAKDOWN_CHARTS:
                chart = BREAKDOWN_CHARTS[tab_name]
                frame = by[chart.dimension]
                if chart.percent:
                    frame = frame.assign(**{chart.measure: frame[chart.measure] * 100})
                figure = shared_figures.breakdown_bar_figure(
                    frame,
                    chart.measure,
                    chart.title,
                    chart.axis_title,
                    percent=chart.percent,
                    flagged=non_peer if chart.dimension == "hcpcs_code" else None,
                )
            elif delivery_system in (None, DMC_ODS):
                asam = queries.utilization_by(
                    reader,
                    dataclasses.replace(selection, delivery_system=DMC_ODS),
                    "level_of_care",
                )
                figure = shared_figures.breakdown_bar_figure(
                    asam, "services", "DMC-ODS services by ASAM level of care", "Services"
                )
            else:
                st.info(
                    "ASAM levels of care apply to DMC-ODS services: choose all delivery "
                    "systems or DMC_ODS."
                )
                continue
            st.plotly_chart(figure, width="stretch")

    by_county = queries.utilization_by_county(reader, selection)
    st.markdown("**Services by county**")
    shown = suppressed_labels(
        by_county.assign(
            collateral_share=by_county["collateral_services"] / by_county["services"] * 100
        ),
        COUNTY_TABLE_FORMATS,
    )
    st.table(
        shown.rename(columns=COUNTY_TABLE_COLUMNS).set_index(COUNTY_TABLE_COLUMNS["county_fips"])
    )
    st.caption(f"{area} · {period} · {delivery_system or ALL_SYSTEMS_LABEL}")


NON_PEER_CODE = "not a peer code (BILL-02)"


def _non_peer_codes(reader: SnapshotReader, codes: pd.Series) -> dict[str, str]:
    """The codes among `codes` outside the peer taxonomy (the published `hcpcs_codes` seed),
    each with the reason it is flagged; none when the snapshot has no such seed."""
    try:
        peer = queries.peer_hcpcs_codes(reader)
    except (AccessDenied, duckdb.CatalogException):  # a snapshot published before the seed
        return {}
    return {str(code): NON_PEER_CODE for code in codes if str(code) not in peer}


@session.fragment
def _opt_in(reader: SnapshotReader, snapshot: OpenSnapshot) -> None:
    """BILL-06: which counties provide the benefit in each delivery system (reference data)."""
    if queries.COUNTY_OPT_IN_TABLE not in snapshot.manifest.tables:
        st.info("This snapshot carries no opt-in list.", icon=":material/info:")
        return
    as_of = pd.Timestamp(snapshot.manifest.created_at[:10]).date()
    frame = queries.county_opt_in(reader, as_of)
    # The delivery system most counties provide first.
    counties_in = frame.groupby("delivery_system")["opted_in"].sum()
    systems = [str(s) for s in counties_in.sort_values(ascending=False, kind="stable").index]
    if not systems:
        st.info("No county has opted in to any delivery system.")
        return
    system = (
        st.segmented_control(
            "Delivery system",
            systems,
            default=systems[0],
            format_func=label,
            key="utilization_opt_in_system",
        )
        or systems[0]
    )
    st.plotly_chart(
        figures.opt_in_map_figure(frame, load_california_counties(), system, f"{as_of}"),
        width="stretch",
        config=OFFLINE_GEO_CONFIG,
    )
    st.caption(
        f"Opt-in on {as_of} (the snapshot's publication date), from the opt-in dates by county "
        "and delivery system. Lines of members under 21 in a county not opted in are "
        "EPSDT-exempt: counted apart, not flagged (Program integrity page)."
    )


@session.fragment
def _public(reader: SnapshotReader) -> None:
    period = public_period_choice(
        reader,
        "utilization",
        complete_through=shared_queries.completeness(reader).claims_complete_through,
    )
    if period is None:
        return
    period_type, period_start = period.period_type, period.start
    penetration = queries.penetration_by_county(reader, period_type, period_start)
    st.plotly_chart(
        shared_figures.breakdown_bar_figure(
            penetration.rename(columns={"county_name": "category"}),
            "penetration_per_1000",
            "Penetration rate by county (UT-02, per 1,000 average monthly members)",
            "Penetration (per 1,000 members)",
            rate=True,
        ),
        width="stretch",
    )
    shown = suppressed_labels(penetration, PENETRATION_FORMATS)
    st.table(
        shown.rename(columns=PENETRATION_COLUMNS).set_index(PENETRATION_COLUMNS["county_fips"])
    )

    metrics = queries.public_utilization_metrics(reader, period_type, period_start)
    st.markdown("**Statewide utilization metrics (public)**")
    st.dataframe(
        suppressed_labels(
            metrics.assign(
                metric=metrics["metric_id"].map(PUBLIC_METRIC_NAMES),
                stratum_name=labels(metrics["stratum_name"]),
                stratum_value=labels(metrics["stratum_value"]),
            ),
            {
                "numerator": "{:,.0f}",
                "denominator": "{:,.0f}",
                "rate": "{:,.2f}",
                "baseline_rate": "{:,.2f}",
            },
        )[list(PUBLIC_METRIC_COLUMNS)],
        hide_index=True,
        column_config=PUBLIC_METRIC_COLUMNS,
        key="utilization_public_metrics",
    )
    st.caption(SUPPRESSION_RULE)


def render() -> None:
    scope = session.scope()
    st.title("Utilization")
    snapshot = open_snapshot(
        (
            queries.UTILIZATION_TABLE,
            "fct_claim_lines",
            shared_queries.WAIVER_METRICS_TABLE,
            shared_queries.PUBLIC_COUNTY_NAMES_TABLE,
        )
    )
    if snapshot is None:
        return
    reader = snapshot.reader(scope)
    if scope.role is Role.EVALUATOR:
        st.caption("Evaluators see public, suppressed utilization figures only.")
    else:
        if scope.role is Role.COUNTY:
            st.caption(
                "Your account covers your county's detail; other counties appear below only "
                "as public, suppressed figures."
            )
        st.subheader("Services (approved claim lines)")
        _detail(reader)
    st.subheader("Penetration and public metrics (suppressed, RPT-03)")
    _public(reader)
    st.subheader("Benefit opt-in by county and delivery system (BILL-06)")
    _opt_in(reader, snapshot)
    st.caption(snapshot.caption())


render()
