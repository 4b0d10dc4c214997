"""Plan metrics on grids whose answers can be worked out by hand."""

from __future__ import annotations

import math

import pytest
from redistricting_grids import grid_graph, vertical_road

from boundaries.redistricting import current_plan, metrics, plan_from_mapping


def halves(graph):
    return plan_from_mapping(graph, {c: ("W" if int(c[-1]) < 2 else "E") for c in graph.codes})


def test_polsby_popper_of_a_square_community_is_pi_over_four():
    graph = grid_graph([[1, 1], [1, 1]])
    square = plan_from_mapping(graph, {c: "A" for c in graph.codes})
    assert metrics.polsby_popper(square)[0] == pytest.approx(math.pi / 4, rel=0.02)


def test_a_strip_is_less_compact_than_a_square():
    graph = grid_graph([[1, 1, 1, 1]])
    strip = plan_from_mapping(graph, {c: "A" for c in graph.codes})
    assert metrics.polsby_popper(strip)[0] < 0.55


def test_boundary_along_an_arterial_counts_as_major_and_is_straight():
    graph = grid_graph([[1] * 4] * 3, roads=vertical_road(2, 3))
    summary = metrics.summary(halves(graph))
    assert summary["boundary_major_share"] == pytest.approx(1.0, abs=0.01)
    assert summary["boundary_by_class"]["arterial"] == pytest.approx(1.0, abs=0.01)
    assert summary["straightness"] == pytest.approx(1.0)
    assert summary["turns_per_km"] == 0
    assert summary["boundary_length_m"] == pytest.approx(3 * 111, rel=0.02)


def test_major_lines_used_is_the_share_of_the_arterial_on_a_community_boundary():
    graph = grid_graph([[1] * 4] * 3, roads=vertical_road(2, 3))
    assert metrics.major_lines_used(halves(graph)) == pytest.approx(1.0)
    corner = plan_from_mapping(graph, {c: ("NW" if c in ("r0c0", "r0c1") else "rest") for c in graph.codes})
    assert metrics.major_lines_used(corner) == pytest.approx(1 / 3, rel=0.02)  # one of the road's three edges
    assert metrics.summary(corner)["major_lines_used"] == pytest.approx(1 / 3, rel=0.02)
    one = plan_from_mapping(graph, {c: "all" for c in graph.codes})
    assert metrics.major_lines_used(one) == 0


def test_without_roads_the_boundary_runs_along_no_line():
    graph = grid_graph([[1] * 4] * 3)
    assert metrics.boundary_by_class(halves(graph))["none"] == pytest.approx(1.0)


def test_a_staircase_boundary_has_turns_and_is_not_straight():
    graph = grid_graph([[1] * 3] * 3)
    stairs = plan_from_mapping(graph, {c: ("A" if int(c[1]) >= int(c[3]) else "B") for c in graph.codes})
    chord_ratio, turns = metrics.straightness(metrics.boundary_lines(stairs))
    assert chord_ratio == pytest.approx(math.hypot(2 * 101, 2 * 111) / (2 * 101 + 2 * 111), rel=0.02)
    assert turns == pytest.approx(3 / 0.424, rel=0.05)  # 3 turns along about 424 m


def test_households_moved_counts_blocks_leaving_their_community():
    graph = grid_graph([[10, 20, 30, 40]], communities=[["X", "X", "Y", "Y"]])
    assert metrics.households_moved(current_plan(graph)) == 0
    shifted = plan_from_mapping(graph, {"r0c0": "N1", "r0c1": "N1", "r0c2": "N1", "r0c3": "N2"})
    assert metrics.households_moved(shifted) == 30


def test_balance_and_range_of_households():
    graph = grid_graph([[10, 30]])
    summary = metrics.summary(plan_from_mapping(graph, {"r0c0": "A", "r0c1": "B"}))
    assert (summary["households_min"], summary["households_max"]) == (10, 30)
    assert summary["household_balance"] == pytest.approx(10 / 20)


def test_premises_show_the_floor_and_the_per_household_figure():
    floor, per_households = metrics.premises([1000, 5000])
    assert list(floor) == [400, 400]
    assert list(per_households) == [200, 1000]
