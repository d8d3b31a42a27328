"""Billing rules (BILL-01..11) and utilization on the warehouse built from tiny generated data.

The session fixtures build the warehouse with the real pipeline (`peerwh run`) from tiny feeds
(seed 7) whose answer key lists every planted policy problem. Integrity findings must match the
planted BILL cases exactly, by rule and business key ``claim_id:line_number``, with none
invented; under-21 lines in counties that had not opted in (BILL-06-EPSDT-EXEMPT) must not be
flagged; no mart may carry PII; and an incremental build of fct_claim_lines must equal a full one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd

from tests.pipeline import DBT_PROJECT_DIR, BuiltWarehouse, copy_warehouse, run_dbt

BILL_RULES = (
    "BILL-01",
    "BILL-02",
    "BILL-03",
    "BILL-04",
    "BILL-05",
    "BILL-06",
    "BILL-07",
    "BILL-10",
    "BILL-11",
)
PII_COLUMNS = {
    "beneficiary_cin",
    "beneficiary_dob",
    "date_of_birth",
    "first_name",
    "last_name",
    "person_name",
    "provider_name",
}


def planted(answer_key: pd.DataFrame, rule_id: str) -> set[str]:
    rows = answer_key[(answer_key["kind"] == "policy") & (answer_key["rule_id"] == rule_id)]
    return set(rows["business_key"])


def integrity_findings(built: BuiltWarehouse) -> set[tuple[str, str]]:
    frame = built.query(
        "select rule_id, claim_id || ':' || cast(line_number as varchar) as business_key "
        "from marts.fct_integrity_findings"
    )
    return set(zip(frame["rule_id"], frame["business_key"], strict=True))


# ------------------------------------------------------------------------ findings


def test_every_planted_billing_case_is_found_exactly(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    expected = {(rule, key) for rule in BILL_RULES for key in planted(answer_key, rule)}
    assert {rule for rule, _ in expected} == set(BILL_RULES)
    found = integrity_findings(built_warehouse)
    for rule in BILL_RULES:
        wanted = {key for r, key in expected if r == rule}
        got = {key for r, key in found if r == rule}
        assert wanted - got == set(), f"{rule}: planted cases not found"
        assert got - wanted == set(), f"{rule}: findings not in the answer key (invented)"
    assert found == expected


def test_findings_have_one_row_per_line_and_rule_with_severity(
    built_warehouse: BuiltWarehouse,
) -> None:
    frame = built_warehouse.query("select * from marts.fct_integrity_findings")
    assert not frame.duplicated(["claim_id", "line_number", "rule_id"]).any()
    assert set(frame.loc[frame["rule_id"] == "BILL-03", "severity"]) == {"warning"}
    assert set(frame.loc[frame["rule_id"] != "BILL-03", "severity"]) == {"flag"}
    assert frame["detail"].str.len().min() > 0
    assert (frame["approved_amount_at_risk"] >= 0).all()


def test_findings_are_on_approved_lines_and_mark_them_flagged(
    built_warehouse: BuiltWarehouse,
) -> None:
    frame = built_warehouse.query(
        """
        select lines.claim_status, lines.is_flagged
        from marts.fct_integrity_findings as findings
        inner join marts.fct_claim_lines as lines
            on findings.claim_id = lines.claim_id and findings.line_number = lines.line_number
        """
    )
    total = built_warehouse.query("select count(*) as n from marts.fct_integrity_findings")
    assert len(frame) == total["n"].iloc[0]
    assert set(frame["claim_status"]) == {"approved"}
    assert frame["is_flagged"].all()
    unflagged = built_warehouse.query(
        """
        select count(*) as n from marts.fct_claim_lines as lines
        where lines.is_flagged and not exists (
            select 1 from marts.fct_integrity_findings as findings
            where findings.claim_id = lines.claim_id and findings.line_number = lines.line_number
        )
        """
    )
    assert unflagged["n"].iloc[0] == 0


def test_duplicate_pairs_put_only_the_duplicate_at_risk(built_warehouse: BuiltWarehouse) -> None:
    frame = built_warehouse.query(
        """
        select findings.approved_amount_at_risk, lines.approved_amount
        from marts.fct_integrity_findings as findings
        inner join marts.fct_claim_lines as lines
            on findings.claim_id = lines.claim_id and findings.line_number = lines.line_number
        where findings.rule_id = 'BILL-11'
        """
    )
    at_risk = frame[frame["approved_amount_at_risk"] > 0]
    assert len(at_risk) * 2 == len(frame)
    assert (at_risk["approved_amount_at_risk"] == at_risk["approved_amount"]).all()


# ------------------------------------------------------------------------ EPSDT (BILL-06)


def test_epsdt_exempt_lines_are_counted_not_flagged(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    exempt = planted(answer_key, "BILL-06-EPSDT-EXEMPT")
    assert exempt
    lines = built_warehouse.query(
        """
        select claim_id || ':' || cast(line_number as varchar) as business_key, under_21,
            county_opted_in, epsdt_exempt_opt_in, is_flagged
        from marts.fct_claim_lines
        """
    ).set_index("business_key")
    chosen = lines.loc[sorted(exempt)]
    assert chosen["under_21"].all()
    assert not chosen["county_opted_in"].any()
    assert chosen["epsdt_exempt_opt_in"].all()
    assert not chosen["is_flagged"].any()
    assert not {key for _, key in integrity_findings(built_warehouse)} & exempt
    assert set(lines.index[lines["epsdt_exempt_opt_in"]]) == exempt


# ------------------------------------------------------------------------ BILL-01 and PI-02


def test_revocation_overturned_on_appeal_leaves_lines_unflagged(
    built_warehouse: BuiltWarehouse, answer_key: pd.DataFrame
) -> None:
    cases = answer_key[(answer_key["kind"] == "policy") & (answer_key["rule_id"] == "PI-02")]
    overturned = cases[cases["note"].str.contains("overturned")]["business_key"].tolist()
    assert overturned
    frame = built_warehouse.query(
        f"""
        select lines.certificant_id, lines.peer_status_on_service_date, lines.is_flagged
        from marts.fct_claim_lines as lines
        inner join staging.stg_peer_certification__complaint_events as revocations
            on lines.certificant_id = revocations.certificant_id
            and revocations.event_type = 'revoked'
            and lines.service_date >= revocations.event_date
        where lines.certificant_id in ({", ".join("?" for _ in overturned)})
        """,
        list(overturned),
    )
    assert len(frame) > 0, "no line after an overturned revocation to check"
    assert set(frame["peer_status_on_service_date"]) == {"active"}
    assert not frame["is_flagged"].any()


# ------------------------------------------------------------------------ utilization


def test_utilization_adds_up_to_approved_lines(built_warehouse: BuiltWarehouse) -> None:
    totals = built_warehouse.query(
        """
        select sum(services) as services, sum(approved_amount) as approved,
            sum(collateral_services) as collateral
        from marts.fct_utilization_monthly
        """
    ).iloc[0]
    lines = built_warehouse.query(
        """
        select count(*) as services, sum(approved_amount) as approved,
            sum(case when is_collateral then 1 else 0 end) as collateral
        from marts.fct_claim_lines where claim_status = 'approved'
        """
    ).iloc[0]
    assert totals["services"] == lines["services"]
    assert totals["approved"] == lines["approved"]
    assert totals["collateral"] == lines["collateral"]
    rates = built_warehouse.query(
        "select beneficiaries_served, eligible_members, penetration_rate "
        "from marts.fct_utilization_monthly where eligible_members > 0"
    )
    assert len(rates) > 0
    expected = rates["beneficiaries_served"] / rates["eligible_members"]
    assert ((rates["penetration_rate"].astype(float) - expected).abs() < 1e-5).all()


# ------------------------------------------------------------------------ privacy


def test_no_mart_carries_pii(built_warehouse: BuiltWarehouse) -> None:
    columns = built_warehouse.query(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts'"
    )
    assert {"fct_claim_lines", "fct_integrity_findings", "fct_utilization_monthly"} <= set(
        columns["table_name"]
    )
    leaked = columns[columns["column_name"].str.lower().isin(PII_COLUMNS)]
    assert leaked.empty, leaked.to_string()
    keys = built_warehouse.query("select distinct beneficiary_key from marts.fct_claim_lines")
    assert keys["beneficiary_key"].str.fullmatch(r"[0-9a-f]{64}").all()


# ------------------------------------------------------------------------ incremental


def execute(warehouse: Path, sql: str) -> None:
    with duckdb.connect(str(warehouse / "warehouse.duckdb")) as con:
        con.execute(sql)


def claim_lines(warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as con:
        frame = con.execute("select * from marts.fct_claim_lines").df()
    return frame.sort_values(["claim_id", "line_number"]).reset_index(drop=True)


def test_incremental_run_equals_full_refresh(
    built_warehouse: BuiltWarehouse, tmp_path: Path
) -> None:
    """Hold the latest claims delivery, full-refresh fct_claim_lines, release the delivery and
    run incrementally: the result equals the pipeline's full build, and months the delivery did
    not touch were not rebuilt."""
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    project = tmp_path / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    full = claim_lines(warehouse)
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as con:
        # the latest accepted delivery that brings new lines (not only corrections)
        row = con.execute(
            """
            select delivered._batch_id
            from raw.claims as delivered
            where delivered._load_status = 'accepted' and not exists (
                select 1 from raw.claims as other
                where other.claim_id = delivered.claim_id
                    and other.line_number = delivered.line_number
                    and other._batch_id <> delivered._batch_id
            )
            group by delivered._batch_id
            order by max(delivered._extract_date) desc, delivered._batch_id desc
            limit 1
            """
        ).fetchone()
        assert row is not None
        batch = row[0]
        touched = {
            month
            for (month,) in con.execute(
                """
                select distinct cast(date_trunc('month', cast(service_date as date)) as date)
                from raw.claims
                where claim_id || ':' || line_number in (
                    select claim_id || ':' || line_number from raw.claims where _batch_id = ?
                )
                """,
                [batch],
            ).fetchall()
        }
    execute(warehouse, f"update raw.claims set _load_status = 'held' where _batch_id = '{batch}'")
    # The staging and claim intermediate models upstream are tables: rebuild them too.
    before = run_dbt(
        "run",
        "--select",
        "+fct_claim_lines",
        "--full-refresh",
        project_dir=project,
        warehouse_dir=warehouse,
    )
    assert before["success"], before
    assert len(claim_lines(warehouse)) < len(full)

    untouched = sorted(set(full["service_month"].dt.date) - touched)
    assert untouched, "the delivery touched every month"
    sentinel_month = untouched[0]
    execute(
        warehouse,
        "update marts.fct_claim_lines set units = -999 "
        f"where service_month = date '{sentinel_month}'",
    )
    execute(
        warehouse, f"update raw.claims set _load_status = 'accepted' where _batch_id = '{batch}'"
    )
    after = run_dbt(
        "run", "--select", "+fct_claim_lines", project_dir=project, warehouse_dir=warehouse
    )
    assert after["success"], after

    incremental = claim_lines(warehouse)
    in_sentinel = incremental["service_month"].dt.date == sentinel_month
    assert (incremental.loc[in_sentinel, "units"] == -999).all(), "an untouched month was rebuilt"
    incremental.loc[in_sentinel, "units"] = full.loc[
        full["service_month"].dt.date == sentinel_month, "units"
    ].to_numpy()
    pd.testing.assert_frame_equal(incremental, full, check_dtype=False)
