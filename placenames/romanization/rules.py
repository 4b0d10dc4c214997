"""The 1984 spelling rules for Chinese place names (GB/T 16159-2012), as domain.md §3
summarises them:

1. 专名 (specific part) and 通名 (generic part) are written apart, each capitalised.
2. A one-syllable modifier joins the part it modifies: a direction word before a
   one-syllable 通名 joins the 通名 (中山东路 → Zhongshan Donglu); longer modifiers
   stay apart.
3. Villages written as one word when the 通名 is one syllable (王村 → Wangcun).
4. Ordinals in street names are Arabic digits (经五路 → Jing 5 Lu); other numerals
   are spelled (五一广场 → Wuyi Guangchang, 三八路 → Sanba Lu). A word of the reading
   dictionary is never cut by the ordinal (东四十二条 → Dongsi 12 Tiao).
5. An apostrophe separates a syllable starting with a, o or e inside a word (西安 → Xi'an).
6. Signs use capitals without tone marks (ZHONGSHAN DONGLU).
7. A written 儿 after a syllable is an r on it (帽儿胡同 → Maor Hutong; see ``erhua``).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import numerals
from .readings import dictionary, is_hanzi, readings, toneless

DIRECTIONS = set("东西南北中上下前后内外")
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
)


@dataclass(frozen=True)
class Parts:
    """A name cut for spelling: 专名, an optional ordinal, 通名."""

    specific: str
    ordinal: int | None
    generic: str
    joined: bool = False


def split(name: str, generics: tuple[str, ...], *, street: bool, joined: bool = False, generic: str | None = None) -> Parts:
    """Cut ``name`` into its parts. ``generics`` are the 通名 the category knows,
    ``street`` turns on the ordinal rule, ``generic`` forces the 通名."""
    if generic is None:
        generic = next((g for g in sorted(generics, key=len, reverse=True) if name.endswith(g) and len(name) > len(g)), "")
    if generic and not name.endswith(generic):
        generic = ""
    specific = name[: len(name) - len(generic)]
    if generic and len(specific) >= 3 and specific[-1] in DIRECTIONS and (len(generic) == 1 or specific[-2] in "路街巷"):
        specific, generic = specific[:-1], specific[-1] + generic
    ordinal = None
    if street and generic:
        found = numerals.trailing_numeral(specific, tuple(dictionary()))
        if found is not None:
            specific, ordinal = found
    return Parts(specific, ordinal, generic, joined=joined and len(generic) == 1 and ordinal is None)


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
        result.append(str(parts.ordinal))
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
