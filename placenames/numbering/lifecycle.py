"""After numbering: retire numbers on demolition, renumber a whole road, set a road's conventions.

Every change of an address leaves an old -> new row in ``door_number_changes`` (and
the audit log has the full records), so a public notice can list them.
"""

from __future__ import annotations

from sqlalchemy import select

from gis.errors import Conflict, InvalidInput, NotFound
from placenames.models import DoorPlate

from . import context, geometry
from .address import AdminNames
from .lookup import plate_by_address
from .models import NumberChange, RoadNumbering
from .plan import Candidate
from .plan import renumber as renumber_rule
from .service import existing_plate, stored_address

SETTING_FIELDS = ("direction", "odd_side", "spacing_m", "suffix_style", "width_m", "start_description", "end_description")


def retire(
    store,
    *,
    actor: str,
    reason: str,
    plate_ids: list[int] | None = None,
    building_id: int | None = None,
    address: str | None = None,
) -> list[dict]:
    """Retire the given plates, every current plate of a demolished building, or the current
    plate of an address text (子君路88号, or the full standard address). The numbers stay
    taken (the row keeps them) so they are not handed out again unless an officer allows it."""
    if not reason:
        raise InvalidInput("注销门牌号须说明理由", "Retiring a number needs a reason")
    given = sum((bool(plate_ids), building_id is not None, address is not None))
    if given != 1:
        raise InvalidInput("请指定门牌、建筑或地址（三者之一）", "Give plate ids, a building id or an address (one of them)")
    with store.transaction(actor=actor, reason=reason) as session:
        if address is not None:
            plate_ids = [plate_by_address(session, address).id]
        query = select(DoorPlate)
        if plate_ids:
            query = query.where(DoorPlate.id.in_(plate_ids))
        else:
            query = query.where(DoorPlate.building_id == building_id, DoorPlate.status == "current")
        plates = list(session.scalars(query.with_for_update()))
        if plate_ids and len(plates) != len(set(plate_ids)):
            missing = sorted(set(plate_ids) - {p.id for p in plates})
            raise NotFound(f"门牌不存在：{missing}", f"No such door plate(s): {missing}", details={"plates": missing})
        if not plates:
            raise NotFound("该建筑没有现行门牌", "The building has no current door plate")
        return retire_plates(session, plates, reason)


def retire_plates(session, plates: list[DoorPlate], reason: str) -> list[dict]:
    """Retire ``plates`` inside the caller's transaction, each with its old -> (none) record."""
    already = [p.number_text for p in plates if p.status == "retired"]
    if already:
        raise Conflict(f"门牌号已注销：{'、'.join(already)}", f"Already retired: {', '.join(already)}", details={"numbers": already})
    for plate in plates:
        plate.status = "retired"
        session.add(
            NumberChange(
                door_plate_id=plate.id,
                road_id=plate.road_id,
                change="retire",
                old_text=plate.number_text,
                old_address=plate.address,
                note=reason,
            )
        )
    session.flush()
    return [{"id": p.id, "road_id": p.road_id, "number": p.number_text, "address": p.address, "status": p.status} for p in plates]


def renumber(store, road_name: str, *, actor: str, reason: str) -> list[dict]:
    """Number a road's current plates afresh (after a rename or realignment), keeping the
    plates (ids, buildings) and recording old -> new for every address. Numbers follow the
    chainage grid (``plan.renumber``); retired numbers stay blocked and shift nothing."""
    if not reason:
        raise InvalidInput("整街重新编号须说明理由（如更名或改线公告）", "Renumbering a road needs a reason (e.g. the rename notice)")
    with store.transaction(actor=actor, reason=reason) as session:
        (road_id,) = context.find_roads(session, [road_name])
        context.lock_roads(session, [road_id])
        loaded = context.load(session, [road_id])
        context.refuse_unregistered(loaded)
        road = loaded.roads[loaded.wanted[0]]
        plates = list(session.scalars(select(DoorPlate).where(DoorPlate.road_id == road_id).order_by(DoorPlate.id)))
        current = [p for p in plates if p.status == "current"]
        retired = [existing_plate(p, road.line) for p in plates if p.status == "retired"]
        doors = geometry.to_metric([p.geom for p in current])
        at = geometry.chainage(road.line, doors)
        sides = geometry.sides(road.line, at, doors)
        candidates = [Candidate(p.id, float(c), str(s), 0.0, p.kind) for p, c, s in zip(current, at, sides, strict=True)]
        by_id = {p.id: p for p in current}
        result = renumber_rule(road.settings, retired, candidates)
        names = AdminNames(session)
        targets = {(a.number, a.suffix) for a in result}
        # Plates whose new number another plate still holds step aside first (the
        # unique constraint is checked row by row on PostgreSQL).
        for a in result:
            plate = by_id[a.building_id]
            if (plate.number, plate.suffix) in targets and (plate.number, plate.suffix) != (a.number, a.suffix):
                plate.number, plate.suffix = -plate.id, ""
        session.flush()
        changes = []
        for a in result:
            plate = by_id[a.building_id]
            old_text, old_address = plate.number_text, plate.address
            plate.number, plate.suffix, plate.number_text = a.number, a.suffix, a.number_text
            plate.side, plate.chainage_m = a.side, round(a.chainage, 2)
            plate.address = stored_address(names, plate.admin_code, road.name, a.number_text)
            session.add(
                NumberChange(
                    door_plate_id=plate.id,
                    road_id=road_id,
                    change="renumber",
                    old_text=old_text,
                    new_text=a.number_text,
                    old_address=old_address,
                    new_address=plate.address,
                    note=reason,
                )
            )
            changes.append(
                {
                    "plate": plate.id,
                    "building": plate.building_id,
                    "old": old_text,
                    "new": a.number_text,
                    "old_address": old_address,
                    "new_address": plate.address,
                }
            )
        session.flush()
        return changes


def changes(store, road_name: str) -> list[dict]:
    """The old -> new record of a road, oldest first."""
    with store.read() as session:
        (road_id,) = context.find_roads(session, [road_name])
        rows = session.scalars(select(NumberChange).where(NumberChange.road_id == road_id).order_by(NumberChange.id))
        return [
            {
                "plate": r.door_plate_id,
                "change": r.change,
                "old": r.old_text,
                "new": r.new_text,
                "old_address": r.old_address,
                "new_address": r.new_address,
                "at": r.created_at.isoformat(),
                "by": r.created_by,
                "note": r.note,
            }
            for r in rows
        ]


def set_road_settings(store, road_name: str, *, actor: str, reason: str | None = None, **values) -> dict:
    """Create or change a road's own numbering settings; unknown or invalid values are a 400."""
    unknown = sorted(set(values) - set(SETTING_FIELDS))
    if unknown:
        raise InvalidInput(f"未知的编号设置：{unknown}", f"Unknown numbering settings: {unknown}", details={"unknown": unknown})
    with store.transaction(actor=actor, reason=reason or "道路编号设置 road numbering settings") as session:
        (road_id,) = context.find_roads(session, [road_name])
        row = session.scalars(select(RoadNumbering).where(RoadNumbering.road_id == road_id)).first() or RoadNumbering(road_id=road_id)
        merged = {key: getattr(row, key) for key in SETTING_FIELDS} | values
        context.district_settings(session).overlay(**merged)  # refuses invalid values before anything is written
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)
        session.flush()
        return {"road": road_name, **{key: getattr(row, key) for key in SETTING_FIELDS}}
