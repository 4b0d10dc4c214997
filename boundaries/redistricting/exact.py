"""Exhaustive division of a small part: when the heuristic finds no valid plan, prove there is none.

For a part of at most ``MAX_BLOCKS`` blocks every division into ``k`` connected
communities within the bounds is enumerated (each community grown as a connected
set containing the lowest unassigned block), and the cheapest one kept.
"""

from __future__ import annotations

from boundaries.redistricting.workspace import Workspace

MAX_BLOCKS = 16
#: Stop after this many complete divisions (the cheapest so far wins).
MAX_SOLUTIONS = 5000


def exact_divide(ws: Workspace) -> bool:
    """Rewrite ``ws`` with the cheapest valid division if one exists; returns whether it did."""
    g, rules = ws.graph, ws.rules
    blocks = ws.members.tolist()
    if len(blocks) > MAX_BLOCKS:
        return False
    pinned_groups: dict[int, set[int]] = {}
    for b in blocks:
        if ws.pinned[b]:
            pinned_groups.setdefault(int(ws.assignment[b]), set()).add(b)
    solutions: list[list[frozenset[int]]] = []

    def ceiling(chosen) -> int:
        return rules.ceiling(all(g.dense[b] for b in chosen))

    def connected_sets(start: int, free: frozenset[int]):
        """Every connected subset of ``free`` containing ``start`` (each once)."""
        seen = set()
        stack = [frozenset([start])]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            yield current
            for b in current:
                for other, _ in g.neighbours[b]:
                    if other in free and other not in current:
                        stack.append(current | {other})

    def search(free: frozenset[int], chosen: list[frozenset[int]]):
        if len(solutions) >= MAX_SOLUTIONS:
            return
        if not free:
            if len(chosen) == ws.k:
                solutions.append(list(chosen))
            return
        if len(chosen) == ws.k:
            return
        start = min(free)
        for subset in connected_sets(start, free):
            households = int(g.households[list(subset)].sum())
            if not rules.fits(households, ceiling(subset)):
                continue
            if not _respects_pins(subset, pinned_groups):
                continue
            search(free - subset, chosen + [subset])

    search(frozenset(blocks), [])
    if not solutions:
        return False
    best = min(solutions, key=lambda division: _cost(ws, division))
    _apply(ws, _ordered(best, pinned_groups))
    return True


def _respects_pins(subset: frozenset[int], groups: dict[int, set[int]]) -> bool:
    """A community holds all of one locked group or none of it, and never two groups."""
    touched = [c for c, group in groups.items() if subset & group]
    return len(touched) <= 1 and all(group <= subset for c, group in groups.items() if c in touched)


def _ordered(division, groups):
    """Communities holding locked groups keep their index; the rest follow."""
    order = [None] * len(division)
    rest = []
    for subset in division:
        owner = next((c for c, group in groups.items() if group <= subset), None)
        if owner is not None:
            order[owner] = subset
        else:
            rest.append(subset)
    free_slots = [i for i, s in enumerate(order) if s is None]
    for slot, subset in zip(free_slots, rest, strict=False):
        order[slot] = subset
    return order


def _cost(ws: Workspace, division) -> float:
    _apply(ws, division)
    return ws.objective()


def _apply(ws: Workspace, division) -> None:
    for b in ws.members.tolist():
        if ws.assignment[b] >= 0:
            ws.remove(b)
    for community, subset in enumerate(division):
        for b in sorted(subset):
            ws.add(b, community)
