"""Local search on a workspace: single-block moves that repair, then improve, a division.

Every accepted move keeps both communities contiguous and never moves a pinned
(locked) block. Repair minimises households outside the bounds; improvement
then only takes moves that keep every community within its bounds and lower
the objective (weighted boundary cost + compactness).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from boundaries.redistricting.trees import minimum_spanning_trees
from boundaries.redistricting.workspace import Workspace

#: Improvement smaller than this is noise.
EPSILON = 1e-6


def repair(ws: Workspace, rng: np.random.Generator, max_rounds: int = 200) -> int:
    """Move blocks until no community is outside its bounds, or no move helps; returns the excess left."""
    for _ in range(max_rounds):
        excess = ws.total_excess()
        if excess == 0:
            return 0
        best = None
        for block in _shuffled(ws.boundary_blocks(), rng):
            source = ws.community_of[block]
            for target in ws.neighbour_communities(block):
                gain = ws.excess_gain(block, source, target)
                if gain <= 0:
                    continue
                key = (gain, -ws.move_delta(block, target))
                if best is not None and key <= best[0]:
                    continue
                if ws.size[source] > 1 and ws.stays_connected_without(block):
                    best = (key, block, target)
        if best is None:
            return excess
        ws.move(best[1], best[2])
    return ws.total_excess()


def improve(ws: Workspace, rng: np.random.Generator, max_passes: int = 30, should_stop: Callable[[], bool] | None = None) -> int:
    """Hill-climb on the objective; a move never adds households outside the bounds. Returns the moves made."""
    moves = 0
    for _ in range(max_passes):
        if should_stop is not None and should_stop():
            break
        improved = 0
        for block in _shuffled(ws.boundary_blocks(), rng):
            source = ws.community_of[block]
            if ws.pinned[block] or ws.size[source] <= 1:
                continue
            best_delta, best_target = -EPSILON, -1
            for target in ws.neighbour_communities(block):
                if ws.excess_gain(block, source, target) < 0:
                    continue
                delta = ws.move_delta(block, target)
                if delta < best_delta:
                    best_delta, best_target = delta, target
            if best_target >= 0 and ws.stays_connected_without(block):
                ws.move(block, best_target)
                improved += 1
        moves += improved
        if not improved:
            break
    return moves


def _shuffled(items: list[int], rng: np.random.Generator) -> list[int]:
    order = rng.permutation(len(items))
    return [items[i] for i in order]


def anneal(
    ws: Workspace, rng: np.random.Generator, steps: int, start_temperature: float, should_stop: Callable[[], bool] | None = None
) -> float:
    """Simulated annealing over valid single-block moves; leaves ``ws`` at the best state seen.

    Hill-climbing stops at the first local optimum; accepting some worse moves early
    lets boundaries slide onto a road a few blocks away. Returns the best objective.
    """
    best_value = ws.objective()
    best_state = ws.assignment.copy()
    current = best_value
    boundary = ws.boundary_blocks()
    for step in range(steps):
        if step % 500 == 0:
            if should_stop is not None and should_stop():
                break
            boundary = ws.boundary_blocks()
            if not boundary:
                break
        temperature = start_temperature * (0.01 ** (step / max(steps - 1, 1)))
        block = boundary[int(rng.integers(len(boundary)))]
        source = ws.community_of[block]
        targets = ws.neighbour_communities(block)
        if not targets or ws.pinned[block] or ws.size[source] <= 1:
            continue
        target = targets[int(rng.integers(len(targets)))]
        if ws.excess_gain(block, source, target) < 0:
            continue
        delta = ws.move_delta(block, target)
        if delta > 0 and rng.random() >= np.exp(-delta / temperature):
            continue
        if not ws.stays_connected_without(block):
            continue
        ws.move(block, target)
        current += delta
        if current < best_value - EPSILON and ws.total_excess() == 0:
            best_value, best_state = current, ws.assignment.copy()
    restore(ws, best_state)
    return ws.objective()


def restore(ws: Workspace, assignment: np.ndarray) -> None:
    """Put ``ws`` back into a saved assignment (sums rebuilt block by block)."""
    members = ws.members.tolist()
    for block in members:
        if ws.community_of[block] >= 0:
            ws.remove(block)
    for block, community in zip(members, assignment[ws.members].tolist(), strict=True):
        if community >= 0:
            ws.add(block, community)


def recombine(
    ws: Workspace, rng: np.random.Generator, rounds: int = 2, trees: int = 6, should_stop: Callable[[], bool] | None = None
) -> int:
    """Merge two neighbouring communities and re-split them along the best balanced cut of a few spanning trees.

    Single-block moves cannot carry a boundary across several blocks onto a road
    (every step on the way is worse). Cutting one edge of a spanning tree of the
    merged pair splits it into two connected parts; trees that avoid cheap edges
    (rivers, arterials) put those edges on the cut. The pair takes the best split
    within the household bounds if it lowers the objective, or any split within the
    bounds if the pair is outside them (so it repairs too). Returns the pairs changed.
    """
    changed = 0
    for _ in range(rounds):
        pairs = _neighbouring_pairs(ws)
        improved = 0
        for index in rng.permutation(len(pairs)).tolist():
            if should_stop is not None and should_stop():
                return changed
            a, b = pairs[index]
            if _resplit(ws, a, b, rng, trees):
                improved += 1
        changed += improved
        if not improved:
            break
    return changed


def _neighbouring_pairs(ws: Workspace) -> list[tuple[int, int]]:
    g, edges = ws.graph, ws.own_edges
    a, b = ws.assignment[g.edge_u[edges]], ws.assignment[g.edge_v[edges]]
    cut = (a >= 0) & (b >= 0) & (a != b)
    return sorted({(int(min(x, y)), int(max(x, y))) for x, y in zip(a[cut].tolist(), b[cut].tolist(), strict=False)})


def _resplit(ws: Workspace, a: int, b: int, rng: np.random.Generator, trees: int) -> bool:
    """Try ``trees`` spanning trees of communities ``a`` + ``b``; apply the best improving split."""
    g = ws.graph
    members = ws.members
    in_pair = ws.assignment[members]
    in_pair = (in_pair == a) | (in_pair == b)
    nodes = members[in_pair]
    if len(nodes) < 2 or ws.pinned[nodes].any():
        return False
    # The pair's edges, taken from the part's own (in the graph's order), numbered within the pair.
    local = np.full(len(members), -1, dtype=np.int64)
    local[in_pair] = np.arange(len(nodes))
    lu, lv = local[ws.local_u], local[ws.local_v]
    inner = (lu >= 0) & (lv >= 0)
    eu, ev, edges = lu[inner], lv[inner], ws.own_edges[inner]
    cost, length = ws.costs[edges], g.edge_length[edges]
    households, dense = g.households[nodes], g.dense[nodes].astype(np.int64)
    perimeter, area = g.perimeter[nodes], g.area[nodes]
    total_h, total_dense, n = int(households.sum()), int(dense.sum()), len(nodes)
    rules = ws.rules
    current_side = ws.assignment[nodes] == a
    best_value = _split_value(ws, current_side[None, :], eu, ev, cost, length, perimeter, area)[0]
    if ws.excess(a) + ws.excess(b) > 0:
        best_value = np.inf  # a pair outside the bounds takes any split within them
    best_side = None
    price = cost / np.maximum(length, 1e-9)
    price -= min(0.0, float(price.min(initial=0.0)))  # the last phase prices major lines below zero
    # Earlier re-splits of the round may have moved a and b apart. One tree at a time, that was
    # found after drawing the first tree's weights: draw them too, so the random stream stays the same.
    if not (current_side[eu] != current_side[ev]).any():
        rng.uniform(0.5, 1.5, len(eu))
        return False
    state = rng.bit_generator.state
    weight = rng.uniform(0.5, 1.5, (trees, len(eu))) / (price + 0.05)  # cheap edges weigh most: left out of the tree
    forest = minimum_spanning_trees(n, eu, ev, weight)
    if forest is None:  # a community in pieces (no move makes one): as above
        rng.bit_generator.state = state
        rng.uniform(0.5, 1.5, len(eu))
        return False
    # Cutting the edge above node v splits its subtree from the rest; node 0 is the root.
    sub_h, sub_d, sub_n = forest.subtree_sums(households), forest.subtree_sums(dense), forest.size
    ceiling_in = rules.ceilings(sub_d == sub_n)
    ceiling_out = rules.ceilings(total_dense - sub_d == n - sub_n)
    ok = rules.fits(sub_h, ceiling_in) & rules.fits(total_h - sub_h, ceiling_out)
    ok[:, 0] = False
    for tree in range(trees):
        candidates = np.flatnonzero(ok[tree])
        if not len(candidates):
            continue
        sides = forest.subtree_mask(tree, candidates)
        values = _split_value(ws, sides, eu, ev, cost, length, perimeter, area)
        pick = int(np.argmin(values))
        if values[pick] < best_value - EPSILON:
            best_value, best_side = values[pick], sides[pick]
    if best_side is None:
        return False
    for block, side in zip(nodes.tolist(), best_side.tolist(), strict=False):
        target = a if side else b
        if ws.community_of[block] != target:
            ws.move(block, target)
    return True


def _split_value(ws, sides, eu, ev, cost, length, perimeter, area) -> np.ndarray:
    """Objective terms a split changes: cost of the cut between the two sides plus their compactness."""
    cut = sides[:, eu] != sides[:, ev]
    both_in = sides[:, eu] & sides[:, ev]
    both_out = ~sides[:, eu] & ~sides[:, ev]
    p_in = sides @ perimeter - 2 * (both_in @ length)
    p_out = (~sides) @ perimeter - 2 * (both_out @ length)
    a_in, a_out = sides @ area, (~sides) @ area
    inv_in, inv_out = p_in**2 / (4 * np.pi * np.maximum(a_in, 1e-9)), p_out**2 / (4 * np.pi * np.maximum(a_out, 1e-9))
    value = cut @ cost + ws.compactness_weight * (inv_in + inv_out)
    if ws.min_polsby_popper > 0:
        value[np.maximum(inv_in, inv_out) * ws.min_polsby_popper > 1] = np.inf  # a side too thin
    return value
