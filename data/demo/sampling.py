"""Regular sample points inside a polygon: the stand-in for area and population mass."""

from __future__ import annotations

import numpy as np
import shapely


def grid_points(polygon, spacing: float) -> np.ndarray:
    """Centres of a square grid of the given spacing (metres) that fall inside ``polygon``."""
    x0, y0, x1, y1 = polygon.bounds
    xs = np.arange(x0 + spacing / 2, x1, spacing)
    ys = np.arange(y0 + spacing / 2, y1, spacing)
    grid_x, grid_y = np.meshgrid(xs, ys)
    gx, gy = grid_x.ravel(), grid_y.ravel()
    shapely.prepare(polygon)
    inside = shapely.contains_xy(polygon, gx, gy)
    return np.column_stack([gx[inside], gy[inside]])


def spacing_for(polygon, count: int) -> float:
    """Grid spacing giving roughly ``count`` points inside ``polygon``."""
    return float(np.sqrt(polygon.area / max(count, 1)))
