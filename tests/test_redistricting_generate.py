"""The plan generator on tiny districts with known answers, infeasible ones, locks and determinism."""

from __future__ import annotations

import numpy as np
import pytest
from redistricting_grids import grid_blocks, grid_graph, rules, vertical_road

from boundaries.redistricting import Cancelled, build_graph, from_frames, propose, violations

# 4x4 households whose only split into two connected communities of 232-233 households is
# the top row plus r1c1, r1c2, r2c1 (verified by enumeration in the first test).
UNIQUE = [[56, 48, 28, 42], [11, 8, 28, 7], [44, 23, 32, 35], [32, 40, 6, 25]]
UNIQUE_ANSWER = {"r0c0", "r0c1", "r0c2", "r0c3", "r1c1", "r1c2", "r2c1"}


def valid_two_way_splits(graph, low, high):
    found = []
    for mask in range(1 << (graph.size - 1)):
        first = [0] + [i + 1 for i in range(graph.size - 1) if mask >> i & 1]
        second = [i for i in range(graph.size) if i not in first]
        if not second or len(graph.components(first)) > 1 or len(graph.components(second)) > 1:
            continue
        if all(low <= graph.households[part].sum() <= high for part in (first, second)):
            found.append({graph.codes[i] for i in first})
    return found


def communities(proposal) -> list[set[str]]:
    groups: dict[str, set[str]] = {}
    for code, label in proposal.plan.community_of().items():
        groups.setdefault(label, set()).add(code)
    return sorted(groups.values(), key=sorted)


def test_the_only_valid_split_of_a_4x4_grid_is_found():
    graph = grid_graph(UNIQUE)
    assert valid_two_way_splits(graph, 232, 233) == [UNIQUE_ANSWER]
    proposal = propose(graph, rules(232, 233), seed=7)
    assert proposal.valid, proposal.violations
    assert UNIQUE_ANSWER in communities(proposal)


def test_too_few_households_is_explained_and_the_best_plan_flagged():
    proposal = propose(grid_graph([[10, 10], [10, 10]]), rules(100, 200))
    assert not proposal.valid
    assert [f.rule for f in proposal.findings] == ["infeasible-part"]
    assert [v.rule for v in proposal.violations] == ["households-min"]
    assert len(communities(proposal)) == 1


def test_a_single_block_above_the_maximum_is_named():
    proposal = propose(grid_graph([[50, 500, 50, 50]]), rules(100, 200))
    assert "r0c1" in [f.subject for f in proposal.findings if f.rule == "block-over-max"]
    assert not proposal.valid


def test_an_impossible_target_count_is_explained_and_bounds_still_hold():
    graph = grid_graph([[50] * 4] * 4)  # 800 households: 4-8 communities of 100-200
    proposal = propose(graph, rules(100, 200, targets={"S1": (2, 3)}))
    assert [f.rule for f in proposal.findings] == ["infeasible-target"]
    assert [v.rule for v in proposal.violations] == ["target-count"]
    assert "4-8" in proposal.findings[0].en


@pytest.mark.parametrize("target", [(4, 4), (5, 5), (8, 8)])
def test_a_feasible_target_count_is_met(target):
    graph = grid_graph([[50] * 4] * 4)
    proposal = propose(graph, rules(100, 200, targets={"S1": target}), seed=3)
    assert proposal.valid, proposal.violations
    assert len(communities(proposal)) == target[0]


def test_dense_blocks_may_form_larger_communities():
    graph = grid_graph([[50] * 4] * 2, dense=[[True] * 4] * 2)
    proposal = propose(graph, rules(100, 200, dense_high=400, targets={"S1": (1, 1)}))
    assert proposal.valid, proposal.violations
    assert len(communities(proposal)) == 1


def test_a_subdistrict_in_two_separate_pieces_gets_communities_in_each():
    blocks = grid_blocks([[60, 60, 0, 60, 60]])
    blocks = blocks[blocks["code"] != "r0c2"]  # a gap: two islands
    proposal = propose(build_graph(from_frames(blocks)), rules(100, 200))
    assert proposal.valid, proposal.violations
    assert communities(proposal) == [{"r0c0", "r0c1"}, {"r0c3", "r0c4"}]


def test_communities_never_cross_subdistricts():
    graph = grid_graph([[60] * 4] * 2, subdistricts=[["S1", "S1", "S2", "S2"]] * 2)
    proposal = propose(graph, rules(100, 300))
    assert proposal.valid, proposal.violations
    assert sorted(proposal.plan.labels) == ["S1-01", "S2-01"]


def test_a_locked_community_is_kept_and_the_rest_divided():
    graph = grid_graph([[50] * 4] * 2, communities=[["X", "X", "Y", "Y"]] * 2)
    proposal = propose(graph, rules(100, 200, targets={"S1": (3, 3)}, locked_communities=frozenset({"X"})))
    assert proposal.valid, proposal.violations
    assert {"r0c0", "r0c1", "r1c0", "r1c1"} in communities(proposal)
    assert "X" in proposal.plan.labels
    assert len(communities(proposal)) == 3


def test_locked_blocks_keep_their_community_label():
    graph = grid_graph([[50] * 4] * 2, communities=[["X", "X", "Y", "Y"]] * 2)
    proposal = propose(graph, rules(200, 200, locked_blocks=frozenset({"r0c0", "r1c3"})), seed=5)
    assert proposal.valid, proposal.violations
    mapping = proposal.plan.community_of()
    assert (mapping["r0c0"], mapping["r1c3"]) == ("X", "Y")


def test_same_seed_same_plan():
    graph = grid_graph(np.arange(1, 65).reshape(8, 8).tolist())
    first = propose(graph, rules(300, 600), seed=11)
    again = propose(graph, rules(300, 600), seed=11)
    assert first.valid
    assert first.plan.community_of() == again.plan.community_of()


def test_progress_is_reported_and_a_run_can_be_cancelled():
    graph = grid_graph([[60] * 4] * 2, subdistricts=[["S1", "S1", "S2", "S2"]] * 2)
    seen = []
    propose(graph, rules(100, 300), progress=lambda fraction, what: seen.append((fraction, what)))
    assert seen == [(0.5, "S1"), (1.0, "S2")]
    with pytest.raises(Cancelled):
        propose(graph, rules(100, 300), should_stop=lambda: True)


def test_every_output_satisfies_the_invariants_it_reports():
    graph = grid_graph(np.random.default_rng(2).integers(10, 90, (6, 6)).tolist())
    proposal = propose(graph, rules(300, 700), seed=1)
    assert proposal.violations == violations(proposal.plan, proposal.rules)
    assert proposal.valid


def _workspace(graph, rules_, columns_of_first):
    from boundaries.redistricting.generate import boundary_costs
    from boundaries.redistricting.workspace import Workspace

    ws = Workspace(graph, rules_, range(graph.size), 2, boundary_costs(graph), 50.0)
    for b, code in enumerate(graph.codes):
        ws.add(b, 0 if int(code.split("c")[1]) in columns_of_first else 1)
    return ws


def test_merge_and_resplit_carries_a_boundary_several_blocks_onto_an_arterial():
    from boundaries.redistricting.search import recombine

    graph = grid_graph([[10] * 6] * 4, roads=vertical_road(3, 4))
    ws = _workspace(graph, rules(80, 160), {0, 1})  # valid, but cut on minor edges two blocks from the road
    before = ws.objective()
    assert recombine(ws, np.random.default_rng(0)) >= 1
    assert ws.objective() < before
    first = {graph.codes[b] for b in np.flatnonzero(ws.assignment == ws.assignment[0])}
    assert first == {f"r{r}c{c}" for r in range(4) for c in range(3)}  # the arterial is the boundary


def test_merge_and_resplit_repairs_a_pair_outside_the_bounds():
    from boundaries.redistricting.search import recombine

    graph = grid_graph([[10] * 6] * 4)
    ws = _workspace(graph, rules(100, 140), {0})  # 40 and 200 households: both outside
    assert ws.total_excess() > 0
    recombine(ws, np.random.default_rng(1))
    assert ws.total_excess() == 0
    for community in (0, 1):
        assert len(graph.components(np.flatnonzero(ws.assignment == community))) == 1


def test_following_costs_pay_for_boundary_on_an_arterial_and_charge_for_the_rest():
    from boundaries.redistricting.generate import DEFAULT_TUNING, following_costs

    FOLLOW_SCALE, FOLLOW_TARGET = DEFAULT_TUNING.follow_scale, DEFAULT_TUNING.follow_target

    graph = grid_graph([[10] * 4] * 3, roads=vertical_road(2, 3))
    costs = following_costs(graph)
    share = graph.major_share(np.arange(len(costs)))
    on_road, off_road = share > 0.99, share == 0
    assert on_road.sum() == 3 and off_road.sum() > 0
    assert costs[on_road] == pytest.approx(-FOLLOW_SCALE * (1 - FOLLOW_TARGET) * graph.edge_length[on_road])
    assert costs[off_road] == pytest.approx(FOLLOW_SCALE * FOLLOW_TARGET * graph.edge_length[off_road])


def test_a_move_that_would_leave_a_community_too_thin_is_refused():
    graph = grid_graph([[10] * 4] * 2)
    ws = _workspace(graph, rules(10, 80), {0, 1})  # two 2x2 squares
    corner = graph.index_of()["r0c1"]
    assert np.isfinite(ws.move_delta(corner, 1))  # leaves an L of three blocks (Polsby-Popper 0.59)
    ws.min_polsby_popper = 0.7
    assert ws.move_delta(corner, 1) == np.inf


def test_rewarding_the_arterial_still_keeps_every_community_above_the_shape_floor():
    from boundaries.redistricting.generate import following_costs
    from boundaries.redistricting.metrics import polsby_popper
    from boundaries.redistricting.plan import Plan
    from boundaries.redistricting.search import recombine

    graph = grid_graph([[10] * 6] * 4, roads=vertical_road(1, 4))  # the arterial cuts off a 1x4 strip (PP 0.50)

    def resplit(floor):
        ws = _workspace(graph, rules(40, 200), {0, 1, 2})
        ws.costs = following_costs(graph)
        ws.min_polsby_popper = floor
        recombine(ws, np.random.default_rng(0), rounds=3, trees=12)
        return ws

    strip = {graph.codes[b] for b in np.flatnonzero(resplit(0.0).assignment == resplit(0.0).assignment[0])}
    assert strip == {f"r{r}c0" for r in range(4)}  # without a floor the strip along the arterial wins
    kept = resplit(0.6)
    plan = Plan(graph, kept.assignment.copy(), ("A", "B"))
    assert polsby_popper(plan).min() >= 0.6


def test_the_following_phase_leaves_a_division_alone_where_there_is_no_major_line_to_follow():
    from boundaries.redistricting.generate import _follow_major_lines

    graph = grid_graph([[10] * 6] * 4)  # no roads at all
    ws = _workspace(graph, rules(40, 200), set())
    for b, code in enumerate(graph.codes):  # a valid but staircase division the phase could reshape
        r, c = (int(x) for x in code[1:].split("c"))
        ws.move(b, 0 if c < 2 + r // 2 else 1)
    before, costs = ws.assignment.copy(), ws.costs
    assert not _follow_major_lines(ws, np.random.default_rng(0), 50.0, None)
    assert (ws.assignment == before).all() and ws.costs is costs and ws.min_polsby_popper == 0


def test_a_subdistrict_gets_the_same_plan_alone_as_with_the_others():
    households = np.random.default_rng(5).integers(20, 120, (6, 8)).tolist()
    subdistricts = [["S1"] * 4 + ["S2"] * 4 for _ in range(6)]
    data = from_frames(grid_blocks(households, subdistricts=subdistricts), vertical_road(2, 6))
    bounds = rules(300, 700)
    together = communities(propose(build_graph(data), bounds, seed=4))
    alone = communities(propose(build_graph(data.only(["S1"])), bounds, seed=4))
    assert alone == [c for c in together if next(iter(c)) in {code for group in alone for code in group}]
    assert len(alone) >= 2  # a real division, not one community
