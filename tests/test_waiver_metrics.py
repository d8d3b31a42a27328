"""rpt_waiver_metrics (RPT-02, RPT-03), tiny warehouse (the annual report: test_annual_report.py).

The metrics table is public: no published count may lie between 1 and 10, a rate derived from
a suppressed count is suppressed, and every catalog metric is published with its baseline
(42 CFR 431.424(c)(2)(ii)). That no suppressed count can be worked back from everything
published is the disclosure audit's (test_disclosure_pipeline.py). Values are recomputed from
the marts for the statewide cells, which are large enough to be published even on tiny data.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.pipeline import BuiltWarehouse

KEY = ["metric_id", "period_type", "period_start", "geography_level", "geography_code"]
STRATUM = ["stratum_name", "stratum_value"]


@pytest.fixture(scope="module")
def metrics(built_warehouse: BuiltWarehouse) -> pd.DataFrame:
    frame = built_warehouse.query("select * from reporting.rpt_waiver_metrics")
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    return frame


@pytest.fixture(scope="module")
def cells(built_warehouse: BuiltWarehouse) -> pd.DataFrame:
    """The metrics before disclosure control: the values the tests recompute from the marts."""
    frame = built_warehouse.query("select * from intermediate.int_waiver_metric_cells")
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    return frame


@pytest.fixture(scope="module")
def catalog(built_warehouse: BuiltWarehouse) -> pd.DataFrame:
    return built_warehouse.query("select * from reference.waiver_metrics_catalog")


def statewide(metrics: pd.DataFrame, metric_id: str, period_type: str) -> pd.DataFrame:
    rows = metrics[
        (metrics["metric_id"] == metric_id)
        & (metrics["period_type"] == period_type)
        & (metrics["geography_level"] == "state")
        & (metrics["stratum_name"] == "all")
    ]
    return rows.set_index("period_start").sort_index()


def test_every_catalog_metric_is_published(metrics: pd.DataFrame, catalog: pd.DataFrame) -> None:
    assert set(catalog["metric_id"]) == set(metrics["metric_id"])
    for period_type in ("quarter", "state_fiscal_year", "calendar_year"):
        assert set(metrics.loc[metrics["period_type"] == period_type, "metric_id"]) == set(
            catalog["metric_id"]
        )
    # RPT-03 table design: counts of rare events are not published by month.
    monthly = catalog.loc[catalog["is_published_monthly"], "metric_id"]
    assert set(metrics.loc[metrics["period_type"] == "month", "metric_id"]) == set(monthly)
    assert {"PI-01", "CF-01", "IN-01"}.isdisjoint(monthly)
    assert set(metrics["period_type"]) == {
        "month",
        "quarter",
        "state_fiscal_year",
        "calendar_year",
        "demonstration_year",
    }


def test_one_row_per_metric_period_geography_and_stratum(metrics: pd.DataFrame) -> None:
    assert not metrics.duplicated(KEY + STRATUM).any()


def test_no_published_count_between_1_and_10(metrics: pd.DataFrame) -> None:
    for column in ("numerator", "denominator"):
        shown = metrics[column].dropna()
        assert not shown.between(1, 10).any(), column
    published = metrics[~metrics["is_suppressed"]]
    assert not published["numerator"].isna().any()
    assert not published["numerator"].between(1, 10).any()


def test_suppressed_rows_hide_their_counts_and_rate(metrics: pd.DataFrame) -> None:
    suppressed = metrics[metrics["is_suppressed"]]
    assert len(suppressed) > 0
    assert suppressed["rate"].isna().all()
    assert suppressed["numerator"].isna().sum() == suppressed["numerator_is_suppressed"].sum()


def test_baseline_rate_is_the_rate_in_the_baseline_period(metrics: pd.DataFrame) -> None:
    rows = metrics[metrics["baseline_period_start"].notna()].copy()
    rows["baseline_period_start"] = pd.to_datetime(rows["baseline_period_start"]).dt.date
    columns = ["metric_id", "period_type", "period_start", "geography_level", "geography_code"]
    baseline = metrics[[*columns, *STRATUM, "rate"]].rename(
        columns={"period_start": "baseline_period_start", "rate": "expected"}
    )
    joined = rows.merge(
        baseline,
        how="left",
        on=[
            "metric_id",
            "period_type",
            "baseline_period_start",
            "geography_level",
            "geography_code",
            *STRATUM,
        ],
    )
    both = joined["baseline_rate"].notna() | joined["expected"].notna()
    assert (joined.loc[both, "baseline_rate"] == joined.loc[both, "expected"]).all()


def test_baseline_is_the_first_state_fiscal_year_and_is_populated(metrics: pd.DataFrame) -> None:
    sfy = statewide(metrics, "WF-01", "state_fiscal_year")
    assert (pd.to_datetime(sfy["baseline_period_start"]).dt.date == dt.date(2022, 7, 1)).all()
    # The baseline is the published rate of the baseline period: suppressed with it.
    baseline = sfy.loc[dt.date(2022, 7, 1), "rate"]
    if pd.isna(baseline):
        assert sfy["baseline_rate"].isna().all()
    else:
        assert (sfy["baseline_rate"] == baseline).all()
    monthly = statewide(metrics, "WF-03", "month")
    assert monthly["baseline_rate"].notna().any()


def test_active_peers_statewide_match_the_status_spans(
    built_warehouse: BuiltWarehouse, cells: pd.DataFrame
) -> None:
    expected = built_warehouse.query(
        "select count(distinct certificant_id) as n from marts.fct_certification_status_spans "
        "where status = 'active' and valid_from <= date '2024-06-30' "
        "and (valid_to is null or valid_to > date '2023-07-01')"
    )["n"].iloc[0]
    sfy = statewide(cells, "WF-01", "state_fiscal_year")
    assert sfy.loc[dt.date(2023, 7, 1), "numerator"] == expected
    assert pd.Timestamp(sfy.loc[dt.date(2023, 7, 1), "period_end"]).date() == dt.date(2024, 6, 30)


def member_months(built_warehouse: BuiltWarehouse, where: str = "true") -> int:
    """Certified eligible member months of calendar 2024 (member_counts)."""
    return int(
        built_warehouse.query(
            "select sum(eligible_members) as n from staging.stg_medi_cal__member_counts "
            "where eligibility_month_start between date '2024-01-01' and date '2024-12-01' "
            f"and {where}"
        )["n"].iloc[0]
    )


def test_peers_per_100k_members_statewide(
    built_warehouse: BuiltWarehouse, cells: pd.DataFrame
) -> None:
    members = member_months(built_warehouse)
    year = statewide(cells, "WF-03", "calendar_year").loc[dt.date(2024, 1, 1)]
    active = statewide(cells, "WF-01", "calendar_year").loc[dt.date(2024, 1, 1), "numerator"]
    assert year["denominator"] == members
    assert year["numerator"] == active
    # per average monthly member: 12 months of member counts
    assert float(year["rate"]) == pytest.approx(active * 100000 * 12 / members, abs=0.0001)
    assert 5 <= float(year["rate"]) <= 100  # California: 31 per 100,000 (policy_parameters)


def test_penetration_by_equity_stratum_has_its_own_members(
    built_warehouse: BuiltWarehouse, cells: pd.DataFrame
) -> None:
    rows = cells[
        (cells["metric_id"] == "UT-02")
        & (cells["period_type"] == "calendar_year")
        & (cells["period_start"] == dt.date(2024, 1, 1))
        & (cells["geography_level"] == "state")
    ]
    assert set(rows["stratum_name"]) == {
        "all",
        "beneficiary_age_group",
        "beneficiary_sex",
        "beneficiary_race_ethnicity",
        "beneficiary_language",
    }
    row = rows[rows["stratum_name"] == "all"].iloc[0]
    served = statewide(cells, "UT-01", "calendar_year").loc[dt.date(2024, 1, 1), "numerator"]
    assert row["numerator"] == served and row["denominator"] == member_months(built_warehouse)
    assert 0.02 <= float(row["rate"]) <= 10  # per 1,000 members (policy_parameters)
    female = rows[(rows["stratum_name"] == "beneficiary_sex") & (rows["stratum_value"] == "F")]
    assert female["denominator"].iloc[0] == member_months(built_warehouse, "sex = 'F'")
    ages = rows[rows["stratum_name"] == "beneficiary_age_group"]
    assert set(ages["stratum_value"]) <= {"0-5", "6-11", "12-17", "18-20", "21-44", "45-64", "65+"}
    assert ages["denominator"].sum() == row["denominator"]


def test_new_certifications_statewide(built_warehouse: BuiltWarehouse, cells: pd.DataFrame) -> None:
    first = built_warehouse.query(
        "select certificant_id, min(event_date) as first_certified "
        "from staging.stg_peer_certification__certification_events "
        "where event_type = 'certified' group by certificant_id"
    )
    first_year = pd.to_datetime(first["first_certified"]).dt.year
    calendar = statewide(cells, "WF-02", "calendar_year")
    for year in (2023, 2024):
        value = calendar.loc[dt.date(year, 1, 1), "numerator"]
        expected = int((first_year == year).sum())
        assert value == expected


def test_beneficiaries_served_statewide(
    built_warehouse: BuiltWarehouse, cells: pd.DataFrame
) -> None:
    served = built_warehouse.query(
        "select count(distinct beneficiary_key) as served, count(*) as lines "
        "from marts.fct_claim_lines where claim_status = 'approved' "
        "and service_month between date '2024-01-01' and date '2024-12-01'"
    ).iloc[0]
    assert served["served"] > 10
    assert (
        statewide(cells, "UT-01", "calendar_year").loc[dt.date(2024, 1, 1), "numerator"]
        == (served["served"])
    )
    per_beneficiary = statewide(cells, "UT-03", "calendar_year").loc[dt.date(2024, 1, 1)]
    assert per_beneficiary["numerator"] == served["lines"]
    assert per_beneficiary["denominator"] == served["served"]


def approved_lines(built_warehouse: BuiltWarehouse) -> pd.DataFrame:
    frame = built_warehouse.query(
        "select claim_id, line_number, beneficiary_key, delivery_system, level_of_care, "
        "service_month from marts.fct_claim_lines where claim_status = 'approved'"
    )
    frame["service_month"] = pd.to_datetime(frame["service_month"]).dt.date
    return frame


def policy(built_warehouse: BuiltWarehouse, name: str) -> int:
    return int(
        built_warehouse.query(
            "select value_numeric from reference.policy_parameters "
            f"where parameter_name = '{name}' and effective_to is null"
        )["value_numeric"].iloc[0]
    )


def test_dmc_ods_services_by_asam_level_statewide(
    built_warehouse: BuiltWarehouse, cells: pd.DataFrame
) -> None:
    lines = approved_lines(built_warehouse)
    dmc_ods = lines[lines["delivery_system"] == "DMC_ODS"]
    levels = set(
        built_warehouse.query("select level_of_care from reference.asam_levels")["level_of_care"]
    )
    rows = cells[
        (cells["metric_id"] == "UT-08")
        & (cells["geography_level"] == "state")
        & (cells["period_type"] == "calendar_year")
    ]
    assert set(rows["stratum_name"]) == {"all", "asam_level"}
    assert set(rows.loc[rows["stratum_name"] == "asam_level", "stratum_value"]) <= levels | {
        "unknown"
    }
    checked = 0
    for year in (2023, 2024, 2025):
        in_year = dmc_ods[pd.to_datetime(dmc_ods["service_month"]).dt.year == year]
        year_rows = rows[rows["period_start"] == dt.date(year, 1, 1)].set_index(STRATUM)
        assert year_rows.loc[("all", "all"), "numerator"] == len(in_year)
        by_level = in_year["level_of_care"].fillna("unknown").value_counts()
        for level in levels | {"unknown"}:
            expected = int(by_level.get(level, 0))
            value = year_rows.loc[("asam_level", level), "numerator"]
            assert value == expected, (year, level, value, expected)
            checked += expected > 0
    assert checked > 0


def engaged_by_month(built_warehouse: BuiltWarehouse) -> pd.DataFrame:
    """Beneficiary and month pairs where the beneficiary was served in the month and in at
    least engagement_min_months of the engagement_window_months months ending with it."""
    minimum = policy(built_warehouse, "engagement_min_months")
    window = policy(built_warehouse, "engagement_window_months")
    assert (minimum, window) == (3, 6)
    served = approved_lines(built_warehouse)[["beneficiary_key", "service_month"]]
    served = served.drop_duplicates()
    served["index"] = [m.year * 12 + m.month for m in served["service_month"]]
    months = served.groupby("beneficiary_key")["index"].apply(set)
    served["recent"] = [
        sum(1 for i in months[key] if index - window < i <= index)
        for key, index in zip(served["beneficiary_key"], served["index"], strict=True)
    ]
    return served.assign(engaged=served["recent"] >= minimum)


def test_engagement_statewide(built_warehouse: BuiltWarehouse, cells: pd.DataFrame) -> None:
    served = engaged_by_month(built_warehouse)
    assert served["engaged"].any() and not served["engaged"].all()
    months = statewide(cells, "UT-09", "month")
    years = statewide(cells, "UT-09", "calendar_year")
    checked = 0
    for year in (2024, 2025):
        in_year = served[[m.year == year for m in served["service_month"]]]
        row = years.loc[dt.date(year, 1, 1)]
        engaged = in_year.loc[in_year["engaged"], "beneficiary_key"].nunique()
        assert row["numerator"] == engaged
        assert row["denominator"] == in_year["beneficiary_key"].nunique()
        assert float(row["rate"]) == pytest.approx(
            engaged * 100 / in_year["beneficiary_key"].nunique(), abs=0.0001
        )
        for month, group in in_year.groupby("service_month"):
            value = months.loc[month, "numerator"]
            assert value == group["engaged"].sum(), (month, value)
            checked += 1
    assert checked > 0


def test_dollars_at_risk_statewide_and_suppressed_with_their_count(
    built_warehouse: BuiltWarehouse,
    metrics: pd.DataFrame,
    cells: pd.DataFrame,
    answer_key: pd.DataFrame,
) -> None:
    findings = built_warehouse.query(
        "select findings.claim_id, findings.line_number, lines.service_month, "
        "max(findings.approved_amount_at_risk) as at_risk "
        "from marts.fct_integrity_findings as findings "
        "inner join marts.fct_claim_lines as lines using (claim_id, line_number) "
        "where lines.claim_status = 'approved' group by all"
    )
    # Every planted program-integrity violation is a line the amount is summed over.
    planted = answer_key[answer_key["rule_id"].str.fullmatch(r"BILL-\d\d")]
    keys = set(findings["claim_id"] + ":" + findings["line_number"].astype(str))
    assert set(planted["business_key"]) <= keys
    findings["year"] = pd.to_datetime(findings["service_month"]).dt.year
    years = statewide(cells, "IN-02", "calendar_year")
    for year, group in findings.groupby("year"):
        row = years.loc[dt.date(int(year), 1, 1)]
        assert row["numerator"] == len(group)
        assert float(row["rate"]) == pytest.approx(float(group["at_risk"].sum()), abs=0.005)
    # RPT-03: the amount is hidden whenever the count it is summed over is (primary or
    # complementary), and shown otherwise.
    rows = metrics[(metrics["metric_id"] == "IN-02")]
    assert rows.loc[rows["numerator_is_suppressed"], "rate"].isna().all()
    assert rows.loc[~rows["numerator_is_suppressed"], "rate"].notna().all()
    assert rows["numerator_is_suppressed"].any()


def test_new_metrics_have_a_baseline(metrics: pd.DataFrame, catalog: pd.DataFrame) -> None:
    new = catalog[catalog["metric_id"].isin(["UT-08", "UT-09", "IN-02"])]
    assert len(new) == 3
    assert (
        new[["definition", "numerator", "unit", "baseline_period", "rule_ids"]].notna().all().all()
    )
    assert new.loc[new["metric_id"] == "IN-02", "unit"].item() == "dollars"
    for metric_id in ("UT-08", "UT-09"):
        quarters = statewide(metrics, metric_id, "quarter")
        assert (
            pd.to_datetime(quarters["baseline_period_start"]).dt.date == dt.date(2023, 4, 1)
        ).all()
    # The statewide baseline quarter itself may be suppressed on tiny data (its months are
    # small, and complementary suppression across time hides the quarter with them); some
    # published cells of the metric carry a baseline all the same.
    assert metrics.loc[metrics["metric_id"] == "UT-08", "baseline_rate"].notna().any()
