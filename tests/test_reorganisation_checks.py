"""Reorganisations are checked before saving: gaps, overlaps and units outside their parent that
the change introduces are refused (domain and API), findings that were there before only listed."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from apitools import bearer, make_client
from shapely.geometry import MultiPolygon, Polygon, box, mapping

from boundaries.units import NewUnit, history, preview, reorganise, units_at
from gis.basemap import AdminUnit
from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.errors import Conflict

X0, Y0 = 575000.0, 2770000.0  # inside the district extent (about 102.76°E, 25.03°N)
D = dt.date
DISTRICT, A, B, C = "530111000000", "530111001000", "530111002000", "530111003000"
A1, A2 = "530111001001", "530111001002"
WHEN = D(2024, 1, 1)


def area(x0, y0, x1, y1):
    """A box given in metres from (X0, Y0), as a lon/lat polygon with a vertex every 10 m along its
    edges, so that neighbours' edges and their parent's coincide (no bow between far vertices)."""
    return reproject(shapely.segmentize(box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1), 10.0), measure_crs(), STORAGE_CRS)


def unit(code, name, level, parent, geom):
    return AdminUnit(
        code=code, name=name, level=level, parent_code=parent, valid_from=D(2000, 1, 1), geom=MultiPolygon([geom]) if geom else None
    )


def seed(store, c_from=2000):
    """A 3 × 2 km district, three subdistricts side by side, A split in two communities.
    ``c_from`` > 2000 leaves a strip of the district to nobody between B and C (a finding already there)."""
    with store.transaction(actor="t", reason="seed") as session:
        session.add(unit(DISTRICT, "区", "district", None, area(0, 0, 3000, 2000)))
        session.add(unit(A, "甲街道", "subdistrict", DISTRICT, area(0, 0, 1000, 2000)))
        session.add(unit(B, "乙街道", "subdistrict", DISTRICT, area(1000, 0, 2000, 2000)))
        session.add(unit(C, "丙街道", "subdistrict", DISTRICT, area(c_from, 0, 3000, 2000)))
        session.add(unit(A1, "甲一社区", "community", A, area(0, 0, 1000, 1000)))
        session.add(unit(A2, "甲二社区", "community", A, area(0, 1000, 1000, 2000)))


def rules(findings):
    return {f["rule"] if isinstance(f, dict) else f.rule for f in findings}


def unchanged(store):
    assert sorted(u.code for u in units_at(store, WHEN)) == sorted([DISTRICT, A, B, C, A1, A2])
    assert history(store, A)["changes"] == [] and history(store, B)["changes"] == []


def test_a_split_that_leaves_a_hole_is_refused(store):
    seed(store)
    east = Polygon(area(500, 0, 1000, 2000).exterior.coords, [area(600, 800, 900, 1200).exterior.coords])
    halves = [
        NewUnit("530111004000", "丁街道", "subdistrict", DISTRICT, area(0, 0, 500, 2000)),
        NewUnit("530111005000", "戊街道", "subdistrict", DISTRICT, east),
    ]
    with pytest.raises(Conflict) as refused:
        reorganise(store, kind="split", effective=WHEN, close=[A], add=halves, actor="wang", reason="拆分")
    blocking = refused.value.details["blocking"]
    assert {"gap", "children-not-covering-parent"} <= rules(blocking)
    gap = next(f for f in blocking if f["rule"] == "gap")
    assert gap["area_m2"] == pytest.approx(120_000, rel=0.01) and "空隙" in refused.value.zh and "Gap" in refused.value.en
    unchanged(store)


def test_a_rename_whose_outline_overlaps_the_neighbours_is_refused(store):
    seed(store)
    grown = NewUnit(B, "新乙街道", "subdistrict", DISTRICT, area(500, 0, 2500, 2000))
    with pytest.raises(Conflict) as refused:
        reorganise(store, kind="rename", effective=WHEN, close=[B], add=[grown], actor="wang", reason="更名")
    overlaps = [f for f in refused.value.details["blocking"] if f["rule"] == "overlap"]
    assert sorted(tuple(sorted(f["units"])) for f in overlaps) == [(A, B), (B, C)]
    assert all(f["area_m2"] == pytest.approx(1_000_000, rel=0.01) for f in overlaps)
    assert "重叠" in refused.value.zh and "overlap" in refused.value.en
    unchanged(store)


def test_a_community_moved_far_outside_its_parent_is_refused(store):
    seed(store)
    moved = NewUnit(A2, "甲二社区", "community", A, area(2200, 1000, 2800, 2000))
    with pytest.raises(Conflict) as refused:
        reorganise(store, kind="boundary-change", effective=WHEN, close=[A2], add=[moved], actor="wang", reason="调整")
    blocking = refused.value.details["blocking"]
    crossing = next(f for f in blocking if f["rule"] == "child-crosses-parent")
    assert crossing["units"] == [A2, A] and crossing["area_m2"] == pytest.approx(600_000, rel=0.01)
    assert "blank-area" in rules(blocking)  # and it leaves half of 甲街道 to no community: a new blank area
    unchanged(store)


def test_a_rename_without_an_outline_keeps_the_old_one_and_passes(store):
    seed(store)
    reorganise(
        store, kind="rename", effective=WHEN, close=[B], add=[NewUnit(B, "新乙街道", "subdistrict", DISTRICT)], actor="w", reason="更名"
    )
    now = {u.code: u for u in units_at(store, WHEN)}
    assert now[B].name == "新乙街道" and now[B].geom.equals(MultiPolygon([area(1000, 0, 2000, 2000)]))


def test_findings_that_were_there_before_are_listed_not_blocking(store):
    seed(store, c_from=2010)  # a 10 m strip between B and C belongs to no subdistrict
    merged = NewUnit("530111006000", "己街道", "subdistrict", DISTRICT, area(0, 0, 2000, 2000))
    ahead = preview(store, kind="merge", effective=WHEN, close=[A, B], add=[merged])
    assert ahead.blocking == [] and {"gap", "children-not-covering-parent"} <= rules(ahead.existing)
    assert ahead.before.errors >= 2 and rules(ahead.before.findings) == rules(ahead.after.findings)
    assert not units_at(store, WHEN, "subdistrict")[0].code.startswith("530111006")  # a preview writes nothing
    # the communities of A now name a closed parent: merged in the same change they stay consistent
    reorganise(store, kind="merge", effective=WHEN, close=[A, B], add=[merged], actor="w", reason="合并")
    assert sorted(u.code for u in units_at(store, WHEN, "subdistrict")) == [C, "530111006000"]
    # but widening the old strip is new ground: refused
    wider = NewUnit("530111006000", "己街道", "subdistrict", DISTRICT, area(0, 0, 1995, 2000))
    with pytest.raises(Conflict) as refused:
        reorganise(store, kind="boundary-change", effective=D(2025, 1, 1), close=["530111006000"], add=[wider], actor="w", reason="x")
    assert {"gap", "children-not-covering-parent"} <= rules(refused.value.details["blocking"])
    # the grown strip is named whole (15 m wide), though only 5 m of it are new
    assert all(f["area_m2"] == pytest.approx(15 * 2000, rel=0.01) for f in refused.value.details["blocking"])


def test_the_tolerance_is_configurable(store, monkeypatch):
    seed(store)
    # 0.5 m into C along 2 km: 1,000 m² of overlap
    edge = NewUnit(B, "乙街道", "subdistrict", DISTRICT, area(1000, 0, 2000.5, 2000))
    with pytest.raises(Conflict):
        reorganise(store, kind="boundary-change", effective=WHEN, close=[B], add=[edge], actor="w", reason="x")
    assert preview(store, kind="boundary-change", effective=WHEN, close=[B], add=[edge], tolerance_m2=5000).blocking == []
    monkeypatch.setenv("DIMING_REORGANISATION_TOLERANCE_M2", "5000")
    reorganise(store, kind="boundary-change", effective=WHEN, close=[B], add=[edge], actor="w", reason="x")
    assert [c.kind for c in history(store, B)["changes"]] == ["boundary-change"]


def test_api_preview_and_refusal(store, tmp_path):
    seed(store)
    client = make_client(store, tmp_path)
    officer = bearer(store, "zhang", "boundary_officer")
    hole = Polygon(area(0, 0, 1000, 2000).exterior.coords, [area(400, 800, 600, 1200).exterior.coords])
    body = {
        "kind": "boundary-change",
        "effective": "2024-01-01",
        "close": [A],
        "reason": "调整",
        "add": [{"code": A, "name": "甲街道", "level": "subdistrict", "parent_code": DISTRICT, "geometry": mapping(hole)}],
    }
    assert client.post("/api/v1/units/reorganisations?preview=1", json=body).status_code == 401
    ahead = client.post("/api/v1/units/reorganisations?preview=1", json=body, headers=officer)
    assert ahead.status_code == 200 and ahead.json["ok"] is False
    # the hole is no subdistrict's ground, yet 甲一/甲二社区 still cover it: they now cross their parent
    assert {"gap", "child-crosses-parent"} <= rules(ahead.json["blocking"])
    assert {"zh", "en"} <= {k.split("_")[1] for k in ahead.json["blocking"][0] if k.startswith("message_")}
    refused = client.post("/api/v1/units/reorganisations", json=body, headers=officer)
    assert refused.status_code == 409 and "空隙" in refused.json["message"]["zh"] and "Gap" in refused.json["message"]["en"]
    assert refused.json["details"]["blocking"] == ahead.json["blocking"]
    unchanged(store)
    body["add"][0]["geometry"] = mapping(area(0, 0, 1000, 2000))
    fine = client.post("/api/v1/units/reorganisations?preview=1", json=body, headers=officer)
    assert fine.json["ok"] is True and fine.json["blocking"] == []
    assert client.post("/api/v1/units/reorganisations", json=body, headers=officer).status_code == 201
    bad = client.post("/api/v1/units/reorganisations?preview=1", json={**body, "effective": "soon"}, headers=officer)
    assert bad.status_code == 400 and bad.json["details"]["field"] == "effective"
