"""The 公告 of an announced application: what the MCA rules require it to carry
(地名备案公告管理办法: standard name, romanization, administrative area, location,
approving body, approval date), for naming, renaming and cancellation alike.

Written once, on announcement, into ``NamingApplication.announcement`` and final from
then on; the public page and the printed document read it as it is. Fields are only
ever added, never renamed, so every announcement ever made still reads.
"""

from __future__ import annotations

from typing import Any

from . import categories, procedure
from .areas import area
from .models import PlaceName
from .registry_models import NamingApplication


def _category(code: str) -> dict[str, str]:
    known = categories.categories().get(code)
    return {"zh": known.label_zh, "en": known.label_en} if known else {"zh": code, "en": code}


def build(application: NamingApplication, entry: PlaceName, session, *, former: dict[str, Any] | None = None) -> dict[str, Any]:
    """The announcement of ``application`` whose register entry is now ``entry``.

    ``former``: for a rename, ``{"name", "romanization"}`` of the name before it
    (announced as ``former_name``, a text, and ``former_romanization``).
    A cancellation announces the name that ceases, in the area it lay in."""
    assert application.approved_on is not None and application.announced_on is not None  # made on announcement
    code = application.admin_code or entry.admin_code
    return {
        "kind": application.kind,
        "kind_label": procedure.bilingual(procedure.KIND_LABELS, application.kind),
        "standard_name": entry.name,
        "romanization": entry.romanization,
        "category_code": entry.category_code,
        "category_label": _category(entry.category_code),
        "administrative_area": area(session, code, application.announced_on),
        "location_description": entry.location_description or application.location_description,
        "former_name": former["name"] if former and application.kind == "rename" else None,
        "former_romanization": former["romanization"] if former and application.kind == "rename" else None,
        "approving_body": application.approving_body,
        "approval_date": application.approved_on.isoformat(),
        "approval_document": application.approval_document,
        "filed_with": application.filed_with,
        "filed_on": application.filed_on.isoformat() if application.filed_on else None,
        "announced_on": application.announced_on.isoformat(),
        "application_id": application.id,
        "place_name_id": entry.id,
    }
