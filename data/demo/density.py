"""A smooth relative population-density surface over the district.

Why: households must be dense in the west urban core and thin, clustered in
villages, in the rural east. Only relative values matter: each subdistrict's
household total is fixed by its planned share, and this surface decides where
inside the unit those households live (community sizes, block households).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

CORE_DECAY_M = 6000.0
VILLAGE_SIGMA_M = 450.0
VILLAGE_WEIGHT = 0.8
FLOOR = 0.02
KM2_PER_VILLAGE = 7.0


@dataclass(frozen=True)
class Density:
    core_xy: np.ndarray
    villages_xy: np.ndarray

    def at(self, xy: np.ndarray) -> np.ndarray:
        """Relative density at each (x, y) in metres."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        value = np.exp(-np.hypot(*(xy - self.core_xy).T) / CORE_DECAY_M) + FLOOR
        if len(self.villages_xy):
            d2 = ((xy[:, None, :] - self.villages_xy[None, :, :]) ** 2).sum(axis=2)
            value += VILLAGE_WEIGHT * np.exp(-d2 / (2 * VILLAGE_SIGMA_M**2)).sum(axis=1)
        return value


def scatter_villages(polygons, rural: list[bool], rng: np.random.Generator) -> np.ndarray:
    """Village centres, uniformly at random inside each rural polygon, one per few km²."""
    found = []
    for polygon, is_rural in zip(polygons, rural, strict=True):
        if not is_rural:
            continue
        wanted = int(np.ceil(polygon.area / 1e6 / KM2_PER_VILLAGE))
        x0, y0, x1, y1 = polygon.bounds
        shapely.prepare(polygon)
        got = 0
        while got < wanted:
            xy = rng.uniform((x0, y0), (x1, y1), size=(4 * wanted, 2))
            xy = xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])][: wanted - got]
            found.append(xy)
            got += len(xy)
    return np.vstack(found) if found else np.empty((0, 2))
