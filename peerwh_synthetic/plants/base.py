"""What every planter shares: the stages of generation, the world it plants into, its record."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from peerwh_synthetic.answer_key import AnswerKey
from peerwh_synthetic.claims import CinPool, Claims
from peerwh_synthetic.employment import Employment
from peerwh_synthetic.events import Lifecycle
from peerwh_synthetic.people import People

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


class Stage(enum.Enum):
    """The points of ``generate()`` where planters run, in this order. A planter runs once what
    it changes exists and before anything is built from it."""

    LIFECYCLE = "lifecycle"  # people and certification histories exist; nobody is employed yet
    EMPLOYMENT = "employment"  # jobs exist; no claims yet
    CLAIMS = "claims"  # clean claim lines exist; no eligibility yet
    COMPLAINTS = "complaints"  # clean complaint plans exist; no complaint events yet


@dataclass
class AdverseActions:
    """The PI-02 cases, which billing (BILL-01 lines inside suspensions, no clean claims there)
    and the S&I list (upheld revocations) build on."""

    plans: pd.DataFrame  # complaint plans (complaints.PLAN_COLUMNS)
    holes: pd.DataFrame  # peer_row, start, end: no clean claims inside
    suspensions: pd.DataFrame  # peer_row, start, end: BILL-01 lines go strictly inside
    revoked: pd.DataFrame  # pid, date: upheld revocations (listed on the S&I list later)


class World:
    """The generator's state, which planters read and change in place.

    ``generate()`` sets each attribute once it has built it; the planters of a stage set the
    attributes marked with that stage. A planter that replaces a large frame drops the only
    reference to the old one, so memory does not double at the large scale.
    """

    lapse_workers: IntArray  # LIFECYCLE: people kept working after a lapse, for BILL-01
    emp: Employment
    actions: AdverseActions  # EMPLOYMENT
    segs: pd.DataFrame  # billable window of every peer employment
    cins: CinPool
    claims: Claims  # the clean claims; CLAIMS planters replace them with all lines
    removed_months: IntArray  # CLAIMS: eligibility.month_key taken out for BILL-05
    exclusions: pd.DataFrame  # CLAIMS: S&I rows to add (provider_name, npi, certno, effective)
    complaint_plans: pd.DataFrame  # COMPLAINTS: planted complaints (complaints.PLAN_COLUMNS)

    def __init__(
        self,
        rng: np.random.Generator,
        key: AnswerKey,
        plants_per_rule: int,
        people: People,
        life: Lifecycle,
        optin: IntArray,
    ) -> None:
        self.rng = rng
        self.key = key
        self.plants_per_rule = plants_per_rule
        self.people = people
        self.life = life
        self.optin = optin  # opt-in effective day per (county index, delivery system)
        # People a plant relies on: later plants, clean complaints and corrections leave them
        # alone, so no finding appears that the answer key does not list.
        self.used = np.zeros(people.n, dtype=bool)


@dataclass(frozen=True)
class Planter:
    """One planting step: the rules whose findings it records, when it runs, and the step."""

    rule_ids: tuple[str, ...]
    stage: Stage
    plant: Callable[[World], None]


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)
