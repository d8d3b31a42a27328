"""The answer key: every planted problem, located by file and row once the files are laid out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from peerwh_synthetic import ids
from peerwh_synthetic.dates import month_text
from peerwh_synthetic.writer import file_runs

ANSWER_KEY_COLUMNS = ("kind", "rule_id", "feed", "file", "row_number", "business_key", "note")

RECORD, CERT_EVENT, COMPLAINT, CERTIFICANT = "record", "cert_event", "complaint", "certificant"


@dataclass
class Finding:
    kind: str  # contract | policy
    rule_id: str
    feed: str
    key: str  # which business key: record | cert_event | complaint | certificant
    note: str


class AnswerKey:
    def __init__(self, rule_ids: Iterable[str]) -> None:
        """``rule_ids``: the rules a finding may name, those of the registered planters and the
        contract rules; a finding under any other id is a planter's bug, refused here."""
        self.rule_ids = frozenset(rule_ids)
        self.findings: list[Finding] = []
        self.located: list[tuple[int, str, int, str]] = []

    def add(self, kind: str, rule_id: str, feed: str, note: str, key: str = RECORD) -> int:
        if rule_id not in self.rule_ids:
            raise ValueError(f"{rule_id!r} is not the rule of any registered planter")
        self.findings.append(Finding(kind, rule_id, feed, key, note))
        return len(self.findings) - 1

    def policy(self, rule_id: str, feed: str, note: str, key: str = RECORD) -> int:
        return self.add("policy", rule_id, feed, note, key)

    def contract(self, rule_id: str, note: str) -> int:
        return self.add("contract", rule_id, rule_id.split("-")[0], note)

    def locate(self, frame: pd.DataFrame) -> None:
        """Record file, 1-based row and business key of every planted row of a finalized frame
        (sorted by file then row order, with ``file`` and ``plant`` columns)."""
        runs = file_runs(frame)
        starts = np.array([b for _, b, _ in runs], dtype=np.int64)
        for position in np.flatnonzero(frame["plant"].to_numpy() >= 0):
            finding_id = int(frame["plant"].iat[position])
            finding = self.findings[finding_id]
            run = int(np.searchsorted(starts, position, side="right")) - 1
            name, begin, _ = runs[run]
            key = BUSINESS_KEYS[finding.feed](frame.iloc[position], finding.key)
            self.located.append((finding_id, name, int(position - begin) + 1, key))

    def frame(self) -> pd.DataFrame:
        rows = []
        for finding_id, file, row_number, key in self.located:
            f = self.findings[finding_id]
            rows.append((f.kind, f.rule_id, f.feed, file, row_number, key, f.note))
        out = pd.DataFrame(rows, columns=list(ANSWER_KEY_COLUMNS))
        out = out.sort_values(["kind", "rule_id", "feed", "file", "row_number"], kind="stable")
        return out.reset_index(drop=True)

    def write(self, path: Path) -> int:
        out = self.frame()
        out.to_csv(path, index=False, lineterminator="\n")
        return len(out)


def _override(row: pd.Series, column: str) -> str | None:
    value = row.get(f"ovr__{column}")
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value)


def _certificant(row: pd.Series) -> str:
    return _override(row, "certificant_id") or ids.text_id(ids.CERTIFICANT, row["certificant_num"])


def _certificants_key(row: pd.Series, key: str) -> str:
    return _certificant(row)


def _events_key(row: pd.Series, key: str) -> str:
    event = ids.text_id(ids.EVENT, row["event_num"])
    return f"{_certificant(row)}:{event}" if key == CERT_EVENT else event


def _employment_key(row: pd.Series, key: str) -> str:
    return ids.text_id(ids.EMPLOYMENT, row["emp_num"])


def _claims_key(row: pd.Series, key: str) -> str:
    return f"{ids.text_id(ids.CLAIM, row['claim_num'])}:{int(row['line_number'])}"


def _eligibility_key(row: pd.Series, key: str) -> str:
    cin = _override(row, "beneficiary_cin") or ids.cin(row["cin"])
    month = _override(row, "eligibility_month") or month_text(int(row["month"]))
    return f"{cin}:{month}"


def _complaints_key(row: pd.Series, key: str) -> str:
    if key == COMPLAINT:
        return ids.text_id(ids.COMPLAINT, row["complaint_num"])
    if key == CERTIFICANT:
        return ids.text_id(ids.CERTIFICANT, row["certificant_num"])
    return ids.text_id(ids.COMPLAINT_EVENT, row["event_num"])


def _suspended_key(row: pd.Series, key: str) -> str:
    return str(row["provider_name"])


BUSINESS_KEYS: dict[str, Callable[[pd.Series, str], str]] = {
    "certificants": _certificants_key,
    "certification_events": _events_key,
    "employment": _employment_key,
    "claims": _claims_key,
    "eligibility": _eligibility_key,
    "complaint_events": _complaints_key,
    "suspended_ineligible": _suspended_key,
}
