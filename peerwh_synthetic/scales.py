"""Generation sizes: how many people and claim lines, and how many planted problems."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    certificants: int  # people known to the certification program
    claim_lines: int  # target number of clean claim lines (approximate)
    contract_plants: int  # rows per contract rule (capped at 0.5% of a file's rows)
    policy_plants: int  # planted cases per policy rule
    si_rows: int  # unrelated providers on the Suspended & Ineligible list
    corrections: int  # records re-sent in each correction file
    complaint_rate: float = 0.05  # clean complaints per employed peer
    # Average monthly Medi-Cal members statewide (member_counts): California's ~15 million at
    # `small`, whose workforce is California's size (about 31 peers per 100,000 members, domain
    # notes 7.3); the other scales keep that density, so per-member rates stay realistic.
    medi_cal_members: int = 15_000_000


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 300, 4_500, 2, 3, 25, 4, medi_cal_members=1_125_000),
    "small": Scale("small", 4_000, 100_000, 5, 5, 450, 20),
    "medium": Scale("medium", 25_000, 1_000_000, 10, 10, 600, 100, medi_cal_members=93_750_000),
    "large": Scale("large", 100_000, 10_000_000, 20, 20, 2_000, 400, medi_cal_members=375_000_000),
}


def get_scale(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}; choose one of {', '.join(SCALES)}") from None
