"""Every policy planter, in the one order that keeps a seeded generation byte-identical.

``generate()`` calls ``run(stage, world)`` at each stage; the planters of that stage run in
the order below (rule families in the order of rules.md, then each family's own order). Every
planter draws from the shared random generator, so moving one changes every file after it.
"""

from __future__ import annotations

from peerwh_synthetic.plants import billing, certification, complaints, supervision
from peerwh_synthetic.plants.base import Planter, Stage, World

PLANTERS: tuple[Planter, ...] = (
    *certification.PLANTERS,
    *supervision.PLANTERS,
    *billing.PLANTERS,
    *complaints.PLANTERS,
)

# The policy rules the answer key accepts: a finding under any other id is a planter's bug.
RULE_IDS: tuple[str, ...] = tuple(dict.fromkeys(r for p in PLANTERS for r in p.rule_ids))


def run(stage: Stage, world: World) -> None:
    """Run the planters of ``stage``, in registry order."""
    for planter in PLANTERS:
        if planter.stage is stage:
            planter.plant(world)
