"""Door numbering against the store: preview (dry run) and commit, one road or many.

A commit locks the roads it numbers, re-plans inside its transaction and inserts
the plates; the database's UNIQUE(road, number, suffix) is the last word, so two
officers numbering one road can never both get the same number (the loser gets a
409 and nothing of its work is written).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from placenames.models import DoorPlate
from placenames.sides import side_code

from . import context, geometry
from .address import AdminNames
from .frontage import fronting
from .models import NumberChange
from .plan import Assignment, Candidate, Existing, assign
from .settings import NumberingSettings

SOURCE = "numbering-engine"


@dataclass
class RoadPlan:
    road_id: int
    road: str
    settings: NumberingSettings
    assignments: list[Assignment]
    building_codes: dict[int, str] = field(default_factory=dict)
    entrances: list = field(default_factory=list)  # storage-CRS points, parallel to assignments
    admin_codes: list = field(default_factory=list)


@dataclass
class Plan:
    roads: list[RoadPlan]
    skipped_roads: list[str]  # not numbered: no current standard name (batch runs only)
    names: AdminNames | None = None

    def rows(self) -> list[dict]:
        """One dict per numbered building (with its entrance as lon/lat): the dry-run / --json view."""
        return [
            {
                "building": a.building_id,
                "road": plan.road,
                "number": a.number_text,
                "side": a.side,
                "chainage": round(a.chainage, 1),
                "kind": a.kind,
                "reuses_retired": a.reuses_plate_id is not None,
                "placed_by": a.placed_by,
                "reason": {"zh": a.reason_zh, "en": a.reason_en},
                "lon": round(door.x, 7),
                "lat": round(door.y, 7),
            }
            for plan in self.roads
            for a, door in zip(plan.assignments, plan.entrances, strict=True)
        ]

    def summary(self) -> dict:
        count = sum(len(p.assignments) for p in self.roads)
        return {
            "roads": len(self.roads),
            "numbers": count,
            "suffixed": sum(1 for p in self.roads for a in p.assignments if a.suffix),
            "secondary": sum(1 for p in self.roads for a in p.assignments if a.kind == "secondary"),
            "skipped_roads": self.skipped_roads,
        }


def preview(store, roads: list[str] | None = None, *, allow_retired: bool = False) -> Plan:
    """What a commit would assign now, with the reason for every number; writes nothing."""
    with store.read() as session:
        return _plan(session, roads, allow_retired=allow_retired)


def commit(store, roads: list[str] | None = None, *, actor: str, reason: str | None = None, allow_retired: bool = False) -> Plan:
    """Assign and store numbers for every unnumbered building of ``roads`` (all roads if None)."""
    with store.transaction(actor=actor, reason=reason or "门牌编号 door numbering") as session:
        return assign_in_session(store, session, roads, allow_retired=allow_retired)


def assign_all(store, session, roads: list[str] | None = None, *, allow_retired: bool = False) -> dict:
    """Number the roads inside the caller's transaction (e.g. the demo loader's); a summary back."""
    return assign_in_session(store, session, roads, allow_retired=allow_retired).summary()


def assign_in_session(store, session, roads: list[str] | None, *, allow_retired: bool = False) -> Plan:
    road_ids = context.find_roads(session, roads) if roads is not None else None
    context.lock_roads(session, road_ids)
    plan = _plan(session, roads, allow_retired=allow_retired, road_ids=road_ids)
    _write(store, session, plan)
    return plan


def _plan(session, roads: list[str] | None, *, allow_retired: bool, road_ids: list[int] | None = None) -> Plan:
    if roads is not None and road_ids is None:
        road_ids = context.find_roads(session, roads)
    loaded = context.load(session, road_ids)
    if roads is not None:
        context.refuse_unregistered(loaded)
    skipped = set(loaded.unregistered)
    names = AdminNames(session)
    lines = np.array([r.line for r in loaded.roads], dtype=object)
    front = fronting(loaded.buildings, lines, loaded.district.reach_m, entrances=loaded.entrances)
    wanted = {k for k in loaded.wanted if loaded.roads[k].name not in skipped}
    plates_by_road: dict[int, list[DoorPlate]] = {}
    for plate in loaded.plates:
        plates_by_road.setdefault(plate.road_id, []).append(plate)
    plans = []
    pick_road = np.isin(front.road, list(wanted))
    for k in sorted(wanted):
        road = loaded.roads[k]
        on_road = plates_by_road.get(road.id, [])
        have = {p.building_id for p in on_road}
        mask = pick_road & (front.road == k)
        members = [
            j
            for j in np.flatnonzero(mask)
            if loaded.building_ids[front.building[j]] not in have
            and loaded.building_ids[front.building[j]] not in loaded.in_compound  # numbered by its compound (88号3幢)
            and not (front.kind[j] == "main" and loaded.building_ids[front.building[j]] in loaded.main_numbered)
        ]
        plans.append(_plan_road(road, on_road, loaded, front, members, allow_retired))
    return Plan(plans, sorted(skipped), names)


def _plan_road(road, on_road, loaded, front, members, allow_retired: bool) -> RoadPlan:
    existing = [existing_plate(plate, road.line) for plate in on_road]
    b = front.building[members] if members else np.array([], dtype=np.int64)
    doors, by_entrance, facing = _doors(loaded, b, front.kind[members] if members else np.array([], dtype=object), road.line)
    at = geometry.chainage(road.line, doors) if len(b) else np.array([])
    side = geometry.sides(road.line, at, facing) if len(b) else np.array([])
    candidates = [
        Candidate(int(loaded.building_ids[bi]), float(c), str(s), float(d), str(kind))
        for bi, c, s, d, kind in zip(b, at, side, front.distance[members], front.kind[members], strict=True)
    ]
    assignments = assign(road.settings, existing, candidates, allow_retired=allow_retired)
    where = {int(loaded.building_ids[bi]): pos for pos, bi in enumerate(b)}
    storage_doors = geometry.to_storage(doors) if len(b) else []
    plan = RoadPlan(road.id, road.name, road.settings, assignments)
    for a in assignments:
        pos = where[a.building_id]
        a.placed_by = ENTRANCE if by_entrance[pos] else OUTLINE
        zh, en = PLACED_BY_REASON[a.placed_by]
        a.reason_zh, a.reason_en = f"{zh}；{a.reason_zh}", f"{en}; {a.reason_en}"
        plan.entrances.append(storage_doors[pos])
        plan.admin_codes.append(loaded.building_admin[b[pos]])
    return plan


ENTRANCE, OUTLINE = "entrance", "outline"
PLACED_BY_REASON = {
    ENTRANCE: ("按登记的建筑入口定位", "placed by the recorded entrance"),
    OUTLINE: ("无登记入口，按建筑轮廓离道路最近点定位", "no recorded entrance: placed by the outline point nearest the road"),
}


def _doors(loaded, b: np.ndarray, kinds: np.ndarray, line) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each building's plate goes on this road, whether that is its recorded entrance,
    and the point that decides its side. A main address uses the recorded entrance; a
    secondary address (and a building without one) the outline point nearest the road,
    with the side of the building's centroid."""
    if not len(b):
        empty = np.array([], dtype=object)
        return empty, np.array([], dtype=bool), empty
    polygons = loaded.buildings[b]
    doors = geometry.entrances(polygons, line)
    facing = shapely.centroid(polygons)
    recorded = loaded.entrances[b]
    by_entrance = np.array([door is not None and kind == "main" for door, kind in zip(recorded, kinds, strict=True)], dtype=bool)
    doors[by_entrance] = recorded[by_entrance]
    facing[by_entrance] = recorded[by_entrance]
    return doors, by_entrance, facing


def existing_plate(plate: DoorPlate, line) -> Existing:
    chainage = plate.chainage_m
    if chainage is None:
        chainage = float(geometry.chainage(line, geometry.to_metric(plate.geom)))
    side = side_code(plate.side) or str(
        geometry.sides(line, np.array([chainage]), [geometry.to_metric(plate.geom)])[0]
    )  # unknown: by where it stands
    return Existing(plate.id, plate.number, plate.suffix or "", side, chainage, plate.status, plate.building_id)


def stored_address(names: AdminNames, admin_code: str | None, road: str, number_text: str) -> str:
    return names.parts(admin_code, road, number_text).text()


def _write(store, session, plan: Plan) -> None:
    assert plan.names is not None  # a plan from plan_numbers carries its names
    rows = []
    for road_plan in plan.roads:
        for a, door, admin_code in zip(road_plan.assignments, road_plan.entrances, road_plan.admin_codes, strict=True):
            address = stored_address(plan.names, admin_code, road_plan.road, a.number_text)
            values = {
                "road_id": road_plan.road_id,
                "number": a.number,
                "suffix": a.suffix,
                "number_text": a.number_text,
                "building_id": a.building_id,
                "side": a.side,
                "address": address,
                "status": "current",
                "geom": door,
                "chainage_m": round(a.chainage, 2),
                "kind": a.kind,
                "admin_code": admin_code,
                "source": SOURCE,
            }
            if a.reuses_plate_id is None:
                rows.append(values)
                continue
            plate = session.get(DoorPlate, a.reuses_plate_id)
            old_text, old_address = plate.number_text, plate.address
            for key, value in values.items():
                setattr(plate, key, value)
            session.add(
                NumberChange(
                    door_plate_id=plate.id,
                    road_id=road_plan.road_id,
                    change="reuse",
                    old_text=old_text,
                    new_text=a.number_text,
                    old_address=old_address,
                    new_address=address,
                    note="retired number reused by explicit decision",
                )
            )
    if rows:
        store.bulk_insert(session, DoorPlate, rows)
    session.flush()
