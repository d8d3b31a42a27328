"""Entry point: `streamlit run dashboards/app.py`. Signs the user in, then runs the selected page.

Reads the snapshot named by `<PEERWH_WAREHOUSE_DIR>/serving/current`; never the warehouse file.
Only the pages of the signed-in role are registered; every page also reads through the query
layer, which enforces the role's scope whatever page or URL is asked for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from peerwh.dashboards import session
from peerwh.dashboards.access import Role
from peerwh.dashboards.auth import UsersFileError

HERE = Path(__file__).resolve().parent

# The operator's log on the server's stderr: users-file problems and failed sign-ins, beside
# Streamlit's own lines (an uncaught error's traceback, which users never see: see
# `.streamlit/config.toml`). Once per process: later reruns find the root logger set up.
logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(
    page_title="Peer Support Specialist program",
    page_icon=":material/groups:",
    layout="wide",
)


def _script(page: str) -> Path:
    """A page's Streamlit script: `app_pages/<page>/page.py`."""
    return HERE / "app_pages" / page / "page.py"


@dataclass(frozen=True)
class PageSpec:
    """A page of the app and the roles that may open it (the query layer enforces the scope on
    each page as well)."""

    folder: str  # app_pages/<folder>/page.py, also the page's URL path
    title: str
    icon: str
    roles: frozenset[Role]


EVERY_ROLE = frozenset(Role)
INTERNAL_ROLES = frozenset({Role.STATE_ANALYST, Role.COUNTY})
PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Overview", ":material/dashboard:", EVERY_ROLE),
    PageSpec("workforce", "Peer workforce", ":material/groups:", EVERY_ROLE),
    # Every role: each page shows a role its own scope (evaluators the public figures only).
    PageSpec("utilization", "Utilization", ":material/medical_services:", EVERY_ROLE),
    PageSpec("complaints", "Complaints", ":material/report:", EVERY_ROLE),
    # Internal: state analysts, and county users for their own county's claim lines.
    PageSpec("integrity", "Program integrity", ":material/policy:", INTERNAL_ROLES),
    PageSpec("waiver_metrics", "Waiver metrics", ":material/monitoring:", EVERY_ROLE),
    PageSpec(
        "data_quality", "Data quality", ":material/fact_check:", frozenset({Role.STATE_ANALYST})
    ),
)
NOT_IN_ROLE_NOTICE = "That page is not available to your role; here is the overview instead."
NOTICE_KEY = "peerwh_page_notice"


def pages_for(role: Role) -> list[st.Page]:
    """Every page, whatever the role, so that any page's URL resolves (Streamlit shows a "Page
    not found" dialog over whatever is on screen for a URL outside the pages it was given, e.g.
    when a page URL opened before signing in belongs to no page of the role signed in). A page
    `role` may not open is hidden from the menu and only sends the user to the overview."""
    pages: list[st.Page] = []
    for spec in PAGES:
        if role in spec.roles:
            page = st.Page(
                _script(spec.folder),
                title=spec.title,
                icon=spec.icon,
                url_path=spec.folder,
                default=spec.folder == "overview",
            )
        else:
            page = st.Page(
                _to_overview, title=spec.title, url_path=spec.folder, visibility="hidden"
            )
        pages.append(page)
    return pages


def _to_overview() -> None:
    st.session_state[NOTICE_KEY] = NOT_IN_ROLE_NOTICE
    st.switch_page(_script("overview"))


try:
    scope = session.current_scope()
except UsersFileError as exc:  # an invalid PEERWH_AUTH value
    st.navigation([st.Page(lambda: None, title="Error")], position="hidden")
    st.error(str(exc))
    st.stop()

# st.navigation runs on every rerun, signed in or not. Signed out, it only resolves the URL's page
# (opened, with its query parameters, once signed in) and the sign-in form shows instead. The page
# scripts live in `app_pages/`, not `pages/`: Streamlit would serve a `pages/` folder as legacy
# pages, running a page script by URL without this entry point's sign-in.
page = st.navigation(
    pages_for(scope.role if scope else Role.STATE_ANALYST),
    position="sidebar" if scope else "hidden",
)
if scope is None:
    session.sign_in_form()
    st.stop()
session.show_identity(scope)
notice = st.session_state.pop(NOTICE_KEY, None)
if notice:
    st.info(notice, icon=":material/block:")
page.run()
