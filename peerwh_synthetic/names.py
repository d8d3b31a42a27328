"""Invented names: syllable combinations, never taken from real people."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

_FIRST_A = (
    "Ma", "Lu", "Ke", "Ta", "Ri", "So", "Na", "De", "Jo", "Ar", "El", "Vi", "Ro", "Sa",
    "Mi", "Da", "Li", "Ca", "Be", "Fe", "Ga", "Ha", "Ye", "Zo", "Pa", "Te", "Al", "Ny",
)  # fmt: skip
_FIRST_B = (
    "ria", "nel", "lia", "ron", "sa", "vin", "dra", "mo", "no", "ley", "tin", "ra", "na",
    "lo", "den", "rin", "sol", "mir", "bel", "dio", "la", "ren", "tis", "quel",
)  # fmt: skip
_LAST_A = (
    "Gar", "Mor", "Ven", "Cal", "Har", "Sil", "Lom", "Tor", "Bran", "Del", "Quin", "Ros",
    "Wil", "Nak", "Kel", "Ort", "Var", "Ash", "Bel", "Cor", "Est", "Fal", "Hol", "Mar",
    "Pel", "Sant", "Tam", "Ul", "Ybar", "Zan",
)  # fmt: skip
_LAST_B = (
    "ton", "ez", "ano", "sen", "ley", "quist", "aro", "berg", "ford", "ini", "sky", "well",
    "mura", "oza", "nett", "avi", "ova", "ride", "stead", "uma", "ero", "ado",
)  # fmt: skip
_ORG_A = (
    "Bright", "Harbor", "Open", "Circle", "Cedar", "Valley", "Horizon", "Sunrise", "River",
    "Summit", "Keystone", "Beacon", "Willow", "Pathway", "Golden", "Coastal", "Oak", "North Star",
)  # fmt: skip
_ORG_B = (
    "Recovery", "Wellness", "Peer", "Community", "Family", "Hope", "Bridge", "Health",
    "Support", "Renewal", "Harvest", "Compass",
)  # fmt: skip
_ORG_C = (
    "Collective", "Center", "Services", "Alliance", "Network", "Project", "Partners",
    "Clinic", "Foundation", "Cooperative",
)  # fmt: skip

ObjArray = NDArray[np.object_]


def _combine(
    rng: np.random.Generator, size: int, parts: tuple[tuple[str, ...], ...], sep: str = ""
) -> ObjArray:
    out = np.full(size, "", dtype=object)
    for i, part in enumerate(parts):
        choices = np.asarray(part, dtype=object)
        picked = choices[rng.integers(0, len(part), size)]
        out = out + (sep if i else "") + picked
    return out


def first_names(rng: np.random.Generator, size: int) -> ObjArray:
    return _combine(rng, size, (_FIRST_A, _FIRST_B))


def last_names(rng: np.random.Generator, size: int) -> ObjArray:
    return _combine(rng, size, (_LAST_A, _LAST_B))


def person_names(rng: np.random.Generator, size: int) -> ObjArray:
    return first_names(rng, size) + " " + last_names(rng, size)


def organization_names(rng: np.random.Generator, size: int) -> ObjArray:
    return _combine(rng, size, (_ORG_A, _ORG_B, _ORG_C), sep=" ")
