"""Putting items into the inventory: road signs with their generated romanization,
plates per address level, and the demo's signs at every intersection."""

from __future__ import annotations

import datetime as dt

import numpy as np
import shapely
from sqlalchemy import select

from gis.basemap import Road
from gis.errors import InvalidInput, NotFound
from gis.positions import check_point
from placenames.models import DoorPlate
from placenames.placement import SIGN_REACH_M, require_near

from . import main_plate
from .models import PLATE_LEVELS, PlateItem, RoadSign

INTERSECTION_SIGN = "街牌"
MEET_TOLERANCE_DEG = 1e-5  # about 1 m: T-junctions in survey data rarely touch exactly


def sign_text(road_name: str, spelled: str | None = None) -> tuple[str, str]:
    """What a sign for ``road_name`` should read: the name and its capitalised romanization.

    ``spelled`` is the register's spelling of the name (``register.spelling_of``, an
    officer's override included, see ``sign_texts``); only a name the register does not
    hold is spelled here by the rules."""
    from placenames.romanization import romanize, sign_form

    return road_name, sign_form(spelled) if spelled else romanize(road_name, sign=True)


def sign_texts(session, road_names) -> dict[str, tuple[str, str]]:
    """Sign text of each road name, from the register's spelling (override included).

    Why not re-spell the characters: an officer's override (a name read differently
    locally, a historic spelling) is the legal spelling and must be what signs print."""
    from placenames import categories
    from placenames.models import PlaceName
    from placenames.register import spelling_of

    names = sorted(set(road_names))
    query = select(PlaceName).where(PlaceName.name.in_(names), PlaceName.status == "current")
    spelled: dict[str, str] = {}
    for entry in sorted(session.scalars(query).all(), key=lambda e: (e.category_code != categories.ROAD, e.id)):
        spelled.setdefault(entry.name, spelling_of(entry))  # a road's entry before any other kind's
    return {name: sign_text(name, spelled.get(name)) for name in names}


def plate_text(plate: DoorPlate, road_name: str, level: str, label: str | None = None) -> str:
    """The text of a plate of ``level`` for a door-plate address (楼牌/单元牌/户牌 add their label)."""
    base = f"{road_name}{plate.number_text}号"
    if level == "门牌":
        return base
    if not label:
        raise InvalidInput(f"{level}须给出编号（如 3 幢、2 单元、501 室）", f"A {level} needs its label (building, unit or room number)")
    return base + {"楼牌": f"{label}幢", "单元牌": f"{label}单元", "户牌": f"{label}室"}[level]


def add_road_sign(
    store,
    road_name: str,
    point,
    *,
    actor: str,
    sign_type: str = INTERSECTION_SIGN,
    size: str | None = None,
    installed_on: dt.date | None = None,
) -> int:
    check_point(point, what_zh="路牌", what_en="sign")
    with store.transaction(actor=actor, reason="路牌登记 road sign added") as session:
        road = session.execute(select(Road.id, Road.geom).where(Road.name == road_name)).first()
        if road is None:
            raise NotFound(f"道路不存在：{road_name}", f"Unknown road: {road_name}")
        road_id = road.id
        require_near(point, road.geom, SIGN_REACH_M, f"道路“{road_name}”", f"road {road_name!r}")
        zh, roman = sign_texts(session, [road_name])[road_name]
        sign = RoadSign(
            road_id=road_id, text_zh=zh, text_roman=roman, sign_type=sign_type, size=size, installed_on=installed_on, geom=point
        )
        session.add(sign)
        session.flush()
        return sign.id


def add_plate(
    store,
    door_plate_id: int,
    level: str,
    *,
    actor: str,
    label: str | None = None,
    plate_type: str | None = None,
    installed_on: dt.date | None = None,
) -> int:
    if level not in PLATE_LEVELS:
        raise InvalidInput(f"牌类应为 {'、'.join(PLATE_LEVELS)}", f"Plate level must be one of {', '.join(PLATE_LEVELS)}")
    with store.transaction(actor=actor, reason="门牌登记 plate added") as session:
        plate = session.get(DoorPlate, door_plate_id)
        if plate is None:
            raise NotFound("门牌地址不存在", f"No door plate {door_plate_id}")
        road_name = session.scalar(select(Road.name).where(Road.id == plate.road_id))
        text = plate_text(plate, road_name, level, label)
        if main_plate.counts(level, "in_service"):
            taken = main_plate.existing(session, plate.id)
            if taken is not None:
                raise main_plate.conflict(plate.address, taken)
        address = plate.address
        item = PlateItem(door_plate_id=plate.id, level=level, text=text, plate_type=plate_type, installed_on=installed_on, geom=plate.geom)
        session.add(item)
        main_plate.flush(session, address)
        return item.id


def intersection_signs(store, session, *, installed_on: dt.date | None = None, roads: list[str] | None = None) -> int:
    """One 街牌 per road at each point where two named roads meet (the demo's road signs);
    runs in the caller's transaction. Returns the number of signs added."""
    rows = session.execute(select(Road.id, Road.name, Road.geom).order_by(Road.id)).all()
    if len(rows) < 2:
        return 0
    lines = np.array([g for *_, g in rows], dtype=object)
    tree = shapely.STRtree(lines)
    a, b = tree.query(lines, predicate="dwithin", distance=MEET_TOLERANCE_DEG)
    keep = a < b
    if roads is not None:
        chosen = {k for k, row in enumerate(rows) if row[1] in set(roads)}
        keep &= np.isin(a, list(chosen)) | np.isin(b, list(chosen))
    texts = sign_texts(session, [name for _, name, _ in rows])
    signs = []
    for i, j in zip(a[keep], b[keep], strict=True):
        point = shapely.get_point(shapely.shortest_line(lines[i], lines[j]), 0)  # the crossing, or the T-junction's foot
        for k in (i, j):
            road_id, name, _ = rows[k]
            zh, roman = texts[name]
            signs.append(
                {
                    "road_id": road_id,
                    "text_zh": zh,
                    "text_roman": roman,
                    "sign_type": INTERSECTION_SIGN,
                    "size": "1000x300",
                    "installed_on": installed_on,
                    "status": "in_service",
                    "geom": point,
                }
            )
    return store.bulk_insert(session, RoadSign, signs) if signs else 0


def door_plate_items(store, session, *, installed_on: dt.date | None = None) -> int:
    """A 门牌 item for every current door plate that has none yet (caller's transaction)."""
    have = set(session.scalars(select(PlateItem.door_plate_id).where(PlateItem.level == "门牌")))
    names = dict(session.execute(select(Road.id, Road.name)).all())
    rows = [
        {
            "door_plate_id": p.id,
            "level": "门牌",
            "text": f"{names[p.road_id]}{p.number_text}号",
            "plate_type": "门牌",
            "installed_on": installed_on,
            "status": "in_service",
            "geom": p.geom,
        }
        for p in session.execute(
            select(DoorPlate.id, DoorPlate.road_id, DoorPlate.number_text, DoorPlate.geom).where(DoorPlate.status == "current")
        ).all()
        if p.id not in have
    ]
    return store.bulk_insert(session, PlateItem, rows) if rows else 0
