"""Peer workforce: active certified and employed peers by month, statewide or by county.

State analysts may pick any county (also via `?county=FIPS`); a county user sees its own county's
detail and the statewide figures only suppressed; evaluators see the suppressed statewide
figures. The URL never widens a scope: a county outside it is refused by the query layer.
"""

from __future__ import annotations

import streamlit as st

from dashboards import figures, queries, session
from dashboards.access import STATEWIDE_WORKFORCE_MEASURES, AccessDenied, Role
from dashboards.metrics import latest_with_year_change
from dashboards.ui import SUPPRESSION_RULE, open_snapshot, show_headline, with_suppressed_labels

STATEWIDE_LABEL = "All counties (statewide)"
COUNTY_PARAM = "county"


def render() -> None:
    scope = session.scope()
    st.title("Peer workforce")
    snapshot = open_snapshot((queries.WORKFORCE_TABLE,))
    if snapshot is None:
        return
    serving, build_id = snapshot.serving_dir, snapshot.build_id

    names: dict[str, str] = {}
    if scope.role is not Role.EVALUATOR:
        county_rows = queries.counties(scope, serving, build_id)
        names = dict(zip(county_rows["county_fips"], county_rows["county_name"], strict=True))

    options: list[str | None] = [None, *names]
    requested = st.query_params.get(COUNTY_PARAM)
    if requested is not None and requested not in names:
        st.warning(
            f"County {requested} from the link is outside your scope "
            "(or unknown); showing what your role may see instead.",
            icon=":material/block:",
        )
    default_fips = scope.county_fips if scope.role is Role.COUNTY else None
    start = requested if requested in names else default_fips
    county_fips: str | None = st.selectbox(
        "County",
        options,
        index=options.index(start),
        format_func=lambda fips: STATEWIDE_LABEL if fips is None else names[fips],
        key="workforce_county",
        disabled=len(options) == 1,
    )
    if scope.role is Role.COUNTY:
        st.caption(
            "Your account covers your county's detail; statewide figures are public, suppressed."
        )
    elif scope.role is Role.EVALUATOR:
        st.caption("Evaluators see public, suppressed statewide figures only.")

    area = "Statewide" if county_fips is None else names[county_fips]
    try:
        trend = queries.workforce_trend(scope, serving, build_id, county_fips)
    except AccessDenied as exc:
        st.error(str(exc), icon=":material/block:")
        return

    left, right = st.columns(2)
    with left:
        show_headline(
            "Active certified peers", latest_with_year_change(trend, "active_certified_peers")
        )
    with right:
        show_headline("Employed peers", latest_with_year_change(trend, "employed_peers"))

    st.plotly_chart(figures.workforce_trend_figure(trend, area), width="stretch")

    flags = [f"{m}_is_suppressed" for m in STATEWIDE_WORKFORCE_MEASURES]
    suppressed = bool(trend[flags].to_numpy().any())
    table = trend.sort_values("month_start", ascending=False)
    if suppressed:
        table = with_suppressed_labels(table, STATEWIDE_WORKFORCE_MEASURES)
    else:
        table = table.drop(columns=flags)
    column = st.column_config.TextColumn if suppressed else st.column_config.NumberColumn
    kwargs = {} if suppressed else {"format": "%,d"}
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "month_start": st.column_config.DateColumn("Month", format="MMM YYYY"),
            "active_certified_peers": column("Active certified peers", **kwargs),
            "employed_peers": column("Employed peers", **kwargs),
        },
    )
    if suppressed:
        st.caption(SUPPRESSION_RULE)
    st.caption(f"{area} · {snapshot.caption()}")


render()
