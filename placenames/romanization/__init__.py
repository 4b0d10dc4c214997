"""Romanization of place names by the 1984 rules / GB/T 16159 (see ``rules``).

    romanize("中山东路")              -> "Zhongshan Donglu"
    romanize("中山东路", sign=True)   -> "ZHONGSHAN DONGLU"
    romanize("经五路")                -> "Jing 5 Lu"

A per-name ``override`` (set by an officer, checked by ``syllables.check``) always
wins over the rules.
"""

from __future__ import annotations

from placenames import categories as category_table

from .rules import Parts, pinyin_key, spell, split, syllable_map

__all__ = ["Parts", "analyse", "pinyin_key", "romanize", "sign_form"]


def analyse(name: str, *, category: str | None = None, generic: str | None = None) -> Parts:
    """How the rules cut ``name`` (专名 / ordinal / 通名) for ``category`` (a code or label)."""
    name = name.strip()
    if category:
        found = category_table.find(category)
        generics, street, joined = found.generics, found.code == category_table.ROAD, found.joined
    else:
        found_generic, users = category_table.detect(name)
        generics = (found_generic,) if found_generic else ()
        street = any(c.code == category_table.ROAD for c in users)
        joined = village_like(name, found_generic, users)
    return split(name, generics, street=street, joined=joined, generic=generic)


def village_like(name: str, generic: str, users) -> bool:
    """Without a category: is ``name`` a natural village, written as one word (1984
    rule 3)? Yes when every category using its 通名 writes its names as one word
    (小哨, 巫家坝), or when a surname + 家 stands before a one-syllable 通名
    (佴家湾, 黄家庄: the common form of village names)."""
    if not generic:
        return False
    if all(c.joined for c in users):
        return True
    head = name[: len(name) - len(generic)]
    return len(generic) == 1 and len(head) == 2 and head.endswith("家")


def romanize(
    name: str,
    *,
    category: str | None = None,
    generic: str | None = None,
    override: str | None = None,
    sign: bool = False,
    tones: bool = False,
) -> str:
    if override:
        text = override.strip()
    else:
        parts = analyse(name, category=category, generic=generic)
        text = spell(parts, syllable_map(name.strip()), tones=tones)
    return sign_form(text) if sign else text


def sign_form(romanization: str) -> str:
    """Capitals without tone marks, apostrophes kept (signs, GB 17733 practice)."""
    from .readings import toneless

    return " ".join(toneless(word) for word in romanization.split()).upper()
