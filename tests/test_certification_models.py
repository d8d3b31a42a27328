"""Certification rules (CERT-01..09, PI-02) on the warehouse built from the generator's tiny data.

The session fixtures build the warehouse with the real pipeline (`peerwh run`) from tiny feeds
(seed 7) whose answer key lists every planted policy problem. Findings must match the planted
CERT cases exactly, by rule and business key ``certificant_id:event_id``, with none invented;
the PI-02 status cases must show in the status spans; spans never overlap or leave gaps; and
changing a value in the `policy_parameters` seed changes the findings on the next build with no
code change.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from peerwh_synthetic.reference import write_county_opt_in_seed
from tests.pipeline import DBT_PROJECT_DIR, BuiltWarehouse, copy_warehouse, run_dbt

CERT_RULES = ("CERT-01", "CERT-02", "CERT-03", "CERT-04", "CERT-06", "CERT-08", "CERT-09")


def planted(answer_key: pd.DataFrame, rule_prefix: str) -> pd.DataFrame:
    policy = answer_key[answer_key["kind"] == "policy"]
    return policy[policy["rule_id"].str.startswith(rule_prefix)]


def findings(built: BuiltWarehouse) -> set[tuple[str, str]]:
    frame = built.query(
        "select rule_id, certificant_id || ':' || event_id as business_key "
        "from marts.fct_certification_findings"
    )
    return set(zip(frame["rule_id"], frame["business_key"], strict=True))


def status_on(built: BuiltWarehouse, certificant_id: str, day: str) -> list[str]:
    frame = built.query(
        """
        select status from marts.fct_certification_status_spans
        where certificant_id = ? and valid_from <= cast(? as date)
            and (valid_to is null or cast(? as date) < valid_to)
        """,
        [certificant_id, day, day],
    )
    return frame["status"].tolist()


def complaint_action(built: BuiltWarehouse, certificant_id: str, event_type: str) -> pd.Series:
    frame = built.query(
        """
        select event_date, action_end_date from staging.stg_peer_certification__complaint_events
        where certificant_id = ? and event_type = ?
        """,
        [certificant_id, event_type],
    )
    assert len(frame) == 1, (certificant_id, event_type, frame)
    return frame.iloc[0]


# ------------------------------------------------------------------------ findings


def test_every_planted_certification_case_is_found_exactly(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    expected = set(
        zip(
            planted(answer_key, "CERT")["rule_id"],
            planted(answer_key, "CERT")["business_key"],
            strict=True,
        )
    )
    assert {rule for rule, _ in expected} == set(CERT_RULES)
    found = findings(built_warehouse)
    assert expected - found == set(), "planted cases not found"
    assert found - expected == set(), "findings not in the answer key (invented)"


def test_findings_are_one_row_per_event_and_rule_with_text(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    frame = built_warehouse.query("select * from marts.fct_certification_findings")
    assert len(frame) == len(planted(answer_key, "CERT"))
    assert not frame.duplicated(["event_id", "rule_id"]).any()
    assert frame["finding"].str.len().min() > 0
    dated = built_warehouse.query(
        """
        select count(*) as mismatched from marts.fct_certification_findings as f
        inner join staging.stg_peer_certification__certification_events as e
            on f.event_id = e.event_id
        where f.detected_on <> e.event_date or f.certificant_id <> e.certificant_id
        """
    )
    assert dated["mismatched"].iloc[0] == 0


# ------------------------------------------------------------------------ PI-02 and spans


def test_suspended_peer_is_not_active_during_the_suspension(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    cases = planted(answer_key, "PI-02")
    suspended = cases[cases["note"].str.startswith("suspended")]["business_key"].tolist()
    assert suspended
    for certificant_id in suspended:
        action = complaint_action(built_warehouse, certificant_id, "suspended")
        start, end = action["event_date"], action["action_end_date"]
        inside = pd.date_range(start, end, freq="D")
        for day in (inside[0], inside[len(inside) // 2], inside[-1]):
            assert status_on(built_warehouse, certificant_id, str(day.date())) == ["suspended"]
        before = (pd.Timestamp(start) - pd.Timedelta(days=1)).date()
        after = (pd.Timestamp(end) + pd.Timedelta(days=1)).date()
        assert status_on(built_warehouse, certificant_id, str(before)) == ["active"]
        assert status_on(built_warehouse, certificant_id, str(after)) == ["active"]


def test_revocation_upheld_is_revoked_from_its_date(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    cases = planted(answer_key, "PI-02")
    upheld = cases[cases["note"].str.contains("upheld")]["business_key"].tolist()
    assert upheld
    for certificant_id in upheld:
        revoked_on = complaint_action(built_warehouse, certificant_id, "revoked")["event_date"]
        spans = built_warehouse.query(
            """
            select status, valid_from, valid_to from marts.fct_certification_status_spans
            where certificant_id = ? order by valid_from
            """,
            [certificant_id],
        )
        last = spans.iloc[-1]
        assert last["status"] == "revoked"
        assert pd.Timestamp(last["valid_from"]) == pd.Timestamp(revoked_on)
        assert pd.isna(last["valid_to"])
        assert set(spans["status"].iloc[:-1]) <= {"applicant", "active"}


def test_revocation_overturned_on_appeal_stays_active_throughout(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    cases = planted(answer_key, "PI-02")
    overturned = cases[cases["note"].str.contains("overturned")]["business_key"].tolist()
    assert overturned
    for certificant_id in overturned:
        revoked_on = pd.Timestamp(
            complaint_action(built_warehouse, certificant_id, "revoked")["event_date"]
        )
        statuses = built_warehouse.query(
            "select distinct status from marts.fct_certification_status_spans "
            "where certificant_id = ?",
            [certificant_id],
        )["status"]
        assert "revoked" not in set(statuses)
        for offset in (0, 30, 90):
            day = (revoked_on + pd.Timedelta(days=offset)).date()
            assert status_on(built_warehouse, certificant_id, str(day)) == ["active"]


def test_status_spans_never_overlap_and_leave_no_gap(built_warehouse: BuiltWarehouse) -> None:
    broken = built_warehouse.query(
        """
        with ordered as (
            select
                certificant_id, valid_from, valid_to,
                lead(valid_from) over (partition by certificant_id order by valid_from) as next_from
            from marts.fct_certification_status_spans
        )
        select * from ordered
        where (next_from is not null and (valid_to is null or valid_to <> next_from))
            or (valid_to is not null and valid_to <= valid_from)
        """
    )
    assert broken.empty, broken.head(10)
    counts = built_warehouse.query(
        """
        select count(distinct certificant_id) as people, count(*) as spans,
            count(*) filter (where valid_to is null) as open_spans
        from marts.fct_certification_status_spans
        """
    ).iloc[0]
    assert counts["spans"] > counts["people"] > 0
    assert counts["open_spans"] <= counts["people"]


def test_dim_peers_has_one_row_per_certificant_and_no_pii(built_warehouse: BuiltWarehouse) -> None:
    peers = built_warehouse.query("select * from marts.dim_peers")
    certificants = built_warehouse.query(
        "select count(*) as n from staging.stg_peer_certification__certificants"
    )
    assert len(peers) == certificants["n"].iloc[0]
    assert peers["certificant_id"].is_unique
    assert {"first_name", "last_name", "date_of_birth"}.isdisjoint(peers.columns)
    assert peers["age_group"].notna().all()
    listed = peers["specializations"].dropna().str.split(", ")
    assert all(items == sorted(set(items)) for items in listed)


# ------------------------------------------------------------------------ seeds


def test_county_opt_in_seed_agrees_with_the_generator(tmp_path: Path) -> None:
    generated = write_county_opt_in_seed(tmp_path / "county_opt_in.csv")
    seed = DBT_PROJECT_DIR / "seeds" / "county_opt_in.csv"
    assert seed.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8")


def test_policy_parameters_seed_matches_the_warehouse(built_warehouse: BuiltWarehouse) -> None:
    with (DBT_PROJECT_DIR / "seeds" / "policy_parameters.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["source"] for row in rows)
    loaded = built_warehouse.query(
        "select parameter_name, value_numeric, value_date from reference.policy_parameters"
    )
    assert sorted(loaded["parameter_name"]) == sorted(row["parameter_name"] for row in rows)
    renewal = loaded[loaded["parameter_name"] == "renewal_ce_hours"].iloc[0]
    assert float(renewal["value_numeric"]) == 20.0


# ------------------------------------------------------------------------ policy is data


def test_changing_a_policy_parameter_changes_findings_without_code_change(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    project = tmp_path / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    seed = project / "seeds" / "policy_parameters.csv"
    text = seed.read_text(encoding="utf-8")
    line = next(row for row in text.splitlines() if row.startswith("renewal_ce_hours,"))
    assert line.split(",")[2] == "20"
    seed.write_text(text.replace(line, line.replace(",20,", ",200,", 1)), encoding="utf-8")

    before = findings(built_warehouse)
    result = run_dbt(
        "build",
        "--select",
        "+fct_certification_findings",
        "--exclude",
        "test_type:unit",
        "--indirect-selection",
        "cautious",
        project_dir=project,
        warehouse_dir=warehouse,
    )
    assert result["success"], result

    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as con:
        after_rows = con.execute(
            "select rule_id, certificant_id || ':' || event_id "
            "from marts.fct_certification_findings"
        ).fetchall()
        renewals = con.execute(
            "select count(*) from staging.stg_peer_certification__certification_events "
            "where event_type = 'renewed'"
        ).fetchone()
    after = {(rule, key) for rule, key in after_rows}
    new_cert_04 = {key for rule, key in after - before if rule == "CERT-04"}
    # Clean renewals carry 22-30 CE hours: under a 200-hour rule every renewal falls short.
    assert renewals is not None
    assert len(new_cert_04) + len(planted(answer_key, "CERT-04")) == renewals[0]
    assert before - after == set()
    assert {rule for rule, _ in after - before} == {"CERT-04"}
