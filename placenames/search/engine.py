"""Forward search and autocomplete over a ``Gazetteer``, ranked.

Order of evidence, strongest first: the whole query is a registered name; it parses
as road + number and the plate exists; the road exists but the number does not
(the nearest registered plates are returned, never an invented point); pinyin or
initials; a name one edit away (typo). Scoping (bbox, admin code) filters, a
focus point breaks ties by distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import shapely

from gis.errors import BadRequest

from . import pinyin
from .gazetteer import Entry, Gazetteer
from .normalize import is_latin, normalize
from .parse import ParsedAddress, parse, strip_prefix

KIND_ORDER = {"subdistrict": 0, "community": 1, "road": 2, "place": 3, "address": 4, "intersection": 5}
MAX_QUERY_CHARS = 100


@dataclass
class Match:
    entry: Entry
    match_type: str  # exact | fuzzy | interpolated | partial
    confidence: float
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Scope:
    bbox: tuple[float, float, float, float] | None = None
    focus: tuple[float, float] | None = None
    admin_code: str | None = None

    def admits(self, entry: Entry) -> bool:
        if self.bbox is not None:
            minx, miny, maxx, maxy = self.bbox
            if not (minx <= entry.point.x <= maxx and miny <= entry.point.y <= maxy):
                return False
        if self.admin_code:
            codes = [entry.admin_code or "", getattr(entry.community, "code", "") or "", getattr(entry.subdistrict, "code", "") or ""]
            if not any(code.startswith(self.admin_code) for code in codes if code):
                return False
        return True


def search(g: Gazetteer, query: str, *, limit: int = 10, scope: Scope = Scope()) -> list[Match]:
    text = _checked(query)
    matches = _pinyin(g, text) if is_latin(query) else _chinese(g, text)
    return _rank(matches, scope, limit)


def structured(g: Gazetteer, *, road: str = "", number: str = "", community: str = "", subdistrict: str = "",
               limit: int = 10, scope: Scope = Scope()) -> list[Match]:
    """Search by parts (road + number, community, subdistrict), written as one address."""
    number = normalize(number)
    if number and not number.endswith("号"):
        number += "号"
    text = "".join(normalize(part) for part in (subdistrict, community, road)) + number
    if not text:
        raise BadRequest("请给出 q 或 road/community/subdistrict", "give q or road/community/subdistrict")
    return _rank(_chinese(g, text), scope, limit)


def autocomplete(g: Gazetteer, prefix: str, *, limit: int = 10, scope: Scope = Scope()) -> list[Match]:
    text = _checked(prefix)
    latin = is_latin(prefix)
    body = text if latin else strip_prefix(text)[0] or text
    candidates = g.prefixed(body, latin, cap=max(100, limit * 10))
    matches = [Match(e, "exact" if key == body else "partial", 1.0 if key == body else 0.8) for key, e in candidates]
    matches.sort(key=lambda m: (-m.confidence, KIND_ORDER[m.entry.kind], len(m.entry.name), m.entry.number or 0, m.entry.name))
    return _rank(matches, scope, limit, keep_order=True)


def _checked(query: str) -> str:
    if not query or not query.strip():
        raise BadRequest("查询内容为空", "the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise BadRequest(f"查询过长（上限 {MAX_QUERY_CHARS} 个字符）", f"query too long (at most {MAX_QUERY_CHARS} characters)")
    text = normalize(query)
    if not text:
        raise BadRequest("查询内容为空", "the query is empty")
    return text


def _pinyin(g: Gazetteer, text: str) -> list[Match]:
    letters = "".join(ch for ch in text if not ch.isdigit() and ch != "-")
    digits = "".join(ch for ch in text if ch.isdigit())
    matches = [Match(e, "exact", 0.9) for e in g.pinyin_full.get(letters, [])]
    matches += [Match(e, "fuzzy", 0.75) for e in g.pinyin_initials.get(letters, [])]
    if digits:  # zijunlu 12: the plate on the road found by pinyin
        plates = [Match(g.plates[normalize(m.entry.name)][digits], m.match_type, m.confidence)
                  for m in matches if m.entry.kind == "road" and digits in g.plates.get(normalize(m.entry.name), {})]
        if plates:  # the number was found: the road alone is now a weaker answer
            matches = plates + [Match(m.entry, "partial", m.confidence * 0.7) for m in matches]
    return matches


def _chinese(g: Gazetteer, text: str) -> list[Match]:
    body, _ = strip_prefix(text)
    for key in dict.fromkeys((text, body)):
        if key in g.names:
            return [Match(e, "exact", 1.0) for e in g.names[key]]
    parsed = parse(text)
    if parsed.intersection:
        return _intersection(g, parsed)
    matches = _address(g, parsed) if parsed.road else []
    if not matches and parsed.road is None:
        for name in (parsed.community, parsed.subdistrict):
            if name and name in g.names:
                matches += [Match(e, "exact", 0.95) for e in g.names[name]]
    if not matches:
        for key in sorted(g.similar_names(body)):
            matches += [Match(e, "fuzzy", 0.8) for e in g.names[key]]
    return matches


def _resolve_road(g: Gazetteer, text: str, number_text: str | None = None) -> tuple[Entry | None, str]:
    """The road a text names: exactly, as its end (leftover words before it), or one edit away.

    Among roads one edit away, prefer one that has the door number asked for, then
    one that sounds the same (a typing slip of the pinyin input method: 子均路 for 子君路).
    """
    if text in g.roads:
        return g.roads[text], "exact"
    for start in range(1, len(text) - 1):
        if text[start:] in g.roads:
            return g.roads[text[start:]], "exact"
    similar = [name for name in g.similar_names(text) if name in g.roads]
    if similar:
        sound = pinyin.keys(text)[0]
        similar.sort(key=lambda name: (number_text is not None and number_text not in g.plates.get(name, {}),
                                       not (pinyin.keys(name)[0] & sound), name))
        return g.roads[similar[0]], "fuzzy"
    return None, ""


def _address(g: Gazetteer, parsed: ParsedAddress) -> list[Match]:
    road, how = _resolve_road(g, parsed.road, parsed.number_text)
    if road is None:
        return []
    confidence = 1.0 if how == "exact" else 0.85
    extra = {k: v for k, v in (("building", parsed.building), ("unit", parsed.unit), ("floor", parsed.floor),
                               ("room", parsed.room)) if v}
    if parsed.number is None:
        return [Match(road, how, confidence * (0.9 if extra else 1.0), extra)]
    plates = g.plates.get(normalize(road.name), {})
    plate = plates.get(parsed.number_text)
    if plate is not None:
        return [Match(plate, how, confidence, extra)]
    neighbours = sorted(plates.values(), key=lambda e: (e.number % 2 != parsed.number % 2, abs(e.number - parsed.number), e.number_text))[:2]
    requested = {"requested_number": parsed.number_text, "registered": False}
    return [Match(e, "partial", 0.5 * confidence, {**extra, **requested}) for e in neighbours] + [Match(road, "partial", 0.4, requested)]


def _intersection(g: Gazetteer, parsed: ParsedAddress) -> list[Match]:
    (a, how_a), (b, how_b) = (_resolve_road(g, name) for name in parsed.intersection)
    if a is None or b is None or a is b:
        return []
    crossing = shapely.intersection(a.geom, b.geom)
    if crossing.is_empty:
        return []  # the roads do not meet: no invented point
    point = crossing if crossing.geom_type == "Point" else shapely.centroid(crossing)
    entry = Entry("intersection", a.id * 1_000_003 + b.id, f"{a.name}与{b.name}交叉口", f"官渡区{a.name}与{b.name}交叉口",
                  point, category="道路交叉口", street=a.name, community=a.community, subdistrict=a.subdistrict)
    exact = how_a == how_b == "exact"
    return [Match(entry, "exact" if exact else "fuzzy", 1.0 if exact else 0.85, {"crossing_street": b.name})]


def _rank(matches: list[Match], scope: Scope, limit: int, *, keep_order: bool = False) -> list[Match]:
    seen, kept = set(), []
    for m in matches:
        key = (m.entry.kind, m.entry.id)
        if key not in seen and scope.admits(m.entry):
            seen.add(key)
            kept.append(m)
    if not keep_order:
        kept.sort(key=lambda m: (-m.confidence, KIND_ORDER[m.entry.kind]))
    if scope.focus is not None:
        fx, fy = scope.focus
        kept.sort(key=lambda m: (-round(m.confidence, 2), math.hypot((m.entry.point.x - fx) * math.cos(math.radians(fy)), m.entry.point.y - fy)))
    return kept[:limit]
