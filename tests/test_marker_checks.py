"""Markers checked where they are registered (by hand, API, 成果表 import) and inspection
records checked for plausibility: every refusal on both backends."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
import shapely
from apitools import bearer, make_client
from click.testing import CliRunner
from shapely.geometry import Polygon

from boundaries import inspections, markers
from boundaries.line_models import BoundaryLine
from boundaries.lines.builder import build_lines
from boundaries.lines.service import save_lines
from boundaries.marker_import import import_table
from boundaries.marker_table import COLUMNS, export
from gis.basemap import AdminUnit
from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.errors import Conflict, InvalidInput

X0, Y0 = 575000.0, 2770000.0  # inside the district extent (about 102.76°E, 25.03°N)
SOUTH, NORTH, EAST = "530111", "530103", "530112"


def metric_polygon(coords):
    return reproject(Polygon([(X0 + x, Y0 + y) for x, y in coords]), measure_crs(), STORAGE_CRS)


def at(x, y):
    """The lon/lat point x m east and y m north of (X0, Y0)."""
    return reproject(shapely.Point(X0 + x, Y0 + y), measure_crs(), STORAGE_CRS)


@pytest.fixture
def line(store):
    """A straight 3 km district line along y = 0 (south 530111, north 530103), both units stored."""
    south = metric_polygon([(0, -2000), (3000, -2000), (3000, 0), (0, 0)])
    north = metric_polygon([(0, 0), (3000, 0), (3000, 2000), (0, 2000)])
    east = metric_polygon([(3000, -2000), (5000, -2000), (5000, 2000), (3000, 2000)])
    with store.transaction(actor="t", reason="seed") as session:
        for code, geom in ((SOUTH, south), (NORTH, north), (EAST, east)):
            session.add(
                AdminUnit(code=code, name=code, level="district", valid_from=dt.date(2000, 1, 1), geom=shapely.MultiPolygon([geom]))
            )
    save_lines(store, build_lines([(SOUTH, "南区", south), (NORTH, "北区", north)]), "district", actor="t", reason="t")
    with store.read() as session:
        record = session.query(BoundaryLine).one()
    return record


def register(store, line, serial, marker_type, letter, point, **fields):
    return markers.register_marker(store, line.id, serial=serial, marker_type=marker_type, letter=letter, geom=point, actor="t", **fields)


def test_a_single_marker_stands_on_its_line(store, line):
    assert register(store, line, 1, "single", "Q", at(1000, 3.0), responsible_code=SOUTH).code.endswith("001Q")
    with pytest.raises(InvalidInput) as far:
        register(store, line, 2, "single", "Q", at(1500, 5000 - 2100))  # about 2.9 km off
    assert far.value.details["field"] == "lon" and far.value.details["distance_m"] == pytest.approx(2900, abs=1)
    assert "单立界桩须在界线上" in far.value.zh and "beyond the tolerance of 5 m" in far.value.en
    with pytest.raises(InvalidInput):
        register(store, line, 2, "single", "Q", at(1500, 6.0))  # just beyond 5 m
    assert [m.serial for m in markers.markers_of(store, line.id)] == [1]


def test_the_tolerances_come_from_the_settings(store, line, monkeypatch):
    monkeypatch.setenv("DIMING_MARKER_LINE_TOLERANCE_M", "10")
    assert register(store, line, 2, "single", "Q", at(1500, 6.0)).serial == 2
    monkeypatch.setenv("DIMING_MARKER_PAIR_OFFSET_M", "20")
    with pytest.raises(InvalidInput, match="beyond 20 m"):
        register(store, line, 3, "paired", "A", at(1500, -30.0))


def test_paired_markers_at_their_offsets_and_on_their_own_side(store, line):
    # following a river along the line: A on the side of the smaller code (530103, north), B south
    assert register(store, line, 5, "paired", "A", at(2000, 23.0), responsible_code=NORTH).code.endswith("005A")
    assert register(store, line, 5, "paired", "B", at(2000, -23.0), responsible_code=SOUTH).code.endswith("005B")
    # crossing a road: both on the line
    assert register(store, line, 6, "paired", "A", at(2400, 0.0)).letter == "A"
    with pytest.raises(InvalidInput) as wrong_side:
        register(store, line, 7, "paired", "A", at(2500, -23.0))
    assert "smaller unit code (530103)" in wrong_side.value.en
    with pytest.raises(InvalidInput) as too_far:
        register(store, line, 7, "paired", "B", at(2500, -500.0))
    assert too_far.value.details["distance_m"] == pytest.approx(500, abs=0.5)
    with pytest.raises(Conflict):  # the same code twice
        register(store, line, 5, "paired", "A", at(2000, 23.0))


def test_triple_markers_at_an_end_of_the_line(store, line):
    near_end = register(store, line, 9, "triple", "E", at(3000 + 8, 5.0), responsible_code=EAST)  # the third unit, it stands in
    assert near_end.responsible_code == EAST
    with pytest.raises(InvalidInput) as middle:
        register(store, line, 10, "triple", "C", at(1500, 5.0))
    assert "end of its line" in middle.value.en
    with pytest.raises(InvalidInput):  # a third unit it does not stand in
        register(store, line, 11, "triple", "D", at(3, 5.0), responsible_code=EAST)


def test_the_responsible_unit_is_a_side_of_the_line(store, line):
    with pytest.raises(InvalidInput) as other:
        register(store, line, 12, "single", "Q", at(700, 0.0), responsible_code="530199")
    assert other.value.details["field"] == "responsible_code" and "neither side" in other.value.en and "不是界线两侧" in other.value.zh


def test_synthetic_sets_pass_the_same_checks(store, line):
    placed = markers.add_synthetic_markers(store, line.id, actor="t", spacing_km=0.5)
    from boundaries.marker_checks import check_marker

    with store.read() as session:
        stored = session.get(BoundaryLine, line.id)
        for m in placed:
            check_marker(session, stored, marker_type=m.marker_type, letter=m.letter, geom=m.geom, responsible_code=m.responsible_code)


def test_api_refuses_a_marker_off_its_line(store, line, tmp_path):
    client = make_client(store, tmp_path)
    officer = bearer(store, "zhang", "boundary_officer")
    far = at(1500, 5000)
    body = {"serial": 3, "marker_type": "single", "letter": "Q", "lon": far.x, "lat": far.y}
    refused = client.post(f"/api/v1/boundary-lines/{line.id}/markers", json=body, headers=officer)
    assert refused.status_code == 400 and refused.json["details"]["field"] == "lon" and refused.json["message"]["zh"]
    near = at(1500, 0.5)
    wrong = {**body, "lon": near.x, "lat": near.y, "responsible_code": "530199"}
    assert (
        client.post(f"/api/v1/boundary-lines/{line.id}/markers", json=wrong, headers=officer).json["details"]["field"] == "responsible_code"
    )
    assert (
        client.post(f"/api/v1/boundary-lines/{line.id}/markers", json={**wrong, "responsible_code": SOUTH}, headers=officer).status_code
        == 201
    )


# --- 成果表 import --------------------------------------------------------------------------------


def table_rows(line):
    good = [
        {"serial": 1, "marker_type": "single", "letter": "Q", "point": at(0.5, 0.0), "responsible_code": SOUTH, "erected_on": "2010-03-01"},
        {"serial": 2, "marker_type": "paired", "letter": "A", "point": at(1500, 23.0), "responsible_code": NORTH},
        {"serial": 2, "marker_type": "paired", "letter": "B", "point": at(1500, -23.0), "responsible_code": SOUTH},
    ]
    rows = []
    for g in good:
        point = g.pop("point")
        metric = reproject(point, STORAGE_CRS, measure_crs())
        rows.append(
            {**g, "line_code": line.code, "longitude": point.x, "latitude": point.y, "x_north_m": metric.y, "y_east_m": metric.x}
            | {"ref1_name": "电杆", "ref1_bearing_deg": 45, "ref1_distance_m": 12.5, "photos": "a.jpg;b.jpg", "elevation_m": 1890.5}
        )
    return rows


def as_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(c) for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_a_surveyed_table(store, line, kind, tmp_path):
    content = as_csv(table_rows(line)) if kind == "csv" else as_xlsx(table_rows(line))
    added = import_table(store, line.id, content, f"survey.{kind}", actor="t")
    assert [m.code for m in added] == [f"{line.number}001Q", f"{line.number}002A", f"{line.number}002B"]
    first = added[0]
    assert first.source == "surveyed-import" and first.erected_on == dt.date(2010, 3, 1) and first.photos == ["a.jpg", "b.jpg"]
    assert first.reference_objects == [{"name": "电杆", "bearing_deg": 45.0, "distance_m": 12.5}] and first.elevation_m == 1890.5
    # our own export reads back (by X/Y alone too) — into another line it would be refused, here it is a duplicate
    again = export(store, line.id, tmp_path / "register.csv").read_bytes()
    with pytest.raises(InvalidInput) as twice:
        import_table(store, line.id, again, "register.csv", actor="t")
    assert {p["field"] for p in twice.value.details["problems"]} == {"serial"} and len(twice.value.details["problems"]) == 3


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_table_with_bad_rows_imports_nothing_and_names_them(store, line, kind):
    rows = table_rows(line)
    rows[0]["latitude"] = at(0.5, 5000).y  # 5 km off the line
    rows[0].pop("x_north_m")
    rows[1]["responsible_code"] = "530199"  # neither side
    rows[2]["code"] = "9999002B"  # does not match
    rows.append({"serial": 4, "marker_type": "single", "letter": "Q"})  # no position
    rows.append({"serial": "x", "marker_type": "single", "letter": "Q", "longitude": 102.7, "latitude": 25.0})
    content = as_csv(rows) if kind == "csv" else as_xlsx(rows)
    with pytest.raises(InvalidInput) as refused:
        import_table(store, line.id, content, f"survey.{kind}", actor="t")
    problems = refused.value.details["problems"]
    assert [(p["row"], p["field"]) for p in problems] == [(2, "lon"), (3, "responsible_code"), (4, "code"), (5, "longitude"), (6, "serial")]
    assert all(p["zh"] and p["en"] for p in problems) and "5 rows" in refused.value.en
    assert markers.markers_of(store, line.id) == []


def test_import_through_cli_and_api(store, line, tmp_path):
    from cli import main

    good = tmp_path / "survey.xlsx"
    good.write_bytes(as_xlsx(table_rows(line)))
    done = CliRunner().invoke(main, ["--db", store.url, "boundaries", "markers", "import", line.code, str(good)])
    assert done.exit_code == 0 and "3 markers registered" in done.output, done.output
    bad = tmp_path / "bad.csv"
    rows = table_rows(line)
    for row in rows:
        row["serial"] += 10
    rows[1]["responsible_code"] = "530199"
    bad.write_bytes(as_csv(rows))
    refused = CliRunner().invoke(main, ["--db", store.url, "boundaries", "markers", "import", line.code, str(bad)])
    assert refused.exit_code == 2 and "responsible_code" in refused.output and "Traceback" not in refused.output
    client = make_client(store, tmp_path)
    officer = bearer(store, "zhang", "boundary_officer")
    url = f"/api/v1/boundary-lines/{line.id}/markers/import"
    answer = client.post(url, data={"file": (io.BytesIO(bad.read_bytes()), "bad.csv")}, headers=officer, content_type="multipart/form-data")
    assert answer.status_code == 400 and answer.json["details"]["problems"][0]["row"] == 3
    wrong = client.post(url, data={"file": (io.BytesIO(b"x"), "t.txt")}, headers=officer, content_type="multipart/form-data")
    assert wrong.status_code == 400
    rows[1]["responsible_code"] = NORTH
    fine = client.post(url, data={"file": (io.BytesIO(as_csv(rows)), "ok.csv")}, headers=officer, content_type="multipart/form-data")
    assert fine.status_code == 201 and len(fine.json["markers"]) == 3
    assert len(markers.markers_of(store, line.id)) == 6


# --- inspection records ----------------------------------------------------------------------------


@pytest.fixture
def campaign(store, line):
    placed = markers.add_synthetic_markers(store, line.id, actor="t")
    opened = inspections.open_campaign(
        store, line.id, code="LJ-2024", party_a="南", party_b="北", started_on=dt.date(2024, 5, 1), actor="t"
    )
    return opened, placed


def moved(point, east_m):
    metric = reproject(point, STORAGE_CRS, measure_crs())
    return reproject(shapely.Point(metric.x + east_m, metric.y), measure_crs(), STORAGE_CRS)


def test_implausible_inspection_records_are_refused(store, campaign):
    opened, placed = campaign
    marker = placed[0]

    def record(status, east_m, remarks=None, which=marker):
        return inspections.record_marker(
            store, opened.id, which.id, status=status, measured=moved(which.geom, east_m), actor="t", remarks=remarks
        )

    with pytest.raises(InvalidInput) as tiny:
        record("displaced", 0.002)
    assert tiny.value.details["field"] == "status" and "survey precision" in tiny.value.en and "测量精度" in tiny.value.zh
    with pytest.raises(InvalidInput) as far:
        record("intact", 2000)
    assert far.value.details["field"] == "lon" and "2000.0 m from the marker" in far.value.en
    with pytest.raises(InvalidInput):  # displaced far away needs the reason
        record("displaced", 2000)
    assert record("displaced", 0.06).flagged is False  # above precision, within the 1 m tolerance
    kept = record("displaced", 2000, remarks="修路时被推土机移走", which=placed[1])
    assert kept.displacement_m == pytest.approx(2000, abs=0.01) and kept.flagged
    rebuilt = record("rebuilt", 80, remarks="经双方同意异地重建", which=placed[2])
    assert rebuilt.flagged
    with store.read() as session:
        assert len(inspections.latest_results(session, opened.id)) == 3
    small = record("intact", 0.01, which=placed[3])
    with pytest.raises(InvalidInput):  # and no way round it by amending the status
        inspections.amend_marker_result(store, small.id, version=small.version, actor="t", status="displaced")


def test_api_refuses_an_implausible_record(store, campaign, tmp_path):
    opened, placed = campaign
    client = make_client(store, tmp_path)
    officer = bearer(store, "zhang", "boundary_officer")
    far = moved(placed[0].geom, 3000)
    body = {"marker_id": placed[0].id, "status": "intact", "lon": far.x, "lat": far.y}
    refused = client.post(f"/api/v1/boundary-inspections/{opened.id}/markers", json=body, headers=officer)
    assert refused.status_code == 400 and "3000.0" in refused.json["message"]["en"] and "3000.0" in refused.json["message"]["zh"]
    same = {"marker_id": placed[0].id, "status": "displaced", "lon": placed[0].geom.x, "lat": placed[0].geom.y}
    assert client.post(f"/api/v1/boundary-inspections/{opened.id}/markers", json=same, headers=officer).json["details"]["field"] == "status"
