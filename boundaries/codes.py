"""Unit codes at each of the five levels, and whether a code fits its parent.

The first three levels use the 12-digit statistical division codes (NBS):
district ``530103000000``, subdistrict ``530103001000`` (district's first 6 digits +
3), community ``530103001001`` (subdistrict's first 9 + 3). Below them there is no
national code, so diming uses the grid practice of appending serials (as Beijing's
DB11 15-digit grid code does): resident group = community code + 3 digits (15
digits), building = group code + 4 digits (19 digits). Serials run west→east,
north→south.
"""

from __future__ import annotations

import re

from gis.errors import InvalidInput

PATTERNS = {
    "district": re.compile(r"^\d{6}000000$"),
    "subdistrict": re.compile(r"^\d{9}000$"),
    "community": re.compile(r"^\d{12}$"),
    "group": re.compile(r"^\d{15}$"),
    "building": re.compile(r"^\d{19}$"),
}
# how many leading digits a child shares with its parent
PARENT_PREFIX = {"subdistrict": 6, "community": 9, "group": 12, "building": 15}


def check_code(code: str, level: str, parent_code: str | None = None) -> None:
    """Refuse a code that does not fit its level or does not start with its parent's digits."""
    pattern = PATTERNS.get(level)
    if pattern is None:
        raise InvalidInput(f"未知的区划层级：{level}", f"Unknown unit level: {level}")
    community_serial_zero = level == "community" and (code or "").endswith("000")
    if not pattern.match(code or "") or community_serial_zero:
        raise InvalidInput(f"代码 {code} 不符合{level}层级的编码规则", f"Code {code} does not follow the code rule of level {level}")
    if parent_code is not None and level in PARENT_PREFIX:
        digits = PARENT_PREFIX[level]
        if code[:digits] != parent_code[:digits]:
            raise InvalidInput(
                f"代码 {code} 与上级 {parent_code} 不符", f"Code {code} does not start with its parent {parent_code}'s digits"
            )
