"""The block adjacency graph: edges along shared sides only, with their length and road class."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from redistricting_grids import cell, grid_graph, vertical_road

from boundaries.redistricting import build_graph, from_frames
from boundaries.redistricting.inputs import LINE_CLASSES


def edges(graph) -> set[tuple[str, str]]:
    return {tuple(sorted((graph.codes[u], graph.codes[v]))) for u, v in zip(graph.edge_u, graph.edge_v, strict=False)}


def test_a_2x2_grid_has_four_side_edges_and_no_diagonal():
    graph = grid_graph([[1, 1], [1, 1]])
    assert edges(graph) == {("r0c0", "r0c1"), ("r0c0", "r1c0"), ("r0c1", "r1c1"), ("r1c0", "r1c1")}
    assert sorted(graph.edge_length) == pytest.approx([101, 101, 111, 111], rel=0.02)  # 0.001° of lon / lat at 25°N


def test_blocks_touching_at_a_corner_are_not_neighbours():
    frame = gpd.GeoDataFrame(
        {"code": ["a", "b"], "subdistrict": ["S", "S"], "households": [1, 1]}, geometry=[cell(0, 0), cell(1, 1)], crs="EPSG:4490"
    )
    graph = build_graph(from_frames(frame))
    assert len(graph.edge_u) == 0
    assert graph.components(range(2)) == [[0], [1]]


def test_a_sliver_touching_its_subdistrict_only_by_short_sides_is_joined_to_them():
    """A 0.3 m² sliver left by the road network, touching its own subdistrict's blocks by
    sides shorter than MIN_EDGE_M (and another subdistrict's by a longer one), is no island:
    it was made a community of its own, of no households."""
    big = shapely.box(0, 0, 100, 100)
    sliver = shapely.box(100, 50, 101.2, 50.25)  # 1.2 m × 0.25 m against the big block's side
    other = shapely.box(101.2, 0, 200, 100)  # the next subdistrict, along the sliver's far side
    frame = gpd.GeoDataFrame(
        {"code": ["big", "sliver", "other"], "subdistrict": ["S", "S", "T"], "households": [50, 0, 50]},
        geometry=[big, sliver, other],
        crs="EPSG:4543",
    ).to_crs("EPSG:4490")
    graph = build_graph(from_frames(frame))
    assert ("big", "sliver") in edges(graph)
    assert len(graph.components([0, 1])) == 1
    corner = gpd.GeoDataFrame(
        {"code": ["a", "b"], "subdistrict": ["S", "S"], "households": [1, 1]}, geometry=[cell(0, 0), cell(1, 1)], crs="EPSG:4490"
    )
    assert len(build_graph(from_frames(corner)).edge_u) == 0  # real blocks meeting at a corner stay apart


def test_an_arterial_along_a_column_marks_the_edges_it_runs_along():
    graph = grid_graph([[1, 1, 1], [1, 1, 1]], roads=vertical_road(1, 2))
    arterial = LINE_CLASSES.index("arterial")
    along = {e for e in range(len(graph.edge_u)) if graph.edge_class_length[e, arterial] > 50}
    assert {tuple(sorted((graph.codes[graph.edge_u[e]], graph.codes[graph.edge_v[e]]))) for e in along} == {
        ("r0c0", "r0c1"),
        ("r1c0", "r1c1"),
    }
    assert graph.major_share(sorted(along)) == pytest.approx([1.0, 1.0])
    others = [e for e in range(len(graph.edge_u)) if e not in along]
    assert max(graph.major_share(others)) == 0  # a side that only meets the road does not run along it


def test_a_road_crossing_an_edge_gives_it_no_credit():
    x = 102.75 + 0.0005  # through the middle of column 0, across the edge between rows 0 and 1
    road = gpd.GeoDataFrame({"road_class": ["arterial"]}, geometry=[shapely.LineString([(x, 25.0), (x, 24.998)])], crs="EPSG:4490")
    graph = grid_graph([[1, 1], [1, 1]], roads=road)
    crossed = [e for e in range(len(graph.edge_u)) if {graph.codes[graph.edge_u[e]], graph.codes[graph.edge_v[e]]} == {"r0c0", "r1c0"}]
    assert graph.major_share(crossed) == pytest.approx([0.0])


def test_without_roads_every_edge_is_minor():
    graph = grid_graph([[1, 1], [1, 1]])
    assert graph.edge_class_length.sum() == 0


def test_area_and_perimeter_are_metres():
    graph = grid_graph([[5]])
    assert graph.area[0] == pytest.approx(100 * 111, rel=0.1)  # 0.001° lon at 25°N ≈ 101 m, lat ≈ 111 m
    assert graph.perimeter[0] == pytest.approx(2 * (101 + 111), rel=0.05)


def test_components_splits_disconnected_blocks():
    graph = grid_graph([[1, 1, 1]])
    assert graph.components([0, 2]) == [[0], [2]]
    assert graph.components([0, 1, 2]) == [[0, 1, 2]]


def test_blocks_not_exactly_noded_still_share_their_side():
    left = shapely.box(102.75, 25.0, 102.751, 25.001)
    right = shapely.box(102.751 + 1e-7, 25.0, 102.752, 25.001)  # a 1 cm sliver gap, as in hand-digitised files
    frame = gpd.GeoDataFrame({"code": ["a", "b"], "subdistrict": ["S", "S"], "households": [1, 1]}, geometry=[left, right], crs="EPSG:4490")
    graph = build_graph(from_frames(frame))
    assert len(graph.edge_u) == 1
    assert graph.edge_length[0] == pytest.approx(111, rel=0.02)
