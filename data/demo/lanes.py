"""Dead-end lanes (巷) reaching into large urban blocks from a bounding road.

Why: lanes are how deep blocks are reached in real towns, and their door plates are
numbered from the entrance inward. A lane never splits its block (it ends inside),
so it is added after the blocks are cut; buildings keep clear of it.
"""

from __future__ import annotations

import numpy as np
import shapely

from data.demo.layout import DENSE, MEDIUM, SPARSE

LANE_SHARE = {DENSE: 0.35, MEDIUM: 0.2, SPARSE: 0.0}
MIN_BLOCK_M2 = 20000.0
MIN_FRONT_M = 120.0
MAX_LANE_M = 160.0
MIN_LANE_M = 50.0
DEPTH_SHARE = 0.55
ON_ROAD_M = 0.01


def block_lane(block, roads_tree: shapely.STRtree):
    """A lane from the middle of the block's longest road-side edge, square into the block, or None."""
    ring = np.asarray(block.exterior.coords)
    starts, ends = ring[:-1], ring[1:]
    length = np.hypot(*(ends - starts).T)
    mids = (starts + ends) / 2
    on_road = np.zeros(len(mids), dtype=bool)
    on_road[roads_tree.query(shapely.points(mids), predicate="dwithin", distance=ON_ROAD_M)[0]] = True
    candidates = np.flatnonzero(on_road & (length >= MIN_FRONT_M))
    if not len(candidates):
        return None
    k = candidates[np.argmax(length[candidates])]
    along = (ends[k] - starts[k]) / length[k]
    inward = np.array([-along[1], along[0]])
    if not block.contains(shapely.Point(mids[k] + inward)):
        inward = -inward
    ray = shapely.LineString([mids[k], mids[k] + inward * 4 * MAX_LANE_M])
    reach = shapely.get_parts(shapely.line_merge(shapely.intersection(ray, block)))
    start = shapely.Point(mids[k])
    depth = max((p.length for p in reach if p.geom_type == "LineString" and p.distance(start) < ON_ROAD_M), default=0.0)
    lane_length = min(DEPTH_SHARE * depth, MAX_LANE_M)
    if lane_length < MIN_LANE_M:
        return None
    return shapely.LineString([mids[k], mids[k] + inward * lane_length])


def add_lanes(blocks: np.ndarray, block_density: list[str], roads: np.ndarray, rng: np.random.Generator) -> dict[int, object]:
    """Lanes by block index, for a random share of the large dense and medium blocks."""
    tree = shapely.STRtree(roads)
    lanes = {}
    for k, (block, density) in enumerate(zip(blocks, block_density, strict=True)):
        if rng.random() >= LANE_SHARE[density] or block.area < MIN_BLOCK_M2:
            continue
        lane = block_lane(block, tree)
        if lane is not None:
            lanes[k] = lane
    return lanes
