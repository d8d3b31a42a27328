"""Labels for the codes the warehouse stores, for anything a person reads (reports, extracts).

The codes stay in the data (they are what the feeds and the tests use); a reader sees the
label. A code without an entry here is shown with its underscores as spaces and a capital,
which reads well for most of them (`status_at_period_end` -> "Status at period end").
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
    # Complaints (PI-): outcomes, actions.
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
    "state_fiscal_year": "State fiscal year",
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
}


def label(code: object) -> str:
    """The label of one code; an age band such as `18_24` reads `18-24`."""
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return "Unknown"
    text = str(code)
    if text in LABELS:
        return LABELS[text]
    if text.replace("_", "").replace("plus", "").isdigit():
        return text.replace("_plus", "+").replace("_", "-")
    return text.replace("_", " ").capitalize()
