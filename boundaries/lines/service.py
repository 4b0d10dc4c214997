"""Boundary lines in the register: build from stored units or a file, save, describe.

A rebuild updates the lines it finds again (keeping an officer's edited 走向说明
and the inspection dates) and marks lines it no longer finds as ``retired``: they
may carry markers and inspection records, so they are never deleted.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import shapely
from sqlalchemy import select

from gis.basemap import UNIT_LEVELS, AdminUnit
from gis.errors import InvalidInput, NotFound, VersionConflict
from gis.io.read import read_layer
from gis.storage import Store

from ..line_models import BoundaryLine
from ..units import in_force
from .builder import BuildOptions, BuiltLine, build_lines
from .description import describe

INSPECTION_YEARS = 5
# significant digits of a statistical code at each level: 530103 / 530103001 / 530103001001
_SIGNIFICANT = {"district": (4, 6), "subdistrict": (6, 9), "community": (9, 12)}


def line_code(code_a: str, code_b: str) -> str:
    return "-".join(sorted((code_a, code_b)))


def line_number(code_a: str, code_b: str, level: str) -> str:
    """Short line number used in marker codes: each unit's own digits at its level, smaller first.

    五华区 530102 – 盘龙区 530103 → "0203"; 街道 530103001000 – 530103002000 → "001002".
    """
    start, end = _SIGNIFICANT.get(level, (0, None))
    return "".join(code[start:end] for code in sorted((code_a, code_b)))


def units_from_store(store: Store, level: str, date: dt.date | None = None) -> list[tuple[str, str, object]]:
    """(code, name, polygon) of the units of ``level`` in force on ``date`` (today if not given)."""
    if level not in UNIT_LEVELS:
        raise InvalidInput(f"未知的区划层级：{level}", f"Unknown unit level: {level}")
    with store.read() as session:
        return units_in_session(session, level, date)


def units_in_session(session, level: str, date: dt.date | None = None) -> list[tuple[str, str, object]]:
    """``units_from_store`` read through an open session (a caller's transaction sees its own writes)."""
    query = (
        select(AdminUnit.code, AdminUnit.name, AdminUnit.geom)
        .where(AdminUnit.level == level, in_force(date or dt.date.today()), AdminUnit.geom.is_not(None))
        .order_by(AdminUnit.code)
    )
    return [(code, name, geom) for code, name, geom in session.execute(query).all()]


def units_from_file(path, crs: str | None = None) -> list[tuple[str, str, object]]:
    """(adcode, name, polygon) of every feature of a polygon file, in CGCS2000 lon/lat.

    ``crs`` "GCJ-02" (or "BD-09") converts web-map outlines such as Amap's first.
    """
    frame = read_layer(path, crs=crs)
    missing = [c for c in ("adcode", "name") if c not in frame.columns]
    if missing:
        raise InvalidInput(f"文件缺少字段：{', '.join(missing)}", f"The file lacks the fields: {', '.join(missing)}")
    return [(str(row.adcode), str(row.name), row.geometry) for row in frame.itertuples()]


def lines_frame(lines: list[BuiltLine]) -> gpd.GeoDataFrame:
    """Built lines as a table for files: left/right code and name, length, parts, disagreement."""
    return gpd.GeoDataFrame(
        {
            "left_code": [line.left_code for line in lines],
            "left_name": [line.left_name for line in lines],
            "right_code": [line.right_code for line in lines],
            "right_name": [line.right_name for line in lines],
            "length_m": [line.length_m for line in lines],
            "parts": [line.parts for line in lines],
            "max_disagreement_m": [line.disagreement.get("max_m") for line in lines],
            "overlap_m2": [line.disagreement.get("overlap_m2") for line in lines],
            "gap_m2": [line.disagreement.get("gap_m2") for line in lines],
        },
        geometry=[line.geom for line in lines],
        crs="EPSG:4490",
    )


def save_lines(store: Store, built: list[BuiltLine], level: str, *, actor: str, reason: str, session=None) -> dict:
    """Write a build into the register; returns counts of added, updated and retired lines.

    With ``session`` (a caller's open transaction) the lines are written in it."""
    if session is None:
        with store.transaction(actor=actor, reason=reason) as own:
            return save_lines(store, built, level, actor=actor, reason=reason, session=own)
    counts = {"added": 0, "updated": 0, "retired": 0}
    existing = {line.code: line for line in session.scalars(select(BoundaryLine).where(BoundaryLine.level == level))}
    seen = set()
    for line in built:
        code = line_code(line.left_code, line.right_code)
        seen.add(code)
        values = {
            "left_code": line.left_code,
            "left_name": line.left_name,
            "right_code": line.right_code,
            "right_name": line.right_name,
            "length_m": line.length_m,
            "parts": line.parts,
            "disagreement": line.disagreement,
            "geom": line.geom,
            "status": "current",
        }
        record = existing.get(code)
        if record is None:
            record = BoundaryLine(
                code=code, number=line_number(line.left_code, line.right_code, level), level=level, description_edited=False, **values
            )
            session.add(record)
            counts["added"] += 1
        else:
            for key, value in values.items():
                setattr(record, key, value)
            counts["updated"] += 1
        if not record.description_edited:
            record.description = describe(line.geom, line.left_name, line.right_name)
    for code, record in existing.items():
        if code not in seen and record.status != "retired":
            record.status = "retired"
            counts["retired"] += 1
    return counts


def build_and_save(store: Store, level: str, *, actor: str, reason: str, options: BuildOptions | None = None) -> dict:
    lines = build_lines(units_from_store(store, level), options)
    return save_lines(store, lines, level, actor=actor, reason=reason)


def list_lines(store: Store, level: str | None = None) -> list[BoundaryLine]:
    """Every line in the register (of ``level`` if given), by level and code."""
    query = select(BoundaryLine).order_by(BoundaryLine.level, BoundaryLine.code)
    if level:
        query = query.where(BoundaryLine.level == level)
    with store.read() as session:
        return list(session.scalars(query))


def line_id_of(store: Store, line_code: str) -> int:
    """The id of the line coded ``line_code`` (e.g. ``420102-420103``)."""
    with store.read() as session:
        line_id = session.scalar(select(BoundaryLine.id).where(BoundaryLine.code == line_code))
    if line_id is None:
        raise NotFound(f"没有编号为 {line_code} 的界线", f"No boundary line {line_code}")
    return line_id


def get_line(session, line_id: int) -> BoundaryLine:
    line = session.get(BoundaryLine, line_id)
    if line is None:
        raise NotFound(f"没有编号为 {line_id} 的界线", f"No boundary line with id {line_id}")
    return line


def edit_description(store: Store, line_id: int, text: str | None, *, version: int, actor: str) -> BoundaryLine:
    """Replace the 走向说明 by an officer's text, or (``text`` None) go back to the generated one."""
    with store.transaction(actor=actor, reason="编辑界线走向说明 edit line description") as session:
        line = get_line(session, line_id)
        if line.version != version:
            raise VersionConflict(
                f"界线 {line.code} 已被他人修改（现为第 {line.version} 版）",
                f"Line {line.code} was changed meanwhile (now version {line.version})",
            )
        if text is None:
            line.description, line.description_edited = describe(line.geom, line.left_name, line.right_name), False
        else:
            if not text.strip():
                raise InvalidInput("走向说明不能为空", "The description must not be empty")
            line.description, line.description_edited = text.strip(), True
    return line


def next_due(line: BoundaryLine) -> dt.date | None:
    """The five-yearly joint inspection falls due five years after the last one."""
    if line.last_inspected is None:
        return None
    last = line.last_inspected
    try:
        return last.replace(year=last.year + INSPECTION_YEARS)
    except ValueError:  # 29 February
        return last.replace(year=last.year + INSPECTION_YEARS, day=28)


def line_summary(line: BoundaryLine, *, full: bool = False) -> dict:
    body = {
        "id": line.id,
        "code": line.code,
        "number": line.number,
        "level": line.level,
        "status": line.status,
        "left_code": line.left_code,
        "left_name": line.left_name,
        "right_code": line.right_code,
        "right_name": line.right_name,
        "length_m": line.length_m,
        "parts": line.parts,
        "version": line.version,
        "last_inspected": line.last_inspected.isoformat() if line.last_inspected else None,
        "next_inspection_due": due.isoformat() if (due := next_due(line)) else None,
        "description": line.description,
        "description_edited": line.description_edited,
    }
    if full:
        body["disagreement"] = line.disagreement
        body["geometry"] = shapely.geometry.mapping(line.geom)
    return body
