"""Planted policy problems (docs/rules.md) with a known answer, recorded in the answer key.

Every plant breaks exactly one rule; the records around it are clean (the rendering peer of a
planted billing line is otherwise active and employed, the beneficiary eligible, the county
opted in, ...). Each plant marks the people it relies on in ``World.used``, so that no later
plant, clean complaint or correction adds a finding the answer key does not list.

One module per rule family: ``certification`` (CERT), ``supervision`` (SUP), ``billing``
(BILL), ``complaints`` (PI). Each lists its planters in ``PLANTERS``; ``registry`` joins them
in a fixed order and runs them stage by stage; ``base`` holds the world they plant into.
"""

from __future__ import annotations

from peerwh_synthetic.plants.base import AdverseActions, Planter, Stage, World
from peerwh_synthetic.plants.registry import PLANTERS, RULE_IDS, run

__all__ = ["PLANTERS", "RULE_IDS", "AdverseActions", "Planter", "Stage", "World", "run"]
