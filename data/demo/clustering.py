"""Density-weighted k-means: seeds that split a region into parts of similar population."""

from __future__ import annotations

import numpy as np


def weighted_kmeans(xy: np.ndarray, mass: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 30) -> np.ndarray:
    """k centres (k-means++ start, Lloyd steps), each moved onto its nearest sample point.

    Ending on a sample point keeps every seed inside the sampled region even when
    the region is concave and a cluster's mean falls outside it.
    """
    mass = np.asarray(mass, dtype=float)
    centres = [xy[rng.choice(len(xy), p=mass / mass.sum())]]
    for _ in range(k - 1):
        d2 = np.min(((xy[:, None, :] - np.array(centres)[None]) ** 2).sum(axis=2), axis=1)
        weight = mass * d2
        centres.append(xy[rng.choice(len(xy), p=weight / weight.sum())])
    points = np.array(centres, dtype=float)
    for _ in range(iterations):
        labels = _nearest(xy, points)
        for c in range(k):
            members = labels == c
            if members.any():
                points[c] = (xy[members] * mass[members, None]).sum(axis=0) / mass[members].sum()
    snapped = xy[_nearest(points, xy)]
    if len({tuple(p) for p in snapped}) < k:
        raise RuntimeError("two clusters collapsed onto one sample point; use more sample points")
    return snapped


def _nearest(xy: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return ((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
