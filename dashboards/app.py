"""Entry point: `streamlit run dashboards/app.py`. Registers the pages and runs the selected one.

Reads the snapshot named by `<PEERWH_WAREHOUSE_DIR>/serving/current`; never the warehouse file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
# `streamlit run` puts only this folder on sys.path;
# the pages import `dashboards.*` and `orchestration.*`.
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

st.set_page_config(
    page_title="Peer Support Specialist program",
    page_icon=":material/groups:",
    layout="wide",
)

pages = [
    st.Page(
        HERE / "pages" / "workforce.py",
        title="Peer workforce",
        icon=":material/groups:",
        default=True,
    ),
]
st.navigation(pages).run()
