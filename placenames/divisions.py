"""The real subdistricts (13) and communities (133) of 官渡区 as current standard names,
from the statistical division codes in ``data/reference/guandu_divisions_2023.csv``."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from gis.settings import PROJECT_ROOT

from . import categories, register
from .models import PlaceName
from .registry_models import NameAlias

DEFAULT_FILE = PROJECT_ROOT / "data" / "reference" / "guandu_divisions_2023.csv"
SOURCE = "NBS division codes 2023"


def category_for(row: dict) -> str | None:
    if row["level"] == "community":
        return categories.COMMUNITY
    if row["level"] == "subdistrict":
        return categories.DEVELOPMENT_ZONE if row["name"].endswith("开发区") else categories.SUBDISTRICT
    return None


def import_divisions(store, path: str | Path = DEFAULT_FILE, *, actor: str) -> dict[str, int]:
    """Add each unit not yet registered (by its 12-digit code); returns counts added/skipped."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        rows = [(r, category) for r in csv.DictReader(handle) if (category := category_for(r))]
    added = skipped = 0
    with store.transaction(actor=actor, reason=f"import divisions from {Path(path).name}") as session:
        known = set(session.scalars(select(PlaceName.entity_code).where(PlaceName.entity_code.is_not(None))))
        for row, category in rows:
            if row["code"] in known:
                skipped += 1
                continue
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
            added += 1
    return {"added": added, "skipped": skipped}
