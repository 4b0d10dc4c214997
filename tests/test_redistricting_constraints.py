"""Each hard constraint on its own, on hand-made plans whose faults are known."""

from __future__ import annotations

import pytest
from redistricting_grids import grid_graph, rules

from boundaries.redistricting import plan_from_mapping, violations
from boundaries.redistricting.constraints import (
    community_count_in_target,
    contiguous,
    every_block_assigned,
    households_within_bounds,
    locks_respected,
    nested_in_subdistrict,
)
from boundaries.redistricting.rules import Rules, parse_target
from gis.errors import InvalidInput

ROW = [[10, 10, 10, 10]]  # r0c0 .. r0c3


def plan(mapping, graph=None):
    graph = graph or grid_graph(ROW)
    return plan_from_mapping(graph, mapping)


def subjects(found) -> list[str]:
    return [v.subject for v in found]


def test_a_valid_split_of_a_row_has_no_violations():
    p = plan({"r0c0": "A", "r0c1": "A", "r0c2": "B", "r0c3": "B"})
    assert violations(p, rules(20, 20)) == []


def test_an_unassigned_block_is_named():
    p = plan({"r0c0": "A", "r0c1": "A", "r0c2": "A"})
    assert subjects(every_block_assigned(p, rules(0, 100))) == ["r0c3"]


def test_a_community_in_two_pieces_breaks_contiguity():
    p = plan({"r0c0": "A", "r0c1": "B", "r0c2": "A", "r0c3": "B"})
    assert subjects(contiguous(p, rules(0, 100))) == ["A", "B"]


def test_corner_touch_is_not_contiguity():
    graph = grid_graph([[10, 10], [10, 10]])
    p = plan({"r0c0": "A", "r1c1": "A", "r0c1": "B", "r1c0": "C"}, graph)
    assert subjects(contiguous(p, rules(0, 100))) == ["A"]


def test_households_below_minimum_and_above_maximum():
    p = plan({"r0c0": "A", "r0c1": "B", "r0c2": "B", "r0c3": "B"})
    found = households_within_bounds(p, rules(15, 25))
    assert [(v.rule, v.subject) for v in found] == [("households-min", "A"), ("households-max", "B")]


def test_the_dense_ceiling_applies_only_when_every_block_is_dense():
    graph = grid_graph(ROW, dense=[[True, True, True, False]])
    p = plan({"r0c0": "A", "r0c1": "A", "r0c2": "A", "r0c3": "B"}, graph)
    assert households_within_bounds(p, Rules(10, 20, 30)) == []
    mixed = plan({"r0c0": "A", "r0c1": "A", "r0c2": "B", "r0c3": "B"}, graph)
    assert subjects(households_within_bounds(mixed, Rules(10, 15, 30))) == ["B"]


def test_a_community_across_two_subdistricts_breaks_nesting():
    graph = grid_graph(ROW, subdistricts=[["S1", "S1", "S2", "S2"]])
    p = plan({"r0c0": "A", "r0c1": "B", "r0c2": "B", "r0c3": "C"}, graph)
    assert subjects(nested_in_subdistrict(p, rules(0, 100))) == ["B"]


def test_community_count_outside_the_target():
    p = plan({"r0c0": "A", "r0c1": "A", "r0c2": "B", "r0c3": "B"})
    assert community_count_in_target(p, rules(0, 100, targets={"S1": (2, 3)})) == []
    assert subjects(community_count_in_target(p, rules(0, 100, targets={"S1": (3, 4)}))) == ["S1"]


def test_locked_blocks_and_communities():
    graph = grid_graph(ROW, communities=[["X", "X", "Y", "Y"]])
    moved = plan({"r0c0": "X", "r0c1": "Y", "r0c2": "Y", "r0c3": "Y"}, graph)
    assert subjects(locks_respected(moved, rules(0, 100, locked_blocks=frozenset({"r0c1"})))) == ["r0c1"]
    assert subjects(locks_respected(moved, rules(0, 100, locked_communities=frozenset({"X"})))) == ["X"]
    assert locks_respected(moved, rules(0, 100, locked_communities=frozenset({"Y"})))[0].rule == "locked-community"
    kept = plan({"r0c0": "X", "r0c1": "X", "r0c2": "Y", "r0c3": "Y"}, graph)
    assert locks_respected(kept, rules(0, 100, locked_blocks=frozenset({"r0c1"}), locked_communities=frozenset({"X", "Y"}))) == []


def test_rules_refuse_inverted_bounds_and_targets():
    with pytest.raises(InvalidInput):
        Rules(10, 5, 20)
    with pytest.raises(InvalidInput):
        Rules(5, 10, 20, targets={"S": (3, 2)})


@pytest.mark.parametrize("text, expected", [("关上街道=5-8", ("关上街道", (5, 8))), ("530111001000=6", ("530111001000", (6, 6)))])
def test_parse_target(text, expected):
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["关上街道", "=5-8", "关上街道=a-b"])
def test_parse_target_refuses_bad_text(text):
    with pytest.raises(InvalidInput):
        parse_target(text)
