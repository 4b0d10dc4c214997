"""Households and buildings for every block.

Why two steps: a block's share of households depends on whether buildings fit in it
at all, so every block's slots are laid out first; households are then split
district → subdistrict (planned shares) → block (area × local density, only blocks
with room), and each block is filled. Totals are exact integers at every level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.demo import buildings as bld
from data.demo.allocation import largest_remainder
from data.demo.density import Density
from data.demo.layout import PLANS, SPARSE

DENSITY_SAMPLES_PER_BLOCK = 24


@dataclass(frozen=True)
class Housing:
    footprints: np.ndarray  # metric Polygons
    block: np.ndarray  # block index per building
    households: np.ndarray
    floors: np.ndarray


def block_households(total: int, block_parent: np.ndarray, mass: np.ndarray) -> np.ndarray:
    """Households per block: the total split by planned unit shares, then by block mass."""
    per_unit = largest_remainder(total, [plan.household_share for plan in PLANS])
    households = np.zeros(len(block_parent), dtype=np.int64)
    for unit, unit_total in enumerate(per_unit):
        mine = np.flatnonzero(block_parent == unit)
        households[mine] = largest_remainder(int(unit_total), mass[mine])
    return households


def house(total: int, blocks, block_parent, block_class, lanes: dict, density: Density, slot_rng, fill_rng) -> Housing:
    """Lay out slots, split ``total`` households over the blocks and fill each block."""
    slots = [
        bld.block_slots(block, bld.STYLES[cls], lanes.get(k), slot_rng)
        for k, (block, cls) in enumerate(zip(blocks, block_class, strict=True))
    ]
    mass = np.array([_block_mass(block, s, density) for block, s in zip(blocks, slots, strict=True)])
    households = block_households(total, block_parent, mass)
    filled = []
    for k, (block, s, cls) in enumerate(zip(blocks, slots, block_class, strict=True)):
        preference = density.at(s.centres) if cls == SPARSE and len(s) else None
        filled.append(bld.fill_block(block, s, int(households[k]), bld.STYLES[cls], preference, fill_rng))
    return Housing(
        footprints=np.concatenate([f.footprints for f in filled]),
        block=np.concatenate([np.full(len(f.footprints), k) for k, f in enumerate(filled)]),
        households=np.concatenate([f.households for f in filled]),
        floors=np.concatenate([f.floors for f in filled]),
    )


def _block_mass(block, slots: bld.Slots, density: Density) -> float:
    """Expected share of people: block area times the mean density over its slots (0 if no slot)."""
    if not len(slots):
        return 0.0
    step = max(1, len(slots) // DENSITY_SAMPLES_PER_BLOCK)
    return float(block.area * density.at(slots.centres[::step]).mean())
