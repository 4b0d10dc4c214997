"""Inventory reports: counts and pass rates by road and subdistrict, items due for
inspection, and items whose text no longer matches the register (e.g. after a rename).

The state of an item is its LATEST result, so a failure repaired and passed on
re-inspection counts as passed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import shapely
from sqlalchemy import select

from gis.basemap import AdminUnit, Road
from placenames.models import DoorPlate
from placenames.numbering.address import AdminNames

from .inventory import sign_texts
from .models import PLATE, ROAD_SIGN, InspectionResult, PlateItem, RoadSign

DUE_AFTER_DAYS = 365


def report(store, *, today: dt.date | None = None, due_after_days: int = DUE_AFTER_DAYS) -> dict:
    today = today or dt.date.today()
    with store.read() as session:
        roads = dict(session.execute(select(Road.id, Road.name)).all())
        items = _items(session, roads)
        latest = _latest_results(session)
    by_road: dict[str, dict] = defaultdict(_tally)
    by_subdistrict: dict[str, dict] = defaultdict(_tally)
    due, stale = [], []
    cutoff = today - dt.timedelta(days=due_after_days)
    for item in items:
        result = latest.get((item["kind"], item["id"]))
        for tally in (by_road[item["road"]], by_subdistrict[item["subdistrict"] or "未知 unknown"]):
            _count(tally, result)
        if item["status"] == "in_service" and (result is None or result[0] < cutoff):
            due.append({**_public(item), "last_inspected": result[0].isoformat() if result else None})
        if item["expected"] != item["text"]:
            stale.append({**_public(item), "expected": item["expected"]})
    return {
        "by_road": _rates(by_road),
        "by_subdistrict": _rates(by_subdistrict),
        "due": due,
        "text_mismatch": stale,
        "totals": _rates({"all": _sum(by_road.values())})["all"],
    }


def _items(session, roads: dict[int, str]) -> list[dict]:
    names = AdminNames(session)
    expected_sign = {name: " / ".join(text) for name, text in sign_texts(session, roads.values()).items()}
    in_force = (AdminUnit.level == "subdistrict") & AdminUnit.valid_to.is_(None)
    sub_rows = session.execute(select(AdminUnit.name, AdminUnit.geom).where(in_force)).all()
    sub_names = [n for n, g in sub_rows if g is not None]
    tree = shapely.STRtree(np.array([g for _, g in sub_rows if g is not None], dtype=object)) if sub_names else None
    items = []
    sign_columns = (RoadSign.id, RoadSign.road_id, RoadSign.text_zh, RoadSign.text_roman, RoadSign.status, RoadSign.geom)
    signs = session.execute(select(*sign_columns)).all()
    where = np.empty((2, 0), dtype=int)
    if tree is not None and signs:
        where = tree.query(np.array([s.geom for s in signs], dtype=object), predicate="within")
    sign_unit = dict(zip(where[0], where[1], strict=True))
    for k, s in enumerate(signs):
        unit = sign_unit.get(k)
        items.append(
            {
                "kind": ROAD_SIGN,
                "id": s.id,
                "road": roads[s.road_id],
                "status": s.status,
                "text": f"{s.text_zh} / {s.text_roman}",
                "expected": expected_sign[roads[s.road_id]],
                "subdistrict": sub_names[unit] if unit is not None else None,
            }
        )
    plates = session.execute(
        select(
            PlateItem.id,
            PlateItem.level,
            PlateItem.text,
            PlateItem.status,
            DoorPlate.road_id,
            DoorPlate.number_text,
            DoorPlate.status.label("plate_status"),
            DoorPlate.admin_code,
        ).join(DoorPlate, DoorPlate.id == PlateItem.door_plate_id)
    ).all()
    for p in plates:
        base = f"{roads[p.road_id]}{p.number_text}号"
        items.append(
            {
                "kind": PLATE,
                "id": p.id,
                "road": roads[p.road_id],
                "status": p.status,
                "text": p.text,
                "expected": expected_plate_text(p.text, p.level, base, p.plate_status),
                "subdistrict": names.chain(p.admin_code).get("subdistrict"),
            }
        )
    return items


def expected_plate_text(text: str, level: str, base: str, plate_status: str) -> str:
    """What the plate should read now: its address's current text, followed for 楼牌/单元牌/户牌
    by the plate's own 幢/单元/室 label (kept from its text, after the last 号: the street number's);
    a plate of a retired number should no longer be up."""
    if plate_status != "current":
        return f"（已注销 retired）{base}"
    if level == "门牌":
        return base
    _, mark, label = text.rpartition("号")
    return base + label if mark else base + "…"


def _latest_results(session) -> dict[tuple[str, int], tuple[dt.date, str]]:
    latest = {}
    columns = (InspectionResult.item_kind, InspectionResult.item_id, InspectionResult.inspected_on, InspectionResult.result)
    rows = session.execute(select(*columns).order_by(InspectionResult.inspected_on, InspectionResult.id))
    for kind, item, on, result in rows:
        latest[(kind, item)] = (on, result)
    return latest


def _tally() -> dict:
    return {"items": 0, "inspected": 0, "passed": 0, "failed": 0}


def _count(tally: dict, result) -> None:
    tally["items"] += 1
    if result is not None:
        tally["inspected"] += 1
        tally["passed" if result[1] == "pass" else "failed"] += 1


def _sum(tallies) -> dict:
    total = _tally()
    for tally in tallies:
        for key in total:
            total[key] += tally[key]
    return total


def _rates(tallies: dict[str, dict]) -> dict[str, dict]:
    def rate(t: dict) -> float | None:
        return round(t["passed"] / t["inspected"], 4) if t["inspected"] else None

    return {key: {**t, "pass_rate": rate(t)} for key, t in sorted(tallies.items())}


def _public(item: dict) -> dict:
    return {k: item[k] for k in ("kind", "id", "road", "subdistrict", "text")}
