"""Dashboard pages, one folder each; `st.navigation` in `dashboards/app.py` runs a page's `page.py`.

A folder holds everything only its page uses: the Streamlit script (`page.py`), its SQL
(`queries.py`), its Plotly figures (`figures.py`) and, where it has them, its display tables
(`tables.py`) and file downloads (`downloads.py`). What several pages use is one level up.
"""
