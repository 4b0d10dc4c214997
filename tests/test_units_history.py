"""Time travel on administrative units: reorganisations keep the past drawable."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import MultiPolygon, box

from boundaries.units import NewUnit, history, reorganise, units_at
from gis.basemap import AdminUnit
from gis.errors import Conflict, InvalidInput, NotFound

D = dt.date
WEST, EAST = box(102.70, 25.00, 102.75, 25.05), box(102.75, 25.00, 102.80, 25.05)


def seed(store):
    with store.transaction(actor="t", reason="seed") as session:
        for code, name, geom in (("530111001000", "甲街道", WEST), ("530111002000", "乙街道", EAST)):
            session.add(
                AdminUnit(
                    code=code,
                    name=name,
                    level="subdistrict",
                    parent_code="530111000000",
                    valid_from=D(2000, 1, 1),
                    geom=MultiPolygon([geom]),
                ),
            )


def codes(units):
    return sorted(u.code for u in units)


def test_merge_then_the_map_of_each_date(store):
    seed(store)
    merged = NewUnit("530111003000", "丙街道", "subdistrict", "530111000000", WEST.union(EAST))
    change = reorganise(
        store,
        kind="merge",
        effective=D(2020, 7, 1),
        close=["530111001000", "530111002000"],
        add=[merged],
        actor="wang",
        reason="民政厅批复",
        document="云民复〔2020〕1号",
    )
    assert change.closed_codes == ["530111001000", "530111002000"]
    assert codes(units_at(store, D(2020, 6, 30))) == ["530111001000", "530111002000"]
    assert codes(units_at(store, D(2020, 7, 1))) == ["530111003000"]
    assert codes(units_at(store, D(1999, 12, 31))) == []
    now = units_at(store, D(2026, 1, 1), level="subdistrict")
    assert now[0].geom.area == pytest.approx(WEST.union(EAST).area)


def test_boundary_change_keeps_the_old_version_in_history(store):
    seed(store)
    smaller = NewUnit("530111001000", "甲街道", "subdistrict", "530111000000", box(102.70, 25.00, 102.74, 25.05))
    larger = NewUnit("530111002000", "乙街道", "subdistrict", "530111000000", box(102.74, 25.00, 102.80, 25.05))
    reorganise(
        store,
        kind="boundary-change",
        effective=D(2018, 1, 1),
        close=["530111001000", "530111002000"],
        add=[smaller, larger],
        actor="wang",
        reason="界线调整",
    )
    past = {u.code: u for u in units_at(store, D(2017, 12, 31))}
    present = {u.code: u for u in units_at(store, D(2018, 1, 1))}
    assert past["530111001000"].geom.area > present["530111001000"].geom.area
    record = history(store, "530111001000")
    assert [(v.valid_from, v.valid_to) for v in record["versions"]] == [(D(2000, 1, 1), D(2018, 1, 1)), (D(2018, 1, 1), None)]
    assert [c.kind for c in record["changes"]] == ["boundary-change"]


def test_refused_reorganisations_write_nothing(store):
    seed(store)
    with pytest.raises(Conflict):  # closing a unit that has no version in force
        reorganise(store, kind="abolish", effective=D(2020, 1, 1), close=["530111001000", "530111999000"], add=[], actor="wang", reason="x")
    with pytest.raises(Conflict):  # ending a version before it began
        reorganise(store, kind="abolish", effective=D(1990, 1, 1), close=["530111001000"], add=[], actor="wang", reason="x")
    with pytest.raises(Conflict):  # a second version in force of the same code
        reorganise(
            store,
            kind="create",
            effective=D(2020, 1, 1),
            close=[],
            add=[NewUnit("530111002000", "乙", "subdistrict")],
            actor="wang",
            reason="x",
        )
    with pytest.raises(InvalidInput):
        reorganise(store, kind="teleport", effective=D(2020, 1, 1), close=["530111001000"], add=[], actor="wang", reason="x")
    assert codes(units_at(store, D(2026, 1, 1))) == ["530111001000", "530111002000"]
    assert history(store, "530111001000")["changes"] == []
    with pytest.raises(NotFound):
        history(store, "530111999000")


@pytest.mark.parametrize(
    "code, level, parent, ok",
    [
        ("530111000000", "district", None, True),
        ("530111001000", "subdistrict", "530111000000", True),
        ("530112001000", "subdistrict", "530111000000", False),
        ("530111001", "subdistrict", None, False),
        ("530111001001", "community", "530111001000", True),
        ("530111001000", "community", "530111001000", False),
        ("530111001001002", "group", "530111001001", True),
        ("5301110010010020003", "building", "530111001001002", True),
        ("530111001001002", "building", None, False),
    ],
)
def test_code_rules(code, level, parent, ok):
    from boundaries.codes import check_code

    if ok:
        check_code(code, level, parent)
    else:
        with pytest.raises(InvalidInput):
            check_code(code, level, parent)


def test_reorganisation_refuses_a_code_that_breaks_the_rule(store):
    seed(store)
    with pytest.raises(InvalidInput):
        reorganise(
            store,
            kind="create",
            effective=D(2020, 1, 1),
            close=[],
            add=[NewUnit("530112005000", "戊街道", "subdistrict", "530111000000")],
            actor="wang",
            reason="x",
        )
