"""Property-based tests of ``propose`` on random block grids (hypothesis).

Every plan is checked against an oracle written here from the grid itself, not
with the generator's own constraint code: cells that share a side are neighbours
(cells meeting at a corner are not), a subdistrict is one side of a grid line.
"""

from __future__ import annotations

from collections import deque

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from redistricting_grids import grid_graph

from boundaries.redistricting import Rules, propose

KNOWN_RULES = {
    "assigned",
    "contiguity",
    "households-min",
    "households-max",
    "nesting",
    "target-count",
    "locked-block",
    "locked-community",
    "block-over-max",
    "infeasible-part",
    "infeasible-target",
}


@st.composite
def worlds(draw):
    """A rows x cols grid: households per cell, a subdistrict split along one grid line, dense cells, rules."""
    rows, cols = draw(st.integers(4, 8)), draw(st.integers(4, 8))
    households = [[draw(st.integers(0, 120)) for _ in range(cols)] for _ in range(rows)]
    dense_share = draw(st.sampled_from([0.0, 0.3, 1.0]))
    dense = [[draw(st.floats(0, 1)) < dense_share for _ in range(cols)] for _ in range(rows)]
    split = draw(st.sampled_from(["none", "vertical", "horizontal"]))
    at = draw(st.integers(1, (cols if split == "vertical" else rows) - 1))
    subdistricts = [["A" if split == "none" or (c if split == "vertical" else r) < at else "B" for c in range(cols)] for r in range(rows)]
    low = draw(st.integers(50, 300))
    high = low + draw(st.integers(0, 300))
    dense_high = high + draw(st.integers(0, 300))
    return households, subdistricts, dense, Rules(low, high, dense_high)


def cell_of(code: str) -> tuple[int, int]:
    row, col = code[1:].split("c")
    return int(row), int(col)


def contiguous(cells: set[tuple[int, int]]) -> bool:
    """Joined along edges (rook moves only)."""
    start = next(iter(cells))
    seen, queue = {start}, deque([start])
    while queue:
        r, c = queue.popleft()
        for other in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if other in cells and other not in seen:
                seen.add(other)
                queue.append(other)
    return seen == cells


def impossible_subjects(households, subdistricts, dense, rules: Rules) -> set[str]:
    """Blocks and subdistricts that make any valid plan impossible (a sufficient test, not a complete one)."""
    out = set()
    totals: dict[str, int] = {}
    any_dense: dict[str, bool] = {}
    for r, line in enumerate(households):
        for c, value in enumerate(line):
            s = subdistricts[r][c]
            totals[s] = totals.get(s, 0) + value
            any_dense[s] = any_dense.get(s, False) or dense[r][c]
            if value > rules.ceiling(dense[r][c]):
                out.add(f"r{r}c{c}")
    for s, total in totals.items():
        ceiling = rules.dense_max_households if any_dense[s] else rules.max_households
        if not any(k * rules.min_households <= total <= k * ceiling for k in range(1, len(households) * len(households[0]) + 1)):
            out.add(s)  # (each subdistrict here is one rectangle, so one connected part)
    return out


def communities_of(proposal, households, subdistricts) -> dict[str, set[tuple[int, int]]]:
    """The plan's communities as sets of cells, after checking the invariants every plan keeps."""
    mapping = proposal.plan.community_of()
    # Every block in exactly one community.
    assert set(mapping) == {f"r{r}c{c}" for r in range(len(households)) for c in range(len(households[0]))}
    assert all(label is not None for label in mapping.values())
    members: dict[str, set[tuple[int, int]]] = {}
    for code, label in mapping.items():
        members.setdefault(label, set()).add(cell_of(code))
    for label, cells in members.items():
        assert contiguous(cells), (label, sorted(cells))
        assert len({subdistricts[r][c] for r, c in cells}) == 1, (label, sorted(cells))  # nested
    for v in proposal.violations + proposal.findings:
        assert v.rule in KNOWN_RULES and v.zh and v.en and v.subject
    return members


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.integers(0, 2**16))
def test_every_plan_keeps_the_invariants_and_names_what_cannot_be_met(world, seed):
    households, subdistricts, dense, rules = world
    graph = grid_graph(households, subdistricts=subdistricts, dense=dense)
    proposal = propose(graph, rules, seed=seed)
    members = communities_of(proposal, households, subdistricts)

    if not proposal.violations:
        for label, cells in members.items():
            total = sum(households[r][c] for r, c in cells)
            ceiling = rules.ceiling(all(dense[r][c] for r, c in cells))
            assert rules.min_households <= total <= ceiling, (label, total)

    impossible = impossible_subjects(households, subdistricts, dense, rules)
    event("valid plan" if proposal.valid else "impossible input" if impossible else "invalid plan, input not known impossible")
    if impossible:
        assert proposal.violations, impossible
        named = {v.subject for v in proposal.findings + proposal.violations}
        assert impossible <= named, (impossible, named)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.integers(0, 2**16), st.data())
def test_a_locked_community_is_kept_exactly_and_the_rest_keeps_the_invariants(world, seed, data):
    households, subdistricts, dense, rules = world
    rows, cols = len(households), len(households[0])
    # Current communities: column strips of width 2 inside each subdistrict (so each is contiguous).
    current = [[f"{subdistricts[r][c]}{c // 2}" for c in range(cols)] for r in range(rows)]
    locked = data.draw(st.sampled_from(sorted({label for line in current for label in line})))
    rules = Rules(rules.min_households, rules.max_households, rules.dense_max_households, locked_communities=frozenset({locked}))
    graph = grid_graph(households, subdistricts=subdistricts, dense=dense, communities=current)
    members = communities_of(propose(graph, rules, seed=seed), households, subdistricts)
    assert members[locked] == {(r, c) for r in range(rows) for c in range(cols) if current[r][c] == locked}


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.integers(0, 2**16))
def test_the_same_seed_gives_the_same_plan(world, seed):
    households, subdistricts, dense, rules = world
    first = propose(grid_graph(households, subdistricts=subdistricts, dense=dense), rules, seed=seed)
    again = propose(grid_graph(households, subdistricts=subdistricts, dense=dense), rules, seed=seed)
    assert first.plan.community_of() == again.plan.community_of()
    assert [v.to_dict() for v in first.violations] == [v.to_dict() for v in again.violations]
