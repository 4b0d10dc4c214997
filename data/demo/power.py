"""Power diagrams (weighted Voronoi): which site owns a point, and the cut lines.

Why: a power cell is convex with straight edges, like the straight, road-like unit
boundaries the community rules ask for, and a per-site weight grows or shrinks a
cell towards a target area without moving its site. The bisector lines returned
here are only candidate cuts: faces are always labelled by ``owner``, so a missing
or extra line changes where a boundary bends, never whether the parts tile.
"""

from __future__ import annotations

import numpy as np
import shapely


def owner(xy: np.ndarray, sites: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Index of the site with the least power distance |x - p|² - w, per point."""
    d = ((xy[:, None, :] - sites[None, :, :]) ** 2).sum(axis=2) - weights[None, :]
    return d.argmin(axis=1)


def fit_weights(xy: np.ndarray, sites: np.ndarray, targets: np.ndarray, iterations: int = 250) -> np.ndarray:
    """Weights whose cells hold ``targets`` shares (summing to 1) of the sample points.

    A cell's area grows by about π per unit of weight, so the weight moves by the
    area error divided by π (damped); the sample points stand in for the area.
    """
    point_area = _sample_point_area(xy)
    weights = np.zeros(len(sites))
    for _ in range(iterations):
        share = np.bincount(owner(xy, sites, weights), minlength=len(sites)) / len(xy)
        weights += 0.6 * (targets - share) * len(xy) * point_area / np.pi
    return weights


def _sample_point_area(xy: np.ndarray) -> float:
    """Area each sample point stands for, from the spacing of a regular grid."""
    dx = np.diff(np.unique(xy[:, 0]))
    return float(np.min(dx[dx > 0]) ** 2) if len(dx) else 1.0


def neighbour_pairs(xy: np.ndarray, spacing: float, sites: np.ndarray, weights: np.ndarray, k_nearest: int = 4) -> list[tuple[int, int]]:
    """Site pairs whose cells meet, seen on a regular sample grid, plus each site's nearest sites."""
    labels = owner(xy, sites, weights)
    cells = {(round(x / spacing), round(y / spacing)): lab for (x, y), lab in zip(xy, labels, strict=True)}
    pairs: set[tuple[int, int]] = set()
    for (cx, cy), lab in cells.items():
        for other in (cells.get((cx + 1, cy)), cells.get((cx, cy + 1))):
            if other is not None and other != lab:
                pairs.add((min(lab, other), max(lab, other)))
    dist = np.hypot(*(sites[:, None, :] - sites[None, :, :]).transpose(2, 0, 1))
    for a in range(len(sites)):
        for b in np.argsort(dist[a])[1 : k_nearest + 1]:
            pairs.add((min(a, int(b)), max(a, int(b))))
    return sorted(pairs)


def bisectors(sites: np.ndarray, weights: np.ndarray, pairs: list[tuple[int, int]], bounds) -> np.ndarray:
    """The power bisector line of each pair, long enough to cross ``bounds``."""
    x0, y0, x1, y1 = bounds
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    reach = np.hypot(x1 - x0, y1 - y0)
    lines = []
    for a, b in pairs:
        d = sites[b] - sites[a]
        length = float(np.hypot(*d))
        if length == 0:
            continue
        u = d / length
        # Points x with |x-a|²-wa = |x-b|²-wb lie at distance s from a along u.
        s = (length**2 + weights[a] - weights[b]) / (2 * length)
        foot = sites[a] + s * u
        half = reach + float(np.hypot(*(foot - centre)))
        v = np.array([-u[1], u[0]])
        lines.append(shapely.LineString([foot - half * v, foot + half * v]))
    return np.array(lines, dtype=object)
