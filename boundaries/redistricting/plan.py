"""A plan: which community each block belongs to, plus the sums every rule and metric needs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from boundaries.redistricting.graph import BlockGraph


@dataclass(frozen=True, eq=False)
class Plan:
    """``assignment[b]`` is an index into ``labels`` (or -1: unassigned). Treated as immutable."""

    graph: BlockGraph
    assignment: np.ndarray
    labels: tuple[str, ...]

    @cached_property
    def members(self) -> list[np.ndarray]:
        order = np.argsort(self.assignment, kind="stable")
        counts = np.bincount(self.assignment[self.assignment >= 0], minlength=len(self.labels))
        start = int(np.sum(self.assignment < 0))
        out = []
        for count in counts:
            out.append(order[start : start + count])
            start += int(count)
        return out

    @cached_property
    def households(self) -> np.ndarray:
        assigned = self.assignment >= 0
        return np.bincount(self.assignment[assigned], weights=self.graph.households[assigned], minlength=len(self.labels)).astype(np.int64)

    @cached_property
    def all_dense(self) -> np.ndarray:
        return np.array([bool(len(m)) and bool(self.graph.dense[m].all()) for m in self.members], dtype=bool)

    @cached_property
    def subdistrict(self) -> list[str | None]:
        """The subdistrict of each community (of its first block; nesting is checked separately)."""
        return [self.graph.subdistricts[m[0]] if len(m) else None for m in self.members]

    @cached_property
    def cut_edges(self) -> np.ndarray:
        """Edges whose two blocks lie in different communities."""
        g = self.graph
        return np.flatnonzero(self.assignment[g.edge_u] != self.assignment[g.edge_v])

    @cached_property
    def perimeters(self) -> np.ndarray:
        g = self.graph
        total = np.bincount(self.assignment.clip(0), weights=g.perimeter, minlength=len(self.labels))
        inner = self.assignment[g.edge_u] == self.assignment[g.edge_v]
        shared = np.bincount(self.assignment[g.edge_u][inner].clip(0), weights=g.edge_length[inner], minlength=len(self.labels))
        return total - 2 * shared

    @cached_property
    def areas(self) -> np.ndarray:
        return np.bincount(self.assignment.clip(0), weights=self.graph.area, minlength=len(self.labels))

    def community_of(self) -> dict[str, str | None]:
        """Block code → community label."""
        return {code: (self.labels[a] if a >= 0 else None) for code, a in zip(self.graph.codes, self.assignment.tolist(), strict=False)}


def current_plan(graph: BlockGraph) -> Plan:
    """The plan the blocks are in now (blocks without a community stay unassigned)."""
    labels = sorted({c for c in graph.communities if c})
    index = {label: i for i, label in enumerate(labels)}
    assignment = np.array([index[c] if c else -1 for c in graph.communities], dtype=np.int64)
    return Plan(graph, assignment, tuple(labels))


def plan_from_mapping(graph: BlockGraph, mapping: dict[str, str]) -> Plan:
    """A plan from block code → community label (blocks not named stay unassigned)."""
    labels = sorted(set(mapping.values()))
    index = {label: i for i, label in enumerate(labels)}
    assignment = np.array([index[mapping[c]] if c in mapping else -1 for c in graph.codes], dtype=np.int64)
    return Plan(graph, assignment, tuple(labels))
