"""dbt source freshness turned into audit rows: on time, late, never delivered."""

from __future__ import annotations

import datetime as dt

from orchestration.defs.freshness import freshness_rows, freshness_selector, source_unique_id
from peerwh.config import FEEDS


def result(feed: str, status: str, loaded: str | None, age_s: float | None) -> dict:
    return {
        "unique_id": source_unique_id(feed),
        "status": status,
        "max_loaded_at": loaded,
        "snapshotted_at": "2026-12-06T10:00:00Z",
        "max_loaded_at_time_ago_in_s": age_s,
    }


def test_pass_is_on_time_and_anything_else_is_stale() -> None:
    sources = {
        "results": [
            result("claims", "warn", "2026-10-27T10:00:00+00:00", 40 * 86_400),
            result("certificants", "pass", "2026-12-05T10:00:00", 86_400),
            result("eligibility", "runtime error", None, None),
            {"unique_id": "source.peerwh.disclosure.suppression", "status": "pass"},
        ]
    }
    rows = {row["feed"]: row for row in freshness_rows(sources)}
    assert list(rows) == ["certificants", "claims", "eligibility"]
    assert rows["certificants"]["status"] == "on_time"
    assert rows["certificants"]["days_since_last_load"] == 1.0
    assert rows["claims"]["status"] == "stale"
    assert rows["claims"]["days_since_last_load"] == 40.0
    assert rows["claims"]["last_loaded_at"] == dt.datetime(2026, 10, 27, 10, 0)
    assert rows["claims"]["delivery_every_days"] == 35
    assert rows["eligibility"]["status"] == "stale"
    assert rows["eligibility"]["last_loaded_at"] is None
    assert rows["eligibility"]["checked_at"] == dt.datetime(2026, 12, 6, 10, 0)


def test_a_feed_is_the_table_of_the_source_named_for_the_system_sending_it() -> None:
    assert source_unique_id("claims") == "source.peerwh.sdmc.claims"
    assert (
        source_unique_id("complaint_events") == "source.peerwh.peer_certification.complaint_events"
    )
    assert "source:medi_cal.eligibility" in freshness_selector().split()
    assert len(freshness_selector().split()) == len(FEEDS)
