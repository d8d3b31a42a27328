"""Utilization: services and beneficiaries served, breakdowns, public penetration."""
