"""Pinyin keys of a name, for matching what people type on a Latin keyboard.

A name gets its run-together full pinyin (zijunlu) and its initials (zjl). Where a
character has several readings (六: liu/lu) every combination is kept, capped, so
the official reading is among them whichever it is; the displayed romanization
still comes from the register, never from here.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

MAX_VARIANTS = 8


@lru_cache(maxsize=50_000)
def keys(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """(full pinyin keys, initials keys) of a Chinese name; Latin letters and digits kept as they are."""
    # Imported here: pypinyin loads its phrase dictionary (about half a second) on import, and
    # importing ``placenames`` registers the search keys' upkeep, which needs it only at a write.
    from pypinyin import Style, pinyin

    readings = pinyin(name, style=Style.NORMAL, heteronym=True, errors=lambda chars: [[c.lower()] for c in chars])  # type: ignore[arg-type, return-value]  # pypinyin takes a list from errors= (documented), its annotation says str
    options = [sorted({r.lower() for r in group if r})[:2] or [""] for group in readings]
    full, initials = set(), set()
    for combo in product(*options):
        full.add("".join(combo))
        initials.add("".join(part[:1] for part in combo))
        if len(full) >= MAX_VARIANTS:
            break
    return frozenset(full), frozenset(initials)
