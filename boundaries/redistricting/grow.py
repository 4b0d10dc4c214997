"""Seeded region growing: a first division of one connected part into k communities.

Seeds spread over the part (farthest-point sampling, then a few household-weighted
Lloyd steps); the community with the fewest households grows next, taking the
frontier block most attached to it, where attachment is measured by the cost of
the edges it shares (so growth stops at rivers and arterials first).
"""

from __future__ import annotations

import numpy as np

from boundaries.redistricting.workspace import Workspace


def choose_seeds(ws: Workspace, rng: np.random.Generator, fixed: list[list[int]]) -> list[list[int]]:
    """``k`` groups of starting blocks; the ``fixed`` groups (locked blocks) come first."""
    g = ws.graph
    members = np.array([b for b in ws.members.tolist() if not ws.pinned[b]])
    points = g.centroids[members]
    seeds = [int(members[rng.integers(len(members))])] if not fixed else []
    anchors = [g.centroids[group].mean(axis=0) for group in fixed] + [g.centroids[s] for s in seeds]
    while len(fixed) + len(seeds) < ws.k:
        distance = np.min([np.hypot(*(points - a).T) for a in anchors], axis=0)
        pick = int(members[int(np.argmax(distance))])
        seeds.append(pick)
        anchors.append(g.centroids[pick])
    weights = g.households[members].astype(float) + 1.0
    for _ in range(3):  # Lloyd steps pull corner seeds inwards
        centres = np.array([g.centroids[group].mean(axis=0) for group in fixed] + [g.centroids[s] for s in seeds])
        nearest = np.argmin(((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
        for i in range(len(seeds)):
            chosen = nearest == i + len(fixed)
            if not chosen.any():
                continue
            centre = np.average(points[chosen], axis=0, weights=weights[chosen])
            candidates = members[chosen]
            moved = int(candidates[np.argmin(np.hypot(*(g.centroids[candidates] - centre).T))])
            if moved not in seeds:
                seeds[i] = moved
    return [list(group) for group in fixed] + [[s] for s in seeds]


def grow(ws: Workspace, seeds: list[list[int]]) -> None:
    """Assign every block of the (connected) workspace, growing the smallest community first.

    A community at its ceiling stops growing; when all have stopped, the rest is
    placed anyway and the repair step fixes the overshoot.
    """
    g = ws.graph
    unassigned = {b for b in ws.members.tolist() if ws.assignment[b] < 0}
    frontier: list[set[int]] = [set() for _ in range(ws.k)]

    def take(block: int, community: int) -> None:
        ws.add(block, community)
        unassigned.discard(block)
        for front in frontier:
            front.discard(block)
        frontier[community].update(o for o, _ in g.neighbours[block] if o in unassigned)

    for community, group in enumerate(seeds):
        for block in group:
            if ws.assignment[block] < 0:
                take(block, community)
    total_cost = np.zeros(g.size)  # of each block's edges inside the part: what lies outside plays no part
    inner = ws.inside[g.edge_u] & ws.inside[g.edge_v]
    np.add.at(total_cost, g.edge_u[inner], ws.costs[inner])
    np.add.at(total_cost, g.edge_v[inner], ws.costs[inner])
    while unassigned:
        growing = sorted((c for c in range(ws.k) if frontier[c]), key=lambda c: (ws.households[c], c))
        if not growing:
            raise ValueError("grow() needs a connected part")  # the generator splits parts first
        choice = None
        for community in growing:
            choice = _best_block(ws, community, frontier[community], total_cost, within_ceiling=True)
            if choice is not None:
                break
        if choice is None:
            community = growing[0]
            choice = _best_block(ws, community, frontier[community], total_cost, within_ceiling=False)
            assert choice is not None  # without the ceiling a non-empty frontier always has a best block
        take(choice, community)


def _best_block(ws: Workspace, community: int, candidates: set[int], total_cost: np.ndarray, within_ceiling: bool) -> int | None:
    g = ws.graph
    best, best_score = None, -1.0
    for block in sorted(candidates):
        if within_ceiling and ws.households[community] + g.households[block] > ws.ceiling(community, int(g.dense[block]), 1):
            continue
        _, attached = ws.shared(block, community)
        score = attached / max(total_cost[block], 1e-9)
        if score > best_score:
            best, best_score = block, score
    return best
