"""Roads along the boundaries between units.

Why: the community rules ask for boundaries that follow obvious streets, so every
stretch of boundary shared by two neighbouring units becomes one named road.
Subdistrict boundaries give arterials, community boundaries inside a subdistrict
give secondary roads. The district outline itself carries no road.
"""

from __future__ import annotations

import numpy as np
import shapely

MIN_ROAD_M = 100.0


def shared_boundaries(polygons: np.ndarray, group: np.ndarray | None = None) -> list:
    """Each maximal line shared by two polygons (of the same group, if given), longest first within a pair."""
    polygons = np.asarray(polygons, dtype=object)
    tree = shapely.STRtree(polygons)
    i, j = tree.query(polygons, predicate="intersects")
    keep = i < j
    if group is not None:
        keep &= group[i] == group[j]
    rings = shapely.boundary(polygons)
    lines = []
    for a, b in zip(i[keep], j[keep], strict=True):
        shared = shapely.line_merge(shapely.intersection(rings[a], rings[b]))
        parts = [p for p in shapely.get_parts(shared) if p.geom_type == "LineString" and p.length >= MIN_ROAD_M]
        lines.extend(sorted(parts, key=lambda p: -p.length))
    return lines
