"""The lookup keys of a name: what queries are matched against, one rule for writing and reading.

A name is stored in ``search_keys`` (``index_upkeep``) under these keys, and a query is looked
up by the same ones (``names``):

- ``name``: the name normalized (``normalize``): found when typed exactly, or by its beginning;
- ``del``: each string the name gives with one character left out. Two strings are one edit
  (insert, delete, substitute) apart only if one is the other less a character, or they lose
  a character each to become the same (symmetric deletion), so the names one typo away from a
  query are found by exact lookups of the query and its own deletions — an index probe each,
  however many names there are;
- ``pinyin`` / ``initials``: the run-together pinyin and the initials (``pinyin.keys``), for
  queries typed on a Latin keyboard;
- ``rev``: a place's name reversed, so the places whose names end with a word (a kind of
  place, 机场) are found by the beginning of a key.

``KEYS_VERSION`` counts changes of these rules: stored keys made by another version are
rebuilt (``diming search reindex``, run by ``diming db upgrade`` when needed).
"""

from __future__ import annotations

from . import pinyin
from .normalize import normalize

KEYS_VERSION = 2  # 2: compounds (小区/大院) are found by their names

NAME, DELETION, PINYIN, INITIALS, REVERSED = "name", "del", "pinyin", "initials", "rev"


def deletions(key: str) -> set[str]:
    """``key`` less one character, each way (none for a single character)."""
    return {key[:i] + key[i + 1 :] for i in range(len(key))} if len(key) > 1 else set()


def one_edit_apart(a: str, b: str) -> bool:
    """One insert, delete or substitution turns ``a`` into ``b``."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=False)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def of_name(name: str, *, typos: bool = True, initials: bool = True) -> list[tuple[str, str]]:
    """(key, kind) pairs of a name: its normalized form, its deletions (``typos``), its pinyin
    and (``initials``) its initials. A name that normalizes to nothing has no keys."""
    key = normalize(name)
    if not key:
        return []
    full, short = pinyin.keys(key)
    keys = [(key, NAME)]
    if typos:
        keys += [(variant, DELETION) for variant in sorted(deletions(key))]
    keys += [(k, PINYIN) for k in sorted(full)]
    if initials:
        keys += [(k, INITIALS) for k in sorted(short)]
    return keys


def ending(name: str) -> str:
    """The key a name is found by its ending with: the name reversed (机场 -> 场机)."""
    return name[::-1]


def beginning_bounds(prefix: str) -> tuple[str, str]:
    """(low, high) such that a key begins with ``prefix`` exactly when low <= key < high in code
    point order (PostgreSQL's "C" collation, SQLite's BINARY): the prefix, and the prefix with
    its last character one higher."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)
