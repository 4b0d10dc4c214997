"""Propose a plan: divide each subdistrict into communities that satisfy the rules.

Per subdistrict: keep locked communities as they are, split the rest into
connected parts, choose a community count per part (``counts``), then per part
try a few seeded region growths (``grow``) repaired by block moves, take the
two best through the last phases (``search``: merge-and-resplit, then carrying
boundaries onto rivers and arterials with a cost that rewards them,
``following_costs``) and keep the one with more boundary on those lines. Same
graph, rules and seed → same plan; a subdistrict's plan does not depend on the
other subdistricts.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from boundaries.redistricting import metrics
from boundaries.redistricting.constraints import Violation, violations
from boundaries.redistricting.counts import Part, choose_counts, feasible_range
from boundaries.redistricting.exact import exact_divide
from boundaries.redistricting.graph import BlockGraph
from boundaries.redistricting.grow import choose_seeds, grow
from boundaries.redistricting.inputs import LINE_CLASSES
from boundaries.redistricting.plan import Plan
from boundaries.redistricting.rules import Rules
from boundaries.redistricting.search import anneal, improve, recombine, repair, restore
from boundaries.redistricting.workspace import Workspace


@dataclass(frozen=True)
class Tuning:
    """Every tuning constant of the generator, in one object the benchmarks can vary
    (``propose(..., tuning=Tuning(attempts=8))``). The defaults are the measured ones
    (docs/benchmarks.md)."""

    #: Cost per metre of community boundary by the strongest line along it (then: along no line). A
    #: metre on a river or arterial costs a few hundredths of one across open block edges, so the
    #: search carries boundaries several blocks to reach one (docs/benchmarks.md: road-following).
    boundary_price: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"river": 0.02, "arterial": 0.03, "secondary": 0.5, "local": 1.0, "lane": 1.0})
    )
    no_line_price: float = 1.3
    #: Weight of compactness (sum of inverse Polsby–Popper) against boundary cost, in community perimeters.
    compactness_weight: float = 0.3
    #: Region growths tried (each repaired and improved) per part; the best is kept. While none is
    #: valid, up to max_attempts are tried.
    attempts: int = 4
    max_attempts: int = 12
    #: Simulated-annealing moves per block of a part, and the start temperature in compactness-weight units.
    anneal_steps_per_block: int = 30
    anneal_temperature: float = 0.2
    #: Merge-and-resplit rounds over all neighbouring community pairs, and spanning trees tried per pair.
    recombine_rounds: int = 3
    recombine_trees: int = 6
    #: Best growths taken through the last phases; the one with most boundary on major lines is kept.
    polished: int = 2
    #: When no growth ends valid: rounds of merge-and-resplit with this many trees per pair, then block moves.
    repair_rounds: int = 4
    repair_trees: int = 30
    #: The last phase rewards boundary along rivers and arterials directly: a metre costs
    #: follow_scale × (follow_target − its river/arterial share), so a metre on a major line earns what a
    #: metre elsewhere costs at the wanted share. Minimising that cost maximises the share of boundary
    #: on major lines whenever it can beat the target (the ratio trick of Dinkelbach); the scale makes
    #: it outweigh compactness, which still keeps shapes (docs/benchmarks.md).
    follow_target: float = 0.55
    follow_scale: float = 10.0
    #: During that phase no move may push a community below this Polsby–Popper score, and its result is
    #: dropped if the boundary ends less straight than this (and than before).
    follow_min_polsby_popper: float = 0.2
    follow_min_straightness: float = 0.85


DEFAULT_TUNING = Tuning()

Progress = Callable[[float, str], None]


class Cancelled(Exception):
    """The caller asked the generator to stop."""


@dataclass
class Proposal:
    plan: Plan
    rules: Rules
    seed: int
    violations: list[Violation]
    findings: list[Violation] = field(default_factory=list)  # why the input cannot be fully satisfied
    mode: str = "redraw"
    changes: list[dict] = field(default_factory=list)  # adjust mode: per subdistrict, what was kept, split, ...

    @property
    def valid(self) -> bool:
        return not self.violations

    def metrics(self) -> dict:
        summary = metrics.summary(self.plan)
        if self.mode == "adjust":
            summary["changes"] = self.changes
        return summary


def propose(
    graph: BlockGraph,
    rules: Rules,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    tuning: Tuning = DEFAULT_TUNING,
) -> Proposal:
    """One plan for every block of ``graph`` (restrict the input to choose subdistricts).

    Each subdistrict draws from its own random stream (the seed and its code), so a
    subdistrict gets the same plan whether it is proposed alone or with the others.
    """
    costs = boundary_costs(graph, tuning)
    assignment = np.full(graph.size, -1, dtype=np.int64)
    labels: list[str] = []
    findings: list[Violation] = []
    subdistricts = sorted(set(graph.subdistricts))
    done = 0
    for subdistrict in subdistricts:
        if should_stop is not None and should_stop():
            raise Cancelled()
        blocks = graph.blocks_of(subdistrict)
        rng = np.random.default_rng([seed % 2**64, zlib.crc32(subdistrict.encode("utf-8"))])
        for label, members in _divide(graph, rules, subdistrict, blocks, costs, rng, findings, should_stop, tuning):
            assignment[members] = len(labels)
            labels.append(label)
        done += len(blocks)
        if progress is not None:
            progress(done / graph.size, subdistrict)
    plan = Plan(graph, assignment, tuple(labels))
    return Proposal(plan, rules, seed, violations(plan, rules), findings)


def boundary_costs(graph: BlockGraph, tuning: Tuning = DEFAULT_TUNING) -> np.ndarray:
    """Cost of cutting each edge: its length priced by the strongest lines along it."""
    remaining = graph.edge_length.copy()
    cost = np.zeros_like(remaining)
    for k, name in enumerate(LINE_CLASSES):
        taken = np.minimum(graph.edge_class_length[:, k], remaining)
        cost += taken * tuning.boundary_price[name]
        remaining -= taken
    return cost + remaining * tuning.no_line_price


def _divide(graph, rules, subdistrict, blocks, costs, rng, findings, should_stop, tuning):
    """(label, blocks) of each community of one subdistrict."""
    _report_oversized_blocks(graph, rules, blocks, findings)
    locked: dict[str, list[int]] = {}
    for b in blocks.tolist():
        if graph.communities[b] in rules.locked_communities:
            locked.setdefault(graph.communities[b], []).append(b)
    free = [b for b in blocks.tolist() if graph.communities[b] not in locked]
    pinned: dict[str, list[int]] = {}
    for b in free:
        if graph.codes[b] in rules.locked_blocks and graph.communities[b]:
            pinned.setdefault(graph.communities[b], []).append(b)
    parts = []
    for component in graph.components(free):
        inside = set(component)
        groups = {c: g for c, g in pinned.items() if inside & set(g)}
        part = Part(component, int(graph.households[component].sum()), bool(graph.dense[component].all()), len(groups))
        feasible_range(part, rules, subdistrict, findings)
        parts.append((part, groups))
    choose_counts([p for p, _ in parts], rules, subdistrict, len(locked), findings)
    communities = [(label, np.array(sorted(members))) for label, members in sorted(locked.items())]
    new: list[tuple[str | None, np.ndarray]] = []
    for part, groups in parts:
        for label, members in divide_part(graph, rules, part, groups, costs, rng, should_stop, tuning):
            (communities if label else new).append((label, members))
    new.sort(key=lambda item: (-round(graph.centroids[item[1], 1].mean(), -2), graph.centroids[item[1], 0].mean()))
    communities += [(f"{subdistrict}-{i + 1:02d}", members) for i, (_, members) in enumerate(new)]
    return communities


def divide_part(graph, rules, part, groups, costs, rng, should_stop, tuning: Tuning = DEFAULT_TUNING):
    """The best of a few repaired and improved region growths of one connected part."""
    area = float(graph.area[part.blocks].sum())
    weight = tuning.compactness_weight * 4 * math.sqrt(area / part.k)
    fixed_labels = sorted(groups)
    tried: list[tuple[tuple[int, float], int, Workspace]] = []
    for attempt in range(tuning.max_attempts):
        if attempt >= tuning.attempts and (min(t[0] for t in tried)[0] == 0 or not _may_be_feasible(part, rules)):
            break  # more growths only while no valid division has been found
        ws = Workspace(graph, rules, part.blocks, part.k, costs, weight)
        for label in fixed_labels:
            ws.pinned[groups[label]] = True
        grow(ws, choose_seeds(ws, rng, [groups[label] for label in fixed_labels]))
        if repair(ws, rng) > 0 and ws.k > 1:
            recombine(ws, rng, tuning.recombine_rounds, tuning.recombine_trees, should_stop)
            repair(ws, rng)
        if ws.total_excess() > 0:
            exact_divide(ws)  # small parts: find a valid division if any exists
        improve(ws, rng, should_stop=should_stop)
        tried.append(((ws.total_excess(), ws.objective()), attempt, ws))
    tried.sort(key=lambda t: t[:2])
    finished = []
    for _, attempt, ws in tried[: tuning.polished]:
        _polish(ws, part, rules, rng, weight, should_stop, tuning)
        finished.append(((ws.total_excess(), -_major_share(ws)), attempt, ws))
        if ws.k == 1 or ws.total_excess() > 0:
            break  # nothing to choose between, or the best growth is already invalid
    ws = min(finished, key=lambda t: t[:2])[2]
    for community in range(ws.k):
        members = np.flatnonzero(ws.assignment == community)
        if len(members):
            yield (fixed_labels[community] if community < len(fixed_labels) else None), members


def _polish(ws: Workspace, part, rules, rng, weight: float, should_stop, tuning: Tuning) -> None:
    """Make the most of one growth: repair it if it is still invalid, re-split neighbouring
    pairs, then carry its boundaries onto rivers and arterials — or, where that does not
    help, anneal it for short, compact boundaries instead."""
    if ws.k == 1:
        return
    if ws.total_excess() > 0 and _may_be_feasible(part, rules):
        _repair_harder(ws, rng, should_stop, tuning)
    if ws.total_excess() == 0:
        recombine(ws, rng, tuning.recombine_rounds, tuning.recombine_trees, should_stop)
        if _follow_major_lines(ws, rng, weight, should_stop, tuning):
            return
    anneal(ws, rng, tuning.anneal_steps_per_block * len(part.blocks), tuning.anneal_temperature * weight, should_stop)
    improve(ws, rng, should_stop=should_stop)


def _repair_harder(ws: Workspace, rng, should_stop, tuning: Tuning) -> None:
    """No growth ended valid: re-split neighbouring pairs with many more trees, then move blocks, while it helps."""
    for _ in range(tuning.repair_rounds):
        excess = ws.total_excess()
        recombine(ws, rng, tuning.recombine_rounds, tuning.repair_trees, should_stop)
        if repair(ws, rng) == 0 or ws.total_excess() >= excess:
            return


def following_costs(graph: BlockGraph, tuning: Tuning = DEFAULT_TUNING) -> np.ndarray:
    """Cost of cutting each edge in the last phase: negative along rivers and arterials (see ``Tuning.follow_target``)."""
    major = graph.major_share(np.arange(len(graph.edge_length)))
    return tuning.follow_scale * graph.edge_length * (tuning.follow_target - major)


def _follow_major_lines(ws: Workspace, rng, weight: float, should_stop, tuning: Tuning = DEFAULT_TUNING) -> bool:
    """Carry a valid division's boundaries onto rivers and arterials, without breaking bounds or shapes.

    Kept (True) only if more of the boundary lies on major lines and the boundary stays
    straight (at least ``tuning.follow_min_straightness``, or as straight as before); otherwise the
    division, its costs and limits are put back as they were (False): where there is
    nothing to follow, the phase would only trade straightness for length.
    """
    before, costs = ws.assignment.copy(), ws.costs
    share, straight = _major_share(ws), _straightness(ws)
    ws.costs = following_costs(ws.graph, tuning)
    ws.min_polsby_popper = tuning.follow_min_polsby_popper
    recombine(ws, rng, tuning.recombine_rounds, tuning.recombine_trees, should_stop)
    anneal(ws, rng, tuning.anneal_steps_per_block * len(ws.members), tuning.anneal_temperature * weight, should_stop)
    improve(ws, rng, should_stop=should_stop)
    ws.costs, ws.min_polsby_popper = costs, 0.0
    if _major_share(ws) > share and _straightness(ws) >= min(straight, tuning.follow_min_straightness):
        return True
    restore(ws, before)
    return False


def _inner_cut(ws: Workspace) -> np.ndarray:
    """The part's edges between two of its communities (graph edge ids, ascending)."""
    g, edges = ws.graph, ws.own_edges
    a, b = ws.assignment[g.edge_u[edges]], ws.assignment[g.edge_v[edges]]
    return edges[(a >= 0) & (b >= 0) & (a != b)]


def _major_share(ws: Workspace) -> float:
    """Share of the part's boundary between its communities that runs on rivers or arterials."""
    g, cut = ws.graph, _inner_cut(ws)
    length = float(g.edge_length[cut].sum())
    return float((g.major_share(cut) * g.edge_length[cut]).sum() / length) if length else 0.0


def _straightness(ws: Workspace) -> float:
    return metrics.straightness(metrics.boundary_lines_of(ws.graph, ws.assignment, _inner_cut(ws)))[0]


def _may_be_feasible(part, rules) -> bool:
    return rules.may_hold(part.households, part.k)


def _report_oversized_blocks(graph, rules, blocks, findings):
    for b in blocks.tolist():
        ceiling = rules.ceiling(bool(graph.dense[b]))
        if graph.households[b] > ceiling:
            findings.append(
                Violation(
                    "block-over-max",
                    graph.codes[b],
                    f"街区 {graph.codes[b]} 单独就有 {graph.households[b]} 户，超过上限 {ceiling}",
                    f"Block {graph.codes[b]} alone has {graph.households[b]} households, above the maximum {ceiling}",
                )
            )
