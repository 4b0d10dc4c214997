"""Coordinates published at reduced precision: the one way a sensitive position is degraded.

Surveyed positions of some features (boundary markers, 界桩) must not reach the public at
survey precision (docs/boundaries.md, "What the public gets"). Every public output of such a
feature passes its geometry through ``coarsen``: each coordinate (CGCS2000 lon/lat) is moved to
the nearest multiple of ``grid`` degrees. A grid of 0.001° puts a point at most 0.0005° from
where it was on each axis (≈ 56 m north-south, ≈ 50 m east-west at 25°N), i.e. the public learns
the 0.001° cell (≈ 100 m) a marker stands in, and no more.

``cell_bbox`` moves the edges of a bounding box onto the boundaries of those cells (halfway
between grid nodes), so a box query answers the same for every point of a cell and cannot be
used to find a point more precisely than the grid.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

DEFAULT_GRID_DEG = 0.001  # ≈ 100 m: the cell a published marker is known to


def _decimals(grid: float) -> int:
    """Decimal places that write a multiple of ``grid`` exactly (0.001 → 3, 0.0005 → 4), plus margin."""
    return max(0, -math.floor(math.log10(grid))) + 3


def snap(value: float, grid: float) -> float:
    """``value`` moved to the nearest multiple of ``grid``."""
    return round(round(value / grid) * grid, _decimals(grid))


def coarsen(geom: shapely.Geometry | None, grid: float | None) -> shapely.Geometry | None:
    """``geom`` with every coordinate moved to the nearest multiple of ``grid`` degrees; as is when
    ``grid`` is empty (an output that may show full precision)."""
    if geom is None or not grid:
        return geom
    decimals = _decimals(grid)
    return shapely.transform(geom, lambda xy: np.round(np.round(xy / grid) * grid, decimals))


def cell_bbox(minx: float, miny: float, maxx: float, maxy: float, grid: float | None) -> tuple[float, float, float, float]:
    """A bounding box with its edges moved outward onto cell boundaries (the lines halfway between
    grid nodes), so every point of a cell is either inside it or outside it."""
    if not grid:
        return minx, miny, maxx, maxy

    def down(v: float) -> float:
        return (math.floor(v / grid - 0.5) + 0.5) * grid

    def up(v: float) -> float:
        return (math.ceil(v / grid - 0.5) + 0.5) * grid

    return down(minx), down(miny), up(maxx), up(maxy)
