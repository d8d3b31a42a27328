"""Waiver metrics (evaluators, and every role): the published, suppressed `rpt_waiver_metrics`.

Pick a metric, period type, geography and stratum; see its definition (the catalog seed), the
tidy table (numerator, denominator, rate, baseline) and a chart, and download the selection as
CSV, Excel or Parquet; or download the whole table in one click as the evaluator extract
(`peerwh.evaluator_extract`, docs/evaluator-extract.md). The table is public and already
suppressed (RPT-03): suppressed cells stay empty and flagged in every view and file.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from peerwh import evaluator_extract
from peerwh.dashboards import session, shared_queries
from peerwh.dashboards.access import WAIVER_METRICS_CATALOG_TABLE
from peerwh.dashboards.app_pages.waiver_metrics import downloads, figures, queries, tables
from peerwh.dashboards.formatting import SUPPRESSED
from peerwh.dashboards.snapshot import SnapshotReader
from peerwh.dashboards.ui import SUPPRESSION_RULE, OpenSnapshot, open_snapshot

PERIOD_LABELS: dict[str, str] = {
    "month": "Month",
    "quarter": "Quarter",
    "state_fiscal_year": "State fiscal year (July–June)",
    "calendar_year": "Calendar year",
    "demonstration_year": "Demonstration year",
}
LEVEL_LABELS: dict[str, str] = {"state": "State", "region": "Region", "county": "County"}
DEFAULTS: dict[str, str] = {
    "waiver_metric": "WF-01",
    "waiver_period_type": "state_fiscal_year",
    "waiver_geography_level": "state",
    "waiver_stratum": "all",
}


def _pick(label: str, options: Sequence[str], key: str, labels: dict[str, str]) -> str:
    """A selectbox that keeps its choice while it is still offered, else falls back to a default."""
    if st.session_state.get(key) not in options:
        preferred = DEFAULTS.get(key)
        st.session_state[key] = preferred if preferred in options else options[0]
    choice: str = st.selectbox(
        label, options, key=key, format_func=lambda value: labels.get(value, value)
    )
    return choice


def _ordered(values: pd.Series, order: Sequence[str]) -> list[str]:
    present = {str(v) for v in values.unique()}
    return [v for v in order if v in present] + sorted(present - set(order))


def _definition(metric: pd.Series) -> None:
    denominator = metric["denominator"] if pd.notna(metric["denominator"]) else "none (a count)"
    st.markdown(
        f"**{metric['metric_id']} · {metric['metric_name']}**: {metric['definition']}  \n"
        f"Numerator: {metric['numerator']} · Denominator: {denominator} · "
        f"Unit: {metric['unit']}  \n"
        f"Baseline: {metric['baseline_period']} · Rules: {metric['rule_ids']} · "
        f"Source: `{metric['source_model']}`"
    )


def _notes(metric: pd.Series, snapshot: OpenSnapshot) -> list[tuple[str, str]]:
    return [
        ("Suppression", SUPPRESSION_RULE),
        ("Metric", f"{metric['metric_id']} {metric['metric_name']}"),
        ("Definition", str(metric["definition"])),
        ("Numerator", str(metric["numerator"])),
        ("Denominator", "" if pd.isna(metric["denominator"]) else str(metric["denominator"])),
        ("Unit", str(metric["unit"])),
        ("Baseline period", str(metric["baseline_period"])),
        ("Rules", str(metric["rule_ids"])),
        ("Snapshot", snapshot.caption()),
    ]


def _downloads(rows: pd.DataFrame, metric: pd.Series, snapshot: OpenSnapshot, stem: str) -> None:
    tidy = downloads.with_suppression_note(rows, SUPPRESSION_RULE)
    csv, xlsx, parquet = st.columns(3)
    csv.download_button(
        "Download CSV",
        downloads.csv_bytes(tidy),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="waiver_download_csv",
    )
    xlsx.download_button(
        "Download Excel",
        downloads.xlsx_bytes(tidy, _notes(metric, snapshot)),
        file_name=f"{stem}.xlsx",
        mime=downloads.XLSX_MIME,
        icon=":material/download:",
        key="waiver_download_xlsx",
    )
    parquet.download_button(
        "Download Parquet",
        downloads.parquet_bytes(tidy, SUPPRESSION_RULE),
        file_name=f"{stem}.parquet",
        mime="application/vnd.apache.parquet",
        icon=":material/download:",
        key="waiver_download_parquet",
    )


@st.cache_data(max_entries=2, show_spinner="Building the extract…")
def _extract(_reader: SnapshotReader, build_id: str, published: str) -> evaluator_extract.Extract:
    """The whole extract of one snapshot; public tables only, the same for every role."""
    return evaluator_extract.extract(
        queries.all_waiver_metrics(_reader),
        queries.full_catalog(_reader),
        queries.policy_parameters(_reader),
        build_id,
        published,
        queries.county_names(_reader),
    )


def _whole_table(reader: SnapshotReader, snapshot: OpenSnapshot) -> None:
    """One click for the whole table, in the CMS monitoring-workbook layout (RPT-02)."""
    st.subheader("All metrics: evaluator extract")
    st.caption(
        "Every published metric, period, geography and subpopulation in one tidy table, laid "
        "out as CMS section 1115 monitoring workbooks are: metric id, name and type, reporting "
        "period and demonstration year, subpopulation, numerator, denominator, rate, value, "
        "suppression flags, one baseline per metric, and the data issues that apply. "
        f"Layout (spec) version {evaluator_extract.SPEC_VERSION}; the Excel file adds the "
        "metrics, data issues, data dictionary and about sheets, the Parquet file carries "
        "them in its metadata. Suppressed cells are empty and flagged (RPT-03)."
    )
    published = snapshot.manifest.created_at_display()
    stem = f"{evaluator_extract.EXTRACT_NAME}_v{evaluator_extract.SPEC_VERSION}_{snapshot.build_id}"

    def built() -> evaluator_extract.Extract:
        return _extract(reader, snapshot.build_id, published)

    csv, xlsx, parquet, dictionary = st.columns(4)
    csv.download_button(
        "All metrics (CSV)",
        lambda: evaluator_extract.csv_bytes(built().table),
        file_name=f"{stem}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="waiver_extract_csv",
    )
    xlsx.download_button(
        "All metrics (Excel)",
        lambda: evaluator_extract.xlsx_bytes(built()),
        file_name=f"{stem}.xlsx",
        mime=downloads.XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key="waiver_extract_xlsx",
    )
    parquet.download_button(
        "All metrics (Parquet)",
        lambda: evaluator_extract.parquet_bytes(built()),
        file_name=f"{stem}.parquet",
        mime="application/vnd.apache.parquet",
        on_click="ignore",
        icon=":material/download:",
        key="waiver_extract_parquet",
    )
    dictionary.download_button(
        "Data dictionary (CSV)",
        lambda: evaluator_extract.dictionary_csv_bytes(),
        file_name=f"{evaluator_extract.EXTRACT_NAME}_v{evaluator_extract.SPEC_VERSION}_dictionary.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="waiver_extract_dictionary",
    )


def render() -> None:
    scope = session.scope()
    st.title("Waiver metrics")
    snapshot = open_snapshot((shared_queries.WAIVER_METRICS_TABLE, WAIVER_METRICS_CATALOG_TABLE))
    if snapshot is None:
        return
    reader = snapshot.reader(scope)
    st.caption(
        "Public, suppressed figures for federal reporting and the CalAIM 1115 evaluation "
        "(42 CFR 431.424 / 431.428)."
    )
    catalog = queries.waiver_metrics_catalog(reader)
    if catalog.empty:
        st.info("This snapshot publishes no waiver metrics.", icon=":material/info:")
        return
    names = dict(zip(catalog["metric_id"], catalog["metric_name"], strict=True))
    metric_col, period_col = st.columns([2, 1])
    with metric_col:
        metric_id = _pick(
            "Metric",
            list(names),
            "waiver_metric",
            {k: f"{k} · {v}" for k, v in names.items()},
        )
    cells = queries.waiver_metric_cells(reader, metric_id)
    with period_col:
        period_type = _pick(
            "Period type",
            _ordered(cells["period_type"], list(PERIOD_LABELS)),
            "waiver_period_type",
            PERIOD_LABELS,
        )
    cells = cells.loc[cells["period_type"] == period_type]
    level_col, code_col, stratum_col = st.columns(3)
    with level_col:
        level = _pick(
            "Geography level",
            _ordered(cells["geography_level"], list(LEVEL_LABELS)),
            "waiver_geography_level",
            LEVEL_LABELS,
        )
    cells = cells.loc[cells["geography_level"] == level]
    with code_col:
        code = _pick(
            "Geography",
            sorted(str(c) for c in cells["geography_code"].unique()),
            "waiver_geography_code",
            {"06": "06 · California"},
        )
    cells = cells.loc[cells["geography_code"] == code]
    with stratum_col:
        stratum = _pick("Stratum", _ordered(cells["stratum_name"], ["all"]), "waiver_stratum", {})

    metric = catalog.loc[catalog["metric_id"] == metric_id].iloc[0]
    _definition(metric)
    rows = queries.waiver_metric_rows(reader, metric_id, period_type, level, code, stratum)
    st.plotly_chart(
        figures.waiver_metric_figure(
            rows, f"{metric_id} · {names[metric_id]}", str(metric["unit"])
        ),
        width="stretch",
    )
    st.table(tables.waiver_metric_table(rows, SUPPRESSED))
    if bool(rows["is_suppressed"].any()):
        st.caption(SUPPRESSION_RULE)
    stem = "_".join(("waiver_metrics", metric_id, period_type, level, code, stratum))
    _downloads(rows, metric, snapshot, stem)
    st.caption(
        f"{len(rows):,} rows · suppressed cells are empty and flagged in every download · "
        f"{snapshot.caption()}"
    )
    _whole_table(reader, snapshot)


render()
