"""Streamlit dashboards. They read only the published Parquet snapshot, never the warehouse file."""
