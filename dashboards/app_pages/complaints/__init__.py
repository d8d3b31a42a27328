"""Complaints: volume, course, actions, appeals, timeliness; complaints by county."""
