"""The sign and plate inventory read back from files (CSV, GeoPackage, ...): an
all-or-nothing import that updates what it already knows (``export`` writes them).

Why not the generic layer import: an inventory file goes out to a field team and
comes back edited, so an import must update the items it names (by ``id``, or for
new rows by what identifies an item on the ground) instead of adding duplicates;
re-importing an unchanged export changes nothing. Every bad row is reported with
its row number, field and reason, and nothing is written while any is left.

The inspection columns (``last_inspected``, ``last_result``, ``last_defects``) are
exported for reading only; results are recorded through inspection rounds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import select

from gis.basemap import Road
from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.io import read_layer, validate
from gis.io.validate import ROW_COLUMN, LayerSpec
from gis.storage.model import Registered
from placenames.models import DoorPlate
from placenames.placement import PLATE_REACH_M, SIGN_REACH_M

from . import columns, main_plate, rowcheck
from .export import export_plates, export_signs
from .inventory import plate_text, sign_texts
from .models import PLATE_LEVELS, PlateItem, RoadSign

__all__ = ["ImportSummary", "export_plates", "export_signs", "import_plates", "import_signs"]

SAME_PLACE_M = 2.0  # a new sign this close to one of the same road and type is that sign


@dataclass
class ImportSummary:
    kind: str
    rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "changed_ids": self.changed_ids,
        }


def import_signs(store, path, *, actor: str, reason: str | None = None, encoding=None, crs=None, layer=None) -> ImportSummary:
    """Add or update road signs from a file; all or nothing (see the module docstring)."""
    path = Path(path)
    frame, errors = _read(path, "road_signs", encoding, crs, layer)
    with store.transaction(actor=actor, reason=reason or f"路牌导入 road signs import {path.name}") as session:
        roads = {name: (road_id, line) for road_id, name, line in _metric_roads(session)}
        texts = sign_texts(session, roads)
        existing = {s.id: s for s in session.scalars(select(RoadSign))}
        planned = [_sign_row(record, errors, roads, texts, existing) for record in _records(frame)]
        _match(planned, existing.values(), _stored_sign_key, _sign_key, _same_place, errors)
        _refuse_twice_named(planned, errors)
        errors.refuse(path.name, len(frame))
        return _apply(store, session, RoadSign, "road_signs", planned)


def import_plates(store, path, *, actor: str, reason: str | None = None, encoding=None, crs=None, layer=None) -> ImportSummary:
    """Add or update plates from a file; all or nothing (see the module docstring)."""
    path = Path(path)
    frame, errors = _read(path, "plates", encoding, crs, layer)
    with store.transaction(actor=actor, reason=reason or f"门牌导入 plates import {path.name}") as session:
        roads = dict(session.execute(select(Road.name, Road.id)).all())
        door_plates = {(p.road_id, p.number_text): p for p in session.scalars(select(DoorPlate))}
        points = _metric(np.array([p.geom for p in door_plates.values()], dtype=object)) if door_plates else []
        metric = {plate.id: point for plate, point in zip(door_plates.values(), points, strict=True)}
        existing = {p.id: p for p in session.scalars(select(PlateItem))}
        planned = [_plate_row(record, errors, roads, door_plates, metric, existing) for record in _records(frame)]
        _match(planned, existing.values(), _stored_plate_key, _plate_key, _anywhere, errors)
        _refuse_twice_named(planned, errors)
        _refuse_second_main_plates(planned, existing, errors)
        errors.refuse(path.name, len(frame))
        return _apply(store, session, PlateItem, "plates", planned)


def _read(path: Path, name: str, encoding, crs, layer) -> tuple[gpd.GeoDataFrame, rowcheck.RowErrors]:
    """The file in EPSG:4490 (file-level encoding and CRS problems raise here) and its geometry problems."""
    frame = read_layer(path, layer=layer, encoding=encoding, crs=crs)
    renames = columns.from_file(name, frame.columns)
    frame = frame.rename(columns=renames)
    errors = rowcheck.RowErrors(labels={english: label for label, english in renames.items()})
    for problem in validate(frame, LayerSpec(name=name, geometry_types=("Point",))).problems:
        errors.add(problem.row, None if problem.rule == "bad_row" else "geometry", problem.message_zh, problem.message_en)
    frame.attrs["bad_geometry_rows"] = {e.row for e in errors.items if e.field == "geometry"}
    return frame, errors


def _records(frame: gpd.GeoDataFrame) -> list[rowcheck.Record]:
    bad = frame.attrs.get("bad_geometry_rows", set())
    cells = frame.drop(columns=[frame.geometry.name]).to_dict("records")
    geoms = [None if int(c[ROW_COLUMN]) in bad else g for c, g in zip(cells, frame.geometry.array, strict=True)]
    usable = [k for k, g in enumerate(geoms) if g is not None]
    metric = [None] * len(geoms)
    if usable:
        for k, point in zip(usable, _metric(np.array([geoms[k] for k in usable], dtype=object)), strict=True):
            metric[k] = point
    return [rowcheck.Record(int(c[ROW_COLUMN]), c, g, m) for c, g, m in zip(cells, geoms, metric, strict=True)]


@dataclass
class _Planned:
    row: int
    target: Registered | None  # the stored item this row updates; None: a new item
    values: dict | None  # None when the row has problems


def _sign_row(record: rowcheck.Record, errors, roads: dict, texts: dict, existing: dict) -> _Planned:
    cells = rowcheck.Cells(record, errors)
    target = cells.id(existing, "路牌", "road sign")
    road_name = cells.text("road_name", 100, required=True)
    road = roads.get(road_name) if road_name else None
    if road_name and road is None:
        cells.problem("road_name", f"道路“{road_name}”不存在", f"unknown road {road_name!r}")
    default_zh, default_roman = texts[road_name] if road and road_name else (None, None)
    values = {
        "road_id": road[0] if road else None,
        "text_zh": cells.text("text_zh", 100) or default_zh,
        "text_roman": cells.text("text_roman", 200) or default_roman,
        "sign_type": cells.text("sign_type", 32, required=True),
        "size": cells.text("size", 32),
        "installed_on": cells.day("installed_on"),
        "status": cells.status(),
        "geom": record.geom,
    }
    if road:
        cells.near(road[1], SIGN_REACH_M, f"道路“{road_name}”", f"road {road_name!r}")
    return _Planned(record.row, target, values if cells.ok else None)


def _plate_row(record: rowcheck.Record, errors, roads: dict, door_plates: dict, metric: dict, existing: dict) -> _Planned:
    cells = rowcheck.Cells(record, errors)
    target = cells.id(existing, "门楼牌", "plate")
    road_name = cells.text("road_name", 100, required=True)
    number = cells.text("number", 32, required=True)
    level = cells.text("level", 8, required=True)
    road_id = roads.get(road_name) if road_name else None
    if road_name and road_id is None:
        cells.problem("road_name", f"道路“{road_name}”不存在", f"unknown road {road_name!r}")
    plate = door_plates.get((road_id, number)) if road_id and number else None
    if road_id and number and plate is None:
        cells.problem("number", f"{road_name}没有门牌号 {number}", f"{road_name} has no door number {number}")
    if level and level not in PLATE_LEVELS:
        cells.problem("level", f"应为 {'、'.join(PLATE_LEVELS)} 之一", f"must be one of {', '.join(PLATE_LEVELS)}")
    label = cells.text("label", 20)
    plate_text_value = cells.text("text", 200)
    if plate_text_value is None and plate is not None and road_name and level in PLATE_LEVELS:  # (a plate implies its road)
        if level != "门牌" and not label:
            cells.problem("text", f"{level}须给出 text 或 label（幢、单元、室号）", f"a {level} needs its text or a label")
        else:
            plate_text_value = plate_text(plate, road_name, level, label)
    values = {
        "door_plate_id": plate.id if plate else None,
        "level": level,
        "text": plate_text_value,
        "plate_type": cells.text("plate_type", 32),
        "installed_on": cells.day("installed_on"),
        "status": cells.status(),
        "geom": record.geom,
    }
    if plate is not None:
        cells.near(metric[plate.id], PLATE_REACH_M, f"门牌地址 {plate.address}", f"the address point of {plate.address}")
    return _Planned(record.row, target, values if cells.ok else None)


def _stored_sign_key(sign: RoadSign) -> tuple:
    return sign.road_id, sign.sign_type


def _sign_key(values: dict) -> tuple:
    return values["road_id"], values["sign_type"]


def _stored_plate_key(item: PlateItem) -> tuple:
    return item.door_plate_id, item.level, item.text


def _plate_key(values: dict) -> tuple:
    return values["door_plate_id"], values["level"], values["text"]


def _anywhere(a: dict, b: dict) -> bool:
    """A plate is identified by its address, level and text, wherever its point is."""
    return True


def _same_place(a: dict, b: dict) -> bool:
    return float(shapely.distance(_metric(a["geom"]), _metric(b["geom"]))) <= SAME_PLACE_M


def _match(planned: list[_Planned], stored, stored_key, row_key, same, errors) -> None:
    """A row without an id that describes a stored item on the ground updates that item
    instead of adding a twin: same road, type and place for signs; same address, level and
    text for plates. Two such rows describing one new item are refused."""
    index: dict[tuple, list] = {}
    for item in stored:
        index.setdefault(stored_key(item), []).append(item)
    new: dict[tuple, list[_Planned]] = {}
    for p in planned:
        if p.target is not None or p.values is None:
            continue
        key = row_key(p.values)
        p.target = next((item for item in index.get(key, []) if same({"geom": item.geom}, p.values)), None)
        if p.target is not None:
            continue
        twin = next((other for other in new.get(key, []) if same(other.values, p.values)), None)
        if twin is not None:
            errors.add(p.row, None, f"与第 {twin.row} 行描述同一新项目", f"describes the same new item as row {twin.row}")
        new.setdefault(key, []).append(p)


def _refuse_twice_named(planned: list[_Planned], errors) -> None:
    """Two rows of one file may not name the same stored item."""
    by_target: dict[int, int] = {}
    for p in planned:
        if p.values is None or p.target is None:
            continue
        first = by_target.setdefault(p.target.id, p.row)
        if first != p.row:
            errors.add(p.row, "id", f"与第 {first} 行是同一项目", f"names the same item as row {first}")


def _refuse_second_main_plates(planned: list[_Planned], existing: dict, errors) -> None:
    """After the import an address may carry one main plate (门牌) not removed (``main_plate``)."""
    after: dict[tuple, tuple] = {("stored", i): (p.door_plate_id, p.level, p.status, None) for i, p in existing.items()}
    for p in planned:
        if p.values is not None:
            key = ("stored", p.target.id) if p.target is not None else ("row", p.row)
            after[key] = (p.values["door_plate_id"], p.values["level"], p.values["status"], p.row)
    mains: dict[int, list[tuple]] = {}
    for key, (door_plate_id, level, status, row) in after.items():
        if main_plate.counts(level, status):
            mains.setdefault(door_plate_id, []).append((key, row))
    for plates in mains.values():
        if len(plates) < 2:
            continue
        for key, row in plates:
            if row is None:
                continue
            others = [f"编号 {k[1]}" if k[0] == "stored" else f"第 {k[1]} 行" for k, _ in plates if k != key]
            others_en = [f"id {k[1]}" if k[0] == "stored" else f"row {k[1]}" for k, _ in plates if k != key]
            errors.add(
                row,
                "level",
                f"该门牌地址已有在用门牌（{'、'.join(others)}），一个地址只挂一块门牌",
                f"the address already has a main plate ({', '.join(others_en)}); an address carries one",
            )


def _apply(store, session, model, kind: str, planned: list[_Planned]) -> ImportSummary:
    """Insert new items, update changed ones (audited), leave equal ones alone."""
    summary = ImportSummary(kind, len(planned))
    inserts = []
    for p in planned:
        assert p.values is not None  # errors.refuse raised on rows with problems
        if p.target is None:
            inserts.append(p.values)
            continue
        changed = {k: v for k, v in p.values.items() if not _equal(getattr(p.target, k), v)}
        if not changed:
            summary.unchanged += 1
            continue
        for k, v in changed.items():
            setattr(p.target, k, v)
        summary.updated += 1
        summary.changed_ids.append(p.target.id)
    if inserts:
        store.bulk_insert(session, model, inserts)
    summary.inserted = len(inserts)
    session.flush()
    return summary


def _equal(old, new) -> bool:
    if isinstance(new, shapely.Geometry) or isinstance(old, shapely.Geometry):
        return old is not None and new is not None and shapely.equals_exact(old, new, tolerance=1e-9)
    return old == new


def _metric_roads(session):
    rows = session.execute(select(Road.id, Road.name, Road.geom)).all()
    if not rows:
        return []
    lines = reproject(np.array([g for *_, g in rows], dtype=object), STORAGE_CRS, measure_crs())
    return [(road_id, name, line) for (road_id, name, _), line in zip(rows, lines, strict=True)]


def _metric(geom):
    return reproject(geom, STORAGE_CRS, measure_crs())
