"""Road geometry for numbering: one merged centreline, its reference direction,
and where each building lies along it (chainage) and on which side.

Why metric: chainage and spacing are metres, so everything here works in the
measuring CRS (EPSG:4543); callers convert once, in bulk, with ``to_metric``.
"""

from __future__ import annotations

import numpy as np
import shapely

from gis.crs import STORAGE_CRS, measure_crs, reproject
from placenames.sides import LEFT, RIGHT

TANGENT_STEP_M = 1.0


def to_metric(geoms):
    """Stored CGCS2000 lon/lat geometries (one or an array) -> metres (EPSG:4543)."""
    return reproject(geoms, STORAGE_CRS, measure_crs())


def to_storage(geoms):
    return reproject(geoms, measure_crs(), STORAGE_CRS)


def merge_centreline(geom) -> shapely.LineString:
    """A road's segments as one line: merged where they touch, chained end to end
    (nearest free end first) where they leave gaps, so chainage is defined everywhere."""
    merged = shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
    if merged.geom_type == "LineString":
        return merged
    parts = sorted(merged.geoms, key=lambda part: -part.length)
    coords = list(parts.pop(0).coords)
    while parts:
        head, tail = np.array(coords[0]), np.array(coords[-1])
        best: tuple[float, int, bool, bool] | None = None
        for index, part in enumerate(parts):
            first, last = np.array(part.coords[0]), np.array(part.coords[-1])
            for gap, at_tail, flip in (
                (np.hypot(*(first - tail)), True, False),
                (np.hypot(*(last - tail)), True, True),
                (np.hypot(*(last - head)), False, False),
                (np.hypot(*(first - head)), False, True),
            ):
                if best is None or gap < best[0]:
                    best = (gap, index, at_tail, flip)
        assert best is not None  # parts is not empty
        _, index, at_tail, flip = best
        part_coords = list(parts.pop(index).coords)
        if flip:
            part_coords.reverse()
        coords = coords + part_coords if at_tail else part_coords + coords
    return shapely.LineString(coords)


def orient(line: shapely.LineString, direction: str) -> shapely.LineString:
    """The line running from its number-1 end, under a ``NumberingSettings.direction``."""
    if direction == "forward":
        return line
    if direction == "reverse":
        return line.reverse()
    (x0, y0), (x1, y1) = line.coords[0][:2], line.coords[-1][:2]
    _, east_west_word, _, north_south_word = direction.split("_")
    if abs(x1 - x0) >= abs(y1 - y0):
        starts_east = x0 >= x1
        keep = starts_east if east_west_word == "east" else not starts_east
    else:
        starts_south = y0 <= y1
        keep = starts_south if north_south_word == "south" else not starts_south
    return line if keep else line.reverse()


def chainage(line: shapely.LineString, points) -> np.ndarray:
    """Metres from the line's start to each point's foot on it."""
    return np.asarray(shapely.line_locate_point(line, points), dtype=float)


def sides(line: shapely.LineString, at: np.ndarray, points) -> np.ndarray:
    """LEFT or RIGHT (placenames.sides) of the line's direction at chainage ``at``, for each point."""
    length = line.length
    behind = shapely.line_interpolate_point(line, np.clip(at - TANGENT_STEP_M, 0, length))
    ahead = shapely.line_interpolate_point(line, np.clip(at + TANGENT_STEP_M, 0, length))
    a, b, p = shapely.get_coordinates(behind), shapely.get_coordinates(ahead), shapely.get_coordinates(points)
    cross = (b[:, 0] - a[:, 0]) * (p[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (p[:, 0] - a[:, 0])
    return np.where(cross > 0, LEFT, RIGHT)


def entrances(buildings, line) -> np.ndarray:
    """The point of each building's outline nearest the road: where its door is taken to be."""
    return shapely.get_point(shapely.shortest_line(buildings, line), 0)
