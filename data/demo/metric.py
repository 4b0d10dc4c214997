"""The metric working frame of the demo builder and its precision grid.

Why: lengths, areas and offsets are generated in metres (EPSG:4543, the project's
measure_crs()), and every overlay is snap-rounded to one fixed grid so that polygons
built separately still share their edges vertex for vertex. Results go back to
CGCS2000 geographic (STORAGE_CRS) only when the layers are assembled.
"""

from __future__ import annotations

import shapely

from gis.crs import STORAGE_CRS, measure_crs, reproject

# 0.01 mm: fine enough that snapping a node moves an edge by a negligible area
# (< 0.01 m² even on a 5 km edge), coarse enough to absorb floating-point noise.
GRID_M = 1e-5


def to_metric(geoms):
    """Geometry (or array) from STORAGE_CRS to measure_crs() metres."""
    return reproject(geoms, STORAGE_CRS, measure_crs())


def to_storage(geoms):
    """Geometry (or array) from measure_crs() metres back to STORAGE_CRS degrees."""
    return reproject(geoms, measure_crs(), STORAGE_CRS)


def snap(geoms):
    """Round geometries to the shared precision grid (keeps polygons valid)."""
    return shapely.set_precision(geoms, GRID_M)
