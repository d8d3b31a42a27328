"""Medi-Cal Peer Support Specialist warehouse: contracts, ingestion, disclosure control,
publishing, the annual report and the `peerwh` command. The Dagster code location
(`peerwh.orchestration`, folder orchestration/) and the Streamlit app (`peerwh.dashboards`,
folder dashboards/) build on it."""
