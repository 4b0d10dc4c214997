"""Synthetic marker sets choose their type from the ground: single on the line, paired
along or across wide rivers and roads, triple at tri-points; serials still run along the line."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon, box
from sqlalchemy import select

from boundaries import markers
from boundaries.line_models import BoundaryLine
from boundaries.lines.service import build_and_save
from boundaries.marker_layout import WideFeature, plan
from gis.basemap import AdminUnit, Building, Road, Waterway
from gis.crs import STORAGE_CRS, measure_crs, reproject

X0, Y0 = 530000.0, 2770000.0
SW, SE, NORTH = "530111001000", "530111002000", "530111003000"


def lonlat(geom):
    return reproject(shapely.affinity.translate(geom, X0, Y0), measure_crs(), STORAGE_CRS)


def metres(geom):
    return shapely.affinity.translate(reproject(geom, STORAGE_CRS, measure_crs()), -X0, -Y0)


def test_layout_single_crossing_and_following_pairs():
    line = LineString([(0, 0), (4000, 0)])  # west → east: north is on the left
    river = WideFeature("宝象河", "river", 30.0, LineString([(3000, -800), (3000, 800)]))
    road = WideFeature("春城路", "arterial", 40.0, LineString([(500, 0), (1500, 0)]))
    planned = plan([line], left_code=NORTH, right_code=SW, spacing_m=1000, features=[river, road])
    by_serial = {}
    for p in planned:
        by_serial.setdefault(p.serial, []).append(p)
    assert [p.letter for p in by_serial[1]] == ["Q"] and by_serial[1][0].point.equals(shapely.Point(0, 0))
    following = by_serial[2]  # at 1000 m, on the road: one marker each side, A on the smaller code's side (south)
    assert [p.letter for p in following] == ["A", "B"] and all(p.marker_type == "paired" for p in following)
    a, b = following
    assert a.point.x == pytest.approx(1000) and a.point.y == pytest.approx(-23) and a.responsible_code == SW
    assert b.point.y == pytest.approx(23) and b.responsible_code == NORTH
    crossing = [p for p in planned if "crossing" in p.note]  # both banks of the river, on the line, A on the west bank
    assert [p.letter for p in crossing] == ["A", "B"]
    assert crossing[0].point.x == pytest.approx(2982) and crossing[1].point.x == pytest.approx(3018)
    assert all(abs(p.point.y) < 1e-6 for p in crossing)
    serials = [p.serial for p in planned]
    assert serials == sorted(serials) and len(set(serials)) == len(by_serial)
    xs = [min(p.point.x for p in by_serial[s]) for s in sorted(by_serial)]
    assert xs == sorted(xs)  # numbered west → east
    assert {p.letter for p in planned if not p.note} == {"Q"}


def test_a_wide_road_ending_at_the_line_leaves_single_markers():
    line = LineString([(0, 0), (2000, 0)])
    planned = plan([line], left_code=NORTH, right_code=SW, spacing_m=1000, features=[])
    assert {p.letter for p in planned} == {"Q"} and len(planned) == 3
    # a wide road that only reaches the line (T-junction) is neither followed nor crossed
    tee = WideFeature("金马路", "arterial", 40.0, LineString([(1300, 800), (1300, 0)]))
    planned = plan([line], left_code=NORTH, right_code=SW, spacing_m=1000, features=[tee])
    assert [p.letter for p in planned] == ["Q", "Q", "Q"]


@pytest.fixture
def world(store):
    """Two subdistricts south of a third, meeting at a T tri-point; a river and an arterial."""
    units = ((SW, "甲街道", box(0, -2000, 2000, 0)), (SE, "乙街道", box(2000, -2000, 4000, 0)), (NORTH, "丙街道", box(0, 0, 4000, 2000)))
    with store.transaction(actor="t", reason="seed") as session:
        for code, name, geom in units:
            session.add(
                AdminUnit(
                    code=code,
                    name=name,
                    level="subdistrict",
                    parent_code="530111000000",
                    valid_from=dt.date(2000, 1, 1),
                    geom=MultiPolygon([lonlat(Polygon(geom.exterior))]),
                )
            )
        session.add(
            Waterway(name="宝象河", waterway_class="river", geom=MultiLineString([lonlat(LineString([(3000, -900), (3000, 900)]))]))
        )
        session.add(Road(name="小巷", road_class="lane", geom=MultiLineString([lonlat(LineString([(2000, -100), (2000, -1900)]))])))
        session.add(Building(code="J0001", households=10, geom=lonlat(box(950, -150, 1050, -100))))
        session.add(Road(name="春城路", road_class="arterial", geom=MultiLineString([lonlat(LineString([(400, 0), (1600, 0)]))])))
    build_and_save(store, "subdistrict", actor="t", reason="lines")
    with store.read() as session:
        return {line.code: line.id for line in session.scalars(select(BoundaryLine))}


def test_synthetic_sets_from_the_register(store, world):
    placed = {code: markers.add_synthetic_markers(store, line_id, actor="t") for code, line_id in world.items()}
    assert all(m.source == "synthetic-demo" and "synthetic" in m.remarks for ms in placed.values() for m in ms)

    # the tri-point belongs to the line with the smallest code: a triple, one inside each unit
    carrier = placed[f"{SW}-{SE}"]
    triple = [m for m in carrier if m.marker_type == "triple"]
    assert [m.code for m in triple] == ["001002001C", "001002001D", "001002001E"]
    spots = {m.responsible_code: metres(m.geom) for m in triple}
    assert spots[SW].x < 2000 and spots[SW].y < 0 and spots[SE].x > 2000 and spots[SE].y < 0 and spots[NORTH].y > 0
    assert all(p.distance(shapely.Point(2000, 0)) < 30 for p in spots.values())
    assert {m.letter for m in carrier if m.marker_type != "triple"} == {"Q"}  # a lane is narrow enough for a marker on the line
    # the other two lines leave that end to it
    for code in (f"{SW}-{NORTH}", f"{SE}-{NORTH}"):
        assert all(m.marker_type != "triple" for m in placed[code])
        assert min(metres(m.geom).distance(shapely.Point(2000, 0)) for m in placed[code]) > 100

    west = placed[f"{SW}-{NORTH}"]  # along the arterial: pairs, A on the south (smaller code) side
    pairs = [m for m in west if m.marker_type == "paired"]
    assert pairs and {m.letter for m in pairs} == {"A", "B"}
    for m in pairs:
        y = metres(m.geom).y
        assert (y < -15) if m.letter == "A" else (y > 15)
        assert m.responsible_code == (SW if m.letter == "A" else NORTH)

    # the nearest building is each marker's reference object (方位物): bearing from true north, distance
    a, b = (m for m in pairs if m.serial == 2)
    assert [r["name"] for r in a.reference_objects] == ["建筑物 J0001"]
    assert a.reference_objects[0]["bearing_deg"] == pytest.approx(180, abs=0.5) and a.reference_objects[0]["distance_m"] == pytest.approx(
        77, abs=0.5
    )
    assert b.reference_objects[0]["distance_m"] == pytest.approx(123, abs=0.5)
    assert all(m.reference_objects == [] for m in placed[f"{SE}-{NORTH}"])  # nothing within 200 m

    east = placed[f"{SE}-{NORTH}"]  # crossed by the river: a pair on its two banks
    banks = [m for m in east if m.marker_type == "paired"]
    assert [m.letter for m in banks] == ["A", "B"] and banks[0].serial == banks[1].serial
    xa, xb = (metres(m.geom).x for m in banks)
    assert 2970 < xa < 2990 and 3010 < xb < 3030
    assert any(m.letter == "Q" for m in east)
    for ms in placed.values():
        assert len({m.code for m in ms}) == len(ms)
