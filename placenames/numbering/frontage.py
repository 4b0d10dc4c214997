"""Which buildings front which road, and which road is a building's main one.

A building fronts every road within ``reach_m`` of its outline. Its main entrance
is taken to face the NEAREST of them (the stored buildings carry no entrance
points yet); that road numbers it. A corner building - one within
``CORNER_REACH_M`` of two or more roads - also gets a recorded secondary address
on each other road it touches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

CORNER_REACH_M = 12.0


@dataclass(frozen=True)
class Frontage:
    building: np.ndarray  # index into the buildings given
    road: np.ndarray  # index into the roads given
    distance: np.ndarray  # metres from outline to centreline
    kind: np.ndarray  # "main" or "secondary"


def fronting(buildings: np.ndarray, roads: np.ndarray, reach_m: float, corner_reach_m: float = CORNER_REACH_M) -> Frontage:
    """Main and secondary (building, road) pairs for metric building outlines and centrelines."""
    empty = np.array([], dtype=np.int64)
    if len(buildings) == 0 or len(roads) == 0:
        return Frontage(empty, empty, np.array([], dtype=float), np.array([], dtype=object))
    tree = shapely.STRtree(roads)
    b, r = tree.query(buildings, predicate="dwithin", distance=reach_m)
    distance = shapely.distance(buildings[b], roads[r])
    order = np.lexsort((r, distance, b))
    b, r, distance = b[order], r[order], distance[order]
    first = np.ones(len(b), dtype=bool)
    first[1:] = b[1:] != b[:-1]
    main_distance = np.full(len(buildings), np.inf)
    main_distance[b[first]] = distance[first]
    corner = ~first & (distance <= corner_reach_m) & (main_distance[b] <= corner_reach_m)
    keep = first | corner
    kind = np.where(first, "main", "secondary").astype(object)
    return Frontage(b[keep], r[keep], distance[keep], kind[keep])
