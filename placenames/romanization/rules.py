"""The 1984 spelling rules for Chinese place names (中国地名汉语拼音字母拼写规则（汉语地名部分）,
referenced by GB/T 16159-2012); docs/placenames.md says which rule is which:

1. 专名 (specific part) and 通名 (generic part) are written apart, each capitalised,
   also when the 专名 has one syllable (太湖 Tai Hu, 1984 rule 1).
2. A one-syllable modifier joins the part it modifies (1984 rule 2): a direction word
   or 新/老/旧/横/直/正/支 at the end of a 专名 of three or more characters joins a
   short 通名 (中山东路 → Zhongshan Donglu, 关上新路 → Guanshang Xinlu); 内/外 stay with
   the place they locate (朝阳门内大街 → Chaoyangmennei Dajie).
3. Natural villages are one word (王村 → Wangcun, 小哨 → Xiaoshao; 1984 rule 3).
4. Numerals are spelled (五一广场 → Wuyi Guangchang) except the serial numbers of
   streets, which are digits (经五路 → Jing 5 Lu, 1984 rules 6-7). A numeral that
   belongs to a word of ``data/numeral_words.txt`` or of the reading dictionary is
   no serial (统一路 → Tongyi Lu, 东四十二条 → Dongsi 12 Tiao). A ring road's number
   is a serial too: 二环路 → 2 Huanlu (the rule's own 三环路 3 Huanlu), 二环北路 →
   2 Huan Beilu.
5. An apostrophe separates a syllable starting with a, o or e inside a word (西安 → Xi'an).
6. Signs use capitals without tone marks (ZHONGSHAN DONGLU).
7. A written 儿 after a syllable is an r on it (帽儿胡同 → Maor Hutong; see ``erhua``).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import numerals
from .readings import dictionary, is_hanzi, readings, toneless

# One-syllable modifiers that join a following short 通名 (rule 2).
GENERIC_MODIFIERS = set("东西南北中前后新老旧横直正支")
RING = "环"  # 二环北路: the serial 2 numbers the ring (环), 北路 is the 通名
# Words a long 通名 is made of; a leftover single character joins its neighbour (rule 2).
GENERIC_WORDS = (
    "社区",
    "居民",
    "委员会",
    "村民",
    "经济",
    "技术",
    "开发区",
    "高新技术",
    "产业",
    "工业",
    "园区",
    "湿地",
    "森林",
    "公园",
    "立交桥",
    "高架桥",
    "游园",
    "广场",
    "国际",
    "机场",
)


@dataclass(frozen=True)
class Parts:
    """A name cut for spelling: 专名, an optional serial number (and the ring it
    numbers, 环), 通名."""

    specific: str
    ordinal: int | None
    generic: str
    joined: bool = False
    series: str = ""


def protected_words() -> tuple[str, ...]:
    """Words a serial number never cuts: the reading dictionary and the numeral words."""
    return tuple(dictionary()) + numerals.numeral_words()


def split(name: str, generics: tuple[str, ...], *, street: bool, joined: bool = False, generic: str | None = None) -> Parts:
    """Cut ``name`` into its parts. ``generics`` are the 通名 the category knows,
    ``street`` turns on the serial-number rule, ``generic`` forces the 通名."""
    if generic is None:
        generic = next((g for g in sorted(generics, key=len, reverse=True) if name.endswith(g) and len(name) > len(g)), "")
    if generic and not name.endswith(generic):
        generic = ""
    specific = name[: len(name) - len(generic)]
    if generic and len(generic) <= 2 and len(specific) >= 3 and specific[-1] in GENERIC_MODIFIERS:
        specific, generic = specific[:-1], specific[-1] + generic
    ordinal, series = None, ""
    if street and generic:
        words = protected_words()
        found = numerals.trailing_numeral(specific, words)
        if found is None and specific.endswith(RING):
            found = numerals.trailing_numeral(specific[:-1], words)
            series = RING if found is not None else ""
        if found is not None:
            specific, ordinal = found
    return Parts(specific, ordinal, generic, joined=joined and len(generic) == 1 and ordinal is None, series=series)


def generic_words(generic: str) -> list[str]:
    """A long 通名 cut into words (社区居民委员会 → 社区 居民 委员会)."""
    if len(generic) <= 3:
        return [generic] if generic else []
    words: list[str] = []
    position, pending = 0, ""
    while position < len(generic):
        match = next((w for w in sorted(GENERIC_WORDS, key=len, reverse=True) if generic.startswith(w, position)), None)
        if match is None:
            pending += generic[position]
            position += 1
            continue
        words.append(pending + match)
        pending = ""
        position += len(match)
    if pending:
        if words:
            words[-1] += pending
        else:
            words.append(pending)
    return words


def spell_word(syllables: list[str], *, tones: bool) -> str:
    """Join syllables into one word with apostrophes and an initial capital."""
    out = ""
    for syllable in syllables:
        text = syllable if tones else toneless(syllable)
        if out and text[:1].lower() in ("a", "o", "e", "à", "á", "ā", "ǎ", "ò", "ó", "ō", "ǒ", "è", "é", "ē", "ě"):
            out += "'"
        out += text
    return out[:1].upper() + out[1:]


def spell(parts: Parts, syllables: dict[int, str], *, tones: bool = False) -> str:
    """The romanization of ``parts``; ``syllables`` maps character offsets to readings."""
    if parts.joined:
        return spell_word(_span(syllables, 0, len(syllables)), tones=tones)
    result = [spell_word(_span(syllables, 0, len(parts.specific)), tones=tones)] if parts.specific else []
    if parts.ordinal is not None:
        if parts.specific == "第":
            result[-1] += f"-{parts.ordinal}"  # 第九弄 Di-9 Long (1984 rule 7)
        else:
            result.append(str(parts.ordinal))
    if parts.series:
        start = len(syllables) - len(parts.generic) - len(parts.series)
        result.append(spell_word(_span(syllables, start, start + len(parts.series)), tones=tones))
    cursor = len(syllables) - len(parts.generic)
    for word in generic_words(parts.generic):
        result.append(spell_word(_span(syllables, cursor, cursor + len(word)), tones=tones))
        cursor += len(word)
    return " ".join(result)


def _span(syllables: dict[int, str], start: int, end: int) -> list[str]:
    return [syllables[i] for i in range(start, end)]


def syllable_map(name: str, extra: dict[str, tuple[str, ...]] | None = None) -> dict[int, str]:
    return dict(enumerate(readings(name, extra)))


def pinyin_key(name: str) -> str:
    """Toneless pinyin of the whole name, letters only: the key for homophones."""
    letters = "".join(toneless(s) for s, c in zip(readings(name), name, strict=True) if is_hanzi(c) or c.isalnum())
    return letters.lower().replace("ü", "v")
