"""Streamlit dashboards. They read only the published Parquet snapshot, never the warehouse file.

`app.py` signs the user in and runs the page they open. Each page is a folder of `app_pages/`
holding its script (`page.py`) and what only that page uses: its queries, figures, tables and
downloads. What more than one page uses sits here, at the top of the package, as the shared layer:

* `access.py` who may read what; `auth.py`, `session.py`, `users.py` sign-in and the users file;
* `snapshot.py` the published snapshot and `SnapshotReader` (scope and build): every query runs
  through it, and it reads only the tables and rows the role's scope allows (`access.py`);
* `shared_queries.py` and `shared_figures.py` the queries and figure pieces of several pages;
* `ui.py` Streamlit widgets, `formatting.py` display text, `metrics.py` headline numbers, `geo.py`
  the county shapes.

The shared layer is the package's top level rather than a `shared/` folder: every page imports
it, and the commands `python -m dashboards.users` and `python -m dashboards.geo` keep their
names. The page folder is `app_pages/`, not `pages/`: Streamlit would serve a `pages/` folder
beside `app.py` as legacy pages, which run without the entry point's sign-in.
"""
