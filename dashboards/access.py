"""Who may read what: roles, the signed-in `Scope`, and the views each scope gets over a snapshot.

Access is enforced where data is read. `snapshot.run_query` builds its DuckDB views from
`scoped_views(scope, ...)`, so a query can only ever see what the scope allows:

* `state_analyst`: every table of the snapshot, as published.
* `county`: public (suppressed) tables whole; county-keyed internal tables filtered to its own
  county's rows; statewide internal figures only as suppressed aggregates (`statewide_*` views).
* `evaluator`: public (suppressed) tables and the suppressed statewide aggregates only.

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

# RPT-03 small-cell suppression (CalHHS DDG 4.4.1, policy_parameters seed): counts 1 to 10.
SUPPRESSION_MIN_COUNT = 1
SUPPRESSION_MAX_COUNT = 10

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
    if scope.is_state or is_public_table(table) or table in derived_view_names():
        return True
    return scope.role is Role.COUNTY and table in COUNTY_KEYED_TABLES


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


def _suppressed(
    expr: str, alias: str, extra_condition: str = "false", sql_type: str = "BIGINT"
) -> str:
    """`expr` as NULL when a small cell (or when `extra_condition` holds), and its flag."""
    small = f"({expr}) BETWEEN {SUPPRESSION_MIN_COUNT} AND {SUPPRESSION_MAX_COUNT}"
    condition = f"({small} OR {extra_condition})"
    return (
        f"CASE WHEN {condition} THEN NULL ELSE CAST({expr} AS {sql_type}) END AS {alias}, "
        f"{condition} AS {alias}_is_suppressed"
    )


def _statewide_workforce_sql(scope: Scope, parquet: str) -> str:
    """Statewide monthly sums of `STATEWIDE_WORKFORCE_MEASURES` (see `_statewide_sums_sql`)."""
    return _statewide_sums_sql(
        scope, parquet, dict.fromkeys(STATEWIDE_WORKFORCE_MEASURES, "BIGINT")
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
        if scope.is_state or is_public_table(name):
            views[name] = f"SELECT * FROM {_read(parquet)}"
        elif scope.role is Role.COUNTY and name in COUNTY_KEYED_TABLES:
            county = _literal(scope.county_fips or "")
            views[name] = f"SELECT * FROM {_read(parquet)} WHERE county_fips = {county}"
    if "fct_workforce_monthly" in parquet_files:
        views[STATEWIDE_WORKFORCE_VIEW] = _statewide_workforce_sql(
            scope, parquet_files["fct_workforce_monthly"]
        )
    if "audit__ingest_files" in parquet_files:
        views[FEED_FRESHNESS_VIEW] = _feed_freshness_sql(parquet_files["audit__ingest_files"])
    views.update(workforce_page_views(scope, parquet_files))
    return views


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


def _statewide_sums_sql(scope: Scope, parquet: str, measures: Mapping[str, str]) -> str:
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
            rest = f"({total} - {own}) BETWEEN {SUPPRESSION_MIN_COUNT} AND {SUPPRESSION_MAX_COUNT}"
        columns.append(_suppressed(total, measure, rest, sql_type))
    return f"SELECT month_start, {', '.join(columns)} FROM {_read(parquet)} GROUP BY month_start"


def _county_map_sql(scope: Scope, parquet: str) -> str:
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
    small = f"BETWEEN {SUPPRESSION_MIN_COUNT} AND {SUPPRESSION_MAX_COUNT}"
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
                sum(CASE WHEN is_candidate AND active_certified_peers {small} THEN 1 ELSE 0 END)
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
                    AND running_total - active_certified_peers > {SUPPRESSION_MAX_COUNT})
            ) AS is_hidden
            FROM ranked
        )
        SELECT month_start, county_fips, county_name,
            CASE WHEN is_hidden THEN NULL ELSE CAST(active_certified_peers AS BIGINT) END
                AS active_certified_peers,
            is_hidden AS active_certified_peers_is_suppressed,
            CASE WHEN is_hidden OR (medi_cal_members {small} AND NOT is_known) THEN NULL
                ELSE CAST({rate} AS DOUBLE) END AS peers_per_100k_members,
            is_hidden OR (medi_cal_members {small} AND NOT is_known)
                AS peers_per_100k_members_is_suppressed
        FROM flagged
    """


def workforce_page_views(scope: Scope, parquet_files: Mapping[str, str]) -> dict[str, str]:
    """The workforce page's derived views over `fct_workforce_monthly`, for `scope`."""
    parquet = parquet_files.get("fct_workforce_monthly")
    if parquet is None:
        return {}
    return {
        STATEWIDE_WORKFORCE_DETAIL_VIEW: _statewide_sums_sql(
            scope, parquet, STATEWIDE_WORKFORCE_DETAIL_MEASURES
        ),
        COUNTY_WORKFORCE_MAP_VIEW: _county_map_sql(scope, parquet),
    }
