"""Adjust mode: change today's communities only where a rule or the plan's target needs it.

The plan this tool serves asks to *add* communities with the least disruption, not to
redraw a district. So, per subdistrict, a current community that is one piece and within
the household bounds is kept as it is; an oversized or scattered one is split; blank areas
(blocks no community serves) become new communities when they hold enough households, or
join the neighbour that has room; undersized communities are kept and reported unless the
planner asks to merge them (``merge_undersized``). When the target count asks for more
communities than that gives, the smallest communities that can be split in two are split
(splitting a small one moves the fewest households). Every split is made by the redraw
generator's search on that community alone, so new boundaries follow roads and rivers.

The result says, per subdistrict, what was kept, split, merged, absorbed and created, and
the households moved.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from boundaries.redistricting.constraints import Violation, violations
from boundaries.redistricting.counts import Part, choose_counts, feasible_range
from boundaries.redistricting.generate import DEFAULT_TUNING, Cancelled, Progress, Proposal, Tuning, boundary_costs, divide_part
from boundaries.redistricting.graph import BlockGraph
from boundaries.redistricting.metrics import households_moved
from boundaries.redistricting.plan import Plan
from boundaries.redistricting.rules import Rules

#: A 12-digit subdistrict code (9 digits and 000); its communities are 9 digits and 001–199 (居委会, GB/T 10114).
SUBDISTRICT_CODE = re.compile(r"^(\d{9})000$")
LAST_RESIDENTS_COMMITTEE = 199


@dataclass
class Change:
    """What adjust mode did in one subdistrict."""

    subdistrict: str
    kept: list[str] = field(default_factory=list)
    split: dict[str, list[str]] = field(default_factory=dict)  # old code → its pieces (the first keeps the code)
    merged: dict[str, list[str]] = field(default_factory=dict)  # kept code → codes merged into it
    absorbed: dict[str, int] = field(default_factory=dict)  # community → blank blocks it took in
    # community → today's communities whose detached piece (too small to stand alone) it took in
    fragments: dict[str, list[str]] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)  # new communities from blank areas
    below_minimum_kept: list[str] = field(default_factory=list)
    households_moved: int = 0

    def to_dict(self) -> dict:
        return {
            "subdistrict": self.subdistrict,
            "kept": self.kept,
            "split": self.split,
            "merged": self.merged,
            "absorbed": self.absorbed,
            "fragments": self.fragments,
            "created": self.created,
            "below_minimum_kept": self.below_minimum_kept,
            "households_moved": self.households_moved,
        }


def adjust(
    graph: BlockGraph,
    rules: Rules,
    *,
    seed: int = 0,
    merge_undersized: bool = False,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    tuning: Tuning = DEFAULT_TUNING,
) -> Proposal:
    """A plan that keeps every current community it can (see the module's docstring)."""
    costs = boundary_costs(graph, tuning)
    assignment = np.full(graph.size, -1, dtype=np.int64)
    labels: list[str] = []
    findings: list[Violation] = []
    changes: list[Change] = []
    taken = {c for c in graph.communities if c}
    done = 0
    for subdistrict in sorted(set(graph.subdistricts)):
        if should_stop is not None and should_stop():
            raise Cancelled()
        rng = np.random.default_rng([seed % 2**64, zlib.crc32(subdistrict.encode("utf-8"))])
        change = Change(subdistrict)
        here = _Subdistrict(graph, rules, subdistrict, merge_undersized, change, findings)
        communities = here.communities(costs, rng, taken, should_stop, tuning)
        first = len(labels)
        for label, members in communities:
            assignment[members] = len(labels)
            labels.append(label)
        changes.append(change)
        change.households_moved = households_moved(Plan(graph, assignment, tuple(labels)), communities=range(first, len(labels)))
        done += len(graph.blocks_of(subdistrict))
        if progress is not None:
            progress(done / graph.size, subdistrict)
    plan = Plan(graph, assignment, tuple(labels))
    return Proposal(plan, rules, seed, violations(plan, rules), findings, mode="adjust", changes=[c.to_dict() for c in changes])


class _Subdistrict:
    """One subdistrict's communities on their way through adjust mode."""

    def __init__(self, graph: BlockGraph, rules: Rules, subdistrict: str, merge_undersized: bool, change: Change, findings: list):
        self.graph, self.rules, self.code = graph, rules, subdistrict
        self.change, self.findings = change, findings
        blocks = graph.blocks_of(subdistrict).tolist()
        self.groups: dict[str, list[int]] = {}
        for b in blocks:
            if graph.communities[b]:
                self.groups.setdefault(graph.communities[b], []).append(b)
        blank = [b for b in blocks if not graph.communities[b]]
        self._reattach_fragments()
        self.new_parts = self._place_blank_areas(blank)
        if merge_undersized:
            self._merge_undersized()

    def households(self, members) -> int:
        return int(self.graph.households[members].sum())

    def ceiling(self, members) -> int:
        return self.rules.ceiling(bool(self.graph.dense[members].all()))

    def _shared(self, members) -> dict[str, float]:
        """Length of boundary shared with each neighbouring community of this subdistrict."""
        inside, owner = set(members), self._owner()
        shared: dict[str, float] = {}
        for b in members:
            for other, edge in self.graph.neighbours[b]:
                if other not in inside and other in owner:
                    shared[owner[other]] = shared.get(owner[other], 0.0) + float(self.graph.edge_length[edge])
        return shared

    def _owner(self) -> dict[int, str]:
        return {b: code for code, members in self.groups.items() for b in members}

    def _reattach_fragments(self) -> None:
        """A community's detached piece too small to be a community (a sliver block cut off
        by a road, with few or no households) joins the neighbour it shares the longest
        boundary with, as a small blank area would. Otherwise the piece made its community
        "scattered", the whole community was redrawn and the piece became a community of its
        own — one of 0 households in the demo. A piece with no neighbour stays where it is."""
        for code in sorted(self.groups):
            if code in self.rules.locked_communities:
                continue
            pieces = self.graph.components(self.groups[code])
            if len(pieces) < 2:
                continue
            main = max(range(len(pieces)), key=lambda i: (self.households(pieces[i]), len(pieces[i]), -min(pieces[i])))
            for i, piece in enumerate(pieces):
                if i == main or self.households(piece) >= self.rules.min_households:
                    continue
                shared = {c: n for c, n in self._shared(piece).items() if c != code and c not in self.rules.locked_communities}
                if not shared:
                    continue
                room = [c for c in shared if self.households(self.groups[c] + piece) <= self.ceiling(self.groups[c] + piece)]
                into = max(room or list(shared), key=lambda c: (shared[c], c))
                moving = set(piece)
                self.groups[code] = [b for b in self.groups[code] if b not in moving]
                self.groups[into] = sorted(self.groups[into] + list(piece))
                self.change.fragments.setdefault(into, []).append(code)

    def _place_blank_areas(self, blank: list[int]) -> list[list[int]]:
        """Blank areas big enough for a community become new parts; smaller ones join the neighbour
        with the longest shared boundary that has room (or, failing that, the longest, to be split)."""
        new_parts = []
        for area in self.graph.components(blank):
            if self.households(area) >= self.rules.min_households:
                new_parts.append(area)
                continue
            shared = self._shared(area)
            if not shared:
                new_parts.append(area)  # nobody to join: a part of its own, reported as infeasible
                continue
            room = [c for c in shared if self.households(self.groups[c] + area) <= self.ceiling(self.groups[c] + area)]
            target = max(room or list(shared), key=lambda c: (shared[c], c))
            self.groups[target] = sorted(self.groups[target] + area)
            self.change.absorbed[target] = self.change.absorbed.get(target, 0) + len(area)
        return new_parts

    def _merge_undersized(self) -> None:
        """Each community below the minimum joins the neighbour with the longest shared boundary that has room."""
        for code in sorted(self.groups, key=lambda c: (self.households(self.groups[c]), c)):
            members = self.groups.get(code)
            if members is None or self.households(members) >= self.rules.min_households or code in self.rules.locked_communities:
                continue
            shared = self._shared(members)
            room = [
                c
                for c in shared
                if c not in self.rules.locked_communities
                and self.households(self.groups[c] + members) <= self.ceiling(self.groups[c] + members)
            ]
            if not room:
                continue
            into = max(room, key=lambda c: (shared[c], c))
            self.groups[into] = sorted(self.groups[into] + members)
            del self.groups[code]
            self.change.merged.setdefault(into, []).append(code)

    def _must_change(self, code: str) -> bool:
        members = self.groups[code]
        if code in self.rules.locked_communities:
            return False
        return self.households(members) > self.ceiling(members) or len(self.graph.components(members)) > 1

    def communities(self, costs, rng, taken: set[str], should_stop, tuning: Tuning) -> list[tuple[str, np.ndarray]]:
        released = sorted(c for c in self.groups if self._must_change(c))
        kept = [c for c in sorted(self.groups) if c not in released]
        parts = self._parts(released)
        # The target asks for more than the bounds allow these parts: split kept communities too,
        # the smallest that can hold two first (a split moves about half of one community).
        target = self.rules.targets.get(self.code)
        splittable = sorted(
            (
                c
                for c in kept
                if c not in self.rules.locked_communities and self.households(self.groups[c]) >= 2 * self.rules.min_households
            ),
            key=lambda c: (self.households(self.groups[c]), c),
        )
        while target is not None and len(kept) + sum(p.high for p, _ in parts) < target[0] and splittable:
            code = splittable.pop(0)
            kept.remove(code)
            released.append(code)
            parts += self._parts([code])
        choose_counts([p for p, _ in parts], self.rules, self.code, len(kept), self.findings)
        for code in kept:
            if self.households(self.groups[code]) < self.rules.min_households:
                self.change.below_minimum_kept.append(code)
        self.change.kept = [
            c for c in kept if c not in self.change.absorbed and c not in self.change.merged and c not in self.change.fragments
        ]
        out = [(code, np.array(self.groups[code])) for code in kept]
        new_pieces: list[tuple[str | None, np.ndarray]] = []
        for part, origin in parts:
            pieces = [members for _, members in divide_part(self.graph, self.rules, part, {}, costs, rng, should_stop, tuning)]
            if origin is None:
                new_pieces += [(None, p) for p in pieces]
                continue
            keeper = max(range(len(pieces)), key=lambda i: (self.households(pieces[i]), -int(pieces[i][0])))
            out.append((origin, pieces[keeper]))
            self.change.split[origin] = [origin]
            new_pieces += [(origin, p) for i, p in enumerate(pieces) if i != keeper]
        return out + self._coded(new_pieces, taken)

    def _parts(self, codes: list[str]) -> list[tuple[Part, str | None]]:
        """A part per piece of each released community (the largest piece keeps the code), plus the blank parts once."""
        parts: list[tuple[Part, str | None]] = []
        for code in codes:
            for i, piece in enumerate(self.graph.components(self.groups[code])):
                parts.append((self._part(piece), code if i == 0 else None))
        if self.new_parts:
            parts += [(self._part(area), None) for area in self.new_parts]
            self.new_parts = []
        return parts

    def _part(self, members: list[int]) -> Part:
        part = Part(members, self.households(members), bool(self.graph.dense[members].all()), 0)
        feasible_range(part, self.rules, self.code, self.findings)
        return part

    def _coded(self, pieces: list[tuple[str | None, np.ndarray]], taken: set[str]) -> list[tuple[str, np.ndarray]]:
        """New communities, north to south then west to east, with the next free codes under the subdistrict."""
        centroids = self.graph.centroids
        ordered = sorted(pieces, key=lambda item: (-round(centroids[item[1], 1].mean(), -2), centroids[item[1], 0].mean()))
        codes = next_codes(self.code, taken)
        out = []
        for origin, members in ordered:
            code = next(codes)
            taken.add(code)
            if origin is None:
                self.change.created.append(code)
            else:
                self.change.split[origin].append(code)
            out.append((code, members))
        return out


def next_codes(subdistrict: str, taken: set[str]) -> Iterator[str]:
    """Codes for new communities: after the highest 居委会 code in use under a 12-digit subdistrict code
    (codes are not reused); otherwise ``<subdistrict>-NN`` as redraw mode names its proposals."""
    match = SUBDISTRICT_CODE.match(subdistrict)
    if match is None:
        n = 1
        while True:
            code = f"{subdistrict}-{n:02d}"
            if code not in taken:
                yield code
            n += 1
    prefix = match.group(1)
    used = [int(c[9:]) for c in taken if len(c) == 12 and c.startswith(prefix) and c[9:].isdigit()]
    n = max([u for u in used if u <= LAST_RESIDENTS_COMMITTEE], default=0) + 1
    while True:
        code = f"{prefix}{n:03d}"
        if code not in taken:
            yield code
        n += 1
