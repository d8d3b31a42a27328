"""Medi-Cal Peer Support Specialist warehouse: contracts, ingestion, disclosure control,
publishing, the annual report and the `peerwh` command. The Streamlit app (folder
dashboards/) is its subpackage `peerwh.dashboards`; the Dagster code location (folder
orchestration/) builds on it from the project folder."""
