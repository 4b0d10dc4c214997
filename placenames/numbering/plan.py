"""The numbering rule itself, without a database: existing plates in, new numbers out.

Numbers follow chainage: on a side, slot k covers [k*spacing, (k+1)*spacing) metres
and stands for one number (odd side 2k+1, even side 2k+2), so empty frontage keeps
its numbers in reserve. A new building takes the free slot nearest its own between
its numbered neighbours; when none is left it gets the lower neighbour's number
with a suffix (12-1). Existing numbers are never changed here.

A retired number only blocks its own number: it is not a neighbour. After a whole-road
renumbering (``renumber``) a retired number no longer sits at its old chainage, so
letting it bound the search would push every later number up.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from placenames.sides import LEFT, RIGHT

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
    taken: set[int] = field(default_factory=set)
    retired: dict[int, int] = field(default_factory=dict)  # base number -> retired plate id (reusable)
    suffixes: dict[int, int] = field(default_factory=dict)  # base number -> highest suffix ordinal

    def add(self, chainage: float, number: int) -> None:
        at = bisect.bisect_right(self.chainages, chainage)
        self.chainages.insert(at, chainage)
        self.slots.insert(at, slot_of_number(number))
        self.numbers.insert(at, number)

    def suffix_base(self, at: int) -> int:
        """The number an infill at position ``at`` hangs its suffix on: the current plate
        before it, else the one after it (retired numbers are no neighbours, so a
        demolished 3 is not revived as 3-1)."""
        return self.numbers[at - 1] if at > 0 else self.numbers[at]


def assign(
    settings: NumberingSettings, existing: list[Existing], candidates: list[Candidate], *, allow_retired: bool = False
) -> list[Assignment]:
    """Numbers for ``candidates`` that fit between ``existing`` plates; neighbours keep theirs."""
    sides = {LEFT: _Side(), RIGHT: _Side()}
    for plate in existing:
        # a retired number blocks the side its parity belongs to (the side it stood on may differ
        # after the road's odd side changed)
        side = sides[settings.side_of_number(plate.number) if plate.status == "retired" else plate.side]
        ordinal = suffix_ordinal(plate.suffix)
        side.suffixes[plate.number] = max(side.suffixes.get(plate.number, 0), ordinal)
        if plate.status == "retired" and allow_retired and not ordinal:
            side.retired[plate.number] = plate.plate_id
            continue
        if not ordinal:
            side.taken.add(slot_of_number(plate.number))
        if plate.status != "retired":  # a retired number blocks its number, it is no neighbour
            side.add(plate.chainage, plate.number)
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


def renumber(settings: NumberingSettings, retired: list[Existing], candidates: list[Candidate]) -> list[Assignment]:
    """Fresh numbers for every plate of a road (a whole-road renumbering), on the fixed grid.

    Each plate takes the number of its own chainage slot (``number_for_slot(floor(chainage /
    spacing), side)``), so both sides stay aligned and a gap stays a gap. Only when that number
    is retired or already used by the plate before it does the plate take the nearest free
    number between that plate and the next plate's slot; when none is left it takes the
    previous number with a suffix. Retired numbers (``retired``, by their parity) are never
    handed out again and are not neighbours: they shift nothing.
    """
    blocked: dict[str, set[int]] = {LEFT: set(), RIGHT: set()}
    suffixes: dict[str, dict[int, int]] = {LEFT: {}, RIGHT: {}}
    for plate in retired:
        side = settings.side_of_number(plate.number)
        ordinal = suffix_ordinal(plate.suffix)
        if ordinal:
            suffixes[side][plate.number] = max(suffixes[side].get(plate.number, 0), ordinal)
        else:
            blocked[side].add(slot_of_number(plate.number))
    out = []
    for side in (LEFT, RIGHT):
        row = sorted((c for c in candidates if c.side == side), key=lambda c: (c.chainage, c.depth, c.building_id))
        desired = [int(math.floor(c.chainage / settings.spacing_m)) for c in row]
        last_slot, last_number = -1, None
        for i, candidate in enumerate(row):
            want = desired[i]
            grid = f"里程 {candidate.chainage:.1f} m ÷ 间距 {settings.spacing_m:g} m → 第 {want} 号位"
            grid_en = f"chainage {candidate.chainage:.1f} m / spacing {settings.spacing_m:g} m -> slot {want}"
            if want > last_slot and want not in blocked[side]:
                slot: int | None = want
                zh, en = f"{grid}（整街按里程定号）", f"{grid_en} (whole road numbered by chainage)"
            else:
                high: int | None = desired[i + 1] - 1 if i + 1 < len(row) and last_number is not None else None
                slot = _nearest_free(want, last_slot + 1, high, blocked[side])
                why = "已注销，不再使用" if want in blocked[side] else "已由前一门牌使用"
                why_en = "is retired and not reused" if want in blocked[side] else "is used by the plate before"
                zh = f"{grid}；该号{why}，取前后门牌之间最近的空号位 {slot}"
                en = f"{grid_en}; that number {why_en}, nearest free slot between the neighbours is {slot}"
            if slot is not None:
                number = settings.number_for_slot(slot, side)
                last_slot, last_number = slot, number
                out.append(Assignment(candidate.building_id, side, candidate.chainage, number, "", str(number), candidate.kind, zh, en))
                continue
            assert last_number is not None  # the first plate of a side always finds a slot
            ordinal = suffixes[side].get(last_number, 0) + 1
            suffixes[side][last_number] = ordinal
            text = settings.format(last_number, str(ordinal))
            zh = f"{grid}；与前一门牌之间无空号，在 {last_number} 号后加附号"
            en = f"{grid_en}; no free number after the plate before, suffix after {last_number}"
            out.append(Assignment(candidate.building_id, side, candidate.chainage, last_number, str(ordinal), text, candidate.kind, zh, en))
    return out
