"""The many ways people write one address, brought to the one form the register matches.

Real queries carry more than the address: the whole administrative chain before it
(省 市 区 街道 社区, each with or without its generic word: 关上 for 关上街道, 双桥 or
双桥居委会 for 双桥社区居民委员会), a question around it (…在哪里, 请问…), spaces
between words, pinyin mixed with characters (chengdu 锦江区 zijun lu 12), English word
order and generic words (No. 12 Zijun Road), and road crossings in several wordings
(子君路民航路口, 子君路和民航路交汇处附近, Zijun Rd & Minhang Rd), and often the postal code
(610000 成都市…, …12号（邮编610000）). ``understand`` peels all
of that off and returns the core the engine already matches (``子君路12号``,
``子君路与民航路交叉口``) plus the smallest administrative unit named, which is the answer
when nothing else is left.

Every name comes from the deployment profile (province, city, district) and from the
gazetteer's own units and roads, so no district is written here. A short form (no
generic word) is peeled only where the text does not go on as a registered name, so a
road or place that starts with a unit's name keeps its name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import shapely

from . import pinyin
from .gazetteer import Entry, Gazetteer
from .normalize import normalize, simplify

# Generic words of units, longest first; a unit may be written with any of them or none.
SUBDISTRICT_GENERICS = ("街道办事处", "街道办", "街道", "办事处", "镇", "乡")
COMMUNITY_GENERICS = (
    "社区居民委员会",
    "社区居委会",
    "社区服务中心",
    "社区服务站",
    "社区工作站",
    "村民委员会",
    "居民委员会",
    "社区",
    "居委会",
    "村委会",
    "村",
)
# Words around an address that ask for it rather than name it.
LEADING_FILLER = tuple(
    "请问一下 请问 请帮我查一下 帮我查一下 帮我找一下 帮我查 帮我找 查一下 查询 查找 搜索 "
    "我想去 我要去 我想找 怎么去 导航到 导航去 导航 前往 位于 地址是 地址 去 到 在".split()
)
TRAILING_FILLER = tuple(
    "在什么地方 在什么位置 在哪个位置 在哪里啊 在哪里呀 在哪里 在哪儿 在哪 是哪里 怎么走 怎么去 "
    "的具体位置 的位置 的地址 具体位置 位置 地址 办公地点 办公地址 办公室 哪里 附近 周边 一带 旁边 对面 那边 这边 "
    "大门口 正门口 门口 东门 西门 南门 北门 正门 大门 后门 侧门 出入口 入口 "
    "吗 呢 呀 啊 的".split()
)
# Endings that mark a crossing; 路口 may have eaten the second road's 路 (民航路口).
CROSSING_ENDINGS = (
    "十字路口",
    "丁字路口",
    "交叉路口",
    "交叉口",
    "交汇处",
    "交汇口",
    "交会处",
    "交界处",
    "交接处",
    "路口",
    "交口",
    "岔口",
    "口",
)
CONNECTORS = ("与", "和", "同", "跟", "及", "交", "至", "&", "/", "、", "")
ROAD_ENDINGS = ("路", "街", "巷", "道", "大道", "弄", "里")
COMPOUND_GENERIC = "小区"  # written after a compound's name that does not end with it (宏松花园小区)
COMPOUND_STEM_CAP = 50  # names read to find the one compound that 小区 after a name's beginning means

# English and pinyin words of an address typed on a Latin keyboard.
_EN_GENERIC = {
    "road": "lu",
    "rd": "lu",
    "lu": "lu",
    "street": "jie",
    "st": "jie",
    "jie": "jie",
    "lane": "xiang",
    "ln": "xiang",
    "alley": "xiang",
    "xiang": "xiang",
    "avenue": "dadao",
    "ave": "dadao",
    "boulevard": "dadao",
    "dadao": "dadao",
    "community": "shequ",
    "shequ": "shequ",
    "subdistrict": "jiedao",
    "jiedao": "jiedao",
    "town": "zhen",
    "village": "cun",
}
_EN_DIRECTION = {
    "east": "dong",
    "e": "dong",
    "west": "xi",
    "w": "xi",
    "south": "nan",
    "s": "nan",
    "north": "bei",
    "n": "bei",
    "middle": "zhong",
    "central": "zhong",
}
_EN_SUBUNIT = {
    "room": "室",
    "rm": "室",
    "unit": "单元",
    "building": "栋",
    "bldg": "栋",
    "block": "栋",
    "blk": "栋",
    "floor": "层",
    "fl": "层",
}
_EN_NUMBER = {"no", "number", "num", "nr"}
_EN_AND = {"and", "with"}
_EN_DROP = set(
    "the of at near intersection junction crossing corner cross where is please find in to how go get "
    "china pr prc p r people peoples s republic province prov city district dist county "
    "residents residential committee neighborhood neighbourhood office sub sheng shi qu".split()
)
_TOKEN = re.compile(r"[a-z]+|\d+(?:-\d+)?|[^\sa-z\d.,，。;；:：'\"“”‘’()（）\[\]【】#＃!！?？/、&]+|[/、&]")


@dataclass
class Understood:
    """What a query says once the way it was written is taken off."""

    text: str  # the core, normalized: road [number][sub-building], a crossing, or a name; "" when only units were named
    unit: Entry | None = None  # the smallest unit named (community, else subdistrict)
    peeled: list[str] = field(default_factory=list)  # what was taken off, for the record
    also: Entry | None = None  # a community that bears the subdistrict's short name (关上 and 关上社区)


@dataclass
class Lexicon:
    """Every spelling of the district's units and of its province, city and district."""

    admin: list[str]  # province, city, district spellings (Chinese), longest first
    district_short: str  # the district's name without 区/县/市 (锦江): peeled only before a known name
    admin_latin: set[str]  # the same in pinyin / English, lower case, run together
    subdistricts: dict[str, list[Entry]]  # every written form -> units
    communities: dict[str, list[Entry]]
    short_forms: set[str]  # forms without a generic word (关上, 双桥)
    latin_units: dict[str, list[Entry]]  # pinyin of every form -> units


def lexicon(g: Gazetteer) -> Lexicon:
    """The gazetteer's lexicon, built on first use and kept with it."""
    if not isinstance(g.forms_lexicon, Lexicon):
        g.forms_lexicon = _build(g)
    assert isinstance(g.forms_lexicon, Lexicon)
    return g.forms_lexicon


def _base(name: str, generics: tuple[str, ...]) -> str:
    for ending in generics:
        if name.endswith(ending) and len(name) > len(ending) + 1:
            return name[: -len(ending)]
    return name


def _build(g: Gazetteer) -> Lexicon:
    profile = g.profile
    provinces, cities, district = profile.prefix_names
    district_short = _base(district, ("自治县", "区", "县", "市", "旗"))
    admin = sorted({*provinces, *cities, district, "中华人民共和国", "中国"}, key=len, reverse=True)
    admin_latin = {"zhongguo"}
    for bilingual in (profile.province, profile.city, profile.name):
        words = re.findall(r"[a-z]+", bilingual.en.lower())
        admin_latin |= {"".join(words), "".join(w for w in words if w not in _EN_DROP)}
    for spelling in (*provinces, *cities, district, district_short):
        admin_latin |= set(pinyin.keys(normalize(spelling))[0])
    subdistricts: dict[str, list[Entry]] = {}
    communities: dict[str, list[Entry]] = {}
    short_forms: set[str] = set()
    latin_units: dict[str, list[Entry]] = {}
    for entry in g.unit_entries:
        generics: tuple[str, ...] = SUBDISTRICT_GENERICS if entry.kind == "subdistrict" else COMMUNITY_GENERICS
        target = subdistricts if entry.kind == "subdistrict" else communities
        base = normalize(_base(entry.name, generics))
        if entry.kind == "community":  # a 社区 is not written as a 村, nor a 村 as a 社区
            village = entry.name.endswith(("村民委员会", "村委会", "村"))
            generics = tuple(ending for ending in generics if ending.startswith("村") == village)
        forms = {normalize(entry.name), base, *(base + ending for ending in generics)}
        if len(base) >= 2 and base != normalize(entry.name):
            short_forms.add(base)
        for form in forms:
            if len(form) < 2:
                continue
            target.setdefault(form, [])
            if entry not in target[form]:
                target[form].append(entry)
            for key in pinyin.keys(form)[0]:
                latin_units.setdefault(key, [])
                if entry not in latin_units[key]:
                    latin_units[key].append(entry)
    return Lexicon(admin, normalize(district_short), admin_latin, subdistricts, communities, short_forms, latin_units)


# --- Latin letters: pinyin and English ----------------------------------------------


def _latin_words_to_key(words: list[str]) -> str | None:
    """zhongshan road east -> zhongshandonglu (a direction after the generic goes before it)."""
    parts = [_EN_GENERIC.get(w, _EN_DIRECTION.get(w, w)) if i else w for i, w in enumerate(words)]
    if len(words) >= 2 and words[-1] in _EN_DIRECTION and words[-2] in _EN_GENERIC:
        parts[-2], parts[-1] = parts[-1], parts[-2]
    return "".join(parts)


def _has_any_number(g: Gazetteer, road: str, numbers: set[str]) -> bool:
    plates = g.plates.get(normalize(road))
    return plates is not None and any(number in plates for number in numbers)


def _name_from_latin(g: Gazetteer, lex: Lexicon, words: list[str], numbers: set[str]) -> tuple[str, str] | None:
    """(kind, Chinese name) of a run of Latin words, or None: admin, unit, road, place."""
    key = _latin_words_to_key(words)
    if not key:
        return None
    if key in lex.admin_latin or "".join(words) in lex.admin_latin:
        return ("admin", "")
    entries = g.pinyin_full.get(key, [])
    roads = sorted((e for e in entries if e.kind == "road"), key=lambda e: not _has_any_number(g, e.name, numbers))
    if roads:  # same sound, several roads (新禾街, 新河街): the one that has the number asked for
        return ("road", "|".join(dict.fromkeys(e.name for e in roads)))
    units = lex.latin_units.get(key, [])
    if units:
        return (units[0].kind, units[0].name)
    others = [e for e in entries if e.kind in ("place", "community", "subdistrict")]
    if others:
        return (others[0].kind, others[0].name)
    return None


def _from_latin(g: Gazetteer, lex: Lexicon, raw: str) -> str:
    """Rewrite the Latin words of a query in characters and Chinese order; Chinese parts stay."""
    tokens = _TOKEN.findall(raw)
    out: list[tuple[str, str]] = []  # (kind, text)
    subunits: list[tuple[str, str]] = []
    numbers = {t for t in tokens if t[0].isdigit()}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isascii() and token.isalpha():
            if token in _EN_SUBUNIT and i + 1 < len(tokens) and tokens[i + 1][0].isdigit():
                subunits.append((_EN_SUBUNIT[token], tokens[i + 1]))
                i += 2
                continue
            if token in _EN_NUMBER and i + 1 < len(tokens) and tokens[i + 1][0].isdigit():
                out.append(("num", tokens[i + 1]))
                i += 2
                continue
            run = i
            while run < len(tokens) and tokens[run].isascii() and tokens[run].isalpha() and run - i < 7:
                run += 1
            found = None
            for end in range(run, i, -1):  # the longest run of words that names something
                found = _name_from_latin(g, lex, tokens[i:end], numbers)
                if found is not None:
                    break
            if found is not None:
                kind, name = found
                if kind != "admin":
                    out.append((kind, name))
                i = end
                continue
            if token in _EN_AND:
                out.append(("zh", "与"))
            elif token not in _EN_DROP and token not in _EN_GENERIC:
                out.append(("zh", token))
            i += 1
            continue
        if token in ("&", "/", "、"):
            out.append(("zh", "与"))
        elif token[0].isdigit():
            out.append(("num" if i + 1 < len(tokens) and tokens[i + 1].isascii() and tokens[i + 1].isalpha() else "zh", token))
        else:
            out.append(("zh", token))
        i += 1
    # English order: "12 Zijun Road" / "No. 12 Zijun Road" -> 子君路12号
    for index, (kind, text) in enumerate(out):
        if kind == "num":
            later = next((j for j in range(index + 1, len(out)) if out[j][0] == "road"), None)
            earlier = any(k == "road" for k, _ in out[:index])
            if later is not None and not earlier:
                out.insert(later + 1, ("zh", f"{text}号"))
                out[index] = ("zh", "")
            else:
                out[index] = ("zh", f"{text}号")
    order = {"栋": 0, "单元": 1, "层": 2, "室": 3}
    tail = "".join(f"{n}{word}" for word, n in sorted(subunits, key=lambda s: order[s[0]]))
    roads = [text.split("|") for kind, text in out if kind == "road"]
    if len(roads) == 2 and not any(kind == "num" or text.endswith("号") for kind, text in out):
        pair = _crossing_pair(g, roads[0], roads[1])  # Dagui Road and Cuiting Road: the two that meet
        if pair is not None:
            return f"{pair[0]}与{pair[1]}交叉口"
    return "".join(text.split("|")[0] for _, text in out) + tail


def _crossing_pair(g: Gazetteer, first: list[str], second: list[str]) -> tuple[str, str] | None:
    """Of roads that sound alike, the pair that meets."""
    for a in first:
        for b in second:
            ra, rb = g.roads.get(normalize(a)), g.roads.get(normalize(b))
            if ra is not None and rb is not None and ra is not rb and shapely.intersects(ra.geom, rb.geom):
                return a, b
    return None


# --- Chinese: the chain, the question, the crossing ---------------------------------


def _known(g: Gazetteer, text: str) -> bool:
    return text in g.names or text in g.history


def _starts_with_name(g: Gazetteer, text: str, longer_than: int) -> bool:
    """Whether text begins with a registered name longer than ``longer_than`` characters (a road that starts with a unit's name)."""
    return any(text[:k] in g.names or text[:k] in g.roads for k in range(longer_than + 1, len(text) + 1))


def _starts_with_unit(g: Gazetteer, lex: Lexicon, text: str, longer_than: int) -> bool:
    """Like ``_starts_with_name``, counting every written form of a unit (四川航天居委会 is not 四川 + …)."""
    return (
        _starts_with_name(g, text, longer_than)
        or _unit_prefix(lex.subdistricts, text) > longer_than
        or _unit_prefix(lex.communities, text) > longer_than
    )


def _unit_prefix(forms: dict[str, list[Entry]], text: str) -> int:
    """Length of the longest unit form ``text`` starts with (0 when none)."""
    return next((k for k in range(min(len(text), 14), 1, -1) if text[:k] in forms), 0)


# Where at a place or crossing: 东北角, 西南侧, 南面, 北边 (12345 texts place a problem this way).
_SIDE = re.compile(r"(?:东北|西北|东南|西南|东|西|南|北)(?:角|侧|面|边|方向)$")


def _peel_filler(g: Gazetteer, text: str, peeled: list[str]) -> str:
    changed = True
    while changed and text and not _known(g, text):
        changed = False
        for word in LEADING_FILLER:
            if text.startswith(word) and len(text) > len(word) and not _starts_with_name(g, text, len(word) - 1):
                peeled.append(word)
                text, changed = text[len(word) :], True
                break
        side = _SIDE.search(text)
        if side and side.start() >= 2 and not _known(g, text):
            peeled.append(side.group(0))
            text, changed = text[: side.start()], True
            continue
        for word in TRAILING_FILLER:
            if text.endswith(word) and len(text) > len(word) and not _known(g, text):
                peeled.append(word)
                text, changed = text[: -len(word)], True
                break
    return text


def _peel_unit(g: Gazetteer, lex: Lexicon, text: str, forms: dict[str, list[Entry]], parent: Entry | None) -> tuple[str, Entry | None]:
    if _known(g, text) and (text not in forms or any(e.kind == "place" for e in g.names.get(text, []))):
        return text, None  # a registered name, even one written like a unit (关上街道办事处 is the office)
    for length in range(min(len(text), 14), 1, -1):
        head = text[:length]
        units = forms.get(head)
        if not units:
            continue
        if head in lex.short_forms and (head in g.names or head in g.roads or (length < len(text) and _starts_with_name(g, text, length))):
            continue  # 双桥路: a road that starts with the unit's short name, or is it (和平路 社区 and road)
        if parent is not None:
            units = sorted(units, key=lambda u: (u.subdistrict is not parent, u.name))
        return text[length:], units[0]
    return text, None


def _peel_admin(g: Gazetteer, lex: Lexicon, text: str, peeled: list[str]) -> str:
    changed = True
    while changed and not _known(g, text):
        changed = False
        for name in lex.admin:
            if text.startswith(name) and len(text) > len(name) and not _starts_with_unit(g, lex, text, len(name)):
                peeled.append(name)
                text, changed = text[len(name) :], True
                break
        short = lex.district_short
        if not changed and short and text.startswith(short) and len(text) > len(short):
            rest = text[len(short) :]
            if not _known(g, text) and not _starts_with_unit(g, lex, text, len(short)):
                peeled.append(short)
                text, changed = rest, True
    return text


def _crossing(g: Gazetteer, text: str) -> str | None:
    """子君路民航路口 / 子君路和民航路交汇处 / 子君路与民航路 -> 子君路与民航路交叉口, when both roads exist."""
    if any(ch.isdigit() for ch in text):
        return None
    cores = [(text, False)]
    for ending in CROSSING_ENDINGS:
        if text.endswith(ending) and len(text) > len(ending) + 2:
            core = text[: -len(ending)]
            cores.append((core, True))
            if ending.startswith("路"):
                cores.append((core + "路", True))
    for core, marked in cores:
        core = core.removesuffix("的")
        for cut in range(2, len(core) - 1):
            a = core[:cut]
            if a not in g.roads and a not in g.history_roads:
                continue
            rest = core[cut:]
            for connector in CONNECTORS:
                if (connector or marked) and rest.startswith(connector):
                    b = rest[len(connector) :]
                    if b != a and (b in g.roads or b in g.history_roads):
                        return f"{a}与{b}交叉口"
    return None


# A postal code (邮政编码, six digits) written with the address: after its label, in brackets, or
# standing alone at the start or end of the address or of one of its comma-separated parts
# (…, Chengdu, Sichuan 610000, China). No house number stands alone with six digits.
_POSTCODE = re.compile(
    r"(?:邮政编码|邮编|post\s*code|zip\s*code|zip)\s*[:：]?\s*\d{6}(?!\d)"
    r"|[(（]\s*\d{6}\s*[)）]"
    r"|(?:^|(?<=[\s,，;；]))\d{6}(?=$|[\s,，;；])"
    r"|^\d{6}(?=[^\d\s号\-])"
    r"|(?<=号)\d{6}$"
)


def _peel_postcode(raw: str, peeled: list[str]) -> str:
    for found in _POSTCODE.findall(raw):
        peeled.append(found.strip())
    return _POSTCODE.sub(" ", raw).strip()


def understand(g: Gazetteer, query: str) -> Understood:
    """The core of a query and the unit it names, whatever way it was written."""
    lex = lexicon(g)
    peeled: list[str] = []
    raw = _peel_postcode(simplify(unicodedata.normalize("NFKC", query)).lower(), peeled)
    if re.search(r"[a-z]", raw):
        raw = _from_latin(g, lex, raw)
    else:  # words set apart by spaces: a token that is the district's short name is the district
        if not re.search(r"\d", raw):  # 子君路/民航路, 子君路、民航路: a crossing
            raw = re.sub(r"\s*[/&、]\s*", "与", raw)
        raw = " ".join(t for t in raw.split() if normalize(t) != lex.district_short) if len(raw.split()) > 1 else raw
    text = normalize(raw)
    text = _peel_filler(g, text, peeled)
    text = _peel_admin(g, lex, text, peeled)
    text = _peel_filler(g, text, peeled)
    subdistrict = None
    if _unit_prefix(lex.subdistricts, text) >= _unit_prefix(lex.communities, text):  # 关上居委会 is a community
        text, subdistrict = _peel_unit(g, lex, text, lex.subdistricts, None)
    text, community = _peel_unit(g, lex, text, lex.communities, subdistrict)
    also = None
    if subdistrict is not None and community is None and not text:  # 六甲: the subdistrict, and a community of that name
        also = next((u for u in lex.communities.get(normalize(subdistrict.name.removesuffix("街道")), []) if u is not None), None)
    text = _peel_filler(g, text, peeled)
    for unit in (subdistrict, community):
        if unit is not None:
            peeled.append(unit.name)
    crossing = _crossing(g, text)
    if crossing is not None:
        text = crossing
    text = _compound_address(g, text, peeled)
    return Understood(text, community or subdistrict, peeled, also)


def _compound_address(g: Gazetteer, text: str, peeled: list[str]) -> str:
    """宏松花园3栋2单元501室 -> 宏松街218号3栋2单元501室: a compound's name before a building
    (楼栋号) stands for the compound's address, whose buildings the engine knows. The compound
    may be named as residents call it (``compounds_called``)."""
    cuts = [cut for cut in range(len(text) - 1, 1, -1) if text[cut].isdigit() and not text[cut - 1].isdigit()]
    for cut in [len(text), *cuts]:
        head, tail = text[:cut], text[cut:]
        name, compounds = compounds_called(g, head)
        if compounds and not tail:
            return name
        numbered = [e for e in compounds if e.street and e.number_text]
        if numbered and tail:
            peeled.append(head)
            return f"{normalize(numbered[0].street or '')}{numbered[0].number_text}号{tail}"
    return text


def compounds_called(g: Gazetteer, head: str) -> tuple[str, list[Entry]]:
    """(name, compounds) of the compound (小区/大院) ``head`` (normalized) names, as residents
    call it: its name (宏松花园), its name with 小区 after it (宏松花园小区), or 小区 after the
    beginning of its name (宏松小区 for 宏松花园) when exactly one compound's name begins so.
    Nothing found: (head, [])."""
    if not head.endswith(COMPOUND_GENERIC) or len(head) <= len(COMPOUND_GENERIC) + 1:
        names = [head]
    else:
        names = [head, head.removesuffix(COMPOUND_GENERIC)]
    for name in names:
        compounds = [e for e in g.names.get(name, []) if e.kind == "compound"]
        if compounds:
            return name, compounds
    if len(names) == 2:  # 小区 after the beginning of one compound's name
        beginning = {e.id: e for _, e in g.prefixed(names[1], False, COMPOUND_STEM_CAP, addresses=False) if e.kind == "compound"}
        if len(beginning) == 1:
            (only,) = beginning.values()
            return normalize(only.name), [only]
    return head, []


def peel_prefix(g: Gazetteer, text: str) -> str:
    """An autocomplete prefix without the chain and the question before it (normalized in, normalized out)."""
    lex = lexicon(g)
    peeled: list[str] = []
    text = _peel_filler(g, text, peeled)
    text = _peel_admin(g, lex, text, peeled)
    rest, _ = _peel_unit(g, lex, text, lex.subdistricts, None)
    rest, _ = _peel_unit(g, lex, rest, lex.communities, None)
    rest = rest or text
    return compounds_called(g, rest)[0] if rest.endswith(COMPOUND_GENERIC) else rest  # 宏松小区: the compound's name
