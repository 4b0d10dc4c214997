"""Splitting an integer total in proportion to weights, exactly."""

from __future__ import annotations

import numpy as np


def largest_remainder(total: int, weights) -> np.ndarray:
    """Integers proportional to ``weights`` that sum exactly to ``total`` (Hamilton's method).

    Ties in the remainders go to the earlier item, so the result is deterministic.
    """
    weights = np.asarray(weights, dtype=float)
    if total < 0 or (weights < 0).any():
        raise ValueError("total and weights must be non-negative")
    if total == 0 or weights.sum() == 0:
        if total and not weights.sum():
            raise ValueError("cannot split a positive total over zero weights")
        return np.zeros(len(weights), dtype=np.int64)
    quota = weights / weights.sum() * total
    base = np.floor(quota).astype(np.int64)
    left = int(total - base.sum())
    order = np.lexsort((np.arange(len(quota)), -(quota - base)))
    base[order[:left]] += 1
    return base
