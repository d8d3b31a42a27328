"""What a person reads instead of a code: the one label lookup of the dashboards.

Codes come from the feeds' contracts and the marts' accepted values (complaint outcomes, late
reasons, delivery systems, modalities, statuses, ...) and column names from the marts. Every
page, table, legend and axis shows `label(code)` and `column_label(column)`, so a code reads the
same wherever it appears. A code not listed here still reads as words (`humanize`), never as
`snake_case`. Pure functions, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

# Codes of the feeds and marts -> labels (sentence case).
CODE_LABELS: dict[str, str] = {
    # delivery systems (BILL-06)
    "SMHS": "Specialty mental health (SMHS)",
    "DMC": "Drug Medi-Cal (DMC)",
    "DMC_ODS": "Drug Medi-Cal Organized Delivery System (DMC-ODS)",
    # modalities (BILL-08)
    "in_person": "In person",
    "telephone": "Telephone",
    "telehealth_video": "Telehealth (video)",
    # complaint outcomes, actions, appeals (PI-01, PI-03)
    "substantiated": "Substantiated",
    "dismissed": "Dismissed",
    "closed_no_finding": "Closed, no finding",
    "pending": "Pending",
    "revocation": "Revocation",
    "suspension": "Suspension",
    "corrective_action": "Corrective action",
    "none": "None",
    "upheld": "Upheld",
    "overturned": "Overturned",
    "modified": "Modified",
    "no appeal": "No appeal",
    # allegation categories
    "ethics_boundary": "Ethics or boundaries",
    "confidentiality": "Confidentiality",
    "fraud_billing": "Fraud or billing",
    "misconduct": "Misconduct",
    "impairment": "Impairment",
    "other": "Other",
    "unknown": "Unknown",
    # late reasons (PI-04)
    "late_acknowledgement": "Acknowledged late",
    "late_resolution": "Resolved late",
    "late_resolution_after_extension": "Resolved late, after an extension",
    # certification statuses (CERT-04/05/06, PI-02)
    "applicant": "Applicant",
    "active": "Active",
    "lapsed": "Lapsed",
    "vacated": "Vacated",
    "suspended": "Suspended",
    "revoked": "Revoked",
    # pathways (CERT-03, CERT-08, CERT-09)
    "standard": "Standard (CERT-03)",
    "grandparent": "Grandparent (CERT-08)",
    "reciprocity_out_of_state": "Out-of-state reciprocity (CERT-09)",
    "reciprocity_in_state": "In-state reciprocity",
    # specializations (CERT-07)
    "crisis": "Crisis",
    "forensic": "Forensic (justice-involved)",
    "homelessness": "Homelessness",
    "parent_caregiver_family": "Parent, caregiver and family",
    # claim statuses (BILL-01)
    "approved": "Approved",
    "denied": "Denied",
    "voided": "Voided",
    # finding severities
    "error": "Error",
    "warn": "Warning",
    "warning": "Warning",
    "not recorded": "Not recorded",
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
    """`late_resolution` -> "Late resolution": words in sentence case, for an unlisted code."""
    words = str(code).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def label(code: object) -> str:
    """The label of one code; a comma-separated list of codes (e.g. `late_reasons`) labels each.
    NULL reads as an empty string."""
    if code is None or (not isinstance(code, str) and pd.isna(code)):  # type: ignore[arg-type]
        return ""
    text = str(code)
    if text in CODE_LABELS:
        return CODE_LABELS[text]
    if ", " in text:
        return "; ".join(label(part) for part in text.split(", "))
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
