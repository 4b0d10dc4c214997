"""How a search answer is spelled in Latin letters, beside its Chinese (the English page and
any caller that serves foreign readers show it).

A name the register holds is spelled as registered: ``place_names.romanization``, the
officer's override or the rules' spelling (``placenames.register.spelling_of``). A name it
does not hold - an administrative unit read from ``admin_units``, a compound, a road not
yet registered as a 街路巷 name - is spelled by the same rules in its category. An address
is written number first, as China's English-language addresses are (No. 12 Zijun Lu); a
crossing names both roads (Zijun Lu / Minhang Lu).
"""

from __future__ import annotations

import functools

from placenames import categories
from placenames.romanization import romanize

COMPOUND = "22100"  # 城镇居民点（住宅区、小区）: the category a compound's name is spelled in
UNIT_CATEGORIES = {"community": categories.COMMUNITY, "subdistrict": categories.SUBDISTRICT}


@functools.lru_cache(maxsize=8192)
def by_rules(name: str, category: str) -> str:
    """The rules' spelling of ``name`` in ``category`` (a code): the register's rules, cached
    because a batch of reverse lookups spells the same few hundred roads again and again."""
    return romanize(name, category=category)


def of_road(name: str, registered: str | None) -> str:
    """A road: its registered spelling, else the rules' spelling of a 街路巷 name."""
    return registered or by_rules(name, categories.ROAD)


def of_unit(name: str, level: str) -> str:
    """A community (社区) or a subdistrict (街道), spelled in its category."""
    return by_rules(name, UNIT_CATEGORIES[level])


def of_compound(name: str, registered: str | None) -> str:
    """A compound (小区/大院): its registered spelling, else the rules' in 城镇居民点."""
    return registered or by_rules(name, COMPOUND)


def of_address(street: str | None, number_text: str | None) -> str | None:
    """A door plate: No. <number> <street>; None when either is unknown."""
    return f"No. {number_text} {street}" if street and number_text else None


def of_crossing(first: str | None, second: str | None) -> str | None:
    """Two roads' crossing: both spellings, in the order the query named the roads."""
    return f"{first} / {second}" if first and second else None
