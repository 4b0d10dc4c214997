"""Mutable working state of one part of a subdistrict while it is being divided.

The generator moves single blocks between communities hundreds of thousands of
times, so the sums every check needs (households, area, perimeter, dense count) are
kept up to date per move instead of recomputed from a ``Plan``. The per-move paths
read single values, and Python lists and tuples read several times faster than numpy
arrays there; so beside the ``assignment`` array (for the vectorised steps) the
workspace keeps the same assignment as a list (``community_of``), each member's
neighbours inside the part with their edge's length and cost, and the per-community
sums as lists. The arithmetic is the same, in the same order, so every result is the
same to the last bit as with arrays.
"""

from __future__ import annotations

import math

import numpy as np

from boundaries.redistricting.graph import BlockGraph
from boundaries.redistricting.rules import Rules


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
        self.own_edges = np.flatnonzero(own)  # graph edge ids, in the graph's order
        self.local_u, self.local_v = self.local[graph.edge_u[own]], self.local[graph.edge_v[own]]
        self.k = k
        self.compactness_weight = compactness_weight
        self.assignment = np.full(graph.size, -1, dtype=np.int64)
        self.community_of: list[int] = [-1] * graph.size  # ``assignment`` as a list, kept in step with it
        self.pinned = np.zeros(graph.size, bool)
        self.households = [0] * k
        self.area = [0.0] * k
        self.perimeter = [0.0] * k
        self.dense_blocks = [0] * k
        self.size = [0] * k
        self.min_polsby_popper = 0.0  # no move may take a community below this (one already below may not worsen)
        member_list = self.members.tolist()
        #: Per member: (households, dense 0/1, area, perimeter).
        self._facts = dict(
            zip(
                member_list,
                zip(
                    graph.households[self.members].tolist(),
                    graph.dense[self.members].astype(np.int64).tolist(),
                    graph.area[self.members].tolist(),
                    graph.perimeter[self.members].tolist(),
                    strict=True,
                ),
                strict=True,
            )
        )
        # Per member, its neighbours inside the part (in the graph's order) and the edges to them.
        self._adjacent: dict[int, list[tuple[int, int]]] = {
            b: [(o, e) for o, e in graph.neighbours[b] if self.inside[o]] for b in member_list
        }
        self._near: dict[int, list[tuple[int, float, float]]] = {}
        self.costs = costs

    @property
    def costs(self) -> np.ndarray:
        """Cost of cutting each edge of the graph (the search's boundary price)."""
        return self._costs

    @costs.setter
    def costs(self, costs: np.ndarray) -> None:
        self._costs = costs
        length = self.graph.edge_length
        #: Per member: (neighbour inside the part, length of the edge between them, cost of cutting it).
        self._near = {}
        for b, pairs in self._adjacent.items():
            edges = [e for _, e in pairs]
            self._near[b] = list(zip([o for o, _ in pairs], length[edges].tolist(), costs[edges].tolist(), strict=True))

    # ----- bookkeeping
    def shared(self, block: int, community: int) -> tuple[float, float]:
        """(length, cost) of ``block``'s edges to blocks of ``community``."""
        of = self.community_of
        length = cost = 0.0
        for other, edge_length, edge_cost in self._near[block]:
            if of[other] == community:
                length += edge_length
                cost += edge_cost
        return length, cost

    def add(self, block: int, community: int) -> None:
        households, dense, area, perimeter = self._facts[block]
        shared_length, _ = self.shared(block, community)
        self.assignment[block] = community
        self.community_of[block] = community
        self.households[community] += households
        self.area[community] += area
        self.perimeter[community] += perimeter - 2 * shared_length
        self.dense_blocks[community] += dense
        self.size[community] += 1

    def remove(self, block: int) -> int:
        households, dense, area, perimeter = self._facts[block]
        community = self.community_of[block]
        self.assignment[block] = -1
        self.community_of[block] = -1
        shared_length, _ = self.shared(block, community)
        self.households[community] -= households
        self.area[community] -= area
        self.perimeter[community] -= perimeter - 2 * shared_length
        self.dense_blocks[community] -= dense
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
        size = self.size[community]
        return self.rules.excess(self.households[community], self.rules.ceiling(size > 0 and self.dense_blocks[community] == size))

    def total_excess(self) -> int:
        return sum(self.excess(c) for c in range(self.k))

    def excess_gain(self, block: int, source: int, target: int) -> int:
        """How many fewer households would lie outside the bounds if ``block`` moved from ``source`` to ``target``."""
        households, dense, _, _ = self._facts[block]
        rules = self.rules
        before = self.excess(source) + self.excess(target)
        after = rules.excess(self.households[source] - households, self.ceiling(source, -dense, -1)) + rules.excess(
            self.households[target] + households, self.ceiling(target, dense, 1)
        )
        return before - after

    def stays_connected_without(self, block: int) -> bool:
        """Would the block's community still be one territory without it?

        A search from one of the block's neighbours in the community, never through the
        block, that stops as soon as it has met the others.
        """
        of = self.community_of
        community = of[block]
        targets = [o for o, _, _ in self._near[block] if of[o] == community]
        if len(targets) <= 1:
            return self.size[community] > 1 or not targets
        missing = set(targets) - {targets[0]}
        seen = {block, targets[0]}
        stack = [targets[0]]
        while stack and missing:
            for other, _, _ in self._near[stack.pop()]:
                if other not in seen and of[other] == community:
                    seen.add(other)
                    stack.append(other)
                    missing.discard(other)
        return not missing

    # ----- objective
    def _inverse_pp(self, perimeter: float, area: float) -> float:
        return perimeter * perimeter / (4 * math.pi * area) if area > 0 else 0.0

    def move_delta(self, block: int, target: int) -> float:
        """Change of the objective if ``block`` moved to ``target``."""
        _, _, area, perimeter = self._facts[block]
        of = self.community_of
        source = of[block]
        length_s = cost_s = length_t = cost_t = 0.0
        for other, edge_length, edge_cost in self._near[block]:
            community = of[other]
            if community == source:
                length_s += edge_length
                cost_s += edge_cost
            if community == target:
                length_t += edge_length
                cost_t += edge_cost
        cut_delta = cost_s - cost_t
        p_s = self.perimeter[source] - perimeter + 2 * length_s
        p_t = self.perimeter[target] + perimeter - 2 * length_t
        a_s = self.area[source] - area
        a_t = self.area[target] + area
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
        g, edges = self.graph, self.own_edges
        a = self.assignment
        cut = edges[a[g.edge_u[edges]] != a[g.edge_v[edges]]]
        shape = 0.0  # added one by one: sum() of floats compensates rounding (Python 3.12) and would change the last bit
        for c in range(self.k):
            shape += self._inverse_pp(self.perimeter[c], self.area[c])
        return float(self.costs[cut].sum()) + self.compactness_weight * shape

    def boundary_blocks(self) -> list[int]:
        """Movable blocks with a neighbour in another community of this workspace."""
        of = self.community_of
        out = []
        for b, pinned in zip(self.members.tolist(), self.pinned[self.members].tolist(), strict=True):
            if pinned:
                continue
            own = of[b]
            for other, _, _ in self._near[b]:
                if of[other] >= 0 and of[other] != own:
                    out.append(b)
                    break
        return out

    def neighbour_communities(self, block: int) -> list[int]:
        of = self.community_of
        own = of[block]
        return sorted({of[o] for o, _, _ in self._near[block] if of[o] >= 0 and of[o] != own})
