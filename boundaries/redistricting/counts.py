"""How many communities each connected part of a subdistrict gets, and why some counts are impossible.

A part with H households can hold k communities only if ``ceil(H / max) <= k <=
floor(H / min)``; the planner's target for the whole subdistrict must meet the
sum of those ranges. When it cannot, the household bounds win and the finding
says which subdistrict or part is at fault and why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from boundaries.redistricting.constraints import Violation
from boundaries.redistricting.rules import Rules


@dataclass
class Part:
    blocks: list[int]
    households: int
    all_dense: bool
    pinned_groups: int
    low: int = 1
    high: int = 1
    k: int = 1


def feasible_range(part: Part, rules: Rules, subdistrict: str, findings: list[Violation]) -> None:
    """Set ``part.low/high``: the community counts the household bounds allow."""
    ceiling = rules.ceiling(part.all_dense)
    low = max(1, math.ceil(part.households / ceiling), part.pinned_groups)
    high = part.households // rules.min_households if rules.min_households else len(part.blocks)
    high = min(high, len(part.blocks))
    if part.households < rules.min_households:
        findings.append(
            Violation(
                "infeasible-part",
                subdistrict,
                f"街道 {subdistrict} 中有一片相连街区（{len(part.blocks)} 个街区）仅 {part.households} 户，"
                f"不足一个社区的下限 {rules.min_households}",
                f"In {subdistrict}, a connected group of {len(part.blocks)} blocks has only {part.households} households, "
                f"below the minimum {rules.min_households} of one community",
            )
        )
        high = low
    elif low > high:
        findings.append(
            Violation(
                "infeasible-part",
                subdistrict,
                f"街道 {subdistrict} 中一片 {part.households} 户的相连街区无法分为每个 {rules.min_households}-{ceiling} 户的社区",
                f"In {subdistrict}, a connected group of {part.households} households cannot be split into communities of "
                f"{rules.min_households}-{ceiling} households",
            )
        )
        high = low
    part.low, part.high = low, high


def choose_counts(parts: list[Part], rules: Rules, subdistrict: str, locked: int, findings: list[Violation]) -> None:
    """Pick ``part.k``: near the middle of the bounds, then pushed into the planner's target if one is given."""
    for part in parts:
        middle = (rules.min_households + rules.ceiling(part.all_dense)) / 2
        part.k = min(max(round(part.households / middle) if middle else part.low, part.low), part.high)
    if subdistrict not in rules.targets:
        return
    wanted_low, wanted_high = (t - locked for t in rules.targets[subdistrict])
    while sum(p.k for p in parts) < wanted_low:
        room = [p for p in parts if p.k < p.high]
        if not room:
            break
        max(room, key=lambda p: p.households / p.k).k += 1
    while sum(p.k for p in parts) > wanted_high:
        room = [p for p in parts if p.k > p.low]
        if not room:
            break
        min(room, key=lambda p: p.households / (p.k - 1)).k -= 1
    total = sum(p.k for p in parts) + locked
    low, high = rules.targets[subdistrict]
    if not low <= total <= high:
        possible_low = sum(p.low for p in parts) + locked
        possible_high = sum(p.high for p in parts) + locked
        households = sum(p.households for p in parts)
        findings.append(
            Violation(
                "infeasible-target",
                subdistrict,
                f"街道 {subdistrict} 共 {households} 户，按户数范围只能设 {possible_low}-{possible_high} 个社区，无法满足目标 {low}-{high}",
                f"Subdistrict {subdistrict} has {households} households; the household bounds allow "
                f"{possible_low}-{possible_high} communities, so the target {low}-{high} cannot be met",
            )
        )
