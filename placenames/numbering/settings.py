"""Numbering conventions as data: a district's defaults overlaid by a road's own choices.

Why data: the sources disagree city by city (Beijing numbers E-W streets from the
east with odd on the north side; the "generic rule" goes E->W and S->N, left odd;
Jinan uses metres from the zero point). A district picks its defaults; a road may
deviate. Nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from gis.errors import InvalidInput
from placenames.sides import LEFT, RIGHT

# forward/reverse: relative to the stored geometry; the from_* values pick the end
# by the road's orientation (mostly east-west -> first word, else second word).
DIRECTIONS = (
    "forward",
    "reverse",
    "from_east_or_south",
    "from_east_or_north",
    "from_west_or_south",
    "from_west_or_north",
)
SIDES = (LEFT, RIGHT)
SUFFIX_STYLES = {"-": "{n}-{k}", "附": "{n}附{k}", "之": "{n}之{k}"}


@dataclass(frozen=True)
class NumberingSettings:
    direction: str = "from_east_or_south"
    odd_side: str = LEFT
    spacing_m: float = 4.0
    suffix_style: str = "-"
    reach_m: float = 60.0

    def __post_init__(self):
        problems: list[tuple[str, str, tuple[str, ...]]] = []
        if self.direction not in DIRECTIONS:
            problems.append(("direction", self.direction, DIRECTIONS))
        if self.odd_side not in SIDES:
            problems.append(("odd_side", self.odd_side, SIDES))
        if self.suffix_style not in SUFFIX_STYLES:
            problems.append(("suffix_style", self.suffix_style, tuple(SUFFIX_STYLES)))
        if problems:
            names = ", ".join(f"{name}={value!r} (allowed: {', '.join(allowed)})" for name, value, allowed in problems)
            invalid = [p[0] for p in problems]
            raise InvalidInput(f"编号规则取值无效：{names}", f"Invalid numbering setting: {names}", details={"invalid": invalid})
        for name in ("spacing_m", "reach_m"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not 0 < value <= 1000:
                raise InvalidInput(f"{name} 应为 0 到 1000 之间的米数", f"{name} must be metres in (0, 1000]", details={"invalid": [name]})

    def side_of_number(self, number: int) -> str:
        """L or R: the side an odd/even number belongs to under these settings."""
        even_side = RIGHT if self.odd_side == LEFT else LEFT
        return self.odd_side if number % 2 else even_side

    def number_for_slot(self, slot: int, side: str) -> int:
        """Slot k (k-th spacing interval from the start) on a side -> its door number."""
        return 2 * slot + (1 if side == self.odd_side else 2)

    def format(self, number: int, suffix: str) -> str:
        """The number as written on the plate, e.g. 12, 12-1, 12附1, 12之1."""
        ordinal = suffix_ordinal(suffix)
        return str(number) if not ordinal else SUFFIX_STYLES[self.suffix_style].format(n=number, k=ordinal)

    def overlay(self, **overrides) -> NumberingSettings:
        """These settings with the non-empty ``overrides`` applied (a road over its district)."""
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in overrides.items() if k in known and v is not None})


def slot_of_number(number: int) -> int:
    """The spacing interval a door number stands for (1,2 -> 0; 3,4 -> 1; ...)."""
    return (number - 1) // 2


def suffix_ordinal(suffix: str | None) -> int:
    """The k of an infill suffix stored as "1", "-1", "附1" or "之1" (0 for none)."""
    if not suffix:
        return 0
    match = re.search(r"(\d+)$", suffix)
    return int(match.group(1)) if match else 0
