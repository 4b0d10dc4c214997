"""One page of the sign and plate inventory, filtered by subdistrict, road, status,
text out of date or inspection due, with the total and where the next page starts.

Why: at district size the inventory holds tens of thousands of items (the demo: 11,000
road signs and 38,000 plates); the whole report is megabytes and a browser freezes
drawing it. A page needs only its own rows, so the filters run over light columns of
every item (no geometry, no spelling) and the costly parts (a sign's subdistrict by
position, the register's spelling, the latest inspection) are worked out for the
page's rows alone, unless a filter needs them for every item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import shapely
from sqlalchemy import func, literal, select, union_all

from gis.basemap import AdminUnit, Road
from gis.errors import InvalidInput
from placenames.models import DoorPlate
from placenames.numbering.address import AdminNames

from .inventory import sign_texts
from .models import ITEM_STATUSES, PLATE, ROAD_SIGN, STATUS_LABELS, InspectionResult, PlateItem, RoadSign
from .reports import DUE_AFTER_DAYS, expected_plate_text

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
KINDS = (ROAD_SIGN, PLATE)
ID_LIST_MAX = 900
UNKNOWN = "未知 unknown"  # items outside every subdistrict in force


@dataclass(frozen=True)
class Filters:
    """Which items a page is taken from; every field is optional (None or False: no filter)."""

    subdistrict: str | None = None  # a subdistrict in force, by name or code
    road: str | None = None  # a road's name
    status: str | None = None  # an item status (models.ITEM_STATUSES)
    kind: str | None = None  # road_sign or plate
    mismatch: bool = False  # only items whose text no longer matches the register
    due: bool = False  # only items in service and not inspected within the period


@dataclass
class _Row:
    """The light columns of one item; ``expected`` and ``subdistrict`` are filled when needed."""

    kind: str
    id: int
    road_id: int
    status: str
    text: str
    admin_code: str | None = None  # plates: the community of their address
    level: str | None = None
    number_text: str = ""
    plate_status: str = "current"
    expected: str | None = None
    subdistrict: str | None = None


def item_page(
    store,
    filters: Filters = Filters(),
    *,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    today: dt.date | None = None,
    due_after_days: int = DUE_AFTER_DAYS,
) -> dict:
    """``{"items", "total", "limit", "offset", "next_offset"}``: items ordered by road (its id,
    so by when it was stored), road signs before plates, then id; ``next_offset`` is None on
    the last page. Filters the database can apply alone (road, status, kind) page in SQL."""
    _check(filters, limit, offset)
    cutoff = (today or dt.date.today()) - dt.timedelta(days=due_after_days)
    with store.read() as session:
        roads = dict(session.execute(select(Road.id, Road.name)).all())
        admin = AdminNames(session)
        if filters.subdistrict is None and not filters.mismatch and not filters.due:
            page, total = _sql_page(session, filters, _road_id(roads, filters.road), limit, offset)
        else:
            rows = _select(session, filters, roads, admin, cutoff)
            rows.sort(key=_order)
            page, total = rows[offset : offset + limit], len(rows)
        _fill_expected(session, [r for r in page if r.expected is None], roads)
        _fill_subdistricts(session, [r for r in page if r.subdistrict is None], admin)
        latest = _latest(session, page)
    end = offset + len(page)
    return {
        "items": [_public(r, roads, latest.get((r.kind, r.id)), cutoff) for r in page],
        "total": total,
        "limit": limit,
        "offset": offset,
        "next_offset": end if end < total else None,
    }


def _order(r: _Row) -> tuple[int, int, int]:
    return (r.road_id, KINDS.index(r.kind), r.id)


def _sql_page(session, filters: Filters, road_id: int | None, limit: int, offset: int) -> tuple[list[_Row], int]:
    """One page ordered and cut in the database, then only its rows read: the first load of
    the whole district's inventory without reading every item."""
    parts = []
    if filters.kind in (None, ROAD_SIGN):
        signs = select(literal(0).label("k"), RoadSign.id.label("id"), RoadSign.road_id.label("road"))
        signs = signs.where(RoadSign.road_id == road_id) if road_id is not None else signs
        parts.append(signs.where(RoadSign.status == filters.status) if filters.status is not None else signs)
    if filters.kind in (None, PLATE):
        plates = select(literal(1).label("k"), PlateItem.id.label("id"), DoorPlate.road_id.label("road"))
        plates = plates.join(DoorPlate, DoorPlate.id == PlateItem.door_plate_id)
        plates = plates.where(DoorPlate.road_id == road_id) if road_id is not None else plates
        parts.append(plates.where(PlateItem.status == filters.status) if filters.status is not None else plates)
    total = sum(session.scalar(select(func.count()).select_from(part.subquery())) or 0 for part in parts)
    both = union_all(*parts).subquery()
    keys = [
        (KINDS[k], i)
        for k, i in session.execute(select(both.c.k, both.c.id).order_by(both.c.road, both.c.k, both.c.id).limit(limit).offset(offset))
    ]
    only = {kind: [i for k, i in keys if k == kind] for kind in KINDS}
    rows = _light_rows(session, filters, road_id, only=only)
    place = {key: n for n, key in enumerate(keys)}
    rows.sort(key=lambda r: place[(r.kind, r.id)])
    return rows, total


def summary(store, filters: Filters = Filters(), *, today: dt.date | None = None, due_after_days: int = DUE_AFTER_DAYS) -> dict:
    """Counts of the filtered items: in all and by subdistrict (items, inspected, passed,
    failed, pass rate; the latest result counts), how many are due and how many no
    longer read what the register says."""
    _check(filters, 1, 0)
    cutoff = (today or dt.date.today()) - dt.timedelta(days=due_after_days)
    with store.read() as session:
        roads = dict(session.execute(select(Road.id, Road.name)).all())
        admin = AdminNames(session)
        rows = _select(session, filters, roads, admin, cutoff)
        _fill_expected(session, [r for r in rows if r.expected is None], roads)
        _fill_subdistricts(session, [r for r in rows if r.subdistrict is None], admin)
        latest = _latest(session, rows)
    totals = _tally()
    by_subdistrict: dict[str, dict] = {}
    due = 0
    for r in rows:
        result = latest.get((r.kind, r.id))
        for tally in (totals, by_subdistrict.setdefault(r.subdistrict or UNKNOWN, _tally())):
            tally["items"] += 1
            if result is not None:
                tally["inspected"] += 1
                tally["passed" if result[1] == "pass" else "failed"] += 1
        due += r.status == "in_service" and (result is None or result[0] < cutoff)
    return {
        "totals": _rated(totals),
        "by_subdistrict": {name: _rated(t) for name, t in sorted(by_subdistrict.items(), key=lambda kv: (kv[0] == UNKNOWN, kv[0]))},
        "due": due,
        "mismatch": sum(r.expected != r.text for r in rows),
    }


def _tally() -> dict:
    return {"items": 0, "inspected": 0, "passed": 0, "failed": 0}


def _rated(t: dict) -> dict:
    return {**t, "pass_rate": round(t["passed"] / t["inspected"], 4) if t["inspected"] else None}


def _select(session, filters: Filters, roads: dict[int, str], admin: AdminNames, cutoff: dt.date) -> list[_Row]:
    """Every item the filters keep (unordered); subdistrict and expected text are filled when a filter needed them."""
    road_id = _road_id(roads, filters.road)
    unit = _subdistrict(session, filters.subdistrict)
    rows = _light_rows(session, filters, road_id)
    if unit is not None:
        _fill_subdistricts(session, rows, admin)
        rows = [r for r in rows if r.subdistrict == unit.name]
    if filters.mismatch:
        _fill_expected(session, rows, roads)
        rows = [r for r in rows if r.expected != r.text]
    if filters.due:
        inspected = _last_inspected(session)
        rows = [r for r in rows if r.status == "in_service" and inspected.get((r.kind, r.id), dt.date.min) < cutoff]
    return rows


def _check(filters: Filters, limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"每页条数 limit 应在 1 到 {MAX_LIMIT} 之间", f"'limit' must be between 1 and {MAX_LIMIT}")
    if offset < 0:
        raise InvalidInput("起始位置 offset 不能为负数", "'offset' must not be negative")
    if filters.status is not None and filters.status not in ITEM_STATUSES:
        zh = "、".join(f"{code}（{label}）" for code, label in STATUS_LABELS.items())
        raise InvalidInput(f"状态 status 应为 {zh} 之一", f"'status' must be one of {', '.join(ITEM_STATUSES)}")
    if filters.kind is not None and filters.kind not in KINDS:
        raise InvalidInput("类型 kind 应为 road_sign（路牌）或 plate（门牌类）", "'kind' must be road_sign or plate")


def _road_id(roads: dict[int, str], name: str | None) -> int | None:
    if name is None:
        return None
    found = next((i for i, n in roads.items() if n == name), None)
    if found is None:
        raise InvalidInput(f"道路不存在：{name}", f"Unknown road: {name}", details={"road": name})
    return found


def _subdistrict(session, key: str | None):
    """The subdistrict in force named or coded ``key`` (code, name, outline)."""
    if key is None:
        return None
    in_force = (AdminUnit.level == "subdistrict") & AdminUnit.valid_to.is_(None)
    query = select(AdminUnit.code, AdminUnit.name, AdminUnit.geom).where(in_force, (AdminUnit.name == key) | (AdminUnit.code == key))
    unit = session.execute(query).first()
    if unit is None:
        raise InvalidInput(f"街道不存在：{key}", f"Unknown subdistrict: {key}", details={"subdistrict": key})
    return unit


def _light_rows(session, filters: Filters, road_id: int | None, *, only: dict[str, list[int]] | None = None) -> list[_Row]:
    """The light columns of the items the database filters keep (``only``: of these ids alone)."""
    rows: list[_Row] = []
    if filters.kind in (None, ROAD_SIGN) and (only is None or only[ROAD_SIGN]):
        query = select(RoadSign.id, RoadSign.road_id, RoadSign.status, RoadSign.text_zh, RoadSign.text_roman)
        if only is not None:
            query = query.where(RoadSign.id.in_(only[ROAD_SIGN]))
        if road_id is not None:
            query = query.where(RoadSign.road_id == road_id)
        if filters.status is not None:
            query = query.where(RoadSign.status == filters.status)
        rows += [_Row(ROAD_SIGN, i, r, s, f"{zh} / {roman}") for i, r, s, zh, roman in session.execute(query)]
    if filters.kind in (None, PLATE) and (only is None or only[PLATE]):
        columns = (
            PlateItem.id,
            DoorPlate.road_id,
            PlateItem.status,
            PlateItem.text,
            DoorPlate.admin_code,
            PlateItem.level,
            DoorPlate.number_text,
            DoorPlate.status,
        )
        plates = select(*columns).join(DoorPlate, DoorPlate.id == PlateItem.door_plate_id)
        if only is not None:
            plates = plates.where(PlateItem.id.in_(only[PLATE]))
        if road_id is not None:
            plates = plates.where(DoorPlate.road_id == road_id)
        if filters.status is not None:
            plates = plates.where(PlateItem.status == filters.status)
        rows += [_Row(PLATE, *values) for values in session.execute(plates)]
    return rows


def _fill_expected(session, rows: list[_Row], roads: dict[int, str]) -> None:
    """What each item should read now: a sign the register's spelling of its road, a plate its address."""
    spelled = sign_texts(session, {roads[r.road_id] for r in rows if r.kind == ROAD_SIGN})
    for r in rows:
        name = roads[r.road_id]
        if r.kind == ROAD_SIGN:
            r.expected = " / ".join(spelled[name])
        else:
            r.expected = expected_plate_text(r.text, r.level or "", f"{name}{r.number_text}号", r.plate_status)


def _fill_subdistricts(session, rows: list[_Row], admin: AdminNames) -> None:
    """Plates by their address's community; road signs by the subdistrict they stand in."""
    for r in rows:
        if r.kind == PLATE:
            r.subdistrict = admin.chain(r.admin_code).get("subdistrict")
    signs = [r for r in rows if r.kind == ROAD_SIGN]
    if not signs:
        return
    in_force = (AdminUnit.level == "subdistrict") & AdminUnit.valid_to.is_(None)
    units = [(n, g) for n, g in session.execute(select(AdminUnit.name, AdminUnit.geom).where(in_force)) if g is not None]
    points = dict(session.execute(_only(select(RoadSign.id, RoadSign.geom), RoadSign.id, [r.id for r in signs])).all())
    x, y = shapely.get_coordinates([points[r.id] for r in signs]).T
    for name, outline in units:
        for r, inside in zip(signs, shapely.contains_xy(outline, x, y), strict=True):
            if inside and r.subdistrict is None:
                r.subdistrict = name


def _last_inspected(session) -> dict[tuple[str, int], dt.date]:
    query = select(InspectionResult.item_kind, InspectionResult.item_id, func.max(InspectionResult.inspected_on))
    return {(kind, item): on for kind, item, on in session.execute(query.group_by(InspectionResult.item_kind, InspectionResult.item_id))}


def _latest(session, rows: list[_Row]) -> dict[tuple[str, int], tuple[dt.date, str]]:
    """The latest inspection (day, result) of each row."""
    wanted = {(r.kind, r.id) for r in rows}
    latest: dict[tuple[str, int], tuple[dt.date, str]] = {}
    for kind in KINDS:
        ids = [r.id for r in rows if r.kind == kind]
        if not ids:
            continue
        columns = (InspectionResult.item_id, InspectionResult.inspected_on, InspectionResult.result)
        query = _only(select(*columns).where(InspectionResult.item_kind == kind), InspectionResult.item_id, ids)
        for item, on, result in session.execute(query.order_by(InspectionResult.inspected_on, InspectionResult.id)):
            if (kind, item) in wanted:
                latest[(kind, item)] = (on, result)
    return latest


def _only(query, column, ids: list[int]):
    """``query`` limited to ``ids`` when they are few; a long list reads everything and the caller
    picks (a query with tens of thousands of parameters is slower, and SQLite caps their number)."""
    return query.where(column.in_(ids)) if len(ids) <= ID_LIST_MAX else query


def _public(r: _Row, roads: dict[int, str], latest: tuple[dt.date, str] | None, cutoff: dt.date) -> dict:
    return {
        "kind": r.kind,
        "id": r.id,
        "road": roads[r.road_id],
        "subdistrict": r.subdistrict,
        "level": r.level,
        "status": r.status,
        "text": r.text,
        "expected": r.expected,
        "mismatch": r.expected != r.text,
        "last_inspected": latest[0].isoformat() if latest else None,
        "last_result": latest[1] if latest else None,
        "due": r.status == "in_service" and (latest is None or latest[0] < cutoff),
    }
