"""Hard constraints as small callables ``(plan, rules) -> list[Violation]``.

Each one checks one rule and names what breaks it, so a plan that is not valid
says why; ``violations`` runs them all. An empty list means a valid plan.
"""

from __future__ import annotations

import numpy as np

from boundaries.redistricting.plan import Plan
from boundaries.redistricting.rules import Rules
from gis.findings import ERROR, Finding


class Violation(Finding):
    """The one bilingual finding type (``gis.findings``) as an error about one subject: a
    community label, a block code or a subdistrict."""

    def __init__(self, rule: str, subject: str, zh: str, en: str):
        super().__init__(rule, ERROR, zh, en, subject=subject)


def every_block_assigned(plan: Plan, rules: Rules) -> list[Violation]:
    """Every block lies in exactly one community (the assignment array rules out two)."""
    missing = np.flatnonzero(plan.assignment < 0)
    return [
        Violation(
            "assigned", plan.graph.codes[b], f"街区 {plan.graph.codes[b]} 未划入任何社区", f"Block {plan.graph.codes[b]} is in no community"
        )
        for b in missing
    ]


def contiguous(plan: Plan, rules: Rules) -> list[Violation]:
    """Each community is one territory, its blocks joined along edges (not at points)."""
    out = []
    for label, members in zip(plan.labels, plan.members, strict=False):
        if len(members) and len(plan.graph.components(members)) > 1:
            parts = len(plan.graph.components(members))
            out.append(
                Violation(
                    "contiguity", label, f"社区 {label} 分为 {parts} 块不相连的区域", f"Community {label} falls into {parts} separate parts"
                )
            )
    return out


def households_within_bounds(plan: Plan, rules: Rules) -> list[Violation]:
    """Households per community within [min, max]; the dense-area max when all its blocks are dense."""
    out = []
    for label, households, dense, members in zip(plan.labels, plan.households, plan.all_dense, plan.members, strict=False):
        if not len(members):
            continue
        ceiling = rules.ceiling(bool(dense))
        if households < rules.min_households:
            out.append(
                Violation(
                    "households-min",
                    label,
                    f"社区 {label} 仅 {households} 户，少于下限 {rules.min_households}",
                    f"Community {label} has {households} households, below the minimum {rules.min_households}",
                )
            )
        elif households > ceiling:
            out.append(
                Violation(
                    "households-max",
                    label,
                    f"社区 {label} 有 {households} 户，超过上限 {ceiling}",
                    f"Community {label} has {households} households, above the maximum {ceiling}",
                )
            )
    return out


def nested_in_subdistrict(plan: Plan, rules: Rules) -> list[Violation]:
    """A community never crosses a subdistrict (街道) boundary."""
    out = []
    for label, members in zip(plan.labels, plan.members, strict=False):
        found = sorted(set(plan.graph.subdistricts[members]))
        if len(found) > 1:
            out.append(
                Violation(
                    "nesting",
                    label,
                    f"社区 {label} 跨越街道：{'、'.join(found)}",
                    f"Community {label} spans subdistricts {', '.join(found)}",
                )
            )
    return out


def community_count_in_target(plan: Plan, rules: Rules) -> list[Violation]:
    """The planner's wanted number of communities per subdistrict, where one is given."""
    counts: dict[str, int] = {}
    for subdistrict, members in zip(plan.subdistrict, plan.members, strict=False):
        if len(members) and subdistrict is not None:  # an empty community has no subdistrict
            counts[subdistrict] = counts.get(subdistrict, 0) + 1
    out = []
    for subdistrict, (low, high) in sorted(rules.targets.items()):
        if subdistrict not in set(plan.graph.subdistricts):
            continue
        count = counts.get(subdistrict, 0)
        if not low <= count <= high:
            out.append(
                Violation(
                    "target-count",
                    subdistrict,
                    f"街道 {subdistrict} 有 {count} 个社区，目标为 {low}-{high}",
                    f"Subdistrict {subdistrict} has {count} communities, the target is {low}-{high}",
                )
            )
    return out


def locks_respected(plan: Plan, rules: Rules) -> list[Violation]:
    """Locked blocks keep their community; a locked community keeps exactly its blocks."""
    g = plan.graph
    out = []
    for b, code in enumerate(g.codes):
        if code in rules.locked_blocks and plan.assignment[b] >= 0 and plan.labels[plan.assignment[b]] != g.communities[b]:
            out.append(
                Violation(
                    "locked-block",
                    code,
                    f"锁定街区 {code} 被移出社区 {g.communities[b]}",
                    f"Locked block {code} was moved out of community {g.communities[b]}",
                )
            )
    for community in sorted(rules.locked_communities):
        before = {b for b, c in enumerate(g.communities) if c == community}
        after = set()
        if community in plan.labels:
            after = set(plan.members[plan.labels.index(community)].tolist())
        if before and before != after:
            out.append(
                Violation("locked-community", community, f"锁定社区 {community} 的范围被改变", f"Locked community {community} was changed")
            )
    return out


CONSTRAINTS = (
    every_block_assigned,
    contiguous,
    households_within_bounds,
    nested_in_subdistrict,
    community_count_in_target,
    locks_respected,
)


def violations(plan: Plan, rules: Rules) -> list[Violation]:
    """Every broken rule of ``plan``; empty for a valid plan."""
    return [v for check in CONSTRAINTS for v in check(plan, rules)]
