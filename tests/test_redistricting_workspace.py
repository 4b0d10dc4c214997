"""The search's fast structures agree with a recomputation from scratch.

The workspace keeps sums, a list copy of the assignment and per-block neighbour
lists up to date move by move, and the merge-and-resplit step roots all spanning
trees of a pair in one scipy call; each is checked here against the plain
computation on random moves and random weights, so the speed-up cannot drift
from what it replaces.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from redistricting_grids import grid_graph, rules, vertical_road
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import depth_first_order, minimum_spanning_tree

from boundaries.redistricting.generate import boundary_costs, following_costs
from boundaries.redistricting.plan import Plan
from boundaries.redistricting.trees import minimum_spanning_trees
from boundaries.redistricting.workspace import Workspace


def _world(seed: int):
    rng = np.random.default_rng(seed)
    households = rng.integers(20, 200, (7, 8)).tolist()
    graph = grid_graph(households, roads=vertical_road(4, 7))
    return graph, rules(300, 700, 900)


def _from_scratch(ws: Workspace):
    """Households, area, perimeter, dense blocks, size and objective of each community, from the assignment alone."""
    plan = Plan(ws.graph, ws.assignment, tuple(str(c) for c in range(ws.k)))
    g = ws.graph
    sizes = np.bincount(ws.assignment[ws.assignment >= 0], minlength=ws.k)
    dense = np.bincount(ws.assignment[ws.assignment >= 0], weights=g.dense[ws.assignment >= 0], minlength=ws.k)
    u, v = g.edge_u, g.edge_v
    cut = (ws.assignment[u] != ws.assignment[v]) & ws.inside[u] & ws.inside[v]
    inverse_pp = [p * p / (4 * math.pi * a) if a > 0 else 0.0 for p, a in zip(plan.perimeters, plan.areas, strict=True)]
    objective = float(ws.costs[cut].sum()) + ws.compactness_weight * sum(inverse_pp)
    return plan.households, plan.areas, plan.perimeters, dense, sizes, objective


def _one_territory_without(ws: Workspace, block: int) -> bool:
    g = ws.graph
    rest = np.flatnonzero(ws.assignment == ws.assignment[block])
    rest = rest[rest != block]
    return len(rest) == 0 or len(g.components(rest)) == 1


@pytest.mark.parametrize("seed", range(6))
def test_workspace_sums_and_checks_equal_their_recomputation_on_random_moves(seed):
    """A random walk of contiguity-keeping moves, every figure compared after each move."""
    graph, rules_ = _world(seed)
    rng = np.random.default_rng(seed)
    ws = Workspace(graph, rules_, range(graph.size), 3, boundary_costs(graph), 40.0)
    for b in range(graph.size):  # three vertical strips
        ws.add(b, min(int(graph.codes[b].split("c")[1]) * 3 // 8, 2))
    for step in range(300):
        if step == 150:
            ws.costs = following_costs(graph)  # the last phase swaps the prices: the neighbour lists follow
            ws.min_polsby_popper = 0.2
        boundary = ws.boundary_blocks()
        block = boundary[int(rng.integers(len(boundary)))]
        targets = ws.neighbour_communities(block)
        expected_targets = sorted({int(ws.assignment[o]) for o, _ in graph.neighbours[block]} - {int(ws.assignment[block])})
        assert targets == expected_targets
        target = targets[int(rng.integers(len(targets)))]
        connected = ws.stays_connected_without(block)
        assert connected == _one_territory_without(ws, block)
        source = ws.community_of[block]
        excess_before = ws.total_excess()
        gain = ws.excess_gain(block, source, target)
        *_, before = _from_scratch(ws)
        delta = ws.move_delta(block, target)
        if not connected or ws.size[source] <= 1:
            continue  # the search keeps every community one territory: so does this walk
        ws.move(block, target)
        households, area, perimeter, dense, size, after = _from_scratch(ws)
        assert ws.community_of == ws.assignment.tolist()
        assert list(ws.households) == households.tolist() and list(ws.size) == size.tolist()
        assert list(ws.dense_blocks) == dense.astype(int).tolist()
        assert np.allclose(ws.area, area) and np.allclose(ws.perimeter, perimeter)
        assert ws.objective() == pytest.approx(after)
        assert excess_before - ws.total_excess() == gain
        if math.isfinite(delta):
            assert delta == pytest.approx(after - before, abs=1e-6)


def _one_tree_at_a_time(n, eu, ev, weight):
    """The computation ``minimum_spanning_trees`` replaces: one scipy call per tree, subtree sizes by a loop."""
    tree = minimum_spanning_tree(coo_matrix((weight, (eu, ev)), shape=(n, n)))
    order, parent = depth_first_order(tree, 0, directed=False)
    size = np.ones(n, dtype=np.int64)
    for v in order[:0:-1]:
        size[parent[v]] += size[v]
    subtrees = []
    for v in range(n):  # the nodes below v, by walking up from each node
        below = set()
        for w in range(n):
            x = w
            while x != v and x != 0 and parent[x] >= 0:
                x = parent[x]
            if x == v:
                below.add(w)
        subtrees.append(below)
    return size, subtrees


@pytest.mark.parametrize("seed", range(5))
def test_spanning_trees_of_a_pair_at_once_equal_one_scipy_call_per_tree(seed):
    graph, _ = _world(seed)
    rng = np.random.default_rng(seed)
    eu, ev, n = graph.edge_u, graph.edge_v, graph.size
    weights = rng.uniform(0.5, 1.5, (4, len(eu)))
    values = rng.integers(0, 100, n)
    forest = minimum_spanning_trees(n, eu, ev, weights)
    assert forest is not None
    sums = forest.subtree_sums(values)
    for t in range(len(weights)):
        size, subtrees = _one_tree_at_a_time(n, eu, ev, weights[t])
        assert forest.size[t].tolist() == size.tolist()
        masks = forest.subtree_mask(t, np.arange(n))
        for v in range(n):
            assert set(np.flatnonzero(masks[v]).tolist()) == subtrees[v]
            assert sums[t, v] == values[sorted(subtrees[v])].sum()


def test_spanning_trees_of_a_graph_in_pieces_are_none():
    graph, _ = _world(0)
    keep = graph.edge_u != 0  # cut block 0 off: no edge leaves it
    keep &= graph.edge_v != 0
    assert minimum_spanning_trees(graph.size, graph.edge_u[keep], graph.edge_v[keep], np.ones((2, int(keep.sum())))) is None
