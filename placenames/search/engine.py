"""Forward search and autocomplete over a ``Gazetteer``, ranked.

Order of evidence, strongest first: the whole query is a registered name; it parses
as road + number and the plate exists; the road exists but the number does not
(the nearest registered plates are returned, never an invented point); pinyin or
initials; a name one edit away (typo). A former name (after a rename) or a
cancelled name is answered too, below any current name that matches as well, and
says so: ``match_type`` ``former_name`` / ``retired_name`` and the extras
``former_name`` and ``name_status``. Scoping (bbox, admin code) filters, a focus
point breaks ties by distance.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
from dataclasses import dataclass, field

import numpy as np
import shapely

from gis.errors import BadRequest

from .. import categories
from . import keys, pinyin, query_forms, spellings
from .distances import planar_distance
from .gazetteer import Entry, Gazetteer, HistoricName
from .normalize import is_latin, normalize
from .parse import ParsedAddress, parse, strip_prefix

KIND_ORDER = {"subdistrict": 0, "community": 1, "road": 2, "place": 3, "compound": 3, "address": 4, "intersection": 5}
MAX_QUERY_CHARS = 100
# Confidence of a query that names a former / a cancelled name exactly: below every
# exact current match, so a name in use today always comes first.
FORMER_CONFIDENCE = 0.7
RETIRED_CONFIDENCE = 0.6
# Words of a building, unit, floor or room after a door plate (3栋2单元501室): a query holding one
# is a whole address, which autocomplete offers as search finds it.
SUB_ADDRESS_WORDS = ("栋", "幢", "单元", "室", "楼", "层")
MAX_RENUMBERINGS = 4  # a number followed through at most this many renumberings
# A search answered by names that begin with the query (nothing is called exactly that).
BEGINS_WITH = 0.6
# A query one slip from a name that is also the beginning of other names (光菊家: 光菊路 one
# character off, 光菊家园 begun): the slip ranks below the names begun, which are likelier meant.
SLIP_BESIDE_BEGINNINGS = 0.5
# A query that names only a kind of place (机场, 区政府): every place of that kind, weakly.
KIND_ONLY = 0.5
# Words before a kind of place that only say "the one here": 区政府, 附近的公园, 最近的医院.
KIND_QUALIFIERS = ("附近的", "最近的", "附近", "最近", "区", "市")
# A word for several generics, as residents ask: 学校 for 小学, 中学 …; 医院 for 卫生院 too.
KIND_FAMILIES = {"学校": ("学校", "小学", "中学", "大学", "学院", "幼儿园"), "医院": ("医院", "卫生院")}
# A kind of place near a named one: 锦里古街附近的小学, 子君路12号旁边的公园.
_NEAR_KIND = re.compile(r"(?P<near>.{2,}?)(?:附近|周边|周围|旁边|一带)的?(?P<kind>.{1,8})")


@dataclass
class Match:
    entry: Entry
    match_type: str  # exact | fuzzy | partial | former_name | retired_name
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
            if entry.point is None or not (minx <= entry.point.x <= maxx and miny <= entry.point.y <= maxy):
                return False
        if self.admin_code:
            codes = [entry.admin_code or "", getattr(entry.community, "code", "") or "", getattr(entry.subdistrict, "code", "") or ""]
            if not any(code.startswith(self.admin_code) for code in codes if code):
                return False
        return True


def search(g: Gazetteer, query: str, *, limit: int = 10, scope: Scope = Scope(), forms: bool = True) -> list[Match]:
    """Ranked answers to a free-text query. With ``forms`` (the default) the way the query
    was written (chain of units, question words, spaces, pinyin, English order, crossing
    wordings) is taken off first by ``query_forms``; a query already in a bare form is
    answered exactly as without it."""
    text = _checked(query)
    latin = is_latin(query)
    with g.reading():
        if not latin:
            g.prime(_substrings(text))
        return _search(g, query, text, latin, limit, scope, forms)


def _search(g: Gazetteer, query: str, text: str, latin: bool, limit: int, scope: Scope, forms: bool) -> list[Match]:
    if not forms:
        return _rank(_pinyin(g, text) if latin else _chinese(g, text), scope, limit)
    if not latin and _NEAR_KIND.search(text) and not _exact(g, text):  # 子君路12号附近的医院: the hospitals, not the plate
        near = _of_kind(g, text, scope, limit)
        if near and "near" in near[0].extra:
            return near
    matches = _understood(g, query, text, latin)
    body = text if latin else strip_prefix(text, g.profile)[0] or text
    if not matches:  # 双桥: nothing is called that, but names begin with it — the same answer autocomplete gives
        matches = [Match(m.entry, "partial", m.confidence * BEGINS_WITH, m.extra) for m in _begins_with(g, body, latin, limit, scope)]
    elif not latin and all(m.match_type == "fuzzy" for m in matches):
        matches = _beside_beginnings(g, matches, body, limit, scope)
    if not matches and not latin:
        return _of_kind(g, text, scope, limit)  # ranked from the place it was asked near, if any
    return _rank(matches, scope, limit)


def _beside_beginnings(g: Gazetteer, fuzzy: list[Match], body: str, limit: int, scope: Scope) -> list[Match]:
    """A query read only loosely (光菊: 光菊路 without its generic; 光菊家: 光菊路 one slip off)
    that is also how other names begin (光菊家园, a compound autocomplete offers): those names
    are answers too, after a name that begins with the query and before a slip."""
    begun = [
        Match(m.entry, "partial", m.confidence * BEGINS_WITH, m.extra)
        for m in _begins_with(g, body, False, limit, scope)
        if m.entry.kind not in ("address", "intersection") and m.match_type == "partial"
    ]
    if not begun:
        return fuzzy
    read = [
        m if normalize(m.entry.name).startswith(body) else Match(m.entry, m.match_type, m.confidence * SLIP_BESIDE_BEGINNINGS, m.extra)
        for m in fuzzy
    ]
    return read + begun


def _substrings(text: str, longest: int = 24) -> list[str]:
    """Every part of the query a name could be (two characters and more, up to ``longest``):
    the engine and the query forms look many of them up one by one, so they are read at once."""
    return [text[i:j] for i in range(len(text)) for j in range(i + 2, min(len(text), i + longest) + 1)]


def _of_kind(g: Gazetteer, text: str, scope: Scope, limit: int) -> list[Match]:
    """机场 / 区政府 / 附近的公园: only a kind of place was asked for. The registered places
    whose names end with that generic word (通名) answer, nearest the focus first when one is
    given - or nearest the place named before it (锦里古街附近的小学), which is then the focus."""
    body = query_forms.peel_prefix(g, text)
    focus, extra = scope.focus, {}
    reach = None  # the named place's line or outline (a road: 子君路附近的小学 measures from the road, not its middle)
    # 锦里古街附近的小学; the named place read before the chain is peeled (关上街道办事处附近的公园)
    for asked in dict.fromkeys((strip_prefix(text, g.profile)[0] or text, body)):
        near = _NEAR_KIND.fullmatch(asked)
        if near is None or not _is_kind(near.group("kind")):
            continue
        found = _understood(g, near.group("near"), near.group("near"), False)[:1]  # exact, or an unregistered number's nearest
        anchor = next((m.entry for m in found if m.match_type == "exact" or m.extra.get("registered") is False), None)
        if anchor is not None and anchor.point is not None:
            body, focus, extra = near.group("kind"), (anchor.point.x, anchor.point.y), {"near": anchor.name}
            if isinstance(anchor.geom, shapely.Geometry) and shapely.get_type_id(anchor.geom) not in (0, 4):  # not a point
                reach = anchor.geom
            break
    for word in KIND_QUALIFIERS:
        if body.startswith(word) and len(body) > len(word):
            body = body[len(word) :]
            break
    if not _is_kind(body):
        return []
    words = KIND_FAMILIES.get(body, (body,))
    places = [
        e
        for word in words
        if word in categories.all_generics()
        for e in g.places_ending_with(word, wanted=limit, focus=reach if reach is not None else focus, admits=scope.admits)
    ]
    matches = [Match(e, "partial", KIND_ONLY, {"kind": body, **extra}) for e in places]
    if reach is not None:  # nearest the line or outline first, not re-sorted from its middle
        order = np.argsort(planar_distance(np.array([m.entry.point for m in matches], dtype=object), reach), kind="stable")
        return _rank([matches[i] for i in order], dataclasses.replace(scope, focus=None), limit, keep_order=True)
    return _rank(matches, dataclasses.replace(scope, focus=focus), limit)


def _is_kind(word: str) -> bool:
    """Whether ``word`` names a kind of place: a generic word (通名) of the category table, or a family of them (学校)."""
    return word in KIND_FAMILIES or word in categories.all_generics()


def _understood(g: Gazetteer, query: str, text: str, latin: bool) -> list[Match]:
    plain = _pinyin(g, text) if latin else None
    if plain or (not latin and _exact(g, text)):  # a bare name, pinyin or initials: as before
        return plain if plain is not None else _chinese(g, text)
    form = query_forms.understand(g, query)
    if not form.text and form.unit is not None:  # only units named: 关上, 双桥居委会, …关上街道双桥社区
        return [Match(form.unit, "exact", 0.95)] + ([Match(form.also, "exact", 0.94)] if form.also is not None else [])
    if form.text and form.text != text and not is_latin(form.text):
        found = _chinese(g, form.text)
        if found:
            return found
    found = plain if plain is not None else _chinese(g, text)
    if not found and form.unit is not None:  # the rest is unknown: the unit is the best answer there is
        found = [Match(form.unit, "partial", 0.6)]
    return found


def _exact(g: Gazetteer, text: str) -> bool:
    body = strip_prefix(text, g.profile)[0]
    return any(key in g.names or key in g.history for key in (text, body))


def suggest(g: Gazetteer, query: str, *, limit: int = 5, scope: Scope = Scope()) -> list[Match]:
    """Suggestions ("did you mean"): what autocomplete offers for ``query``, typing slips forgiven (for a search that found nothing)."""
    return autocomplete(g, query, limit=limit, scope=scope)


def structured(
    g: Gazetteer, *, road: str = "", number: str = "", community: str = "", subdistrict: str = "", limit: int = 10, scope: Scope = Scope()
) -> list[Match]:
    """Search by parts (road + number, community, subdistrict), written as one address."""
    number = normalize(number)
    if number and not number.endswith("号"):
        number += "号"
    text = "".join(normalize(part) for part in (subdistrict, community, road)) + number
    if not text:
        raise BadRequest("请给出 q 或 road/community/subdistrict", "give q or road/community/subdistrict")
    with g.reading():
        return _rank(_chinese(g, text), scope, limit)


def autocomplete(g: Gazetteer, prefix: str, *, limit: int = 10, scope: Scope = Scope()) -> list[Match]:
    text = _checked(prefix)
    latin = is_latin(prefix)
    body = text if latin else strip_prefix(text, g.profile)[0] or text
    with g.reading():
        matches = _begins_with(g, body, latin, limit, scope) or _whole_address(g, prefix, text, latin) or _slipped(g, body, latin, limit)
        return _rank(matches, scope, limit, keep_order=True)


def _whole_address(g: Gazetteer, query: str, text: str, latin: bool) -> list[Match]:
    """A whole address typed before anything was offered (子君路12号3栋2单元, 宏松花园3栋):
    no name begins with it, as a building, unit or room follows the plate; what search finds
    for it exactly is the suggestion."""
    if latin or not any(word in text for word in SUB_ADDRESS_WORDS):
        return []
    g.prime(_substrings(text))
    return [m for m in _understood(g, query, text, latin) if m.match_type == "exact" and m.entry.kind in ("address", "compound")]


def _begins_with(g: Gazetteer, body: str, latin: bool, limit: int, scope: Scope) -> list[Match]:
    """Names beginning with ``body``, the whole name first, current names above former ones.
    Addresses and former names rank below every current name, so they are read only when the
    current names leave room for them (``_room_below``): a first character typed (星) is
    answered by names alone."""
    cap = max(100, limit * 10)
    found = g.prefixed(body, latin, cap, addresses=False)
    room = _room_below(found, scope, limit, cap)
    if room:
        found = g.prefixed(body, latin, cap)  # the names again (read once per query), with addresses
    if not found and not latin:  # 关上街道双… / 请问子君…: the chain and the question off, then the prefix
        peeled = query_forms.peel_prefix(g, body)
        if peeled != body:
            body, found = peeled, g.prefixed(peeled, latin, cap)
    matches = [Match(e, "exact" if key == body else "partial", 1.0 if key == body else 0.8) for key, e in found]
    for key, historic in g.prefixed_history(body, latin, cap) if room else ():  # below every current name
        match = historic_match(historic)
        match.confidence *= 1.0 if key == body else 0.8
        matches.append(match)
    return sorted(matches, key=_suggestion_order)


def _room_below(names: list[tuple[str, Entry]], scope: Scope, limit: int, cap: int) -> bool:
    """Whether addresses or former names could be among the first ``limit`` answers beside
    these current names: unless at least ``limit`` of them are in scope (every one ranks above
    an address of the same confidence by kind, above a former name by confidence). A focus
    ranks by distance instead, and a list long enough for addresses to crowd names out of the
    first ``cap`` (``Gazetteer.prefixed``) must be read as it always was."""
    if scope.focus is not None or len(names) > cap - max(1, cap // 4):
        return True
    return len({(e.kind, e.id) for _, e in names if scope.admits(e)}) < limit


def _slipped(g: Gazetteer, body: str, latin: bool, limit: int) -> list[Match]:
    """Names whose beginning is one typing slip from ``body`` (子均 → 子君路), as search forgives
    a whole name one edit away: the same sound typed with the wrong character first, then one
    character changed, added or left out. Only current names, marked ``fuzzy``."""
    cap = max(100, limit * 10)
    found: dict[tuple[str, int], Match] = {}
    sounds = sorted(pinyin.keys(body)[0]) if not latin else []
    g.prefetch(sounds, latin=True)
    for sound in sounds:  # the pinyin input method's slip: same sound, wrong character
        for _, e in g.prefixed(sound, True, cap):
            found.setdefault((e.kind, e.id), Match(e, "fuzzy", 0.7))
    if len(body) >= 2 and len(found) < limit:
        keep = functools.partial(_may_slip, body=body)
        near = g.prefixed(body[:1], latin, cap * 20, addresses=False, keep=keep) if latin else g.slipped_beginnings(body, cap * 20, keep)
        for key, e in near:
            if any(_one_edit(key[: len(body) + d], body) for d in (-1, 0, 1)):
                found.setdefault((e.kind, e.id), Match(e, "fuzzy", 0.6))
            elif e.kind == "road" and len(body) > len(key) and _one_edit(key, body[: len(key)]):
                for _, plate in g.prefixed(key + body[len(key) :], latin, limit):  # 子均路1: 子君路1号, 子君路10号 …
                    found.setdefault((plate.kind, plate.id), Match(plate, "fuzzy", 0.6))
    return sorted(found.values(), key=_suggestion_order)


def _may_slip(key: str, body: str) -> bool:
    """Whether a name's key could be what ``body`` slipped from (``_slipped`` checks its kind after)."""
    return any(_one_edit(key[: len(body) + d], body) for d in (-1, 0, 1)) or (len(body) > len(key) and _one_edit(key, body[: len(key)]))


def _one_edit(a: str, b: str) -> bool:
    return a != b and keys.one_edit_apart(a, b)


def _suggestion_order(m: Match) -> tuple:
    return (-m.confidence, KIND_ORDER[m.entry.kind], len(m.entry.name), m.entry.number or 0, m.entry.name)


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
    matches += [historic_match(h) for h in g.history_pinyin.get(letters, [])]
    if digits:  # zijunlu 12: the plate on the road found by pinyin
        plates = []
        for m in matches:
            on_road = g.plates.get(normalize(m.entry.name)) if m.entry.kind == "road" else None
            plate = on_road.get(digits) if on_road is not None else None
            if plate is not None:
                plates.append(Match(plate, m.match_type, m.confidence, m.extra))
        if plates:  # the number was found: the road alone is now a weaker answer
            matches = plates + [Match(m.entry, "partial", m.confidence * 0.7, m.extra) for m in matches]
    return matches


def _chinese(g: Gazetteer, text: str) -> list[Match]:
    body, _ = strip_prefix(text, g.profile)
    keys = list(dict.fromkeys((text, body)))
    for key in keys:
        if key in g.names:  # a current name (and, below it, anything that bore it before)
            return [Match(e, "exact", 1.0) for e in g.names[key]] + [historic_match(h) for h in g.history.get(key, [])]
    for key in keys:
        if key in g.history:
            return [historic_match(h) for h in g.history[key]]
    parsed = parse(text, g.profile)
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


def _resolve_road(g: Gazetteer, text: str, number_text: str | None = None) -> tuple[Entry | None, str, HistoricName | None]:
    """The road a text names: exactly, as its end (leftover words before it), by a
    former name of the road, or one edit away; with the former name when that was it.

    Among roads one edit away, prefer one that has the door number asked for, then
    one that sounds the same (a typing slip of the pinyin input method: 子均路 for 子君路).
    """
    for start in range(0, max(1, len(text) - 1)):  # the whole text first, then without leftover words before
        if text[start:] in g.roads:
            return g.roads[text[start:]], "exact", None
        if text[start:] in g.history_roads:
            historic = g.history_roads[text[start:]]
            return historic.entry, "former", historic
    similar = [name for name in g.similar_names(text) if name in g.roads]
    if similar:
        sound = pinyin.keys(text)[0]
        similar.sort(
            key=lambda name: (
                number_text is not None and number_text not in g.plates.get(name, {}),
                not (pinyin.keys(name)[0] & sound),
                name,
            )
        )
        return g.roads[similar[0]], "fuzzy", None
    return None, "", None


def _address(g: Gazetteer, parsed: ParsedAddress) -> list[Match]:
    if not parsed.road:
        return []
    road, how, historic = _resolve_road(g, parsed.road, parsed.number_text)
    if road is None:
        return []
    confidence = {"exact": 1.0, "former": 0.9, "fuzzy": 0.85}[how]
    match_type = "former_name" if historic is not None else how
    extra = {k: v for k, v in (("building", parsed.building), ("unit", parsed.unit), ("floor", parsed.floor), ("room", parsed.room)) if v}
    if historic is not None:
        extra.update(historic_extra(historic))
    elif road.status == "retired":  # the centreline is still there, its name was cancelled
        match_type, confidence = "retired_name", confidence * RETIRED_CONFIDENCE
        extra.update(historic_extra(HistoricName(road.name, "retired", road, road.retired_on)))
    number, number_text = parsed.number, parsed.number_text
    if number is None or number_text is None:  # (both or neither)
        return [Match(road, match_type, confidence * (0.9 if extra else 1.0), extra)]
    plates = g.plates.get(normalize(road.name))
    plate = plates.get(number_text) if plates is not None else None
    if plate is not None:
        return [_in_compound(g, Match(plate, match_type, confidence, extra))]
    neighbours = plates.nearest_numbers(number, 2) if plates is not None else []
    requested = {**extra, "requested_number": parsed.number_text, "registered": False}
    now = _changed_number(g, plates, number_text, confidence, requested) if plates is not None else []
    return now + [Match(e, "partial", 0.5 * confidence, requested) for e in neighbours] + [Match(road, "partial", 0.4, requested)]


def _changed_number(g: Gazetteer, plates, number_text: str, confidence: float, requested: dict) -> list[Match]:
    """A number the road once carried (子君路134号 on an old certificate): renumbered, the plate
    under its number now comes first; retired, ``requested`` says when and why, and the
    compound the plate went into (its outline holds where the plate stood) comes first, as its
    address replaced the plate's. Nothing when the number never was on the road."""
    change = plates.last_change(number_text)
    for _ in range(MAX_RENUMBERINGS):  # renumbered, perhaps more than once
        if change is None or change.change == "retire" or not change.new_text:
            break
        now = plates.get(change.new_text)
        if now is not None:
            day = _local_day(g, change.at)
            note = {"zh": f"{change.old_address}已于{day}改为{now.label}", "en": f"{change.old_address} became {now.label} on {day}"}
            former = {**requested, "former_address": change.old_address, "changed_on": day, "note": note}
            return [Match(now, "former_address", FORMER_CONFIDENCE * confidence, former)]
        change = plates.last_change(change.new_text)
    if change is None or change.change != "retire":
        return []
    day = _local_day(g, change.at)
    why = f"（{change.note}）" if change.note else ""
    note = {
        "zh": f"{change.old_address}已于{day}注销{why}",
        "en": f"{change.old_address} was retired on {day}" + (f" ({change.note})" if change.note else ""),
    }
    requested.update(retired_on=day, note=note)
    compound = g.compound_holding(change.point)
    if compound is None:
        return []
    return [Match(compound, "former_address", FORMER_CONFIDENCE * confidence, {**requested, "former_address": change.old_address})]


def _local_day(g: Gazetteer, moment) -> str:
    """The day of a stored UTC time in the district's time zone (Beijing time in China)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(g.profile.zone).date().isoformat()


def _in_compound(g: Gazetteer, match: Match) -> Match:
    """A compound's plate asked with a 楼栋号 (子君路88号3栋): the building itself, placed where it
    stands, with the compound's name; a 楼栋号 the compound does not have is not invented - the
    answer is the compound's address, saying which building was asked for."""
    label = match.extra.get("building")
    compound = g.compound(match.entry.id) if label is not None else None
    if compound is None or label is None:
        return match
    found = compound.buildings.get(label)
    if found is None:
        extra = {k: v for k, v in match.extra.items() if k not in ("building", "unit", "floor", "room")}
        extra.update(compound=compound.name, requested_building=label)
        return Match(match.entry, "partial", match.confidence * 0.5, extra)
    building_id, point = found
    entry = dataclasses.replace(match.entry, point=point)
    return Match(entry, match.match_type, match.confidence, {**match.extra, "compound": compound.name, "building_id": building_id})


def historic_match(historic: HistoricName) -> Match:
    """The answer to a query naming a former or a cancelled name exactly."""
    if historic.status == "former":
        return Match(historic.entry, "former_name", FORMER_CONFIDENCE, historic_extra(historic))
    return Match(historic.entry, "retired_name", RETIRED_CONFIDENCE, historic_extra(historic))


def historic_extra(historic: HistoricName) -> dict:
    """What a result found by a no-longer-current name says about that name."""
    current = historic.entry.name if historic.entry.kind != "address" else historic.entry.street
    if historic.status == "former":
        return {
            "former_name": historic.name,
            "former_name_until": historic.until.isoformat() if historic.until else None,
            "note": {"zh": f"“{historic.name}”为“{current}”的曾用名", "en": f"'{historic.name}' is a former name of '{current}'"},
        }
    until = historic.until.isoformat() if historic.until else None
    return {
        "note": {
            "zh": f"“{historic.name}”已撤销（{until or '日期不详'}），不再是标准地名",
            "en": f"'{historic.name}' was cancelled ({until or 'date unknown'}) and is no longer a standard name",
        }
    }


def _intersection(g: Gazetteer, parsed: ParsedAddress) -> list[Match]:
    assert parsed.intersection is not None  # the caller checked
    (a, how_a, _), (b, how_b, _) = (_resolve_road(g, name) for name in parsed.intersection)
    if a is None or b is None or (a.kind, a.id) == (b.kind, b.id):
        return []
    crossing = shapely.intersection(a.geom, b.geom)
    if crossing.is_empty:
        return []  # the roads do not meet: no invented point
    point = crossing if crossing.geom_type == "Point" else shapely.centroid(crossing)
    entry = Entry(
        "intersection",
        a.id * 1_000_003 + b.id,
        f"{a.name}与{b.name}交叉口",
        f"{g.profile.name.zh}{a.name}与{b.name}交叉口",
        point,
        category="道路交叉口",
        romanization=spellings.of_crossing(a.romanization, b.romanization),
        street=a.name,
        community=a.community,
        subdistrict=a.subdistrict,
    )
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
        kept.sort(
            key=lambda m: (
                -round(m.confidence, 2),
                math.inf
                if m.entry.point is None
                else math.hypot((m.entry.point.x - fx) * math.cos(math.radians(fy)), m.entry.point.y - fy),
            )
        )
    return kept[:limit]
