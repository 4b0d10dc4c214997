"""Door plates (门牌) for buildings that front a named road.

Numbering rule of the demo (one of the conventions in shared/docs/domain.md §4,
made explicit): each road is numbered from its start (see ``roads`` for which end
that is) towards its end; ODD numbers on the LEFT side and EVEN numbers on the
RIGHT side of that direction (左单右双). Numbers grow with the distance along the
road and leave gaps for vacant frontage: a plate takes the number reserved for
every ``NUMBER_PITCH_M`` metres of chainage on its side, or the next free one if
that is taken. A building at (almost) the same chainage as the previous plate on
that side, e.g. one behind the other, shares its number with a suffix "-1", "-2"…
(the infill style "X-1, X-2" of the domain notes). (road, number, suffix) is unique.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from placenames.sides import LEFT, RIGHT

PLATE_REACH_M = 60.0
NUMBER_PITCH_M = 10.0
SAME_SPOT_M = 4.0


@dataclass(frozen=True)
class Plates:
    building: np.ndarray  # building index
    road: np.ndarray  # road index
    side: np.ndarray  # LEFT / RIGHT
    chainage: np.ndarray  # metres from the road start to the building's foot on it
    number: np.ndarray
    suffix: np.ndarray
    entrance: np.ndarray  # Points on the building edge nearest to the road


def fronting(buildings: np.ndarray, roads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(building, nearest road) index pairs for buildings within PLATE_REACH_M of a road."""
    tree = shapely.STRtree(roads)
    pairs = tree.query_nearest(buildings, max_distance=PLATE_REACH_M, all_matches=False)
    return pairs[0], pairs[1]


def side_of(lines: np.ndarray, chainage: np.ndarray, points: np.ndarray) -> np.ndarray:
    """LEFT or RIGHT of each line's direction at the given chainage, for each point."""
    length = shapely.length(lines)
    behind = shapely.line_interpolate_point(lines, np.clip(chainage - 1.0, 0, length))
    ahead = shapely.line_interpolate_point(lines, np.clip(chainage + 1.0, 0, length))
    a, b, p = shapely.get_coordinates(behind), shapely.get_coordinates(ahead), shapely.get_coordinates(points)
    cross = (b[:, 0] - a[:, 0]) * (p[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (p[:, 0] - a[:, 0])
    return np.where(cross > 0, LEFT, RIGHT)


def number_side(chainage: np.ndarray, left: bool) -> tuple[np.ndarray, np.ndarray]:
    """Numbers and suffixes for the plates of one side of one road, given in chainage order."""
    numbers = np.empty(len(chainage), dtype=np.int64)
    suffixes = np.empty(len(chainage), dtype=object)
    slot, base_chainage, extra = -1, -np.inf, 0
    for k, s in enumerate(chainage):
        if slot >= 0 and s - base_chainage < SAME_SPOT_M:
            extra += 1
        else:
            slot, base_chainage, extra = max(int(s // NUMBER_PITCH_M), slot + 1), s, 0
        numbers[k] = 2 * slot + (1 if left else 2)
        suffixes[k] = f"-{extra}" if extra else ""
    return numbers, suffixes


def door_plates(buildings: np.ndarray, roads: np.ndarray) -> Plates:
    """One plate per building fronting a road, numbered per road and side."""
    b, r = fronting(buildings, roads)
    centres = shapely.centroid(buildings[b])
    chainage = shapely.line_locate_point(roads[r], centres)
    side = side_of(roads[r], chainage, centres)
    entrance = shapely.get_point(shapely.shortest_line(buildings[b], roads[r]), 0)
    number = np.zeros(len(b), dtype=np.int64)
    suffix = np.empty(len(b), dtype=object)
    # At equal chainage (one building behind another) the one nearer the road comes first.
    order = np.lexsort((b, shapely.distance(buildings[b], roads[r]), chainage, side, r))
    groups = np.flatnonzero(np.diff(np.column_stack([r[order], side[order] == LEFT]), axis=0).any(axis=1)) + 1
    for members in np.split(order, groups):
        if len(members):
            number[members], suffix[members] = number_side(chainage[members], side[members[0]] == LEFT)
    return Plates(b, r, side, chainage, number, suffix, entrance)
