"""Supervision plants (SUP): supervisors who do not qualify, peers without fitting direction.

answer_key.business_key: ``employment_id`` of the supervisor (SUP-01) or of the peer (SUP-02).
"""

from __future__ import annotations

import numpy as np

from peerwh_synthetic import reference as ref
from peerwh_synthetic.dates import NO_DATE
from peerwh_synthetic.plants.base import Planter, Stage, World
from peerwh_synthetic.sampling import pick


def plant_supervision(w: World) -> None:
    """SUP-01 on supervisor rows (short experience or no training), SUP-02 on peer rows (no
    directing license, or one that does not fit the delivery system)."""
    rng, key, emp, n = w.rng, w.key, w.emp, w.plants_per_rule
    sups = emp.sups
    rows = np.sort(pick(rng, np.arange(len(sups)), n))
    years = sups["years"].to_numpy().copy()
    training = sups["training"].to_numpy().copy()
    plant = sups["plant"].to_numpy().copy()
    path = sups["path"].to_numpy()
    for i, row in enumerate(rows):
        label = ref.SUPERVISOR_PATHS[path[row]]
        if i % 2 == 0:
            years[row] = 3.0 if path[row] == ref.EXPERIENCE_PATH else 1.5
            note = f"{label} path with {years[row]:g} years of behavioral health experience"
        else:
            training[row] = NO_DATE
            note = f"{label} path without supervisory training"
        plant[row] = key.policy("SUP-01", "employment", note)
    emp.sups = sups.assign(years=years, training=training, plant=plant)

    peers = emp.peers
    lic = peers["license"].to_numpy().copy()
    plant = peers["plant"].to_numpy().copy()
    candidates = np.flatnonzero((lic >= 0) & (plant < 0))
    for i, row in enumerate(np.sort(pick(rng, candidates, n))):
        system = ref.DELIVERY_SYSTEMS[peers["ds"].to_numpy()[row]]
        if i % 2 == 0:
            lic[row] = -1
            note = f"supervisor not a BHP and no directing_bhp_license ({system})"
        else:
            lic[row] = ref.LPHA if lic[row] == ref.LMHP else ref.LMHP
            note = f"directing license {ref.LICENSES[lic[row]]} does not fit {system}"
        plant[row] = key.policy("SUP-02", "employment", note)
    emp.peers = peers.assign(license=lic, plant=plant)


PLANTERS: tuple[Planter, ...] = (
    Planter(("SUP-01", "SUP-02"), Stage.EMPLOYMENT, plant_supervision),
)
