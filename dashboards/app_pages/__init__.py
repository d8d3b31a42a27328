"""Dashboard pages, each run by `st.navigation` from `dashboards/app.py`."""
