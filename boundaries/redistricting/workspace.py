"""Mutable working state of one part of a subdistrict while it is being divided.

The generator moves single blocks between communities thousands of times, so
the sums every check needs (households, area, perimeter, dense count) are kept
up to date per move instead of recomputed from a ``Plan``.
"""

from __future__ import annotations

import math

import numpy as np

from boundaries.redistricting.graph import BlockGraph
from boundaries.redistricting.rules import Rules
from gis import graphs


class Workspace:
    """Communities ``0..k-1`` over the blocks ``members``; other blocks are outside (-1)."""

    def __init__(self, graph: BlockGraph, rules: Rules, members, k: int, costs: np.ndarray, compactness_weight: float):
        self.graph = graph
        self.rules = rules
        self.members = np.asarray(sorted(int(b) for b in members), dtype=np.int64)
        self.inside = np.zeros(graph.size, bool)
        self.inside[self.members] = True
        # The part's own edges, numbered within the part, so connectivity checks stay as small as the part.
        self.local = np.full(graph.size, -1, dtype=np.int64)
        self.local[self.members] = np.arange(len(self.members))
        own = self.inside[graph.edge_u] & self.inside[graph.edge_v]
        self.local_u, self.local_v = self.local[graph.edge_u[own]], self.local[graph.edge_v[own]]
        self.k = k
        self.costs = costs
        self.compactness_weight = compactness_weight
        self.assignment = np.full(graph.size, -1, dtype=np.int64)
        self.pinned = np.zeros(graph.size, bool)
        self.households = np.zeros(k, dtype=np.int64)
        self.area = np.zeros(k)
        self.perimeter = np.zeros(k)
        self.dense_blocks = np.zeros(k, dtype=np.int64)
        self.size = np.zeros(k, dtype=np.int64)
        self.min_polsby_popper = 0.0  # no move may take a community below this (one already below may not worsen)

    # ----- bookkeeping
    def shared(self, block: int, community: int) -> tuple[float, float]:
        """(length, cost) of ``block``'s edges to blocks of ``community``."""
        length = cost = 0.0
        for other, e in self.graph.neighbours[block]:
            if self.assignment[other] == community:
                length += self.graph.edge_length[e]
                cost += self.costs[e]
        return length, cost

    def add(self, block: int, community: int) -> None:
        g = self.graph
        shared_length, _ = self.shared(block, community)
        self.assignment[block] = community
        self.households[community] += g.households[block]
        self.area[community] += g.area[block]
        self.perimeter[community] += g.perimeter[block] - 2 * shared_length
        self.dense_blocks[community] += int(g.dense[block])
        self.size[community] += 1

    def remove(self, block: int) -> int:
        g = self.graph
        community = int(self.assignment[block])
        self.assignment[block] = -1
        shared_length, _ = self.shared(block, community)
        self.households[community] -= g.households[block]
        self.area[community] -= g.area[block]
        self.perimeter[community] -= g.perimeter[block] - 2 * shared_length
        self.dense_blocks[community] -= int(g.dense[block])
        self.size[community] -= 1
        return community

    def move(self, block: int, community: int) -> None:
        self.remove(block)
        self.add(block, community)

    # ----- rules
    def ceiling(self, community: int, extra_dense: int = 0, extra_size: int = 0) -> int:
        size = self.size[community] + extra_size
        return self.rules.ceiling(size > 0 and self.dense_blocks[community] + extra_dense == size)

    def excess(self, community: int) -> int:
        """Households outside [min, ceiling] for one community (0 when within)."""
        return self.rules.excess(int(self.households[community]), self.ceiling(community))

    def total_excess(self) -> int:
        return sum(self.excess(c) for c in range(self.k))

    def stays_connected_without(self, block: int) -> bool:
        """Would the block's community still be one territory without it?"""
        community = self.assignment[block]
        targets = [o for o, _ in self.graph.neighbours[block] if self.assignment[o] == community]
        if len(targets) <= 1:
            return self.size[community] > 1 or not targets
        rest = self.assignment[self.members] == community
        rest[self.local[block]] = False
        labels = graphs.component_labels(len(self.members), self.local_u, self.local_v, rest)
        ends = self.local[targets]
        return bool((labels[ends] == labels[ends[0]]).all())

    # ----- objective
    def _inverse_pp(self, perimeter: float, area: float) -> float:
        return perimeter * perimeter / (4 * math.pi * area) if area > 0 else 0.0

    def move_delta(self, block: int, target: int) -> float:
        """Change of the objective if ``block`` moved to ``target``."""
        g = self.graph
        source = int(self.assignment[block])
        length_s, cost_s = self.shared(block, source)
        length_t, cost_t = self.shared(block, target)
        cut_delta = cost_s - cost_t
        p_s = self.perimeter[source] - g.perimeter[block] + 2 * length_s
        p_t = self.perimeter[target] + g.perimeter[block] - 2 * length_t
        a_s = self.area[source] - g.area[block]
        a_t = self.area[target] + g.area[block]
        was_s = self._inverse_pp(self.perimeter[source], self.area[source])
        was_t = self._inverse_pp(self.perimeter[target], self.area[target])
        now_s, now_t = self._inverse_pp(p_s, a_s), self._inverse_pp(p_t, a_t)
        if self._too_thin(now_s, was_s) or self._too_thin(now_t, was_t):
            return math.inf
        return cut_delta + self.compactness_weight * (now_s + now_t - was_s - was_t)

    def _too_thin(self, inverse_pp: float, inverse_pp_before: float) -> bool:
        """Would a community end below ``min_polsby_popper`` (and worse than it was)?"""
        return self.min_polsby_popper > 0 and inverse_pp * self.min_polsby_popper > 1 and inverse_pp > inverse_pp_before

    def objective(self) -> float:
        g = self.graph
        u, v = g.edge_u, g.edge_v
        both = self.inside[u] & self.inside[v]
        cut = both & (self.assignment[u] != self.assignment[v])
        shape = sum(self._inverse_pp(self.perimeter[c], self.area[c]) for c in range(self.k))
        return float(self.costs[cut].sum()) + self.compactness_weight * shape

    def boundary_blocks(self) -> list[int]:
        """Movable blocks with a neighbour in another community of this workspace."""
        a = self.assignment
        out = []
        for b in self.members.tolist():
            if self.pinned[b]:
                continue
            if any(a[o] >= 0 and a[o] != a[b] for o, _ in self.graph.neighbours[b]):
                out.append(b)
        return out

    def neighbour_communities(self, block: int) -> list[int]:
        a = self.assignment
        return sorted({int(a[o]) for o, _ in self.graph.neighbours[block] if a[o] >= 0 and a[o] != a[block]})
