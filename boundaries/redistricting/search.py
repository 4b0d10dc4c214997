"""Local search on a workspace: single-block moves that repair, then improve, a division.

Every accepted move keeps both communities contiguous and never moves a pinned
(locked) block. Repair minimises households outside the bounds; improvement
then only takes moves that keep every community within its bounds and lower
the objective (weighted boundary cost + compactness).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

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
            source = int(ws.assignment[block])
            for target in ws.neighbour_communities(block):
                gain = _excess_gain(ws, block, source, target)
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


def _excess_gain(ws: Workspace, block: int, source: int, target: int) -> int:
    h = int(ws.graph.households[block])
    dense = int(ws.graph.dense[block])
    rules = ws.rules
    before = ws.excess(source) + ws.excess(target)
    hs, ht = int(ws.households[source]) - h, int(ws.households[target]) + h
    cs = ws.ceiling(source, -dense, -1)
    ct = ws.ceiling(target, dense, 1)
    after = max(0, rules.min_households - hs) + max(0, hs - cs) + max(0, rules.min_households - ht) + max(0, ht - ct)
    return before - after


def improve(ws: Workspace, rng: np.random.Generator, max_passes: int = 30,
            should_stop: Callable[[], bool] | None = None) -> int:
    """Hill-climb on the objective; a move never adds households outside the bounds. Returns the moves made."""
    moves = 0
    for _ in range(max_passes):
        if should_stop is not None and should_stop():
            break
        improved = 0
        for block in _shuffled(ws.boundary_blocks(), rng):
            source = int(ws.assignment[block])
            if ws.pinned[block] or ws.size[source] <= 1:
                continue
            best_delta, best_target = -EPSILON, -1
            for target in ws.neighbour_communities(block):
                if _excess_gain(ws, block, source, target) < 0:
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


def anneal(ws: Workspace, rng: np.random.Generator, steps: int, start_temperature: float,
           should_stop: Callable[[], bool] | None = None) -> float:
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
        source = int(ws.assignment[block])
        targets = ws.neighbour_communities(block)
        if not targets or ws.pinned[block] or ws.size[source] <= 1:
            continue
        target = targets[int(rng.integers(len(targets)))]
        if _excess_gain(ws, block, source, target) < 0:
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
    for block in ws.members.tolist():
        if ws.assignment[block] >= 0:
            ws.remove(block)
    for block in ws.members.tolist():
        if assignment[block] >= 0:
            ws.add(block, int(assignment[block]))
