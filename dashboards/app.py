"""Entry point: `streamlit run dashboards/app.py`. Signs the user in, then runs the selected page.

Reads the snapshot named by `<PEERWH_WAREHOUSE_DIR>/serving/current`; never the warehouse file.
Only the pages of the signed-in role are registered; every page also reads through the query
layer, which enforces the role's scope whatever page or URL is asked for.
"""

from __future__ import annotations

import logging
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


def pages_for(role: Role) -> list[st.Page]:
    """The pages a role may open (the query layer enforces the scope on each page as well)."""
    pages = [
        st.Page(
            _script("overview"),
            title="Overview",
            icon=":material/dashboard:",
            url_path="overview",
            default=True,
        ),
        st.Page(
            _script("workforce"),
            title="Peer workforce",
            icon=":material/groups:",
            url_path="workforce",
        ),
    ]
    pages += utilization_and_complaints_pages()
    pages += integrity_and_waiver_pages(role)
    if role is Role.STATE_ANALYST:
        pages.append(
            st.Page(
                _script("data_quality"),
                title="Data quality",
                icon=":material/fact_check:",
                url_path="data_quality",
            )
        )
    return pages


def integrity_and_waiver_pages(role: Role) -> list[st.Page]:
    """Program integrity for state analysts only; waiver metrics (public, suppressed) for all."""
    pages: list[st.Page] = []
    if role is Role.STATE_ANALYST:
        pages.append(
            st.Page(
                _script("integrity"),
                title="Program integrity",
                icon=":material/policy:",
                url_path="integrity",
            )
        )
    pages.append(
        st.Page(
            _script("waiver_metrics"),
            title="Waiver metrics",
            icon=":material/monitoring:",
            url_path="waiver_metrics",
        )
    )
    return pages


def utilization_and_complaints_pages() -> list[st.Page]:
    """Every role: each page shows a role its own scope (evaluators the public figures only)."""
    return [
        st.Page(
            _script("utilization"),
            title="Utilization",
            icon=":material/medical_services:",
            url_path="utilization",
        ),
        st.Page(
            _script("complaints"),
            title="Complaints",
            icon=":material/report:",
            url_path="complaints",
        ),
    ]


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
page.run()
