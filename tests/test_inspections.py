"""Markers and joint inspections: codes, synthetic sets, displacement, sign-off immutability, report."""

from __future__ import annotations

import datetime as dt
import json

import pyogrio
import pytest
import shapely
from shapely.geometry import Polygon

from accounts.service import add_user
from boundaries import inspections, markers, signoff
from boundaries.inspection_report import write_report
from boundaries.line_models import BoundaryLine, BoundaryMarker, InspectionCampaign
from boundaries.lines.builder import build_lines
from boundaries.lines.service import line_summary, next_due, save_lines
from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.errors import Conflict, Forbidden, InvalidInput

X0, Y0 = 575000.0, 2770000.0  # inside the district extent (about 102.76°E, 25.03°N)


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
        line = session.query(BoundaryLine).one()
    # the officers of the two sides: wang and zhou for the line's left unit, li for its right one
    for user, code in (("wang", line.left_code), ("zhou", line.left_code), ("li", line.right_code)):
        add_user(store, user, ["boundary_officer"], unit_code=code, actor="admin")
    return line.id


def record_all(store, campaign_id, placed, skip=()):
    """An intact record for every marker not yet recorded (except ``skip``)."""
    with store.read() as session:
        done = {r.marker_id for r in inspections.latest_results(session, campaign_id)}
    for marker in placed:
        if marker.id not in done and marker.id not in skip:
            inspections.record_marker(store, campaign_id, marker.id, status="intact", measured=marker.geom, actor="wang")


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
    record_all(store, campaign.id, placed)

    signoff.sign(store, campaign.id, party="a", actor="wang")
    signed = signoff.sign(store, campaign.id, party="b", actor="li", ended_on=dt.date(2021, 6, 1))
    assert signed.status == "signed"

    with pytest.raises(Conflict, match="GP-2021") as refused:
        inspections.record_marker(store, campaign.id, placed[3].id, status="intact", measured=placed[3].geom, actor="wang")
    assert "已由双方签认" in refused.value.zh and "signed by both parties" in refused.value.en
    with pytest.raises(Conflict, match="GP-2021"):  # a correction is no way round it
        inspections.record_marker(
            store, campaign.id, placed[0].id, status="intact", measured=placed[0].geom, actor="wang", corrects_id=correction.id
        )
    with pytest.raises(Conflict):
        inspections.amend_marker_result(store, far.id, version=far.version, actor="wang", remarks="改")
    with pytest.raises(Conflict):
        inspections.record_finding(store, campaign.id, kind="other", from_m=0, to_m=10, description="x", actor="wang")
    with pytest.raises(Conflict):
        inspections.record_finding(
            store, campaign.id, kind="other", from_m=0, to_m=10, description="x", actor="wang", corrects_id=finding.id
        )
    with pytest.raises(Conflict):
        signoff.sign(store, campaign.id, party="a", actor="zhou")
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
    record_all(store, campaign.id, placed)
    signoff.sign(store, campaign.id, party="a", actor="wang", ended_on=dt.date(2021, 1, 2))
    signoff.sign(store, campaign.id, party="b", actor="li")
    for change in (
        lambda s: setattr(s.get(MarkerInspection, result.id), "remarks", "改"),
        lambda s: s.delete(s.get(MarkerInspection, result.id)),
        lambda s: setattr(s.get(InspectionCampaign, campaign.id), "status", "open"),
        lambda s: s.add(MarkerInspection(campaign_id=campaign.id, marker_id=placed[1].id, status="intact", geom=placed[1].geom)),
    ):
        with pytest.raises(Conflict):
            with store.transaction(actor="mallory", reason="bypassing the service") as session:
                change(session)
    with store.read() as session:
        assert session.get(MarkerInspection, result.id).remarks == "描红"
        assert session.get(InspectionCampaign, campaign.id).status == "signed"


def open_c(store, line_id, code="S1", started_on=dt.date(2021, 1, 1)):
    return inspections.open_campaign(store, line_id, code=code, party_a="甲", party_b="乙", started_on=started_on, actor="wang")


def test_a_correction_replaces_a_record_of_the_same_marker_and_campaign(store, line_id):
    placed = markers.add_synthetic_markers(store, line_id, actor="wang")
    first, second = open_c(store, line_id, "K1"), open_c(store, line_id, "K2")
    mine = inspections.record_marker(store, first.id, placed[0].id, status="intact", measured=placed[0].geom, actor="wang")
    other = inspections.record_marker(store, second.id, placed[0].id, status="intact", measured=placed[0].geom, actor="wang")
    with pytest.raises(InvalidInput, match="another marker"):
        inspections.record_marker(
            store, first.id, placed[1].id, status="intact", measured=placed[1].geom, actor="wang", corrects_id=mine.id
        )
    with pytest.raises(InvalidInput, match="not part of this campaign"):
        inspections.record_marker(
            store, first.id, placed[0].id, status="intact", measured=placed[0].geom, actor="wang", corrects_id=other.id
        )
    finding = inspections.record_finding(store, second.id, kind="other", from_m=0, to_m=10, description="x", actor="wang")
    with pytest.raises(InvalidInput, match="not part of this campaign"):
        inspections.record_finding(store, first.id, kind="other", from_m=0, to_m=10, description="y", actor="wang", corrects_id=finding.id)


def test_sign_off_checks_dates_completeness_and_the_signers_unit(store, line_id):
    placed = markers.add_synthetic_markers(store, line_id, actor="wang")
    campaign = open_c(store, line_id, started_on=dt.date(2021, 3, 1))
    inspections.record_marker(store, campaign.id, placed[0].id, status="intact", measured=placed[0].geom, actor="wang")
    with pytest.raises(InvalidInput):  # not inspected needs the reason
        inspections.record_marker(store, campaign.id, placed[1].id, status="not-inspected", actor="wang")
    inspections.record_marker(store, campaign.id, placed[1].id, status="not-inspected", actor="wang", remarks="洪水阻断道路")
    with pytest.raises(Conflict) as incomplete:
        signoff.sign(store, campaign.id, party="a", actor="wang", ended_on=dt.date(2021, 4, 1))
    assert incomplete.value.details["missing_markers"] == sorted(m.code for m in placed[2:])
    assert placed[2].code in incomplete.value.zh and placed[2].code in incomplete.value.en
    record_all(store, campaign.id, placed)
    with pytest.raises(InvalidInput):  # before the start
        signoff.sign(store, campaign.id, party="a", actor="wang", ended_on=dt.date(2021, 2, 1))
    with pytest.raises(InvalidInput):  # in the future (Beijing date)
        signoff.sign(store, campaign.id, party="a", actor="wang", ended_on=signoff.today() + dt.timedelta(days=1))
    with pytest.raises(Forbidden):  # li works for the other side
        signoff.sign(store, campaign.id, party="a", actor="li", ended_on=dt.date(2021, 4, 1))
    with pytest.raises(Forbidden):  # no such user, so no unit
        signoff.sign(store, campaign.id, party="a", actor="nobody", ended_on=dt.date(2021, 4, 1))
    with pytest.raises(Forbidden):
        signoff.sign(store, campaign.id, party="b", actor="zhou", ended_on=dt.date(2021, 4, 1))
    with store.read() as session:
        assert session.get(InspectionCampaign, campaign.id).signed_a_by is None
    signoff.sign(store, campaign.id, party="a", actor="wang", ended_on=dt.date(2021, 4, 1))
    done = signoff.sign(store, campaign.id, party="b", actor="li")
    assert done.status == "signed" and done.ended_on == dt.date(2021, 4, 1)
    with store.read() as session:
        assert session.get(BoundaryMarker, placed[1].id).status == "intact"  # a marker not inspected keeps its status


def test_the_neighbours_signed_paper_is_filed_by_our_side(store, line_id):
    placed = markers.add_synthetic_markers(store, line_id, actor="wang")
    campaign = open_c(store, line_id)
    record_all(store, campaign.id, placed)
    paper = {
        "signatory": "赵主任",
        "document_no": "盘民〔2021〕12号",
        "filename": "签认.pdf",
        "content": b"%PDF-1.4 x",
        "media_type": "application/pdf",
    }
    with pytest.raises(Forbidden):  # li is of party b: he cannot file b's paper for it
        signoff.file_signature(store, campaign.id, party="b", actor="li", **paper)
    with pytest.raises(InvalidInput):
        signoff.file_signature(store, campaign.id, party="b", actor="wang", **{**paper, "document_no": " "})
    with pytest.raises(InvalidInput):
        signoff.file_signature(store, campaign.id, party="b", actor="wang", **{**paper, "content": b""})
    signoff.sign(store, campaign.id, party="a", actor="wang", ended_on=dt.date(2021, 2, 1))
    done = signoff.file_signature(store, campaign.id, party="b", actor="zhou", **paper)
    assert done.status == "signed" and done.signed_b_by == "赵主任"
    from boundaries.inspection_report import campaign_report

    filed = campaign_report(store, campaign.id)["signature_documents"]
    assert filed == [
        {"party": "b", "signatory": "赵主任", "document_no": "盘民〔2021〕12号", "filename": "签认.pdf", "sha256": filed[0]["sha256"]}
    ]


def test_an_addendum_holds_changes_after_sign_off_and_is_signed_again(store, line_id, tmp_path):
    from boundaries.inspection_report import campaign_report

    placed = markers.add_synthetic_markers(store, line_id, actor="wang")
    campaign = open_c(store, line_id, "GX-2026")
    with pytest.raises(Conflict):  # nothing to add to while open
        signoff.open_addendum(store, campaign.id, actor="wang")
    first = inspections.record_marker(
        store, campaign.id, placed[0].id, status="displaced", measured=shifted(placed[0].geom, 2), actor="wang"
    )
    record_all(store, campaign.id, placed)
    signoff.sign(store, campaign.id, party="a", actor="wang", ended_on=dt.date(2021, 2, 1))
    signoff.sign(store, campaign.id, party="b", actor="li")
    before = campaign_report(store, campaign.id)

    addendum = signoff.open_addendum(store, campaign.id, actor="wang")
    assert addendum.code == "GX-2026-补1" and addendum.addendum_of == campaign.id and addendum.status == "open"
    with pytest.raises(Conflict):  # one open addendum at a time
        signoff.open_addendum(store, campaign.id, actor="wang")
    with pytest.raises(InvalidInput):
        signoff.open_addendum(store, addendum.id, actor="wang")
    with pytest.raises(Conflict):  # an empty addendum is not signed
        signoff.sign(store, addendum.id, party="a", actor="wang")
    fixed = inspections.record_marker(
        store, addendum.id, placed[0].id, status="intact", measured=shifted(placed[0].geom, 0.2), actor="wang", corrects_id=first.id
    )
    with pytest.raises(InvalidInput):  # still the same marker
        inspections.record_marker(
            store, addendum.id, placed[1].id, status="intact", measured=placed[1].geom, actor="wang", corrects_id=first.id
        )
    signoff.sign(store, addendum.id, party="a", actor="wang")
    signoff.sign(store, addendum.id, party="b", actor="li")
    with pytest.raises(Conflict, match="GX-2026-补1"):
        inspections.record_marker(store, addendum.id, placed[1].id, status="intact", measured=placed[1].geom, actor="wang")

    after = campaign_report(store, campaign.id)
    assert after["markers"] == before["markers"] and after["findings"] == before["findings"]
    assert after["summary"]["max_displacement_m"] == before["summary"]["max_displacement_m"] == pytest.approx(2, abs=1e-3)
    assert after["summary"]["addenda"] == 1
    (section,) = after["addenda"]
    assert section["code"] == "GX-2026-补1" and section["status"] == "signed"
    assert [(r["id"], r["code"], r["corrects_id"]) for r in section["records"]] == [(fixed.id, placed[0].code, first.id)]
    with store.read() as session:
        assert session.get(BoundaryMarker, placed[0].id).status == "intact"
        assert session.get(BoundaryLine, line_id).last_inspected == dt.date(2021, 2, 1)  # an addendum is not a new inspection
    paths = write_report(store, campaign.id, tmp_path / "archive")
    lines = paths["addenda_csv"].read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("addendum,addendum_status,id,code") and lines[1].startswith(
        f"GX-2026-补1,signed,{fixed.id},{placed[0].code},intact"
    )
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["addenda"][0]["code"] == "GX-2026-补1"
