"""Who may read what: roles, the signed-in `Scope`, and the views each scope gets over a snapshot.

Access is enforced where data is read. `snapshot.run_query` builds its DuckDB views from
`scoped_views(scope, ...)`, so a query can only ever see what the scope allows:

* `state_analyst`: every table of the snapshot, as published.
* `county`: public (suppressed) tables whole; county-keyed internal tables filtered to its own
  county's rows; statewide internal figures only as suppressed aggregates (`statewide_*` views).
* `evaluator`: public (suppressed) tables and the suppressed statewide aggregates only.

Every role reads the published reference tables (`REFERENCE_TABLES`). The RPT-03 thresholds of
the suppressed aggregates come from the published `policy_parameters`, not from code.

Anything not classified here is state-only (default deny). No Streamlit, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    STATE_ANALYST = "state_analyst"
    COUNTY = "county"
    EVALUATOR = "evaluator"


ROLE_LABELS: dict[Role, str] = {
    Role.STATE_ANALYST: "State analyst",
    Role.COUNTY: "County",
    Role.EVALUATOR: "Evaluator",
}

COUNTY_FIPS = re.compile(r"06\d{3}")


class AccessDenied(PermissionError):
    """The signed-in scope may not read this data. The message is fit to show the user."""


@dataclass(frozen=True)
class Scope:
    """What the signed-in user may read. Built only from the session, never from the URL."""

    role: Role
    county_fips: str | None = None
    username: str = ""

    def __post_init__(self) -> None:
        if self.role is Role.COUNTY:
            if self.county_fips is None or not COUNTY_FIPS.fullmatch(self.county_fips):
                raise ValueError(
                    f"a county scope needs a California county FIPS code, got {self.county_fips!r}"
                )
        elif self.county_fips is not None:
            raise ValueError(f"role {self.role} is not tied to a county")

    @property
    def is_state(self) -> bool:
        return self.role is Role.STATE_ANALYST

    def may_see_county_detail(self, county_fips: str) -> bool:
        """Unsuppressed figures of `county_fips`: state analysts, and a county user for its own."""
        return self.is_state or (self.role is Role.COUNTY and county_fips == self.county_fips)

    def cache_key(self) -> tuple[str, str]:
        return (self.role.value, self.county_fips or "")


# --- table classification -------------------------------------------------------------------------

# Internal tables with one row per county (a `county_fips` column): a county user gets its rows.
COUNTY_KEYED_TABLES: frozenset[str] = frozenset(
    {
        "fct_workforce_monthly",
        "agg_complaints_by_county_quarter",
        "fct_utilization_monthly",
        "fct_complaints",
        "fct_certification_pipeline",
        "agg_peer_certification_by_county",
    }
)
# Program integrity detail: findings about named peers and providers.
PROGRAM_INTEGRITY_TABLES: frozenset[str] = frozenset(
    {
        "fct_integrity_findings",
        "fct_certification_findings",
        "fct_supervision_findings",
    }
)

# Reference seeds published with every snapshot (orchestration/publish.py), public: metric
# definitions and policy parameters.
WAIVER_METRICS_CATALOG_TABLE = "waiver_metrics_catalog"
POLICY_PARAMETERS_TABLE = "policy_parameters"
REFERENCE_TABLES: frozenset[str] = frozenset(
    {WAIVER_METRICS_CATALOG_TABLE, POLICY_PARAMETERS_TABLE}
)
# RPT-03 small-cell suppression (CalHHS DDG 4.4.1): counts from suppression_min_count to
# suppression_max_count, the policy_parameters versions in force, are suppressed.
SUPPRESSION_MIN_PARAMETER = "suppression_min_count"
SUPPRESSION_MAX_PARAMETER = "suppression_max_count"

# Suppressed statewide aggregates offered to every role (name -> measures summed by month).
STATEWIDE_WORKFORCE_VIEW = "statewide_workforce_monthly"
STATEWIDE_WORKFORCE_MEASURES: tuple[str, ...] = ("active_certified_peers", "employed_peers")
# Feed freshness (latest extract date of a file not rejected, per feed) is metadata, safe for
# every role.
FEED_FRESHNESS_VIEW = "feed_freshness"


def is_public_table(name: str) -> bool:
    """Published, suppressed outputs: the reporting schema (`rpt_*`) and `*_public` marts."""
    return name.startswith("rpt_") or name.endswith("_public")


def denial_message(scope: Scope, table: str) -> str:
    if table in PROGRAM_INTEGRITY_TABLES:
        return "Program integrity data is available to state analysts only."
    if table.startswith("audit__"):
        return (
            "Data-quality detail (audit tables) is internal and available to state analysts only."
        )
    if scope.role is Role.EVALUATOR:
        return (
            f"`{table}` holds unsuppressed figures; evaluators see public, suppressed outputs only."
        )
    return f"`{table}` is not available to the {scope.role.value} role."


def readable(scope: Scope, table: str) -> bool:
    """May `scope` read (some rows of) `table`?"""
    if (
        scope.is_state
        or is_public_table(table)
        or table in REFERENCE_TABLES
        or table in derived_view_names()
    ):
        return True
    return scope.role is Role.COUNTY and (
        table in COUNTY_KEYED_TABLES or table in COUNTY_SCOPED_VIEWS
    )


def require(scope: Scope, tables: Iterable[str]) -> None:
    """Raise `AccessDenied` for the first table `scope` may not read."""
    for table in tables:
        if not readable(scope, table):
            raise AccessDenied(denial_message(scope, table))


def require_county_detail(scope: Scope, county_fips: str) -> None:
    if not scope.may_see_county_detail(county_fips):
        raise AccessDenied(
            f"County {county_fips} detail is not in your scope; other counties are shown only "
            "as public, suppressed figures."
        )


# --- views ---------------------------------------------------------------------------------------


def derived_view_names() -> frozenset[str]:
    return frozenset({STATEWIDE_WORKFORCE_VIEW, FEED_FRESHNESS_VIEW, *WORKFORCE_PAGE_VIEWS})


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read(parquet: str) -> str:
    return f"read_parquet({_literal(parquet)})"


def _small_cell(expr: str, thresholds: tuple[str, str]) -> str:
    """SQL: `expr` is a small cell; always true when a threshold is absent (fail closed)."""
    low, high = thresholds
    return f"({low} IS NULL OR {high} IS NULL OR ({expr}) BETWEEN {low} AND {high})"


def _suppressed(
    expr: str,
    alias: str,
    thresholds: tuple[str, str],
    extra_condition: str = "false",
    sql_type: str = "BIGINT",
) -> str:
    """`expr` as NULL when a small cell (or when `extra_condition` holds), and its flag."""
    condition = f"({_small_cell(expr, thresholds)} OR {extra_condition})"
    return (
        f"CASE WHEN {condition} THEN NULL ELSE CAST({expr} AS {sql_type}) END AS {alias}, "
        f"{condition} AS {alias}_is_suppressed"
    )


def _statewide_workforce_sql(scope: Scope, parquet: str, thresholds: tuple[str, str]) -> str:
    """Statewide monthly sums of `STATEWIDE_WORKFORCE_MEASURES` (see `_statewide_sums_sql`)."""
    return _statewide_sums_sql(
        scope, parquet, dict.fromkeys(STATEWIDE_WORKFORCE_MEASURES, "BIGINT"), thresholds
    )


def _feed_freshness_sql(parquet: str) -> str:
    return (
        "SELECT feed, max(extract_date) FILTER (WHERE status <> 'rejected') "
        "AS latest_extract_date, "
        "max(ingested_at) AS last_ingested_at, count(*) AS files "
        f"FROM {_read(parquet)} GROUP BY feed"
    )


def scoped_views(scope: Scope, parquet_files: Mapping[str, str]) -> dict[str, str]:
    """`{view name: SELECT}` for every table and derived view `scope` may read.

    `parquet_files` maps the snapshot's table names to their Parquet paths.
    """
    views: dict[str, str] = {}
    for name, parquet in parquet_files.items():
        if scope.is_state or is_public_table(name) or name in REFERENCE_TABLES:
            views[name] = f"SELECT * FROM {_read(parquet)}"
        elif scope.role is Role.COUNTY and name in COUNTY_KEYED_TABLES:
            county = _literal(scope.county_fips or "")
            views[name] = f"SELECT * FROM {_read(parquet)} WHERE county_fips = {county}"
    if "fct_workforce_monthly" in parquet_files:
        views[STATEWIDE_WORKFORCE_VIEW] = _statewide_workforce_sql(
            scope, parquet_files["fct_workforce_monthly"], suppression_thresholds_sql(parquet_files)
        )
    if "audit__ingest_files" in parquet_files:
        views[FEED_FRESHNESS_VIEW] = _feed_freshness_sql(parquet_files["audit__ingest_files"])
    views.update(utilization_views(scope, parquet_files))
    views.update(workforce_page_views(scope, parquet_files))
    return views


# --- RPT-03 thresholds from the published policy parameters ---------------------------------------


def _policy_value_sql(policy_parquet: str, parameter: str, aggregate: str) -> str:
    """Scalar SQL: `aggregate` of the values of `parameter` in force today; NULL when none is."""
    return (
        f"(SELECT CAST({aggregate}(value_numeric) AS BIGINT) FROM {_read(policy_parquet)} "
        f"WHERE parameter_name = {_literal(parameter)} AND effective_from <= current_date "
        "AND (effective_to IS NULL OR effective_to >= current_date))"
    )


def suppression_thresholds_sql(parquet_files: Mapping[str, str]) -> tuple[str, str]:
    """SQL scalars (lowest, highest) count suppressed, read from the published policy parameters.

    Only one version of a parameter is in force on a date (a dbt test on the seed); were two, the
    lowest minimum and the highest maximum suppress more, not less. Without the table, or with no
    version in force, both are NULL and every cell counts as small (`_small_cell`): fail closed.
    """
    policy = parquet_files.get(POLICY_PARAMETERS_TABLE)
    if policy is None:
        return ("CAST(NULL AS BIGINT)", "CAST(NULL AS BIGINT)")
    return (
        _policy_value_sql(policy, SUPPRESSION_MIN_PARAMETER, "min"),
        _policy_value_sql(policy, SUPPRESSION_MAX_PARAMETER, "max"),
    )


# --- utilization page (issue 4) ------------------------------------------------------------------

# Approved claim lines reduced to what utilization needs (no peer, provider or finding columns):
# state analysts and county users (own county's rows); never evaluators, whose utilization
# figures come from the public `rpt_waiver_metrics` only. Program integrity detail stays on
# `fct_claim_lines`, which remains state-only.
CLAIM_SERVICES_VIEW = "claim_services"
CLAIM_SERVICES_COLUMNS: tuple[str, ...] = (
    "county_fips",
    "service_month",
    "service_date",
    "delivery_system",
    "hcpcs_code",
    "modality",
    "age_group",
    "under_21",
    "is_collateral",
    "level_of_care",
    "beneficiary_key",
    "units",
    "service_minutes",
)
# Derived views that hold unsuppressed detail: a county user gets only its own county's rows.
COUNTY_SCOPED_VIEWS: frozenset[str] = frozenset({CLAIM_SERVICES_VIEW})


def _claim_services_sql(scope: Scope, parquet: str) -> str:
    where = "claim_status = 'approved'"
    if scope.role is Role.COUNTY:
        where += f" AND county_fips = {_literal(scope.county_fips or '')}"
    return f"SELECT {', '.join(CLAIM_SERVICES_COLUMNS)} FROM {_read(parquet)} WHERE {where}"


def utilization_views(scope: Scope, parquet_files: Mapping[str, str]) -> dict[str, str]:
    """The utilization page's derived views `scope` may read (none for evaluators)."""
    if scope.role is Role.EVALUATOR or "fct_claim_lines" not in parquet_files:
        return {}
    return {CLAIM_SERVICES_VIEW: _claim_services_sql(scope, parquet_files["fct_claim_lines"])}


# --- workforce page (issue 4): statewide detail and the county map ------------------------------

# Suppressed statewide monthly sums of the workforce page's measures (name -> SQL type; the
# turnover denominator is a half-integer average, hence its decimal type).
STATEWIDE_WORKFORCE_DETAIL_VIEW = "statewide_workforce_detail_monthly"
STATEWIDE_WORKFORCE_DETAIL_MEASURES: dict[str, str] = {
    "active_certified_peers": "BIGINT",
    "employed_peers": "BIGINT",
    "supervisors": "BIGINT",
    "new_certifications": "BIGINT",
    "renewals": "BIGINT",
    "reinstatements": "BIGINT",
    "lapses": "BIGINT",
    "separations": "BIGINT",
    "average_employed_peers": "DECIMAL(14, 1)",
    "medi_cal_members": "BIGINT",
}
# One row per county and month for the choropleth: public, suppressed values for every role but
# state analysts (a county user also gets its own county unsuppressed).
COUNTY_WORKFORCE_MAP_VIEW = "county_workforce_map"
WORKFORCE_PAGE_VIEWS: frozenset[str] = frozenset(
    {STATEWIDE_WORKFORCE_DETAIL_VIEW, COUNTY_WORKFORCE_MAP_VIEW}
)


def _statewide_sums_sql(
    scope: Scope, parquet: str, measures: Mapping[str, str], thresholds: tuple[str, str]
) -> str:
    """Statewide monthly sums of `measures` (name -> SQL type); small cells suppressed (NULL)
    for every role but state analysts.

    A county user also knows its own county's figure, so a statewide cell is suppressed when the
    rest of the state (statewide minus that county) would be a small cell (complementary).
    """
    columns: list[str] = []
    for measure, sql_type in measures.items():
        total = f"sum({measure})"
        if scope.is_state:
            columns.append(
                f"CAST({total} AS {sql_type}) AS {measure}, false AS {measure}_is_suppressed"
            )
            continue
        rest = "false"
        if scope.role is Role.COUNTY:
            own = f"sum({measure}) FILTER (WHERE county_fips = {_literal(scope.county_fips or '')})"
            rest = _small_cell(f"{total} - {own}", thresholds)
        columns.append(_suppressed(total, measure, thresholds, rest, sql_type))
    return f"SELECT month_start, {', '.join(columns)} FROM {_read(parquet)} GROUP BY month_start"


def _county_map_sql(scope: Scope, parquet: str, thresholds: tuple[str, str]) -> str:
    """Active certified peers and peers per 100,000 Medi-Cal members by county and month.

    State analysts get every value. Other roles get RPT-03 suppression: counts from 1 to 10
    hidden, then complementary suppression, because the statewide total is published: the next
    smallest non-zero counties of the month are hidden too until the hidden cells number at
    least two and sum to more than 10, so no hidden cell can be worked out from the total.
    A county user's own county is known to it, so it is shown and is never a complement.
    A rate is hidden when its count is, or when its denominator is a small cell.
    """
    rate = "round(active_certified_peers * 100000.0 / nullif(medi_cal_members, 0), 2)"
    if scope.is_state:
        return (
            "SELECT month_start, county_fips, county_name, "
            "CAST(active_certified_peers AS BIGINT) AS active_certified_peers, "
            "false AS active_certified_peers_is_suppressed, "
            f"CAST({rate} AS DOUBLE) AS peers_per_100k_members, "
            f"false AS peers_per_100k_members_is_suppressed FROM {_read(parquet)}"
        )
    own = _literal(scope.county_fips or "") if scope.role is Role.COUNTY else "NULL"
    small_members = _small_cell("medi_cal_members", thresholds)
    return f"""
        WITH cells AS (
            SELECT *, coalesce(county_fips = {own}, false) AS is_known,
                NOT coalesce(county_fips = {own}, false) AND active_certified_peers > 0
                    AS is_candidate
            FROM {_read(parquet)}
        ),
        ranked AS (
            SELECT *,
                row_number() OVER candidates AS candidate_rank,
                sum(active_certified_peers) OVER candidates AS running_total,
                sum(CASE WHEN is_candidate AND {_small_cell("active_certified_peers", thresholds)}
                    THEN 1 ELSE 0 END)
                    OVER (PARTITION BY month_start) AS small_cells
            FROM cells
            WINDOW candidates AS (
                PARTITION BY month_start, is_candidate
                ORDER BY active_certified_peers, county_fips
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            )
        ),
        flagged AS (
            SELECT *, is_candidate AND small_cells > 0 AND (
                candidate_rank <= small_cells
                OR NOT (candidate_rank - 1 >= 2
                    AND running_total - active_certified_peers > {thresholds[1]})
            ) AS is_hidden
            FROM ranked
        )
        SELECT month_start, county_fips, county_name,
            CASE WHEN is_hidden THEN NULL ELSE CAST(active_certified_peers AS BIGINT) END
                AS active_certified_peers,
            is_hidden AS active_certified_peers_is_suppressed,
            CASE WHEN is_hidden OR ({small_members} AND NOT is_known) THEN NULL
                ELSE CAST({rate} AS DOUBLE) END AS peers_per_100k_members,
            is_hidden OR ({small_members} AND NOT is_known)
                AS peers_per_100k_members_is_suppressed
        FROM flagged
    """


def workforce_page_views(scope: Scope, parquet_files: Mapping[str, str]) -> dict[str, str]:
    """The workforce page's derived views over `fct_workforce_monthly`, for `scope`."""
    parquet = parquet_files.get("fct_workforce_monthly")
    if parquet is None:
        return {}
    thresholds = suppression_thresholds_sql(parquet_files)
    return {
        STATEWIDE_WORKFORCE_DETAIL_VIEW: _statewide_sums_sql(
            scope, parquet, STATEWIDE_WORKFORCE_DETAIL_MEASURES, thresholds
        ),
        COUNTY_WORKFORCE_MAP_VIEW: _county_map_sql(scope, parquet, thresholds),
    }
