"""A denser address stock on the demo's roads, for ``diming demo --scale`` above 1.

Why plates and not a bigger district: the district's units, roads and buildings at scale 1
already fill the real outline, and what grows with a city (and what a search index must
hold up against) is its door plates: high-rise districts have thousands of plates on one
road, most of them infill numbers (12-1, 12-2, …) under the number of a gate. So above
scale 1 the scale-1 district is kept and ``count`` more plates are spread over its roads,
generated here in bulk with numpy and shapely (millions in tens of seconds), by the
numbering rule the engine applies (``placenames.numbering.plan``): a plate at chainage
``s`` on a side takes the number of its slot (``spacing_m`` metres each, odd numbers on
the road's odd side), and, as every slot here holds many plates, the next free infill
ordinal of that number; so (road, number, ordinal) never repeats an existing plate.

Pure: roads come in as metric lines oriented from number 1; the caller stores the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from data.demo.randomness import stream
from placenames.sides import LEFT, RIGHT

OFFSET_M = (8.0, 45.0)  # a plate stands this far from the centreline, on its side
BASE_PER_M = 0.01  # weight of a road by its length (one plate per 100 m) besides its plates


@dataclass(frozen=True)
class DensePlates:
    road: np.ndarray  # index into the roads given
    side: np.ndarray  # "L" / "R"
    chainage: np.ndarray  # metres from the road's number-1 end
    number: np.ndarray
    ordinal: np.ndarray  # infill ordinal (suffix "1", "2", …; 0 for none)
    point: np.ndarray  # metric Points beside the road, on its side


def allocate(lengths: np.ndarray, plates_now: np.ndarray, count: int, seed: int) -> np.ndarray:
    """How many of ``count`` new plates each road gets: busy roads (many plates already)
    get more, every road of some length a few."""
    weight = np.asarray(plates_now, dtype=float) + BASE_PER_M * np.asarray(lengths, dtype=float)
    weight[np.asarray(lengths) < 1.0] = 0.0
    if not count or weight.sum() == 0:
        return np.zeros(len(weight), dtype=np.int64)
    return stream(seed, "dense-allocation").multinomial(count, weight / weight.sum()).astype(np.int64)


def dense_plates(
    lines: np.ndarray,
    odd_left: np.ndarray,
    spacing_m: np.ndarray,
    per_road: np.ndarray,
    taken: dict[tuple[int, int], int],
    rng: np.random.Generator,
) -> DensePlates:
    """``per_road[i]`` new plates on each of ``lines`` (metric LineStrings oriented from number 1).

    ``odd_left`` and ``spacing_m`` are each road's numbering settings; ``taken`` maps
    (road index, number) to the highest infill ordinal already used on it (0 for a plain
    number), whatever the status of the plate that holds it.
    """
    lengths = shapely.length(lines)
    road = np.repeat(np.arange(len(lines)), per_road)
    chainage = rng.uniform(0.0, 1.0, len(road)) * lengths[road]
    left = rng.random(len(road)) < 0.5
    side = np.where(left, LEFT, RIGHT).astype(object)
    spacing = np.asarray(spacing_m, dtype=float)[road]
    slot = np.floor(chainage / spacing).astype(np.int64)
    odd = left == np.asarray(odd_left, dtype=bool)[road]
    number = 2 * slot + np.where(odd, 1, 2)
    # Ordinals in chainage order within each (road, number), after the highest one taken;
    # a number nobody holds takes its first plate plain (12), the others infill (12-1, 12-2 …).
    order = np.lexsort((chainage, number, road))
    r, n = road[order], number[order]
    starts = np.r_[True, (r[1:] != r[:-1]) | (n[1:] != n[:-1])] if len(r) else np.zeros(0, dtype=bool)
    first = np.flatnonzero(starts)
    rank = np.arange(len(r)) - np.repeat(first, np.diff(np.r_[first, len(r)]))
    offset = np.array([taken.get((int(r[k]), int(n[k])), -1) for k in first], dtype=np.int64)
    ordinal = np.empty(len(road), dtype=np.int64)
    ordinal[order] = rank + np.repeat(offset, np.diff(np.r_[first, len(r)])) + 1
    point = beside(lines[road], chainage, left, rng.uniform(*OFFSET_M, len(road)))
    return DensePlates(road, side, chainage, number, ordinal, point)


def beside(lines: np.ndarray, chainage: np.ndarray, left: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Points ``offset`` metres to the left or right of each line at ``chainage``."""
    length = shapely.length(lines)
    behind = shapely.get_coordinates(shapely.line_interpolate_point(lines, np.clip(chainage - 1.0, 0, length)))
    ahead = shapely.get_coordinates(shapely.line_interpolate_point(lines, np.clip(chainage + 1.0, 0, length)))
    at = shapely.get_coordinates(shapely.line_interpolate_point(lines, chainage))
    direction = ahead - behind
    norm = np.hypot(direction[:, 0], direction[:, 1])
    norm[norm == 0] = 1.0
    normal_left = np.column_stack([-direction[:, 1], direction[:, 0]]) / norm[:, None]  # left of the direction
    sign = np.where(left, 1.0, -1.0)[:, None]
    xy = at + normal_left * sign * offset[:, None]
    return shapely.points(xy[:, 0], xy[:, 1])
