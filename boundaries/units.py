"""Administrative units through time: the map of any date, a unit's history, and
reorganisations (split, merge, boundary change, rename) that close old versions
and open new ones without ever deleting the past.

A version is in force on day ``d`` when ``valid_from <= d`` and (``valid_to`` is
empty or ``d < valid_to``): ``valid_to`` is the first day it no longer applies,
which is the ``effective`` day of the reorganisation that replaced it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import shapely
from sqlalchemy import or_, select

from gis.basemap import UNIT_LEVELS, AdminUnit
from gis.errors import Conflict, InvalidInput, NotFound
from gis.settings import Settings
from gis.storage import Store

from .codes import check_code
from .line_models import UnitChange
from .topology import units_from_lonlat
from .topology.compare import CHECKED_LEVELS, Comparison, compare

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
    remarks: str | None = None,
    tolerance_m2: float | None = None,
    session=None,
) -> UnitChange:
    """Close the versions in force of ``close`` on ``effective`` and open ``add`` from that day.

    All or nothing: a code to close that has no version in force, a version that
    would end before it began, an added code already in force and not closed, or a
    gap, overlap or unit outside its parent that the change introduces (above
    ``tolerance_m2``, see ``topology.compare``), is refused and nothing is written.
    An added unit without an outline whose code is closed keeps the closed outline
    (a rename).

    With ``session`` (a caller's open ``Store.transaction``) the change is written in
    that transaction, so a caller can make it one step of a larger all-or-nothing write
    (adopting a redistricting plan); ``actor`` and ``reason`` are then the caller's.
    """
    _check_request(kind, close, add)
    if session is None:
        with store.transaction(actor=actor, reason=reason) as own:
            return reorganise(
                store,
                kind=kind,
                effective=effective,
                close=close,
                add=add,
                actor=actor,
                reason=reason,
                document=document,
                remarks=remarks,
                tolerance_m2=tolerance_m2,
                session=own,
            )
    closing, add = _closable(session, effective, close, add)
    _refuse_new_findings(_compare(session, effective, close, add, tolerance_m2))
    for current in closing:
        current.valid_to = effective
    session.flush()
    for unit in add:
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
    change = UnitChange(
        kind=kind, effective=effective, closed_codes=list(close), added_codes=[u.code for u in add], document=document, remarks=remarks
    )
    session.add(change)
    session.flush()
    return change


def preview(
    store: Store, *, kind: str, effective: dt.date, close: list[str], add: list[NewUnit], tolerance_m2: float | None = None
) -> Comparison:
    """What ``reorganise`` would find, without writing anything: the same refusals of
    the request itself, then the topology before and after, new findings marked."""
    _check_request(kind, close, add)
    with store.read() as session:
        _, add = _closable(session, effective, close, add)
        return _compare(session, effective, close, add, tolerance_m2)


def _check_request(kind: str, close: list[str], add: list[NewUnit]) -> None:
    if kind not in CHANGE_KINDS:
        raise InvalidInput(f"未知的调整类型：{kind}", f"Unknown reorganisation kind: {kind} (use {', '.join(CHANGE_KINDS)})")
    if not close and not add:
        raise InvalidInput("调整须关闭或新增至少一个单元", "A reorganisation must close or add at least one unit")
    for unit in add:
        check_code(unit.code, _level(unit.level), unit.parent_code)
        _multipolygon(unit.geom)


def _closable(session, effective: dt.date, close: list[str], add: list[NewUnit]) -> tuple[list[AdminUnit], list[NewUnit]]:
    """The versions in force to close, and ``add`` with renamed units given their closed outline."""
    closing = []
    for code in close:
        current = session.scalars(select(AdminUnit).where(AdminUnit.code == code, AdminUnit.valid_to.is_(None))).first()
        if current is None:
            raise Conflict(f"单元 {code} 没有现行版本可关闭", f"Unit {code} has no version in force to close")
        if effective <= current.valid_from:
            raise Conflict(
                f"单元 {code} 的现行版本自 {current.valid_from} 起生效，调整日期须晚于此日",
                f"The version in force of {code} began on {current.valid_from}; the change must be later",
            )
        closing.append(current)
    outlines = {c.code: c.geom for c in closing}
    kept = []
    for unit in add:
        still_open = session.scalars(select(AdminUnit).where(AdminUnit.code == unit.code, AdminUnit.valid_to.is_(None))).first()
        if still_open is not None and unit.code not in close:
            raise Conflict(f"单元 {unit.code} 已有现行版本", f"Unit {unit.code} already has a version in force")
        kept.append(replace(unit, geom=outlines.get(unit.code)) if unit.geom is None else unit)
    return closing, kept


def _compare(session, effective: dt.date, close: list[str], add: list[NewUnit], tolerance_m2: float | None) -> Comparison:
    """Topology of the effective day's map before and after the change (checked levels only)."""
    if tolerance_m2 is None:
        tolerance_m2 = Settings.from_env().reorganisation_tolerance_m2
    query = select(AdminUnit).where(in_force(effective), AdminUnit.level.in_(CHECKED_LEVELS))
    standing = list(session.scalars(query.order_by(AdminUnit.level, AdminUnit.code)))
    before = units_from_lonlat([(u.code, u.name, u.level, u.parent_code, u.geom) for u in standing])
    added = [u for u in add if u.level in CHECKED_LEVELS]
    after = [u for u in before if u.code not in close]
    after += units_from_lonlat([(u.code, u.name, u.level, u.parent_code, _multipolygon(u.geom)) for u in added])
    return compare(before, after, tolerance_m2=tolerance_m2)


def _refuse_new_findings(result: Comparison) -> None:
    blocking = result.blocking
    if not blocking:
        return
    shown = blocking[:5]
    more_zh = f"等 {len(blocking)} 项" if len(blocking) > len(shown) else ""
    more_en = f" and {len(blocking) - len(shown)} more" if len(blocking) > len(shown) else ""
    raise Conflict(
        "调整会造成新的拓扑错误，未保存：" + "；".join(f.message_zh for f in shown) + more_zh,
        "The reorganisation would introduce topology errors and was not saved: " + "; ".join(f.message_en for f in shown) + more_en,
        details=result.to_dict(),
    )


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
