"""界桩 (boundary markers): codes, registration, and synthetic demo sets.

Code = line number + three-digit serial + type letter (GB/T 17796 practice):
single markers end in Q, a pair set on both sides of a river or road shares the
serial and ends in A/B (A on the side of the smaller unit code), a triple in
C/D/E. Serials run along the line, which is drawn west→east or north→south.
"""

from __future__ import annotations

import datetime as dt

import shapely
from sqlalchemy import func, select

from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.errors import Conflict, InvalidInput
from gis.positions import check_point
from gis.storage import Store

from .line_models import BoundaryLine, BoundaryMarker
from .lines.service import get_line
from .marker_checks import check_marker
from .marker_layout import PlannedMarker, plan
from .marker_sites import PAIR_WIDTH_M, reference_objects, tripoints, wide_features

MARKER_TYPES = {"single": ("Q",), "paired": ("A", "B"), "triple": ("C", "D", "E")}
SYNTHETIC = "synthetic-demo"
PUBLIC_FIELDS = ("code", "serial", "marker_type", "letter", "status")


def marker_code(number: str, serial: int, letter: str) -> str:
    if not 1 <= serial <= 999:
        raise InvalidInput(f"界桩序号须在 1–999 之间：{serial}", f"Marker serial must be 1–999: {serial}")
    return f"{number}{serial:03d}{letter}"


def check_type(marker_type: str, letter: str) -> None:
    if marker_type not in MARKER_TYPES:
        raise InvalidInput(f"未知的界桩类型：{marker_type}", f"Unknown marker type: {marker_type} (use {', '.join(MARKER_TYPES)})")
    if letter not in MARKER_TYPES[marker_type]:
        raise InvalidInput(
            f"{marker_type} 界桩的类型字母须为 {'/'.join(MARKER_TYPES[marker_type])}",
            f"A {marker_type} marker's letter must be one of {'/'.join(MARKER_TYPES[marker_type])}",
        )


def check_reference_objects(objects) -> list[dict]:
    """方位物: each with a name, a bearing in degrees from true north and a distance in metres."""
    out = []
    for obj in objects or []:
        try:
            name, bearing, distance = str(obj["name"]).strip(), float(obj["bearing_deg"]), float(obj["distance_m"])
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(
                "方位物须有 name、bearing_deg、distance_m", "A reference object needs name, bearing_deg and distance_m"
            ) from None
        if not name or not 0 <= bearing < 360 or distance < 0:
            raise InvalidInput(
                "方位物的方位角须在 0–360 度、距离不得为负", "A reference object's bearing must be 0–360° and its distance not negative"
            )
        out.append({"name": name, "bearing_deg": bearing, "distance_m": distance})
    return out


def register_marker(
    store: Store, line_id: int, *, serial: int, marker_type: str, letter: str, geom, actor: str, reason: str | None = None, **fields
) -> BoundaryMarker:
    """Register one marker on a line (``geom``: a lon/lat point)."""
    check_type(marker_type, letter)
    with store.transaction(actor=actor, reason=reason or "登记界桩 register marker") as session:
        line = get_line(session, line_id)
        marker = new_marker(session, line, serial=serial, marker_type=marker_type, letter=letter, geom=geom, **fields)
        session.add(marker)
    return marker


def new_marker(session, line: BoundaryLine, *, serial: int, marker_type: str, letter: str, geom, **fields) -> BoundaryMarker:
    """Every check a registered marker passes (type, position on its line, responsible side,
    reference objects, elevation), then the unsaved record: registration and the 成果表 import share it."""
    check_type(marker_type, letter)
    if geom is None or geom.geom_type != "Point":
        raise InvalidInput("界桩位置须为点", "A marker's position must be a point")
    check_point(geom, what_zh="界桩", what_en="marker")
    fields["reference_objects"] = check_reference_objects(fields.get("reference_objects"))
    elevation = fields.get("elevation_m")
    if elevation is not None and not -500 <= elevation <= 9000:
        raise InvalidInput(
            "高程须在 -500 至 9000 米之间", "The elevation must be between -500 and 9000 m", details={"field": "elevation_m"}
        )
    check_marker(session, line, marker_type=marker_type, letter=letter, geom=geom, responsible_code=fields.get("responsible_code"))
    code = marker_code(line.number, serial, letter)
    if session.scalar(select(func.count()).select_from(BoundaryMarker).where(BoundaryMarker.code == code)):
        raise Conflict(f"界桩 {code} 已登记", f"Marker {code} is already registered", details={"field": "serial"})
    return BoundaryMarker(line_id=line.id, code=code, serial=serial, marker_type=marker_type, letter=letter, geom=geom, **fields)


def plan_synthetic(
    session, line, *, spacing_km: float = 1.0, turn_deg: float = 30.0, pair_width_m: float = PAIR_WIDTH_M
) -> list[PlannedMarker]:
    """The synthetic set of a stored line: single on the line, paired along or across wide
    rivers and roads of the register, triple at tri-points of its level (points in lon/lat)."""
    if spacing_km <= 0:
        raise InvalidInput("界桩间距须为正数", "Marker spacing must be positive")
    parts = [reproject(part, STORAGE_CRS, measure_crs()) for part in shapely.get_parts(line.geom)]
    planned = plan(
        parts,
        left_code=line.left_code,
        right_code=line.right_code,
        spacing_m=spacing_km * 1000,
        turn_deg=turn_deg,
        features=wide_features(session, line, pair_width_m),
        tripoints=tripoints(session, line),
    )
    if planned:
        lonlat = reproject(shapely.MultiPoint([p.point for p in planned]), measure_crs(), STORAGE_CRS).geoms
        for marker, point in zip(planned, lonlat, strict=True):
            marker.point = point
    return planned


SYNTHETIC_REMARK = "合成演示数据，非实测 / synthetic demo data, not surveyed"


def add_synthetic_markers(
    store: Store, line_id: int, *, actor: str, spacing_km: float = 1.0, turn_deg: float = 30.0, pair_width_m: float = PAIR_WIDTH_M
) -> list[BoundaryMarker]:
    """Give a line without markers a synthetic demo set, clearly labelled ``synthetic-demo``;
    the nearest buildings of the register serve as their reference objects."""
    with store.transaction(actor=actor, reason="生成演示界桩（合成数据）synthetic demo markers") as session:
        line = get_line(session, line_id)
        if session.scalar(select(func.count()).select_from(BoundaryMarker).where(BoundaryMarker.line_id == line.id)):
            raise Conflict(f"界线 {line.code} 已有界桩，不生成合成界桩", f"Line {line.code} already has markers; no synthetic set is added")
        planned = plan_synthetic(session, line, spacing_km=spacing_km, turn_deg=turn_deg, pair_width_m=pair_width_m)
        if planned and planned[-1].serial > 999:
            raise InvalidInput("界桩超过 999 个，请加大间距", "More than 999 markers; use a larger spacing")
        references = reference_objects(session, line, [p.point for p in planned])
        markers = []
        for p, refs in zip(planned, references, strict=True):
            marker = BoundaryMarker(
                line_id=line.id,
                code=marker_code(line.number, p.serial, p.letter),
                serial=p.serial,
                marker_type=p.marker_type,
                letter=p.letter,
                responsible_code=p.responsible_code,
                status="intact",
                material="混凝土",
                erected_on=dt.date(2016, 1, 1),
                reference_objects=refs,
                photos=[],
                source=SYNTHETIC,
                remarks=f"{SYNTHETIC_REMARK}{'；' + p.note if p.note else ''}",
                geom=p.point,
            )
            session.add(marker)
            markers.append(marker)
    return markers


def unmarked_line_ids(store: Store, level: str) -> list[int]:
    """Ids of the current lines of ``level`` that have no markers yet, by code."""
    marked = select(BoundaryMarker.line_id).group_by(BoundaryMarker.line_id).having(func.count() > 0)
    query = (
        select(BoundaryLine.id)
        .where(BoundaryLine.level == level, BoundaryLine.status == "current", BoundaryLine.id.not_in(marked))
        .order_by(BoundaryLine.code)
    )
    with store.read() as session:
        return list(session.scalars(query))


def markers_of(store: Store, line_id: int) -> list[BoundaryMarker]:
    with store.read() as session:
        query = select(BoundaryMarker).where(BoundaryMarker.line_id == line_id)
        return list(session.scalars(query.order_by(BoundaryMarker.serial, BoundaryMarker.letter)))


def marker_dict(marker: BoundaryMarker) -> dict:
    return {
        "id": marker.id,
        "code": marker.code,
        "line_id": marker.line_id,
        "serial": marker.serial,
        "marker_type": marker.marker_type,
        "letter": marker.letter,
        "status": marker.status,
        "responsible_code": marker.responsible_code,
        "material": marker.material,
        "erected_on": marker.erected_on.isoformat() if marker.erected_on else None,
        "reference_objects": marker.reference_objects or [],
        "photos": marker.photos or [],
        "remarks": marker.remarks,
        "source": marker.source,
        "version": marker.version,
        "elevation_m": marker.elevation_m,
        "lon": round(marker.geom.x, 7),
        "lat": round(marker.geom.y, 7),
    }
