"""Peer workforce: trend, certification, supervision, turnover and the county map."""
