"""Side-by-side comparison of two plans over the same blocks (or a plan against the current communities)."""

from __future__ import annotations

from boundaries.redistricting import metrics
from boundaries.redistricting.plan import Plan

COMPARED = (
    "communities",
    "polsby_popper_mean",
    "polsby_popper_worst",
    "boundary_major_share",
    "major_lines_used",
    "straightness",
    "turns_per_km",
    "household_balance",
    "households_min",
    "households_max",
    "households_moved",
)


def compare(first: Plan, second: Plan) -> dict:
    """Metrics of both plans, their differences, and how many blocks/households change community between them."""
    if first.graph.codes != second.graph.codes:
        from gis.errors import InvalidInput

        raise InvalidInput("两个方案的街区不同，无法比较", "The two plans cover different blocks and cannot be compared")
    a, b = metrics.summary(first), metrics.summary(second)
    reference = [first.labels[i] if i >= 0 else None for i in first.assignment.tolist()]
    moved = metrics.households_moved(second, reference)
    changed_blocks = _blocks_changed(first, second)
    return {
        "first": {key: a[key] for key in COMPARED},
        "second": {key: b[key] for key in COMPARED},
        "difference": {key: b[key] - a[key] for key in COMPARED},
        "households_changing_community": moved,
        "blocks_changing_community": changed_blocks,
    }


def _blocks_changed(first: Plan, second: Plan) -> int:
    """Blocks whose second-plan community does not inherit their first-plan community."""
    inherits: dict[int, int | None] = {}
    g = first.graph
    for community, members in enumerate(second.members):
        weights: dict[int, int] = {}
        for block in members.tolist():
            old = int(first.assignment[block])
            weights[old] = weights.get(old, 0) + int(g.households[block]) + 1
        inherits[community] = max(weights, key=lambda c: (weights[c], -c)) if weights else None
    return sum(1 for block in range(g.size) if inherits.get(int(second.assignment[block])) != int(first.assignment[block]))
