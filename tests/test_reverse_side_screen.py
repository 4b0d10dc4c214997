"""Reverse geocoding's screen for points across the road from their nearest plate
(placenames.search.reverse._maybe_across): only those points are matched with their nearest
road afterwards, so the screen must keep every point the full check could correct."""

from __future__ import annotations

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely import LineString

from placenames.search.plates import NearbyPlates, NearbyRoads
from placenames.search.reverse import _maybe_across

# Metres. 东路 runs west to east along y = 0; 西路 is drawn as two lines (one name, two rows).
EAST = LineString([(0, 0), (100, 0)])
WEST_A, WEST_B = LineString([(-300, 0), (-200, 0)]), LineString([(-200, 0), (-100, 0)])


def roads(*named: tuple[str, LineString]) -> NearbyRoads:
    return NearbyRoads(shapely.STRtree([line for _, line in named]), np.array([name for name, _ in named], dtype=object))


def plates(*placed: tuple[str, float, float]) -> NearbyPlates:
    xy = np.array([(x, y) for _, x, y in placed], dtype=float)
    road = np.array([name for name, _, _ in placed], dtype=object)
    n = len(placed)
    return NearbyPlates(np.arange(1, n + 1), xy, cKDTree(xy), road, np.zeros(n, dtype=bool), np.full(n, "530111", dtype=object))


def test_only_points_that_may_stand_across_from_their_plate_are_kept():
    near = plates(("东路", 50, -10), ("东路", 50, 10), ("西路", -150, 10), ("北路", 20, 40))
    nearby = roads(("东路", EAST), ("西路", WEST_A), ("西路", WEST_B))
    points = np.array(
        [
            (50, 8),  # 0: north of 东路, plate 0 south of it: across
            (52, 12),  # 1: north, plate 1 north too: same side, dropped
            (50, 0.5),  # 2: on the centreline (side cannot be told): dropped
            (-150, -5),  # 3: 西路 is two lines here: kept for the full check
            (20, 38),  # 4: 北路 is not among the roads read: kept for the full check
        ],
        dtype=float,
    )
    nearest = np.array([0, 1, 1, 2, 3])
    kept = _maybe_across(nearby, near, points, np.arange(len(points)), nearest)
    assert kept.tolist() == [0, 3, 4]


def test_points_without_a_plate_are_not_asked_about():
    near = plates(("东路", 50, -10))
    kept = _maybe_across(roads(("东路", EAST)), near, np.array([(50, 8.0), (900, 900)]), np.array([0]), np.array([0, -1]))
    assert kept.tolist() == [0]


def test_the_roads_of_a_box_s_plates_are_told_apart_by_id_however_large_the_ids():
    from placenames.search.plates import _distinct

    for ids in (np.array([7, 3, 7, 9, 3, 3]), np.array([7, 3, 7, 2**40, 3])):  # a sequence; ids far apart (sorted instead)
        at, distinct = _distinct(ids)
        assert distinct.tolist() == sorted(set(ids.tolist())) and (distinct[at] == ids).all()
    at, distinct = _distinct(np.zeros(0, dtype=np.int64))
    assert len(at) == len(distinct) == 0
