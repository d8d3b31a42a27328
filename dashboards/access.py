"""Who may read what: roles, the signed-in `Scope`, and the views each scope gets over a snapshot.

Access is enforced where data is read. `snapshot.run_query` builds its DuckDB views from
`scoped_views(scope, ...)`, so a query can only ever see what the scope allows:

* `state_analyst`: every table of the snapshot, as published.
* `county`: the public tables whole; county-keyed internal tables, and the derived views of
  detail (approved services, claim-line program integrity, the peer roster), filtered to its
  own county's rows; feed freshness (metadata).
* `evaluator`: the public tables only.

A table is public when the snapshot's manifest puts it in the `public/` folder: the reporting
models (`rpt_*`), which the disclosure control (RPT-03) protected together as one system of
linked tables, the reference tables needed to read them and the disclosure audit's summary.
The query layer suppresses nothing itself: a figure suppressed apart from that system could be
combined with the published ones to work a suppressed count back. So everything a non-state
role sees about the state or another county is read from the public tables as published.

Anything not classified here is state-only (default deny). No Streamlit, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
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
        "fct_complaints_by_county_quarter",
        "fct_utilization_monthly",
        "fct_complaints",
        "fct_certification_pipeline",
        "fct_peer_certification_by_county",
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

# Reference seeds published with every snapshot, in its public folder (peerwh/publish.py).
WAIVER_METRICS_CATALOG_TABLE = "waiver_metrics_catalog"
# Feed freshness (latest extract date of a file not rejected, per feed) is metadata for the roles
# that read internal data; evaluators read the public folder only.
FEED_FRESHNESS_VIEW = "feed_freshness"


def denial_message(scope: Scope, table: str) -> str:
    if table in PROGRAM_INTEGRITY_TABLES:
        return "Program integrity data is available to state analysts only."
    if table in INTEGRITY_VIEWS:
        return (
            "Program integrity data is internal: for state analysts, and for county users their "
            "own county's."
        )
    if table.startswith("audit__") or table == FEED_FRESHNESS_VIEW:
        return (
            "Data-quality detail (audit tables) is internal and available to state analysts only."
        )
    if scope.role is Role.EVALUATOR:
        return (
            f"`{table}` holds unsuppressed figures; evaluators see public, suppressed outputs only."
        )
    return f"`{table}` is not available to the {scope.role.value} role."


def readable(scope: Scope, table: str, public_tables: Collection[str]) -> bool:
    """May `scope` read (some rows of) `table`? `public_tables`: the snapshot's public folder."""
    if scope.is_state or table in public_tables:
        return True
    return scope.role is Role.COUNTY and (
        table in COUNTY_KEYED_TABLES or table in COUNTY_SCOPED_VIEWS or table == FEED_FRESHNESS_VIEW
    )


def require(scope: Scope, tables: Iterable[str], public_tables: Collection[str]) -> None:
    """Raise `AccessDenied` for the first table `scope` may not read."""
    for table in tables:
        if not readable(scope, table, public_tables):
            raise AccessDenied(denial_message(scope, table))


def require_county_detail(scope: Scope, county_fips: str) -> None:
    if not scope.may_see_county_detail(county_fips):
        raise AccessDenied(
            f"County {county_fips} detail is not in your scope; other counties are shown only "
            "as public, suppressed figures."
        )


def require_detail_area(scope: Scope, county_fips: str | None) -> None:
    """Unsuppressed detail of `county_fips` (None: statewide) must be in `scope`.

    Statewide detail is for state analysts; a county user gets its own county only; evaluators
    no detail at all (their figures are the public, suppressed ones).
    """
    if scope.role is Role.EVALUATOR:
        raise AccessDenied("Evaluators see public, suppressed figures only.")
    if county_fips is None:
        if not scope.is_state:
            raise AccessDenied(
                "Statewide detail is not in your scope; other counties are shown only as "
                "public, suppressed figures."
            )
        return
    require_county_detail(scope, county_fips)


# --- views ---------------------------------------------------------------------------------------


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read(parquet: str) -> str:
    return f"read_parquet({_literal(parquet)})"


def _feed_freshness_sql(parquet: str) -> str:
    return (
        "SELECT feed, max(extract_date) FILTER (WHERE status <> 'rejected') "
        "AS latest_extract_date, "
        "max(ingested_at) AS last_ingested_at, count(*) AS files "
        f"FROM {_read(parquet)} GROUP BY feed"
    )


def scoped_views(
    scope: Scope, parquet_files: Mapping[str, str], public_tables: Collection[str]
) -> dict[str, str]:
    """`{view name: SELECT}` for every table and derived view `scope` may read.

    `parquet_files` maps the snapshot's table names to their Parquet paths; `public_tables`
    names those in its public folder.
    """
    views: dict[str, str] = {}
    for name, parquet in parquet_files.items():
        if scope.is_state or name in public_tables:
            views[name] = f"SELECT * FROM {_read(parquet)}"
        elif scope.role is Role.COUNTY and name in COUNTY_KEYED_TABLES:
            county = _literal(scope.county_fips or "")
            views[name] = f"SELECT * FROM {_read(parquet)} WHERE county_fips = {county}"
    if scope.role is not Role.EVALUATOR and "audit__ingest_files" in parquet_files:
        views[FEED_FRESHNESS_VIEW] = _feed_freshness_sql(parquet_files["audit__ingest_files"])
    views.update(utilization_views(scope, parquet_files))
    return views


# --- utilization page ----------------------------------------------------------------------------

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
# Claim-line program integrity (BILL-xx), internal: every claim line with its status, provider
# and peer, and the findings on them with the line's county and service month. State analysts
# read them whole, a county user its own county's lines (evaluators nothing). Certification and
# supervision findings have no county and stay state-only (`PROGRAM_INTEGRITY_TABLES`).
INTEGRITY_LINES_VIEW = "integrity_claim_lines"
INTEGRITY_FINDINGS_VIEW = "integrity_line_findings"
INTEGRITY_VIEWS: frozenset[str] = frozenset({INTEGRITY_LINES_VIEW, INTEGRITY_FINDINGS_VIEW})
# A county's roster of its own peers (renewals due, CERT-04/05): certification columns of
# dim_peers only, none of the demographic ones.
PEER_ROSTER_VIEW = "peer_roster"
PEER_ROSTER_COLUMNS: tuple[str, ...] = (
    "certificant_id",
    "certification_number",
    "county_fips",
    "current_status",
    "current_expiration_date",
    "specializations",
    "as_of_date",
)
# Derived views that hold unsuppressed detail: a county user gets only its own county's rows.
COUNTY_SCOPED_VIEWS: frozenset[str] = frozenset(
    {CLAIM_SERVICES_VIEW, PEER_ROSTER_VIEW, *INTEGRITY_VIEWS}
)


def _claim_services_sql(scope: Scope, parquet: str) -> str:
    return (
        f"SELECT {', '.join(CLAIM_SERVICES_COLUMNS)} FROM {_read(parquet)} "
        f"WHERE claim_status = 'approved' AND {_own_county(scope)}"
    )


def _own_county(scope: Scope, column: str = "county_fips") -> str:
    """SQL condition: true for a state analyst, the scope's county for a county user."""
    if scope.role is Role.COUNTY:
        return f"{column} = {_literal(scope.county_fips or '')}"
    return "true"


def utilization_views(scope: Scope, parquet_files: Mapping[str, str]) -> dict[str, str]:
    """The derived views of detail `scope` may read, its own county's rows for a county user:
    the utilization page's services, the program integrity lines and findings, the peer roster.
    None for evaluators."""
    if scope.role is Role.EVALUATOR:
        return {}
    views: dict[str, str] = {}
    lines = parquet_files.get("fct_claim_lines")
    if lines is not None:
        views[CLAIM_SERVICES_VIEW] = _claim_services_sql(scope, lines)
        views[INTEGRITY_LINES_VIEW] = f"SELECT * FROM {_read(lines)} WHERE {_own_county(scope)}"
        findings = parquet_files.get("fct_integrity_findings")
        if findings is not None:
            views[INTEGRITY_FINDINGS_VIEW] = (
                "SELECT f.*, l.county_fips, l.service_month "
                f"FROM {_read(findings)} AS f INNER JOIN {_read(lines)} AS l "
                f"USING (claim_id, line_number) WHERE {_own_county(scope, 'l.county_fips')}"
            )
    peers = parquet_files.get("dim_peers")
    if peers is not None:
        views[PEER_ROSTER_VIEW] = (
            f"SELECT {', '.join(PEER_ROSTER_COLUMNS)} FROM {_read(peers)} "
            f"WHERE county_fips IS NOT NULL AND {_own_county(scope)}"
        )
    return views
