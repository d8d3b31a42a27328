"""Small vectorised sampling helpers on a numpy ``Generator``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

IntArray = NDArray[np.int64]


def uniform_int(rng: np.random.Generator, low: ArrayLike, high: ArrayLike, size: int) -> IntArray:
    """Integers uniform in ``[low, high]`` (inclusive, element-wise; ``high >= low``)."""
    lo = np.asarray(low, dtype=np.int64)
    hi = np.asarray(high, dtype=np.int64)
    span = np.maximum(hi - lo + 1, 1)
    return lo + (rng.random(size) * span).astype(np.int64)


def weighted_codes(
    rng: np.random.Generator, weights: Sequence[float] | NDArray[np.float64], size: int
) -> IntArray:
    """Indices ``0..len(weights)-1`` drawn with the given (unnormalised) weights."""
    w = np.asarray(weights, dtype=np.float64)
    cdf = np.cumsum(w / w.sum())
    cdf[-1] = 1.0
    return np.searchsorted(cdf, rng.random(size), side="right").astype(np.int64)


def unique_numbers(rng: np.random.Generator, size: int, low: int, high: int) -> IntArray:
    """``size`` distinct integers from ``[low, high)`` in random order."""
    if size > high - low:
        raise ValueError("not enough distinct numbers in range")
    return low + rng.choice(high - low, size=size, replace=False).astype(np.int64)


def pick(rng: np.random.Generator, candidates: ArrayLike, k: int) -> IntArray:
    """Up to ``k`` distinct elements of ``candidates``, in random order."""
    arr = np.asarray(candidates, dtype=np.int64)
    if arr.size == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k >= arr.size:
        return rng.permutation(arr)
    return arr[rng.choice(arr.size, size=k, replace=False)]


def sorted_member(values: ArrayLike, sorted_unique: ArrayLike) -> NDArray[np.bool_]:
    """``np.isin`` for a sorted, duplicate-free second array (binary search, no hashing)."""
    v = np.asarray(values)
    ref = np.asarray(sorted_unique)
    if ref.size == 0:
        return np.zeros(v.shape, dtype=bool)
    at = np.minimum(np.searchsorted(ref, v), ref.size - 1)
    return ref[at] == v


def sorted_unique(values: ArrayLike) -> NDArray[np.int64]:
    """Sorted distinct values (sort-based; faster than hashing for large int arrays)."""
    v = np.sort(np.asarray(values, dtype=np.int64))
    if v.size == 0:
        return v
    return v[np.r_[True, v[1:] != v[:-1]]]
