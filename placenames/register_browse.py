"""Browsing the register for officers: a page of entries found by name or pinyin and
filtered by category, status and subdistrict, with how many there are in all; and one
entry with what a person needs to read it — its category and area in words, its
aliases and former names, and the applications that made or changed it.

The public search (``register.search``) serves only current public names; this one
serves every entry to the officers who keep the register.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, or_, select

from gis.errors import InvalidInput

from . import categories, procedure, register
from .applications import category_label
from .documents import area_name
from .models import NAME_STATUSES, PlaceName
from .registry_models import NamingApplication

SUBDISTRICT_CODE = re.compile(r"^\d{9}000$")
MAX_LIMIT = 1000


def _filters(q: str | None, category: str | None, status: str | None, subdistrict: str | None) -> list:
    where = []
    if status:
        if status not in NAME_STATUSES:
            raise InvalidInput(f"未知的地名状态“{status}”", f"Unknown name status '{status}'", details={"statuses": list(NAME_STATUSES)})
        where.append(PlaceName.status == status)
    if category:
        where.append(PlaceName.category_code == category)
    if subdistrict:
        if not SUBDISTRICT_CODE.match(subdistrict):
            raise InvalidInput(
                f"街道代码“{subdistrict}”应为以 000 结尾的 12 位区划代码",
                f"subdistrict '{subdistrict}' must be a 12-digit division code ending in 000",
                details={"field": "subdistrict"},
            )
        where.append(PlaceName.admin_code.like(subdistrict[:9] + "%"))
    text = (q or "").strip()
    if text:
        pattern = f"%{text}%"
        key = re.sub(r"[\s'’\-]", "", text).lower()  # "Zijun Donglu" and "zijundonglu" find the same entry
        matches = [PlaceName.name.like(pattern), PlaceName.romanization.ilike(pattern)]
        if key:
            matches.append(PlaceName.pinyin_key.like(f"%{key}%"))
        where.append(or_(*matches))
    return where


def area_names(session, codes: set[str]) -> dict[str, str]:
    """The names of these administrative areas, read as the notices read them
    (``documents.area_name``); a code nobody names is left out."""
    named = {code: area_name(session, code) for code in sorted(codes)}
    return {code: name for code, name in named.items() if name}


def _row(entry: PlaceName, areas: dict[str, str]) -> dict[str, Any]:
    return {
        **register.public_dict(entry),
        "classification": entry.classification,
        "version": entry.version,
        "category_words": category_label(entry.category_code),
        "area": {"code": entry.admin_code, "name": areas.get(entry.admin_code or "")},
        "geometry": entry.geom.__geo_interface__ if entry.geom is not None else None,
    }


def browse(
    session,
    *,
    q: str | None = None,
    category: str | None = None,
    status: str | None = None,
    subdistrict: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """``{"names": [...], "total": n}``: one page of matching entries in name order."""
    where = _filters(q, category, status, subdistrict)
    total = session.scalar(select(func.count(PlaceName.id)).where(*where))
    query = select(PlaceName).where(*where).order_by(PlaceName.name, PlaceName.id).limit(min(limit, MAX_LIMIT)).offset(offset)
    entries = list(session.scalars(query))
    areas = area_names(session, {e.admin_code for e in entries if e.admin_code})
    return {"names": [_row(e, areas) for e in entries], "total": total}


def entry_view(session, name_id: int) -> dict[str, Any]:
    """One entry for the officers' page: every register field, the category and area in
    words, and the applications about it (newest first) with their kind and state."""
    entry = register.get_name(session, name_id)
    areas = area_names(session, {entry.admin_code} if entry.admin_code else set())
    body = register.officer_dict(session, entry)
    body["category_words"] = category_label(entry.category_code)
    body["area"] = {"code": entry.admin_code, "name": areas.get(entry.admin_code or "")}
    if entry.romanization_override and entry.category_code in categories.categories():  # what the override replaces
        body["rules_romanization"] = register.spelling(entry.name, entry.category_code, generic=entry.generic_part)["romanization"]
    body["former_names"] = [a for a in body["aliases"] if a["kind"] == "former"]
    applications = session.scalars(
        select(NamingApplication).where(NamingApplication.place_name_id == name_id).order_by(NamingApplication.id.desc())
    )
    body["applications"] = [
        {
            "id": a.id,
            "kind": a.kind,
            "kind_label": procedure.bilingual(procedure.KIND_LABELS, a.kind),
            "state": a.state,
            "state_label": procedure.bilingual(procedure.LABELS, a.state),
            "proposed_name": a.proposed_name,
            "approved_on": a.approved_on.isoformat() if a.approved_on else None,
            "announced_on": a.announced_on.isoformat() if a.announced_on else None,
            "announcement_number": a.announcement_number,
        }
        for a in applications
    ]
    return body
