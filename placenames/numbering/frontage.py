"""Which buildings front which road, and which road is a building's main one.

A building fronts every road within ``reach_m`` of its outline. Its main road -
the one that numbers it - is the road nearest its recorded main entrance, or,
for a building without one, the road nearest its outline (the door is taken to
face it). A corner building - one within ``CORNER_REACH_M`` of two or more
roads - also gets a recorded secondary address on each other road it touches.
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


def fronting(
    buildings: np.ndarray, roads: np.ndarray, reach_m: float, corner_reach_m: float = CORNER_REACH_M, entrances: np.ndarray | None = None
) -> Frontage:
    """Main and secondary (building, road) pairs for metric building outlines and centrelines.

    ``entrances`` (parallel to ``buildings``, None where unknown) picks the main road
    by the entrance's distance instead of the outline's."""
    empty = np.array([], dtype=np.int64)
    if len(buildings) == 0 or len(roads) == 0:
        return Frontage(empty, empty, np.array([], dtype=float), np.array([], dtype=object))
    tree = shapely.STRtree(roads)
    b, r = tree.query(buildings, predicate="dwithin", distance=reach_m)
    distance = shapely.distance(buildings[b], roads[r])
    rank = distance
    if entrances is not None and len(b):
        doors = entrances[b]
        known = np.array([door is not None for door in doors], dtype=bool)
        rank = distance.copy()
        if known.any():
            rank[known] = shapely.distance(doors[known], roads[r[known]])
    order = np.lexsort((r, distance, rank, b))
    b, r, distance = b[order], r[order], distance[order]
    first = np.ones(len(b), dtype=bool)
    first[1:] = b[1:] != b[:-1]
    main_distance = np.full(len(buildings), np.inf)
    main_distance[b[first]] = distance[first]
    corner = ~first & (distance <= corner_reach_m) & (main_distance[b] <= corner_reach_m)
    keep = first | corner
    kind = np.where(first, "main", "secondary").astype(object)
    return Frontage(b[keep], r[keep], distance[keep], kind[keep])
