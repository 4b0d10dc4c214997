"""How far answers stand from what a query is ranked near, as ranking measures it.

Degrees of latitude, with longitude shrunk by the cosine of the latitude there: cheap, the
same order as metres over a district, and the measure ``engine._rank`` sorts a focus by.
"""

from __future__ import annotations

import math

import numpy as np
import shapely


def planar_distance(points: np.ndarray, focus) -> np.ndarray:
    """Distances of ``points`` (shapely points; None gives NaN) from ``focus``: a point as
    (x, y), or a geometry (a road's line, an outline), measured to its nearest point."""
    if isinstance(focus, tuple):
        fx, fy = focus
        return np.hypot((shapely.get_x(points) - fx) * math.cos(math.radians(fy)), shapely.get_y(points) - fy)
    shrink = np.array([math.cos(math.radians(shapely.centroid(focus).y)), 1.0])
    return shapely.distance(shapely.transform(points, lambda xy: xy * shrink), shapely.transform(focus, lambda xy: xy * shrink))
