"""A road's standard name changes: the street registry and every address follow.

When a rename of a road/street/lane name (category 23510) is announced, the road
carrying the old name takes the new one and each of its door plates gets its
address text rewritten; numbers do not change. All inside the announcing
transaction, so each changed road and plate is audited with the same reason, and
the register, the street registry and the addresses never disagree.
"""

from __future__ import annotations

from sqlalchemy import select

from gis.basemap import Road

from .models import DoorPlate

ROAD_CATEGORY = "23510"


def follow_rename(session, old_name: str, new_name: str, category_code: str) -> dict[str, int]:
    """Rename the road ``old_name`` and its addresses; counts of what changed."""
    if category_code != ROAD_CATEGORY:
        return {"roads": 0, "addresses": 0}
    road = session.scalar(select(Road).where(Road.name == old_name))
    if road is None:
        return {"roads": 0, "addresses": 0}
    road.name = new_name
    changed = 0
    for plate in session.scalars(select(DoorPlate).where(DoorPlate.road_id == road.id)):
        if old_name in plate.address:
            plate.address = plate.address.replace(old_name, new_name, 1)
            changed += 1
    return {"roads": 1, "addresses": changed}
