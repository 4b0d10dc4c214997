"""Markers and joint inspections: codes, synthetic sets, displacement, sign-off immutability, report."""

from __future__ import annotations

import datetime as dt
import json

import pyogrio
import pytest
import shapely
from shapely.geometry import Polygon

from boundaries import inspections, markers
from boundaries.inspection_report import write_report
from boundaries.line_models import BoundaryLine
from boundaries.lines.builder import build_lines
from boundaries.lines.service import line_summary, next_due, save_lines
from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.errors import Conflict, InvalidInput

X0, Y0 = 575000.0, 2770000.0  # metres in EPSG:4543, inside 官渡区


def lonlat_polygon(coords):
    return reproject(Polygon([(X0 + x, Y0 + y) for x, y in coords]), measure_crs(), STORAGE_CRS)


def shifted(point, east_m, north_m=0.0):
    metric = reproject(point, STORAGE_CRS, measure_crs())
    return reproject(shapely.Point(metric.x + east_m, metric.y + north_m), measure_crs(), STORAGE_CRS)


@pytest.fixture
def line_id(store):
    # two districts sharing a 3 km edge with a bend: west→east, then a turn north-east
    south = lonlat_polygon([(0, -2000), (3000, -2000), (3000, 1000), (2000, 0), (0, 0)])
    north = lonlat_polygon([(0, 0), (2000, 0), (3000, 1000), (3000, 3000), (0, 3000)])
    built = build_lines([("530111", "官渡区", south), ("530103", "盘龙区", north)])
    save_lines(store, built, "district", actor="wang", reason="test")
    with store.read() as session:
        return session.query(BoundaryLine).one().id


def test_marker_codes_and_types():
    assert markers.marker_code("0311", 7, "Q") == "0311007Q"
    with pytest.raises(InvalidInput):
        markers.marker_code("0311", 1000, "Q")
    with pytest.raises(InvalidInput):
        markers.check_type("paired", "Q")
    with pytest.raises(InvalidInput):
        markers.check_reference_objects([{"name": "电杆", "bearing_deg": 400, "distance_m": 3}])


def test_synthetic_markers_at_turns_and_spacing(store, line_id):
    placed = markers.add_synthetic_markers(store, line_id, actor="wang", spacing_km=0.5)
    assert [m.code for m in placed][:2] == ["0311001Q", "0311002Q"]
    assert all(m.source == "synthetic-demo" for m in placed)
    metric = [reproject(m.geom, STORAGE_CRS, measure_crs()) for m in placed]
    gaps = [a.distance(b) for a, b in zip(metric[:-1], metric[1:], strict=False)]
    assert max(gaps) <= 500.5
    assert any(p.distance(shapely.Point(X0 + 2000, Y0)) < 1 for p in metric)  # at the bend
    assert metric[0].x < metric[-1].x  # serials run west → east
    with pytest.raises(Conflict):
        markers.add_synthetic_markers(store, line_id, actor="wang")


def test_displacement_is_metres_in_the_measuring_plane():
    here = shapely.Point(102.8, 25.0)
    assert inspections.displacement_m(here, shifted(here, 3, 4)) == pytest.approx(5.0, abs=1e-6)


def test_campaign_flags_displacement_and_is_immutable_after_sign_off(store, line_id, tmp_path):
    placed = markers.add_synthetic_markers(store, line_id, actor="wang", spacing_km=1.0)
    campaign = inspections.open_campaign(
        store,
        line_id,
        code="GP-2021",
        party_a="官渡区民政局",
        party_b="盘龙区民政局",
        started_on=dt.date(2021, 5, 10),
        actor="wang",
        participants=["王", "李"],
    )
    far = inspections.record_marker(
        store, campaign.id, placed[0].id, status="displaced", measured=shifted(placed[0].geom, 1.5), actor="wang"
    )
    near = inspections.record_marker(store, campaign.id, placed[1].id, status="intact", measured=shifted(placed[1].geom, 0.5), actor="wang")
    gone = inspections.record_marker(store, campaign.id, placed[2].id, status="missing", actor="wang", remarks="道路施工中遗失")
    assert far.displacement_m == pytest.approx(1.5, abs=1e-3) and far.flagged
    assert near.displacement_m == pytest.approx(0.5, abs=1e-3) and not near.flagged
    assert gone.displacement_m is None and not gone.flagged
    finding = inspections.record_finding(
        store, campaign.id, kind="construction", from_m=100, to_m=400, description="新建道路跨越界线", actor="wang"
    )
    assert reproject(finding.geom, STORAGE_CRS, measure_crs()).length == pytest.approx(300, abs=1)
    inspections.amend_marker_result(store, near.id, version=near.version, actor="wang", remarks="桩面字迹已描红")

    inspections.sign(store, campaign.id, party="a", actor="wang")
    with pytest.raises(Conflict):  # one person cannot sign for both sides
        inspections.sign(store, campaign.id, party="b", actor="wang")
    signed = inspections.sign(store, campaign.id, party="b", actor="li", ended_on=dt.date(2021, 6, 1))
    assert signed.status == "signed"

    with pytest.raises(Conflict):
        inspections.record_marker(store, campaign.id, placed[3].id, status="intact", measured=placed[3].geom, actor="wang")
    with pytest.raises(Conflict):
        inspections.amend_marker_result(store, far.id, version=far.version, actor="wang", remarks="改")
    with pytest.raises(Conflict):
        inspections.record_finding(store, campaign.id, kind="other", from_m=0, to_m=10, description="x", actor="wang")
    with pytest.raises(Conflict):
        inspections.sign(store, campaign.id, party="a", actor="zhao")
    correction = inspections.record_marker(
        store,
        campaign.id,
        placed[0].id,
        status="displaced",
        measured=shifted(placed[0].geom, 1.2),
        actor="wang",
        corrects_id=far.id,
        remarks="复核更正",
    )
    assert correction.id != far.id and correction.corrects_id == far.id
    assert [h.action for h in store.history("marker_inspections", far.id)] == ["insert"]

    with store.read() as session:
        line = session.get(BoundaryLine, line_id)
    assert line.last_inspected == dt.date(2021, 6, 1)
    assert next_due(line) == dt.date(2026, 6, 1)
    assert line_summary(line)["next_inspection_due"] == "2026-06-01"

    paths = write_report(store, campaign.id, tmp_path / "report")
    report = json.loads(paths["json"].read_text(encoding="utf-8"))
    summary = report["summary"]
    assert summary["by_status"]["displaced"] == 1 and summary["by_status"]["missing"] == 1 and summary["flagged"] == 1
    assert summary["max_displacement_m"] == pytest.approx(1.2, abs=1e-3)  # the correction is in force
    assert summary["corrections"] == 1 and summary["synthetic_markers"] is True
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    layers = dict(pyogrio.list_layers(paths["gpkg"]))
    assert {"line", "markers", "measured", "findings"} <= set(layers)
    assert len(pyogrio.read_dataframe(paths["gpkg"], layer="markers")) == len(placed)


def test_bad_inspection_input_is_refused(store, line_id):
    placed = markers.add_synthetic_markers(store, line_id, actor="wang")
    campaign = inspections.open_campaign(
        store, line_id, code="C1", party_a="甲", party_b="乙", started_on=dt.date(2021, 1, 1), actor="wang"
    )
    with pytest.raises(InvalidInput):
        inspections.record_marker(store, campaign.id, placed[0].id, status="stolen", measured=placed[0].geom, actor="wang")
    with pytest.raises(InvalidInput):
        inspections.record_marker(store, campaign.id, placed[0].id, status="intact", actor="wang")
    with pytest.raises(InvalidInput):
        inspections.record_finding(store, campaign.id, kind="construction", from_m=10, to_m=1e7, description="x", actor="wang")
    with pytest.raises(InvalidInput):
        inspections.open_campaign(store, line_id, code="C2", party_a="甲", party_b="甲", started_on=dt.date(2021, 1, 1), actor="wang")


def test_the_database_itself_refuses_to_change_a_signed_campaign(store, line_id):
    from boundaries.line_models import InspectionCampaign, MarkerInspection

    placed = markers.add_synthetic_markers(store, line_id, actor="wang")
    campaign = inspections.open_campaign(
        store, line_id, code="C9", party_a="甲", party_b="乙", started_on=dt.date(2021, 1, 1), actor="wang"
    )
    result = inspections.record_marker(store, campaign.id, placed[0].id, status="intact", measured=placed[0].geom, actor="wang")
    with store.transaction(actor="wang", reason="still open") as session:  # while open, a plain update is fine
        session.get(MarkerInspection, result.id).remarks = "描红"
    inspections.sign(store, campaign.id, party="a", actor="wang")
    inspections.sign(store, campaign.id, party="b", actor="li")
    for change in (
        lambda s: setattr(s.get(MarkerInspection, result.id), "remarks", "改"),
        lambda s: s.delete(s.get(MarkerInspection, result.id)),
        lambda s: setattr(s.get(InspectionCampaign, campaign.id), "status", "open"),
    ):
        with pytest.raises(Conflict):
            with store.transaction(actor="mallory", reason="bypassing the service") as session:
                change(session)
    with store.read() as session:
        assert session.get(MarkerInspection, result.id).remarks == "描红"
        assert session.get(InspectionCampaign, campaign.id).status == "signed"
