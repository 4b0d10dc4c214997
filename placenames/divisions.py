"""The district's real subdistricts and communities as current standard names, from the
statistical division codes in the file its deployment profile names (``divisions_file``;
for the shipped profile the 13 subdistricts and 133 communities in ``data/reference/``)."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from gis.errors import ConfigError, InvalidInput
from gis.profile import DistrictProfile, current_profile

from . import categories, register
from .checks import Candidate
from .checks.admin_area import outside
from .checks.runner import FORM_RULES, errors_of, generic_name, leader_names
from .models import PlaceName
from .registry_models import NameAlias

SOURCE = "NBS division codes 2023"


def category_for(row: dict) -> str | None:
    if row["level"] == "community":
        return categories.COMMUNITY
    if row["level"] == "subdistrict":
        return categories.DEVELOPMENT_ZONE if row["name"].endswith("开发区") else categories.SUBDISTRICT
    return None


def default_file(profile: DistrictProfile | None = None) -> Path:
    """The division-code file of the district's profile (the process's when not given)."""
    profile = profile or current_profile()
    if profile.divisions_file is None:
        raise ConfigError(
            f"部署配置 {profile.source} 没有 divisions_file，请用 --file 指定区划代码文件",
            f"the deployment profile {profile.source} has no divisions_file; give the division-code file with --file",
        )
    return profile.divisions_file


def import_divisions(store, path: str | Path | None = None, *, actor: str) -> dict[str, int]:
    """Register each unit of the file once, so running it again adds nothing.

    A unit is already registered when an entry has its 12-digit code (``entity_code``),
    or, failing that, when a current name of the same category reads the same (full
    name or its short form, e.g. a register filled from the demo data or a census file
    without codes): that entry gets the code (``changed``) instead of a twin beside it.
    A registered name that reads otherwise than the file is left alone (``differs``):
    a standard name changes only through the renaming procedure.
    Returns the counts added / unchanged / changed / differs (``skipped`` = all but added).
    ``path`` defaults to the profile's ``divisions_file``."""
    path = path or default_file()
    with Path(path).open(encoding="utf-8", newline="") as handle:
        numbered = [(n, r, category) for n, r in enumerate(csv.DictReader(handle), start=2) if (category := category_for(r))]
    counts = dict.fromkeys(("added", "unchanged", "changed", "differs"), 0)
    with store.transaction(actor=actor, reason=f"import divisions from {Path(path).name}") as session:
        _refuse(session, numbered)
        by_code = {e.entity_code: e for e in session.scalars(select(PlaceName).where(PlaceName.entity_code.is_not(None)))}
        by_name = _uncoded_current(session, {category for _, _, category in numbered})
        for _, row, category in numbered:
            entry = by_code.get(row["code"])
            if entry is None:
                entry = next((by_name.pop(key) for key in _keys(row["name"], category) if key in by_name), None)
                if entry is not None:
                    entry.entity_code = row["code"]
                    entry.data_source = entry.data_source or SOURCE
                    by_code[row["code"]] = entry
                    counts["changed"] += 1
                    continue
            if entry is not None:
                same = entry.name in {name for name, _ in _keys(row["name"], category)}
                counts["unchanged" if same else "differs"] += 1
                continue
            _add(session, row, category)
            counts["added"] += 1
    return {**counts, "skipped": counts["unchanged"] + counts["changed"] + counts["differs"]}


def _keys(name: str, category: str) -> list[tuple[str, str]]:
    """The ways a unit's name may already be registered: in full, or short (…社区)."""
    short = name.removesuffix("居民委员会")
    return [(name, category)] + ([(short, category)] if short != name else [])


def _uncoded_current(session, category_codes: set[str]) -> dict[tuple[str, str], PlaceName]:
    """Current names of these categories without a unit code, by (name, category)."""
    rows = session.scalars(
        select(PlaceName)
        .where(PlaceName.entity_code.is_(None), PlaceName.status == "current", PlaceName.category_code.in_(category_codes))
        .order_by(PlaceName.id)
    )
    found: dict[tuple[str, str], PlaceName] = {}
    for entry in rows:
        found.setdefault((entry.name, entry.category_code), entry)
    return found


def _add(session, row: dict, category: str) -> None:
    entry = PlaceName(
        **register.spelling(row["name"], category),
        status="current",
        admin_code=row["parent_code"],
        entity_code=row["code"],
        data_source=SOURCE,
        source="divisions-2023",
    )
    session.add(entry)
    session.flush()
    if row["name"].endswith("社区居民委员会"):
        session.add(NameAlias(place_name_id=entry.id, alias=row["name"].removesuffix("居民委员会"), kind="short"))


def _refuse(session, numbered: list[tuple[int, dict, str]]) -> None:
    """The naming rules on every unit name, and its parent inside the district, by row
    (the file may come before the units are loaded, so the parent need not be in force yet)."""
    problems = []
    for number, row, category in numbered:
        errors = errors_of(session, Candidate(row["name"], category), (*FORM_RULES, generic_name, leader_names))
        wrong_parent = outside(row["parent_code"] or "")
        errors += [wrong_parent] if wrong_parent else []
        if errors:
            problems.append({"row": number, "problem": "; ".join(f"{f.zh} / {f.en}" for f in errors)})
    if problems:
        raise InvalidInput(
            f"区划代码文件有 {len(problems)} 行不符合地名规则，未导入任何记录",
            f"{len(problems)} rows of the division file break the naming rules; nothing was imported",
            details=problems,
        )
