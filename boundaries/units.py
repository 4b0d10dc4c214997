"""Administrative units through time: the map of any date, a unit's history, and
reorganisations (split, merge, boundary change, rename) that close old versions
and open new ones without ever deleting the past.

A version is in force on day ``d`` when ``valid_from <= d`` and (``valid_to`` is
empty or ``d < valid_to``): ``valid_to`` is the first day it no longer applies,
which is the ``effective`` day of the reorganisation that replaced it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import shapely
from sqlalchemy import or_, select

from gis.basemap import UNIT_LEVELS, AdminUnit
from gis.errors import Conflict, InvalidInput, NotFound
from gis.storage import Store

from .codes import check_code
from .line_models import UnitChange

CHANGE_KINDS = ("split", "merge", "boundary-change", "rename", "create", "abolish")


@dataclass(frozen=True)
class NewUnit:
    """A version opened by a reorganisation (geometry in lon/lat)."""

    code: str
    name: str
    level: str
    parent_code: str | None = None
    geom: shapely.Geometry | None = None
    households: int | None = None
    population: int | None = None


def in_force(date: dt.date):
    """SQL condition: the version applies on ``date``."""
    return (AdminUnit.valid_from <= date) & or_(AdminUnit.valid_to.is_(None), AdminUnit.valid_to > date)


def units_at(store: Store, date: dt.date, level: str | None = None) -> list[AdminUnit]:
    """The map of ``date``: every unit version in force that day (of one level, if given)."""
    query = select(AdminUnit).where(in_force(date))
    if level is not None:
        query = query.where(AdminUnit.level == _level(level))
    with store.read() as session:
        return list(session.scalars(query.order_by(AdminUnit.level, AdminUnit.code)))


def history(store: Store, code: str) -> dict:
    """All versions of one unit, oldest first, and the reorganisations that touched it."""
    with store.read() as session:
        versions = list(session.scalars(select(AdminUnit).where(AdminUnit.code == code).order_by(AdminUnit.valid_from)))
        if not versions:
            raise NotFound(f"没有代码为 {code} 的行政单元", f"No administrative unit with code {code}")
        every = session.scalars(select(UnitChange).order_by(UnitChange.effective, UnitChange.id))
        changes = [c for c in every if code in c.closed_codes or code in c.added_codes]
    return {"code": code, "versions": versions, "changes": changes}


def reorganise(
    store: Store,
    *,
    kind: str,
    effective: dt.date,
    close: list[str],
    add: list[NewUnit],
    actor: str,
    reason: str,
    document: str | None = None,
) -> UnitChange:
    """Close the versions in force of ``close`` on ``effective`` and open ``add`` from that day.

    All or nothing: a code to close that has no version in force, a version that
    would end before it began, or an added code already in force and not closed,
    is refused and nothing is written.
    """
    if kind not in CHANGE_KINDS:
        raise InvalidInput(f"未知的调整类型：{kind}", f"Unknown reorganisation kind: {kind} (use {', '.join(CHANGE_KINDS)})")
    if not close and not add:
        raise InvalidInput("调整须关闭或新增至少一个单元", "A reorganisation must close or add at least one unit")
    for unit in add:
        check_code(unit.code, _level(unit.level), unit.parent_code)
    with store.transaction(actor=actor, reason=reason) as session:
        for code in close:
            current = session.scalars(select(AdminUnit).where(AdminUnit.code == code, AdminUnit.valid_to.is_(None))).first()
            if current is None:
                raise Conflict(f"单元 {code} 没有现行版本可关闭", f"Unit {code} has no version in force to close")
            if effective <= current.valid_from:
                raise Conflict(
                    f"单元 {code} 的现行版本自 {current.valid_from} 起生效，调整日期须晚于此日",
                    f"The version in force of {code} began on {current.valid_from}; the change must be later",
                )
            current.valid_to = effective
        for unit in add:
            still_open = session.scalars(select(AdminUnit).where(AdminUnit.code == unit.code, AdminUnit.valid_to.is_(None))).first()
            if still_open is not None and unit.code not in close:
                raise Conflict(f"单元 {unit.code} 已有现行版本", f"Unit {unit.code} already has a version in force")
            session.add(
                AdminUnit(
                    code=unit.code,
                    name=unit.name,
                    level=_level(unit.level),
                    parent_code=unit.parent_code,
                    valid_from=effective,
                    households=unit.households,
                    population=unit.population,
                    geom=_multipolygon(unit.geom),
                    source="reorganisation",
                )
            )
        change = UnitChange(kind=kind, effective=effective, closed_codes=list(close), added_codes=[u.code for u in add], document=document)
        session.add(change)
    return change


def _level(level: str) -> str:
    if level not in UNIT_LEVELS:
        raise InvalidInput(f"未知的区划层级：{level}", f"Unknown unit level: {level} (use {', '.join(UNIT_LEVELS)})")
    return level


def _multipolygon(geom):
    if geom is None:
        return None
    if geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    if geom.geom_type == "MultiPolygon":
        return geom
    raise InvalidInput("单元几何须为面", "A unit's geometry must be a polygon")
