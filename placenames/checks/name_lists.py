"""The curated name lists of ``data/reference/name_rules/`` (leaders, persons, enterprises,
traditional) plus a deployment's own files, and whole-专名 matching against them.

Why whole 专名: a substring test would flag traditional names that merely contain a
listed string; a name is flagged only when its 专名 — the name minus its category's
通名, minus the direction words and ordinals that join the 通名 — is a listed entry.
"""

from __future__ import annotations

import functools
from pathlib import Path

from sqlalchemy import select

from gis.settings import PROJECT_ROOT
from placenames import categories
from placenames.models import PlaceName

from . import config

SHIPPED = PROJECT_ROOT / "data" / "reference" / "name_rules"
KINDS = ("leaders", "persons", "enterprises", "traditional")
MODIFIERS = "东西南北中一二三四五六七八九十"


def read_list(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


@functools.cache
def _load(kind: str, extra_dir: str) -> frozenset[str]:
    words = read_list(SHIPPED / f"{kind}.txt")
    extra = Path(extra_dir) / f"{kind}.txt" if extra_dir else None
    if extra is not None and extra.is_file():
        words += read_list(extra)
    return frozenset(words)


def entries(kind: str) -> frozenset[str]:
    """The shipped list of ``kind`` plus the deployment's file of the same name (loaded once)."""
    return _load(kind, config.settings().name_lists_dir)


def specific(name: str, category_code: str) -> str:
    """The 专名: the name without the longest 通名 of its category."""
    generics = [g for g in categories.get(category_code).generics if name.endswith(g) and len(name) > len(g)]
    return name[: -len(max(generics, key=len))] if generics else name


def readings(name: str, category_code: str) -> set[str]:
    """The 专名, and the 专名 without each trailing direction word or ordinal in turn
    (毛泽东东路 -> 毛泽东东, 毛泽东, 毛泽): the whole words a list entry may be."""
    text = specific(name, category_code)
    found = {text}
    while len(text) > 1 and text[-1] in MODIFIERS:
        text = text[:-1]
        found.add(text)
    return found


def listed(session, name: str, category_code: str, kind: str) -> str | None:
    """The entry of list ``kind`` the name's 专名 is, unless the name is allowed anyway
    (traditional allow-list, or already a current name of the register)."""
    candidates = readings(name, category_code)
    hit = next((word for word in sorted(candidates) if word in entries(kind)), None)
    if hit is None or allowed(session, name, candidates):
        return None
    return hit


def allowed(session, name: str, parts: set[str]) -> bool:
    traditional = entries("traditional")
    if name in traditional or parts & traditional:
        return True
    if session is None:
        return False
    return session.scalar(select(PlaceName.id).where(PlaceName.name == name, PlaceName.status == "current").limit(1)) is not None
