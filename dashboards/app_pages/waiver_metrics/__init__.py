"""Waiver metrics: the published `rpt_waiver_metrics`, picked, charted, downloaded."""
