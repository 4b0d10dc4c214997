"""An address as people write it, split into the parts the register knows.

Works on ``normalize``d text. The grammar is this district's (省 市 区 from the
deployment profile, e.g. 四川省 成都市 锦江区):
``[中国][省][市][区][X街道][Y社区] road [number[附|之|-suffix]号] [N幢|栋|座|号楼][N单元][N层|楼][N室|号]``
(or the building, unit and room as ``N-N-N``),
or an intersection ``X路与Y路交叉口``. Only the full district name (…区) is
an administrative prefix, so a landmark that starts with the district's short name keeps its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from gis.profile import DistrictProfile, current_profile

_SUBDISTRICT = re.compile(r"^(?P<name>[^\d]{1,8}?(?:街道办事处|街道|镇))(?=.)")
# A bare 村 is not a community ending here: roads such as 丰村路 start with one.
_COMMUNITY = re.compile(r"^(?P<name>[^\d]{1,10}?(?:社区居民委员会|社区居委会|社区|村民委员会|村委会))(?=.)")
_INTERSECTION = re.compile(
    r"^(?P<a>[^\d]+?(?:路|街|巷|道))(?:与|和|同|跟|&|/)(?P<b>[^\d]+?(?:路|街|巷|道))(?:的)?(?:交叉口|交叉路口|交汇处|交界处|路口|口)?$"
)
_SUBUNIT = re.compile(
    r"(?:(?P<building>\d+)(?:幢|栋|座|号楼))?(?:(?P<unit>\d+)单元)?(?:(?P<floor>\d+)(?:层|楼))?(?:(?P<room>\d+)(?:室|号|户)?)?$"
)
# Building, unit and room written short: 3-2-501 for 3栋2单元501室.
_DASHED_SUBUNIT = re.compile(r"(?P<building>\d+)-(?P<unit>\d+)-(?P<room>\d+)(?:室|号|户)?")
_NUMBER = re.compile(r"^(?P<number>\d+)(?:号)?(?:(?:附|之|-)(?P<suffix>\d+)(?:号)?)?")


@dataclass
class ParsedAddress:
    text: str
    district: bool = False
    subdistrict: str | None = None
    community: str | None = None
    road: str | None = None
    number: int | None = None
    suffix: str = ""
    building: str | None = None
    unit: str | None = None
    floor: str | None = None
    room: str | None = None
    intersection: tuple[str, str] | None = None
    rest: str = ""

    @property
    def number_text(self) -> str | None:
        """The plate's number text as the register writes it: 12, 12-1."""
        if self.number is None:
            return None
        return f"{self.number}-{self.suffix}" if self.suffix else str(self.number)


@lru_cache(maxsize=8)
def _prefix(province: tuple[str, ...], city: tuple[str, ...], district: str) -> re.Pattern:
    def either(names):
        return "|".join(re.escape(n) for n in names)

    return re.compile(rf"^(?:中华人民共和国|中国)?(?:{either(province)})?(?:{either(city)})?(?P<district>{re.escape(district)})?")


def strip_prefix(text: str, profile: DistrictProfile | None = None) -> tuple[str, bool]:
    """Text without 中国/省/市/区 of the profile's district at its start; whether the district was named."""
    match = _prefix(*(profile or current_profile()).prefix_names).match(text)
    assert match is not None  # every part of the pattern is optional
    return text[match.end() :], bool(match.group("district"))


def parse(text: str, profile: DistrictProfile | None = None) -> ParsedAddress:
    """Split normalized text; parts not found stay None."""
    body, district = strip_prefix(text, profile)
    parsed = ParsedAddress(text=text, district=district)
    crossing = _INTERSECTION.match(body)
    if crossing:
        parsed.intersection = (crossing["a"], crossing["b"])
        return parsed
    if match := _SUBDISTRICT.match(body):
        parsed.subdistrict, body = match["name"], body[match.end() :]
    if match := _COMMUNITY.match(body):
        parsed.community, body = match["name"], body[match.end() :]
    digit = re.search(r"\d", body)
    if digit is None:
        parsed.road = body or None
        return parsed
    parsed.road = body[: digit.start()] or None
    tail = body[digit.start() :]
    if re.match(r"^\d+(?:幢|栋|座|号楼|单元|层|楼|室)", tail):  # 子君路25栋: a building, no door number
        _subunits(parsed, tail)
        return parsed
    number = _NUMBER.match(tail)
    assert number is not None  # tail starts at a digit
    parsed.number = int(number["number"])
    parsed.suffix = number["suffix"] or ""
    tail = tail[number.end() :]
    if tail:
        _subunits(parsed, tail)
    return parsed


def _subunits(parsed: ParsedAddress, tail: str) -> None:
    sub = _SUBUNIT.fullmatch(tail)
    if sub and any(sub.groupdict().values()):
        parsed.building, parsed.unit, parsed.floor, parsed.room = sub["building"], sub["unit"], sub["floor"], sub["room"]
    elif dashed := _DASHED_SUBUNIT.fullmatch(tail):
        parsed.building, parsed.unit, parsed.room = dashed["building"], dashed["unit"], dashed["room"]
    else:
        parsed.rest = tail
