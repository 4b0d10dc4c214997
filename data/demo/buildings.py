"""Building footprints inside blocks, with floors and households.

Why slots: each block is covered by a grid of slots aligned with the block, and a
footprint is a rectangle drawn inside one slot, so footprints can never overlap.
Slots must lie inside the block minus a road setback (and clear of any lane). The
buildings of a block are drawn among its slots, favouring slots near the block edge
(buildings front the streets) and, in the countryside, near village centres.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from data.demo.allocation import largest_remainder
from data.demo.layout import DENSE, MEDIUM, SPARSE
from data.demo.streets import main_angle


@dataclass(frozen=True)
class BuildingStyle:
    pitch_along: float  # slot size along the block's long axis (m)
    pitch_across: float
    width: tuple[float, float]  # footprint size range along the long axis (m)
    depth: tuple[float, float]
    setback: float  # clearance from the block edge, i.e. from the road centre line (m)
    households_per_building: float
    floors: tuple[int, int]
    edge_decay: float  # how fast the preference for slots near the edge fades (m)


STYLES = {
    DENSE: BuildingStyle(40, 34, (18, 32), (12, 22), 10, 26, (4, 33), 45),
    MEDIUM: BuildingStyle(30, 26, (12, 22), (10, 16), 8, 12, (2, 18), 45),
    SPARSE: BuildingStyle(22, 20, (8, 14), (8, 12), 6, 5, (1, 4), 60),
}
MAX_SLOTS = 900
LANE_CLEARANCE_M = 6.0
NON_RESIDENTIAL_SHARE = 0.06
FLOOR_AREA_PER_HOUSEHOLD_M2 = 90.0


@dataclass(frozen=True)
class Slots:
    """Candidate footprint rectangles of one block."""

    centres: np.ndarray  # (k, 2)
    u: np.ndarray  # unit vector of the long axis
    half_w: np.ndarray  # (k,) half sizes of the footprint drawn in each slot
    half_d: np.ndarray

    def __len__(self) -> int:
        return len(self.centres)

    def corners(self, pick: np.ndarray | None = None) -> np.ndarray:
        """(k, 4, 2) corners of the footprints (all, or those picked)."""
        idx = slice(None) if pick is None else pick
        n = np.array([-self.u[1], self.u[0]])
        c, hw, hd = self.centres[idx], self.half_w[idx, None], self.half_d[idx, None]
        signs = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)], dtype=float)
        return c[:, None, :] + signs[None, :, 0:1] * hw[:, None] * self.u + signs[None, :, 1:2] * hd[:, None] * n


def block_slots(block, style: BuildingStyle, lane, rng: np.random.Generator) -> Slots:
    """Footprints that fit the block (after setback and lane clearance), one per grid slot."""
    angle = main_angle(block)
    u = np.array([np.cos(angle), np.sin(angle)])
    n = np.array([-u[1], u[0]])
    coords = np.asarray(block.exterior.coords)
    along, across = coords @ u, coords @ n
    stretch = max(1.0, np.sqrt(block.area / (style.pitch_along * style.pitch_across) / MAX_SLOTS))
    pa, pc = style.pitch_along * stretch, style.pitch_across * stretch
    a = np.arange(along.min() + pa * rng.uniform(0.3, 0.7), along.max(), pa)
    c = np.arange(across.min() + pc * rng.uniform(0.3, 0.7), across.max(), pc)
    ga, gc = (g.ravel() for g in np.meshgrid(a, c))
    centres = ga[:, None] * u + gc[:, None] * n
    k = len(centres)
    half_w = rng.uniform(*style.width, k) / 2
    half_d = rng.uniform(*style.depth, k) / 2
    centres = centres + (rng.uniform(-1, 1, (k, 1)) * np.clip(pa / 2 - half_w - 2, 0, None)[:, None] * u)
    slots = Slots(centres, u, half_w, half_d)
    room = block.buffer(-style.setback)
    if lane is not None:
        room = room.difference(lane.buffer(LANE_CLEARANCE_M))
    if room.is_empty or not k:
        return Slots(np.empty((0, 2)), u, np.empty(0), np.empty(0))
    shapely.prepare(room)
    corners = slots.corners().reshape(-1, 2)
    fits = shapely.contains_xy(room, corners[:, 0], corners[:, 1]).reshape(-1, 4).all(axis=1)
    slots = Slots(centres[fits], u, half_w[fits], half_d[fits])
    # Corners inside are not enough where the room is concave (a notch, a lane between corners).
    whole = shapely.within(shapely.polygons(slots.corners()), room) if len(slots) else np.empty(0, dtype=bool)
    return Slots(slots.centres[whole], u, slots.half_w[whole], slots.half_d[whole])


def choose(slots: Slots, count: int, block, preference, rng: np.random.Generator, decay: float) -> np.ndarray:
    """Indices of ``count`` slots, drawn without replacement, biased to the edge (Gumbel top-k)."""
    edge = shapely.distance(shapely.points(slots.centres), block.exterior)
    log_weight = -edge / decay + (np.log(preference) if preference is not None else 0.0)
    keys = log_weight + rng.gumbel(size=len(slots))
    return np.sort(np.argsort(-keys, kind="stable")[:count])


@dataclass(frozen=True)
class BlockBuildings:
    footprints: np.ndarray  # Polygons
    households: np.ndarray
    floors: np.ndarray


def fill_block(block, slots: Slots, households: int, style: BuildingStyle, preference, rng: np.random.Generator) -> BlockBuildings:
    """Residential buildings holding exactly ``households``, plus a few non-residential ones."""
    if not len(slots):
        if households:
            raise ValueError("households assigned to a block with no room for buildings")
        return BlockBuildings(np.empty(0, dtype=object), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    residential = 0
    if households:
        residential = int(round(households / style.households_per_building * rng.uniform(0.8, 1.25)))
        residential = int(np.clip(residential, 1, min(len(slots), households)))
    other = int(min(rng.binomial(max(residential, 1), NON_RESIDENTIAL_SHARE), len(slots) - residential))
    pick = choose(slots, residential + other, block, preference, rng, style.edge_decay)
    order = rng.permutation(len(pick))
    res_pick, other_pick = pick[np.sort(order[:residential])], pick[np.sort(order[residential:])]
    footprint_area = 4 * slots.half_w * slots.half_d
    capacity = footprint_area[res_pick] * rng.lognormal(0.0, 0.3, residential)
    res_households = largest_remainder(households, capacity) if residential else np.empty(0, dtype=np.int64)
    lo, hi = style.floors
    res_floors = np.clip(np.ceil(res_households * FLOOR_AREA_PER_HOUSEHOLD_M2 / footprint_area[res_pick]), lo, hi).astype(np.int64)
    other_floors = rng.integers(1, min(hi, 6) + 1, len(other_pick))
    all_pick = np.concatenate([res_pick, other_pick]).astype(int)
    footprints = shapely.polygons(slots.corners(all_pick))
    return BlockBuildings(
        footprints=footprints,
        households=np.concatenate([res_households, np.zeros(len(other_pick), dtype=np.int64)]),
        floors=np.concatenate([res_floors, other_floors]).astype(np.int64),
    )
