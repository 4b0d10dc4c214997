"""Objectives of a plan, reported as numbers (and used to choose between valid plans).

Boundary metrics look at the lines *between* communities, the only ones a plan
draws: the district's outer edge is nobody's choice and is left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import shapely

from boundaries.redistricting.inputs import LINE_CLASSES, MAJOR_CLASSES
from boundaries.redistricting.plan import Plan

#: A change of direction sharper than this (degrees) is a turn.
TURN_DEGREES = 30.0
#: Boundaries are simplified to this tolerance (metres) before counting turns.
SIMPLIFY_M = 5.0
#: Community premises: at least 400 m², and 20 m² per 100 households in new estates.
PREMISES_MIN_M2 = 400.0
PREMISES_PER_100_HOUSEHOLDS_M2 = 20.0


def polsby_popper(plan: Plan) -> np.ndarray:
    """4πA/P² per community: 1 for a circle, about 0.785 for a square."""
    with np.errstate(divide="ignore", invalid="ignore"):
        values = 4 * math.pi * plan.areas / plan.perimeters**2
    return np.nan_to_num(values)


def premises(households) -> tuple[np.ndarray, np.ndarray]:
    """(the 400 m² floor, 20 m² per 100 households) for each community; the larger one applies."""
    by_households = np.asarray(households, dtype=float) * PREMISES_PER_100_HOUSEHOLDS_M2 / 100
    return np.full_like(by_households, PREMISES_MIN_M2), by_households


def boundary_lines(plan: Plan) -> list:
    """Each community-to-community boundary as one merged line geometry (EPSG:4543)."""
    return boundary_lines_of(plan.graph, plan.assignment, plan.cut_edges)


def boundary_lines_of(graph, assignment: np.ndarray, edges) -> list:
    """The boundary lines that ``edges`` (cut by ``assignment``) form, one merged line per pair of communities."""
    pairs: dict[tuple[int, int], list] = {}
    for e in np.asarray(edges).tolist():
        a, b = sorted((int(assignment[graph.edge_u[e]]), int(assignment[graph.edge_v[e]])))
        pairs.setdefault((a, b), []).append(graph.edge_geoms[e])
    return [shapely.line_merge(shapely.union_all(parts)) for _, parts in sorted(pairs.items())]


def straightness(lines: list) -> tuple[float, float]:
    """(length-weighted chord/length of boundary lines, turns per km)."""
    chord = length = 0.0
    turns = 0
    for merged in lines:
        for line in shapely.get_parts(merged):
            coords = shapely.get_coordinates(line)
            if len(coords) < 2:
                continue
            length += line.length
            chord += float(np.hypot(*(coords[-1] - coords[0])))
            turns += _turns(shapely.get_coordinates(shapely.simplify(line, SIMPLIFY_M)))
    if length == 0:
        return 1.0, 0.0
    return chord / length, turns / (length / 1000)


def _turns(coords: np.ndarray) -> int:
    if len(coords) < 3:
        return 0
    steps = np.diff(coords, axis=0)
    angles = np.arctan2(steps[:, 1], steps[:, 0])
    change = np.abs((np.diff(angles) + math.pi) % (2 * math.pi) - math.pi)
    return int(np.sum(change > math.radians(TURN_DEGREES)))


def boundary_by_class(plan: Plan) -> dict[str, float]:
    """Share of community boundary length along each line class ('none' where no line runs)."""
    g = plan.graph
    cut = plan.cut_edges
    total = float(g.edge_length[cut].sum())
    if total == 0:
        return {name: 0.0 for name in (*LINE_CLASSES, "none")}
    shares = {}
    remaining = g.edge_length[cut].copy()
    for k, name in enumerate(LINE_CLASSES):  # strongest class claims an edge first
        taken = np.minimum(g.edge_class_length[cut, k], remaining)
        remaining -= taken
        shares[name] = float(taken.sum() / total)
    shares["none"] = float(remaining.sum() / total)
    return shares


def major_lines_used(plan: Plan) -> float:
    """Share of the river and arterial length between the plan's blocks that community boundaries follow.

    Read beside ``boundary_major_share``: a low share with most major lines used means
    the input has too few of them for the community count, not that the plan ignores them.
    """
    g = plan.graph
    major = g.major_share(np.arange(len(g.edge_length))) * g.edge_length
    total = float(major.sum())
    return float(major[plan.cut_edges].sum() / total) if total else 0.0


def households_moved(plan: Plan, reference: list[str | None] | None = None, communities: Iterable[int] | None = None) -> int:
    """Households whose community changes. Each old community lives on in the one new community
    that holds most of its households; its households anywhere else have moved (so splitting a
    community in two moves the smaller piece, not nothing). Households of blocks that had no
    community have none to move from and are not counted.

    ``reference`` is the old community per block (default: the current communities);
    ``communities`` counts only the households now in some of the plan's communities (default: all).
    """
    before = plan.graph.communities if reference is None else reference
    households = plan.graph.households
    held: dict[tuple[str, int], int] = {}
    for b, (old, new) in enumerate(zip(before, plan.assignment.tolist(), strict=True)):
        if old and new >= 0:
            held[(old, new)] = held.get((old, new), 0) + int(households[b])
    heir: dict[str, tuple[int, int]] = {}  # old community → (households held, -new index) of its heir
    for (old, new), weight in held.items():
        heir[old] = max(heir.get(old, (-1, 0)), (weight, -new))
    chosen = None if communities is None else set(communities)
    return sum(weight for (old, new), weight in held.items() if -heir[old][1] != new and (chosen is None or new in chosen))


def community_major_share(plan: Plan) -> np.ndarray:
    """Per community, the share of its boundary with other communities that runs on a river or arterial."""
    g = plan.graph
    cut = plan.cut_edges
    share = g.major_share(cut) * g.edge_length[cut]
    k = len(plan.labels)
    major = np.zeros(k)
    total = np.zeros(k)
    for side in (g.edge_u[cut], g.edge_v[cut]):
        owner = plan.assignment[side]
        ok = owner >= 0
        np.add.at(major, owner[ok], share[ok])
        np.add.at(total, owner[ok], g.edge_length[cut][ok])
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num(major / total)


def summary(plan: Plan) -> dict:
    """All plan-level metrics as plain numbers."""
    occupied = np.array([len(m) > 0 for m in plan.members])
    pp = polsby_popper(plan)[occupied]
    households = plan.households[occupied]
    by_class = boundary_by_class(plan)
    chord_ratio, turns_per_km = straightness(boundary_lines(plan))
    mean = float(households.mean()) if len(households) else 0.0
    return {
        "communities": int(occupied.sum()),
        "households": int(households.sum()),
        "polsby_popper_mean": float(pp.mean()) if len(pp) else 0.0,
        "polsby_popper_worst": float(pp.min()) if len(pp) else 0.0,
        "boundary_major_share": sum(by_class[c] for c in MAJOR_CLASSES),
        "boundary_by_class": by_class,
        "major_lines_used": major_lines_used(plan),
        "boundary_length_m": float(plan.graph.edge_length[plan.cut_edges].sum()),
        "straightness": chord_ratio,
        "turns_per_km": turns_per_km,
        "household_balance": float(households.std() / mean) if mean else 0.0,
        "households_min": int(households.min()) if len(households) else 0,
        "households_max": int(households.max()) if len(households) else 0,
        "households_moved": households_moved(plan),
    }
