"""Unit outlines in metres (EPSG:4543) for line building and topology checks.

Edges are straight in lon/lat; a long edge projected by its end points alone would
bow away from a neighbour's edge that has a vertex in between (a parallel is curved
in Gauss-Krüger), so edges are densified to about 50 m before projecting.
"""

from __future__ import annotations

import shapely

from gis.crs import STORAGE_CRS, measure_crs, reproject

DENSIFY_DEG = 0.0005


def to_metric(geom):
    """A lon/lat geometry in EPSG:4543 metres, long edges densified first."""
    return reproject(shapely.segmentize(geom, DENSIFY_DEG), STORAGE_CRS, measure_crs())
