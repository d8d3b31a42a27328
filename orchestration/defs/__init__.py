"""Dagster assets, one module per domain: landing/ingest, dbt, serving, dashboards."""
