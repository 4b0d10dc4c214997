"""The road layer: classes, numbering direction and names of every road line.

Numbering direction (documented convention, see shared/docs/domain.md §4, "generic
rule"): a road's geometry runs in the direction its door numbers increase. Roads
running mostly east–west start at their EAST end, roads running mostly north–south
start at their SOUTH end, and lanes start at their entrance on the road they leave.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from data.demo.names import LANE, LOCAL, REAL_ROADS, SECONDARY, NameGenerator

SECONDARY_SPACINGS = 6.0  # a street longer than this many grid spacings counts as secondary
HOME_REACH_M = 1.0


@dataclass(frozen=True)
class RoadSet:
    lines: np.ndarray  # metric LineStrings, oriented for numbering
    classes: np.ndarray
    names: np.ndarray


def street_class(line, spacing_m: float) -> str:
    """Long streets of a community's grid carry through traffic: secondary; the rest local."""
    return SECONDARY if line.length >= SECONDARY_SPACINGS * spacing_m else LOCAL


def orient(line, road_class: str):
    """Reverse a line if needed so that it starts where its numbering starts."""
    if road_class == LANE:
        return line
    (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
    east_west = abs(x1 - x0) >= abs(y1 - y0)
    backwards = x0 < x1 if east_west else y0 > y1
    return line.reverse() if backwards else line


def home_units(lines: np.ndarray, subdistricts: np.ndarray) -> list[set[int]]:
    """Subdistricts touching each road's midpoint (two for a road on their boundary)."""
    mids = shapely.line_interpolate_point(lines, 0.5, normalized=True)
    tree = shapely.STRtree(subdistricts)
    road, unit = tree.query(mids, predicate="dwithin", distance=HOME_REACH_M)
    homes: list[set[int]] = [set() for _ in range(len(lines))]
    for r, u in zip(road, unit, strict=True):
        homes[r].add(int(u))
    return homes


def name_roads(
    classes: np.ndarray, lengths: np.ndarray, homes: list[set[int]], unit_codes: list[str], reserved: set[str], rng
) -> np.ndarray:
    """Real names on the longest fitting roads of their home unit, generated names elsewhere."""
    names = np.empty(len(classes), dtype=object)
    index_of = {code: k for k, code in enumerate(unit_codes)}
    for real, home_code, preferred in REAL_ROADS:
        home = index_of[home_code]
        free = [r for r in range(len(classes)) if names[r] is None and classes[r] != LANE and home in homes[r]]
        if not free:
            free = [r for r in range(len(classes)) if names[r] is None and classes[r] != LANE]
        best = [r for r in free if classes[r] == preferred] or free
        names[max(best, key=lambda r: (lengths[r], -r))] = real
    generator = NameGenerator(rng, reserved | {real for real, _, _ in REAL_ROADS})
    for r in range(len(classes)):
        if names[r] is None:
            names[r] = generator.name(classes[r])
    return names


def road_set(lines: list, classes: list[str], subdistricts: np.ndarray, unit_codes: list[str], reserved: set[str], rng) -> RoadSet:
    oriented = np.array([orient(line, cls) for line, cls in zip(lines, classes, strict=True)], dtype=object)
    kinds = np.array(classes, dtype=object)
    names = name_roads(kinds, shapely.length(oriented), home_units(oriented, subdistricts), unit_codes, reserved, rng)
    return RoadSet(lines=oriented, classes=kinds, names=names)
