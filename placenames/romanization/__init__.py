"""Romanization of place names by the 1984 rules / GB/T 16159 (see ``rules``).

    romanize("中山东路")              -> "Zhongshan Donglu"
    romanize("中山东路", sign=True)   -> "ZHONGSHAN DONGLU"
    romanize("经五路")                -> "Jing 5 Lu"

A per-name ``override`` (set by an officer) always wins over the rules.
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
        generics = category_table.all_generics()
        road = category_table.get(category_table.ROAD).generics
        street = any(name.endswith(g) for g in road)
        joined = False
    return split(name, generics, street=street, joined=joined, generic=generic)


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
