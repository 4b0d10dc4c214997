"""One main plate (门牌) per address, unless the old one has been removed.

Why: a second 门牌 on one address is a data error (two plates claiming to be the
address), and a field import that adds one silently doubles the inventory. The rule
is checked before writing so the officer reads which plate is already there; the
partial unique index (``models.MAIN_PLATE_INDEX``) catches two writers at one moment.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gis.errors import Conflict

from .models import MAIN_PLATE, MAIN_PLATE_INDEX, PlateItem


def counts(level: str | None, status: str | None) -> bool:
    """Whether a plate of ``level`` and ``status`` is its address's main plate."""
    return level == MAIN_PLATE and status != "removed"


def conflict(address: str, existing_id: int | None = None) -> Conflict:
    return Conflict(
        f"门牌地址 {address} 已有在用门牌"
        + (f"（编号 {existing_id}）" if existing_id else "")
        + "，一个地址只挂一块门牌；请先将旧牌标为已拆除",
        f"The address {address} already has a main plate (门牌)"
        + (f" (id {existing_id})" if existing_id else "")
        + "; an address carries one; mark the old plate removed first",
        details={"rule": "one_main_plate", "address": address, "existing": existing_id},
    )


def existing(session, door_plate_id: int) -> int | None:
    """The id of the address's current main plate, if any."""
    query = select(PlateItem.id).where(
        PlateItem.door_plate_id == door_plate_id, PlateItem.level == MAIN_PLATE, PlateItem.status != "removed"
    )
    return session.scalars(query).first()


def flush(session, address: str) -> None:
    """Write now, so a main plate another officer added at this moment is this 409, not a generic duplicate."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        if MAIN_PLATE_INDEX not in str(exc.orig) and "plate_items.door_plate_id" not in str(exc.orig):
            raise
        raise conflict(address) from exc
