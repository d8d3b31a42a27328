"""What a person reads instead of a code, on every page: the project's one vocabulary of
labels (`peerwh.labels`, which the annual report and the evaluator extract read too) with the
codes only the dashboards show, and one style for column headers.

Codes come from the feeds' contracts and the marts' accepted values (complaint outcomes, late
reasons, delivery systems, modalities, statuses, ...) and column names from the marts. Every
page, table, legend and axis shows `label(code)` and `column_label(column)`, so a code reads the
same wherever it appears. A code listed nowhere still reads as words, never as `snake_case`.
Pure functions, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from peerwh import labels as vocabulary

# Codes the dashboards show that `peerwh.labels` does not list (yet): a code listed there is
# never listed here, so it reads the same on a page as in the report.
DASHBOARD_CODE_LABELS: dict[str, str] = {
    # complaint outcomes, actions, appeals (PI-01, PI-03)
    "substantiated": "Substantiated",
    "dismissed": "Dismissed",
    "pending": "Pending",
    "revocation": "Revocation",
    "suspension": "Suspension",
    "none": "None",
    "upheld": "Upheld",
    "overturned": "Overturned",
    "modified": "Modified",
    "no appeal": "No appeal",
    # allegation categories
    "ethics_boundary": "Ethics or boundaries",
    "fraud_billing": "Fraud or billing",
    # late reasons (PI-04)
    "late_acknowledgement": "Acknowledged late",
    "late_resolution": "Resolved late",
    # specializations (CERT-07)
    "forensic": "Forensic (justice-involved)",
    # finding severities
    "warn": "Warning",
}


# Column names whose words alone would misread (abbreviations, units).
COLUMN_LABELS: dict[str, str] = {
    "county_fips": "County FIPS",
    "organization_npi": "Organization NPI",
    "hcpcs_code": "HCPCS code",
    "rule_id": "Rule",
    "claim_id": "Claim",
    "line_number": "Line",
    "certificant_id": "Certificant",
    "rendering_certification_number": "Rendering peer (certification no.)",
    "certification_number": "Certification no.",
    "employment_id": "Employment",
    "event_id": "Event",
    "beneficiary_key": "Beneficiary (keyed hash)",
    "approved_amount": "Approved amount",
    "approved_amount_at_risk": "Amount at risk",
    "billed_amount": "Billed amount",
    "epsdt_exempt_lines": "EPSDT-exempt lines",
    "current_expiration_date": "Expires on",
    "days_to_expiration": "Days to expiration",
    "findings_per_1000_lines": "Findings per 1,000 lines",
    "flagged_per_1000_lines": "Flagged lines per 1,000",
    "denial_rate": "Denial rate (%)",
    "median_days_to_adjudication": "Median days, submission to adjudication",
}


def humanize(code: str) -> str:
    """`late_resolution` -> "Late resolution": words in sentence case, the rest as written
    (a county name, `DMC-ODS`), for a column name no entry names."""
    words = str(code).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def label(code: object) -> str:
    """The label of one code (`DASHBOARD_CODE_LABELS`, else the project's `peerwh.labels`); a
    comma-separated list of codes (e.g. `late_reasons`) labels each. NULL reads as an empty
    string; a text that is no code (a county name, `H0038`, `2.1`) as itself."""
    if code is None or (not isinstance(code, str) and pd.isna(code)):  # type: ignore[arg-type]
        return ""
    text = str(code)
    if text in DASHBOARD_CODE_LABELS:
        return DASHBOARD_CODE_LABELS[text]
    if text in vocabulary.LABELS:
        return vocabulary.LABELS[text]
    if ", " in text:
        return "; ".join(label(part) for part in text.split(", "))
    if "_" in text and text == text.lower():
        return vocabulary.label(text)  # an unlisted code, as the report reads it
    return humanize(text)


def labels(codes: Iterable[object]) -> list[str]:
    return [label(code) for code in codes]


def column_label(column: str) -> str:
    """One header style everywhere: sentence case, units in parentheses (money is shown with
    its `$`, so its headers name no unit)."""
    return COLUMN_LABELS.get(column, humanize(column))


def with_column_labels(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with every column renamed by `column_label`."""
    return df.rename(columns={c: column_label(str(c)) for c in df.columns})


def labelled_codes(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """`df` for display: the codes of `columns` as labels and every header in the one style."""
    shown = df.copy()
    for column in columns:
        if column in shown:
            shown[column] = labels(shown[column])
    return with_column_labels(shown)
