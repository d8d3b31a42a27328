"""The project's one lookup of labels, for anything a person reads (the annual report, the
evaluator extract, every dashboard page): `label(code)` for a code and `column_label(column)`
for a column header.

The codes stay in the data (they are what the feeds and the tests use); a reader sees the
label. Codes come from the feeds' contracts and the marts' accepted values, column names from
the marts. A code without an entry here is shown with its underscores as spaces and a capital,
which reads well for most of them (`status_at_period_end` -> "Status at period end"); a text
that is no code (a county name, `H0038`) reads as written. Pure functions, no Streamlit.
"""

from __future__ import annotations

import pandas as pd

LABELS: dict[str, str] = {
    # Certification (CERT-): statuses, pathways, activity.
    "grandparent": "Grandparented (CERT-08)",
    "reciprocity_in_state": "Reciprocity, in-state (CERT-09)",
    "reciprocity_out_of_state": "Reciprocity, out of state (CERT-09)",
    "standard": "Training and exam",
    "new_certification": "New certifications",
    "renewal": "Renewals",
    "reinstatement": "Reinstatements",
    "lapse": "Lapses",
    "other_older_adults": "Older adults",
    "parent_caregiver_family": "Parents, caregivers and family members",
    "homelessness": "Homelessness",
    "not_yet_due": "Not yet due",
    "closed_no_finding": "Closed, no finding",
    "corrective_action": "Corrective action",
    "forensic": "Forensic (justice-involved)",
    # Demographics (feeds: certificants, eligibility).
    "hispanic_latino": "Hispanic or Latino",
    "black": "Black or African American",
    "native_hawaiian_pacific_islander": "Native Hawaiian or Pacific Islander",
    "american_indian_alaska_native": "American Indian or Alaska Native",
    "declined": "Declined to state",
    "nonbinary": "Nonbinary",
    "en": "English",
    "es": "Spanish",
    "zh": "Chinese",
    "vi": "Vietnamese",
    "tl": "Tagalog",
    "ko": "Korean",
    "hy": "Armenian",
    "ru": "Russian",
    "fa": "Farsi",
    "ar": "Arabic",
    "km": "Khmer",
    "pa": "Punjabi",
    "ja": "Japanese",
    "hmn": "Hmong",
    "lo": "Lao",
    "pt": "Portuguese",
    "hi": "Hindi",
    "fr": "French",
    "th": "Thai",
    "other": "Other",
    "unknown": "Unknown",
    "all": "All",
    # Utilization (BILL-): delivery systems and modalities.
    "SMHS": "Specialty Mental Health Services",
    "DMC": "Drug Medi-Cal",
    "DMC_ODS": "Drug Medi-Cal Organized Delivery System",
    "in_person": "In person",
    "telehealth_video": "Telehealth (video)",
    "telephone": "Telephone",
    # Complaints (PI-01, PI-03, PI-04): allegations, outcomes, actions, appeals, late reasons.
    "ethics_boundary": "Ethics or boundaries",
    "fraud_billing": "Fraud or billing",
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
    "late_acknowledgement": "Acknowledged late",
    "late_resolution": "Resolved late",
    "late_resolution_after_extension": "Resolved late after an extension",
    "yes": "Yes",
    "no": "No",
    "true": "Yes",
    "false": "No",
    # Geography levels and period types.
    "state": "State",
    "region": "Region",
    "county": "County",
    "month": "Month",
    "quarter": "Quarter",
    "state_fiscal_year": "State fiscal year (July–June)",
    "calendar_year": "Calendar year",
    "demonstration_year": "Demonstration year",
    "age_group": "Age group",
    "sex": "Sex",
    "race_ethnicity": "Race or ethnicity",
    "language": "Primary language",
    # Strata of rpt_waiver_metrics, named for the population whose attribute they are.
    "peer_age_group": "Peer age group",
    "peer_sex": "Peer sex",
    "peer_race_ethnicity": "Peer race or ethnicity",
    "peer_language": "Peer primary language",
    "beneficiary_age_group": "Beneficiary age group",
    "beneficiary_sex": "Beneficiary sex",
    "beneficiary_race_ethnicity": "Beneficiary race or ethnicity",
    "beneficiary_language": "Beneficiary primary language",
    "asam_level": "ASAM level of care",
    # Data quality: finding severities, rule results.
    "warn": "Warning",
    "pass": "Pass",
    "fail": "Fail",
    "not_applicable": "Not applicable",
    "error": "Error",
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


def humanize(text: str) -> str:
    """`late_resolution` -> "Late resolution": words in sentence case, the rest as written
    (a county name, `DMC-ODS`), for a name no entry names."""
    words = str(text).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def label(code: object, missing: str = "Unknown") -> str:
    """The label of one code; an age band such as `18_24` reads `18-24`, a comma-separated list
    of codes (e.g. `late_reasons`) labels each, a text that is no code (a county name, `H0038`,
    `2.1`) reads as written. NULL reads as `missing`: the report and the extract say "Unknown",
    a dashboard cell stays blank."""
    if code is None or (not isinstance(code, str) and pd.isna(code)):  # type: ignore[arg-type]
        return missing
    text = str(code)
    if text in LABELS:
        return LABELS[text]
    if ", " in text:
        return "; ".join(label(part, missing) for part in text.split(", "))
    if text.replace("_", "").replace("plus", "").isdigit():
        return text.replace("_plus", "+").replace("_", "-")
    if "_" in text and text == text.lower():
        return text.replace("_", " ").capitalize()
    return humanize(text)


def column_label(column: str) -> str:
    """One header style everywhere: sentence case, units in parentheses (money is shown with
    its `$`, so its headers name no unit)."""
    return COLUMN_LABELS.get(column, humanize(column))
