"""Medi-Cal Peer Support Specialist warehouse: ingestion, orchestration and the CLI."""
