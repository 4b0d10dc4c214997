"""The numbering rule itself, without a database: existing plates in, new numbers out.

Numbers follow chainage: on a side, slot k covers [k*spacing, (k+1)*spacing) metres
and stands for one number (odd side 2k+1, even side 2k+2), so empty frontage keeps
its numbers in reserve. A new building takes the free slot nearest its own between
its numbered neighbours; when none is left it gets the lower neighbour's number
with a suffix (12-1). Existing numbers are never changed here.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from .settings import NumberingSettings, slot_of_number, suffix_ordinal


@dataclass(frozen=True)
class Existing:
    """A plate already on the road (current, or retired and so still holding its number)."""

    plate_id: int
    number: int
    suffix: str
    side: str
    chainage: float
    status: str
    building_id: int | None = None


@dataclass(frozen=True)
class Candidate:
    """A building to number on this road: where its entrance lies and how far back it stands."""

    building_id: int
    chainage: float
    side: str
    depth: float = 0.0
    kind: str = "main"


@dataclass
class Assignment:
    building_id: int
    side: str
    chainage: float
    number: int
    suffix: str  # the ordinal, "" or "1", "2"...; the plate text comes from the settings' style
    number_text: str
    kind: str
    reason_zh: str
    reason_en: str
    reuses_plate_id: int | None = None
    placed_by: str = ""  # "entrance" (recorded) or "outline" (nearest point), set by the service


@dataclass
class _Side:
    """What is known about one side while numbering it: anchors sorted by chainage."""

    chainages: list[float] = field(default_factory=list)
    slots: list[int] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    live: list[bool] = field(default_factory=list)  # False for a retired plate: no suffix is hung on it
    taken: set[int] = field(default_factory=set)
    retired: dict[int, int] = field(default_factory=dict)  # base number -> retired plate id (reusable)
    suffixes: dict[int, int] = field(default_factory=dict)  # base number -> highest suffix ordinal

    def add(self, chainage: float, number: int, live: bool = True) -> None:
        at = bisect.bisect_right(self.chainages, chainage)
        self.chainages.insert(at, chainage)
        self.slots.insert(at, slot_of_number(number))
        self.numbers.insert(at, number)
        self.live.insert(at, live)

    def suffix_base(self, at: int) -> int:
        """The number an infill at position ``at`` hangs its suffix on: the nearest current
        plate before it, else after it (a retired number is not revived as 3-1)."""
        before = next((k for k in range(at - 1, -1, -1) if self.live[k]), None)
        after = next((k for k in range(at, len(self.numbers)) if self.live[k]), None)
        chosen = before if before is not None else after if after is not None else max(at - 1, 0)
        return self.numbers[chosen]


def assign(
    settings: NumberingSettings, existing: list[Existing], candidates: list[Candidate], *, allow_retired: bool = False
) -> list[Assignment]:
    """Numbers for ``candidates`` that fit between ``existing`` plates; neighbours keep theirs."""
    sides = {"L": _Side(), "R": _Side()}
    for plate in existing:
        side = sides[plate.side]
        ordinal = suffix_ordinal(plate.suffix)
        side.suffixes[plate.number] = max(side.suffixes.get(plate.number, 0), ordinal)
        if plate.status == "retired" and allow_retired and not ordinal:
            side.retired[plate.number] = plate.plate_id
            continue
        if not ordinal:
            side.taken.add(slot_of_number(plate.number))
        side.add(plate.chainage, plate.number, live=plate.status != "retired")
    ordered = sorted(candidates, key=lambda c: (c.chainage, c.depth, c.building_id))
    return [_assign_one(settings, sides[c.side], c) for c in ordered]


def _assign_one(settings: NumberingSettings, side: _Side, candidate: Candidate) -> Assignment:
    desired = int(math.floor(candidate.chainage / settings.spacing_m))
    at = bisect.bisect_right(side.chainages, candidate.chainage)
    low = side.slots[at - 1] + 1 if at > 0 else 0
    high = side.slots[at] - 1 if at < len(side.slots) else None
    slot = _nearest_free(desired, low, high, side.taken)
    neighbours = _neighbour_text(side, at)
    if slot is not None:
        number = settings.number_for_slot(slot, candidate.side)
        side.taken.add(slot)
        side.add(candidate.chainage, number)
        reuse = side.retired.pop(number, None)
        zh, en = _slot_reason(candidate.chainage, settings.spacing_m, slot, desired, neighbours, reuse is not None)
        return Assignment(candidate.building_id, candidate.side, candidate.chainage, number, "", str(number), candidate.kind, zh, en, reuse)
    base = side.suffix_base(at)
    ordinal = side.suffixes.get(base, 0) + 1
    side.suffixes[base] = ordinal
    side.add(candidate.chainage, base)
    suffix = str(ordinal)
    text = settings.format(base, suffix)
    zh = f"{neighbours[0]}之间无预留号，在 {base} 号后加附号"
    en = f"no reserved number left {neighbours[1]}; infill suffix after {base}"
    return Assignment(candidate.building_id, candidate.side, candidate.chainage, base, suffix, text, candidate.kind, zh, en)


def _nearest_free(desired: int, low: int, high: int | None, taken: set[int]) -> int | None:
    """The free slot in [low, high] closest to ``desired`` (the lower one on a tie)."""
    if high is not None and high < low:
        return None
    start = max(low, desired if high is None else min(desired, high))
    for distance in range(0, 1_000_000):
        for slot in (start - distance, start + distance):
            if slot >= low and (high is None or slot <= high) and slot not in taken:
                return slot
        if start - distance < low and high is not None and start + distance > high:
            return None
    return None


def _neighbour_text(side: _Side, at: int) -> tuple[str, str]:
    before = str(side.numbers[at - 1]) if at > 0 else "起点"
    after = str(side.numbers[at]) if at < len(side.numbers) else "终点"
    before_en = str(side.numbers[at - 1]) if at > 0 else "the start"
    after_en = str(side.numbers[at]) if at < len(side.numbers) else "the end"
    return f"{before} 与 {after}", f"between {before_en} and {after_en}"


def _slot_reason(chainage: float, spacing: float, slot: int, desired: int, neighbours: tuple[str, str], reused: bool) -> tuple[str, str]:
    zh = f"里程 {chainage:.1f} m ÷ 间距 {spacing:g} m → 第 {desired} 号位"
    en = f"chainage {chainage:.1f} m / spacing {spacing:g} m -> slot {desired}"
    if slot != desired:
        zh += f"；该号位已用或越界，取{neighbours[0]}之间最近的预留号位 {slot}"
        en += f"; taken or out of range, nearest reserved slot {neighbours[1]} is {slot}"
    if reused:
        zh += "；经批准重新启用已注销门牌号"
        en += "; reuses a retired number (explicitly allowed)"
    return zh, en
