"""Adjust mode: today's communities change only where a rule or the target needs it.

Hand-made grids with known answers, then properties on random grids checked against an
oracle written here from the grid (cells sharing a side are neighbours).
"""

from __future__ import annotations

from collections import deque

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redistricting_grids import grid_graph, rules

from boundaries.redistricting import propose
from boundaries.redistricting.adjust import adjust, next_codes

S = "530111001000"  # a 12-digit subdistrict code: new communities get 530111001NNN
A, B, C = "530111001001", "530111001002", "530111001003"


def members(proposal) -> dict[str, set[str]]:
    g = proposal.plan.graph
    return {label: {g.codes[b] for b in m.tolist()} for label, m in zip(proposal.plan.labels, proposal.plan.members, strict=True)}


def cells(communities, want) -> set[str]:
    return {f"r{r}c{c}" for r, row in enumerate(communities) for c, value in enumerate(row) if value == want}


def world(communities, households=50):
    rows, cols = len(communities), len(communities[0])
    return grid_graph([[households] * cols] * rows, communities=communities, subdistricts=[[S] * cols] * rows)


def test_communities_within_the_bounds_are_kept_exactly():
    layout = [[A, A, B, B], [A, A, B, B], [C, C, C, C]]  # 200, 200, 200 households
    proposal = adjust(world(layout), rules(150, 250))
    assert members(proposal) == {code: cells(layout, code) for code in (A, B, C)}
    [change] = proposal.changes
    assert change["kept"] == [A, B, C] and not change["split"] and not change["created"]
    assert change["households_moved"] == 0 == proposal.metrics()["households_moved"]
    assert proposal.valid


def test_without_targets_redraw_moves_households_that_adjust_leaves_alone():
    layout = [[A, A, A, B, B, B]] * 2 + [[C] * 6] * 2  # 300, 300, 600
    graph = world(layout)
    bounds = rules(200, 600)
    assert adjust(graph, bounds).metrics()["households_moved"] == 0
    assert propose(graph, bounds, seed=0).metrics()["households_moved"] > 0


def test_an_oversized_community_is_split_and_its_largest_piece_keeps_the_code():
    layout = [[A] * 6] * 4  # 1,200 households, at most 500 per community
    proposal = adjust(world(layout), rules(300, 500))
    found = members(proposal)
    assert A in found and len(found) == 3
    assert set().union(*found.values()) == cells(layout, A)
    assert all(300 <= len(m) * 50 <= 500 for m in found.values())
    [change] = proposal.changes
    assert change["split"][A][0] == A and sorted(change["split"][A][1:]) == ["530111001002", "530111001003"]
    assert change["households_moved"] == 1200 - len(found[A]) * 50
    assert proposal.valid


def test_new_codes_follow_the_highest_code_in_use_and_are_not_reused():
    taken = {"530111001001", "530111001007", "530111001201", "530111002050"}
    codes = next_codes(S, taken)
    assert [next(codes) for _ in range(2)] == ["530111001008", "530111001009"]
    other = next_codes("W", {"W-01"})
    assert next(other) == "W-02"


def test_a_blank_area_big_enough_becomes_a_new_community_and_a_small_one_joins_a_neighbour_with_room():
    layout = [
        [A, A, A, None, None, None],
        [A, A, A, None, None, None],
        [B, B, B, B, B, None],
    ]
    proposal = adjust(world(layout), rules(250, 400))
    found = members(proposal)
    [change] = proposal.changes
    assert change["created"] == ["530111001003"] and found["530111001003"] == cells(layout, None)
    small = [[A, A, None], [A, A, B], [B, B, B]]  # one blank block: A (200) has room up to 250, B (200) too
    proposal = adjust(world(small), rules(150, 250))
    [change] = proposal.changes
    assert sum(change["absorbed"].values()) == 1 and not change["created"]
    assert all(len(m) * 50 <= 250 for m in members(proposal).values())
    assert change["households_moved"] == 0  # households of blank blocks had no community to move from


def test_a_detached_sliver_joins_the_neighbour_it_touches_most_instead_of_becoming_a_community():
    # A's block r1c3 is cut off from the rest of A (a sliver across a road, no households):
    # it must not become a 0-household community, nor make A be redrawn.
    layout = [[A, A, B, B], [A, A, B, A], [C, C, C, C]]
    households = [[50, 50, 50, 50], [50, 50, 50, 0], [50, 50, 50, 50]]
    graph = grid_graph(households, communities=layout, subdistricts=[[S] * 4] * 3)
    proposal = adjust(graph, rules(150, 250))
    found = members(proposal)
    assert set(found) == {A, B, C}  # nothing created
    assert found[A] == cells(layout, A) - {"r1c3"} and found[B] == cells(layout, B) | {"r1c3"}  # B shares two sides
    assert found[C] == cells(layout, C)
    [change] = proposal.changes
    assert change["fragments"] == {B: [A]} and not change["split"] and not change["created"]
    assert change["households_moved"] == 0 and proposal.valid
    # a detached piece big enough to stand alone is left to the rules (A is scattered: split)
    households[1][3] = 200
    big = adjust(grid_graph(households, communities=layout, subdistricts=[[S] * 4] * 3), rules(150, 400))
    assert not big.changes[0]["fragments"] and A in big.changes[0]["split"]


def test_the_plans_new_communities_split_the_smallest_community_that_can_hold_two():
    layout = [[A, A, A, A, B, B, B, B, B, B]] * 2  # A 400, B 600; bounds 200-600
    graph = world(layout)
    bounds = rules(200, 600, targets={S: (3, 3)})
    proposal = adjust(graph, bounds)
    [change] = proposal.changes
    assert list(change["split"]) == [A]  # splitting A moves about 200, splitting B about 300
    assert members(proposal)[B] == cells(layout, B)
    assert proposal.valid and change["households_moved"] <= 200
    assert change["households_moved"] < propose(graph, bounds, seed=0).metrics()["households_moved"]


def test_undersized_communities_are_kept_and_reported_unless_merging_is_asked():
    layout = [[A, A, B], [A, A, B], [C, C, C]]  # A 200, B 100 (below 150), C 150
    graph = world(layout)
    kept = adjust(graph, rules(150, 300))
    [change] = kept.changes
    assert change["below_minimum_kept"] == [B] and members(kept)[B] == cells(layout, B)
    assert any(v.rule == "households-min" for v in kept.violations)
    merged = adjust(graph, rules(150, 300), merge_undersized=True)
    [change] = merged.changes
    assert sum(len(v) for v in change["merged"].values()) == 1 and B not in members(merged)
    assert merged.valid


def test_a_locked_community_is_never_split_even_for_the_target():
    layout = [[A, A, A, A, B, B, B, B]] * 2  # 400 each
    bounds = rules(200, 400, targets={S: (3, 4)}, locked_communities=frozenset({A}))
    proposal = adjust(world(layout), bounds)
    assert members(proposal)[A] == cells(layout, A)
    assert list(proposal.changes[0]["split"]) == [B]


# --- properties on random grids ------------------------------------------------------------


@st.composite
def districts(draw):
    """A grid cut into vertical strips of current communities (some blank), random households and bounds."""
    rows, cols = draw(st.integers(3, 6)), draw(st.integers(3, 8))
    cuts = sorted(set(draw(st.lists(st.integers(1, cols - 1), max_size=3))))
    edges = [0, *cuts, cols]
    strip_code = [None if draw(st.integers(0, 4)) == 0 else f"530111001{i + 1:03d}" for i in range(len(edges) - 1)]
    layout = [
        [strip_code[next(i for i in range(len(edges) - 1) if edges[i] <= c < edges[i + 1])] for c in range(cols)] for _ in range(rows)
    ]
    households = [[draw(st.integers(0, 80)) for _ in range(cols)] for _ in range(rows)]
    low = draw(st.integers(20, 200))
    return layout, households, rules(low, low + draw(st.integers(50, 400)))


def connected(cells_: set[tuple[int, int]]) -> bool:
    start = next(iter(cells_))
    seen, queue = {start}, deque([start])
    while queue:
        r, c = queue.popleft()
        for other in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if other in cells_ and other not in seen:
                seen.add(other)
                queue.append(other)
    return seen == cells_


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts(), st.integers(0, 3))
def test_adjusting_changes_only_what_must_change(district, seed):
    layout, households, bounds = district
    graph = grid_graph(households, communities=layout, subdistricts=[[S] * len(layout[0])] * len(layout))
    proposal = adjust(graph, bounds, seed=seed)
    plan = proposal.plan
    assert (plan.assignment >= 0).all()  # every block has a community
    before: dict[str, set[str]] = {}
    for r, row in enumerate(layout):
        for c, code in enumerate(row):
            if code:
                before.setdefault(code, set()).add(f"r{r}c{c}")
    after = members(proposal)
    for label, found in after.items():
        assert connected({tuple(map(int, code[1:].split("c"))) for code in found})  # type: ignore[misc]
        origins = {code for code, cells_ in before.items() if cells_ & found}
        assert len(origins) <= 1 or label in proposal.changes[0]["merged"]  # no community mixes two of today's
    weight = {f"r{r}c{c}": v for r, row in enumerate(households) for c, v in enumerate(row)}
    for code, cells_ in before.items():
        total = sum(weight[b] for b in cells_)
        if bounds.min_households <= total <= bounds.max_households:
            assert after.get(code, set()) >= cells_  # within the bounds and one strip: kept (perhaps with blank blocks)
    assert adjust(graph, bounds, seed=seed).plan.community_of() == plan.community_of()  # deterministic
