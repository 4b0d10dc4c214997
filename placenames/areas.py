"""The administrative area a name lies in, by its 12-digit code, as people read it.

The 公告 and the officers' views must name the area, not only give its code. The
units table (``gis.basemap.AdminUnit``) is the authority: the version in force on the
day asked about, else the latest version (a unit closed since), else the register's
current standard name of the unit (a register filled from the division codes before
the units were loaded), else, for the district itself, its deployment profile. The full name runs from the district down (区 + 街道 + 社区).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select

from .models import PlaceName

MAX_LEVELS = 6  # district, subdistrict, community, with room to spare; stops a cycle in bad data


def _unit(session, code: str, on: dt.date | None) -> tuple[str, str | None] | None:
    """(name, parent code) of the unit ``code``: in force on ``on``, else its latest version."""
    from gis.basemap import AdminUnit

    query = select(AdminUnit.name, AdminUnit.parent_code).where(AdminUnit.code == code)
    if on is not None:
        found = session.execute(
            query.where(AdminUnit.valid_from <= on, or_(AdminUnit.valid_to.is_(None), AdminUnit.valid_to > on)).limit(1)
        ).first()
        if found is not None:
            return found[0], found[1]
    latest = session.execute(query.order_by(AdminUnit.valid_from.desc()).limit(1)).first()
    return (latest[0], latest[1]) if latest is not None else None


def _registered(session, code: str) -> tuple[str, str | None] | None:
    """(name, admin code) of the unit's current standard name in the register."""
    found = session.execute(
        select(PlaceName.name, PlaceName.admin_code)
        .where(PlaceName.entity_code == code, PlaceName.status == "current")
        .order_by(PlaceName.id)
        .limit(1)
    ).first()
    return (found[0], found[1]) if found is not None else None


def _district(code: str) -> tuple[str, str | None] | None:
    """The district itself, named by its deployment profile when no table has it."""
    from gis.profile import current_profile

    profile = current_profile()
    return (profile.name.zh, None) if code in (profile.code, profile.district_code) else None


def _find(session, code: str, on: dt.date | None) -> tuple[str, str | None] | None:
    return _unit(session, code, on) or _registered(session, code) or _district(code)


def area(session, code: str | None, on: dt.date | None = None) -> dict[str, Any]:
    """``{"code", "name", "full_name"}`` of the area ``code``: name None when unknown,
    ``full_name`` the names from the top unit found down to this one (district, subdistrict, community names joined)."""
    if not code:
        return {"code": code, "name": None, "full_name": None}
    chain: list[str] = []
    current: str | None = code
    while current and len(chain) < MAX_LEVELS:
        found = _find(session, current, on)
        if found is None:
            break
        chain.append(found[0])
        current = found[1] if found[1] != current else None
    return {"code": code, "name": chain[0] if chain else None, "full_name": "".join(reversed(chain)) if chain else None}
