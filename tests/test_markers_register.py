"""界桩成果表: the marker register of a line as CSV, GeoPackage and HTML, through the domain, the CLI and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pyogrio
import pyproj
import pytest
import shapely
from apitools import bearer, make_client
from click.testing import CliRunner
from shapely.geometry import Polygon

from accounts.service import add_user
from boundaries import inspections, markers, signoff
from boundaries.line_models import BoundaryLine
from boundaries.lines.builder import build_lines
from boundaries.lines.service import save_lines
from boundaries.marker_table import export, marker_table, to_csv, write_gpkg
from gis.crs import STORAGE_CRS, measure_crs, reproject

X0, Y0 = 575000.0, 2770000.0  # inside the district extent (about 102.76°E, 25.03°N)
ON_LINE = reproject(shapely.Point(X0 + 1500.0, Y0 + 0.4), measure_crs(), STORAGE_CRS)  # surveyed 0.4 m off the drawn line
REFERENCES = [{"name": "电杆", "bearing_deg": 45, "distance_m": 12.5}, {"name": "水井", "bearing_deg": 270.5, "distance_m": 30}]


def lonlat_polygon(coords):
    return reproject(Polygon([(X0 + x, Y0 + y) for x, y in coords]), measure_crs(), STORAGE_CRS)


@pytest.fixture
def line(store):
    """A 3 km district line with a synthetic set, one surveyed marker, and one signed campaign."""
    south = lonlat_polygon([(0, -2000), (3000, -2000), (3000, 0), (0, 0)])
    north = lonlat_polygon([(0, 0), (3000, 0), (3000, 2000), (0, 2000)])
    save_lines(store, build_lines([("530111", "官渡区", south), ("530103", "盘龙区", north)]), "district", actor="t", reason="t")
    with store.read() as session:
        record = session.query(BoundaryLine).one()
    placed = markers.add_synthetic_markers(store, record.id, actor="t")
    surveyed = markers.register_marker(
        store,
        record.id,
        serial=50,
        marker_type="single",
        letter="Q",
        geom=ON_LINE,
        actor="t",
        elevation_m=1893.25,
        reference_objects=REFERENCES,
        photos=["IMG_0001.jpg", "IMG_0002.jpg"],
        responsible_code="530111",
        erected_on=dt.date(2010, 3, 1),
    )
    campaign = inspections.open_campaign(
        store, record.id, code="GP-2021", party_a="官渡", party_b="盘龙", started_on=dt.date(2021, 5, 1), actor="t"
    )
    inspections.record_marker(store, campaign.id, placed[0].id, status="intact", measured=placed[0].geom, actor="t")
    for marker in [*placed[1:], surveyed]:
        inspections.record_marker(store, campaign.id, marker.id, status="not-inspected", remarks="不在本次范围", actor="t")
    add_user(store, "t", ["boundary_officer"], unit_code=record.left_code, actor="admin")
    add_user(store, "u", ["boundary_officer"], unit_code=record.right_code, actor="admin")
    signoff.sign(store, campaign.id, party="a", actor="t")
    signoff.sign(store, campaign.id, party="b", actor="u", ended_on=dt.date(2021, 6, 1))
    return {"id": record.id, "code": record.code, "placed": placed, "surveyed": surveyed}


def test_rows_carry_both_coordinate_forms_with_surveyors_axes(store, line):
    table = marker_table(store, line["id"])
    rows = {r["code"]: r for r in table["rows"]}
    assert len(rows) == len(line["placed"]) + 1 and table["header"]["synthetic"] is True
    # independent check: EPSG:4543 in its authority axis order takes (lat, lon) and gives (X north, Y east)
    authority = pyproj.Transformer.from_crs("EPSG:4490", "EPSG:4543")
    for row in rows.values():
        north, east = authority.transform(row["latitude"], row["longitude"])
        assert row["x_north_m"] == pytest.approx(north, abs=0.01) and row["y_east_m"] == pytest.approx(east, abs=0.01)
        assert 2_700_000 < row["x_north_m"] < 2_900_000 and 400_000 < row["y_east_m"] < 600_000
    mine = rows["0311050Q"]
    assert mine["elevation_m"] == 1893.25 and mine["type_name"] == "单立" and mine["responsible_name"] == "官渡区"
    assert (mine["ref1_name"], mine["ref1_bearing_deg"], mine["ref1_distance_m"]) == ("电杆", 45, 12.5)
    assert mine["ref2_name"] == "水井" and mine["ref3_name"] is None
    assert "水井 方位角270.5° 距离30米" in mine["reference_objects"] and mine["photos"] == "IMG_0001.jpg;IMG_0002.jpg"
    assert mine["erected_on"] == "2010-03-01" and mine["last_inspected"] is None
    assert rows[line["placed"][0].code]["last_inspected"] == "2021-06-01"  # the signed campaign looked at it
    assert rows[line["placed"][1].code]["last_inspected"] is None
    assert [r["serial"] for r in table["rows"]] == sorted(r["serial"] for r in table["rows"])


def test_files_csv_gpkg_html(store, line, tmp_path):
    with pytest.raises(Exception, match="Unsupported format"):
        export(store, line["id"], tmp_path / "t.xlsx")
    text = export(store, line["id"], tmp_path / "t.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # BOM for spreadsheets
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert len(rows) == len(line["placed"]) + 1 and {"x_north_m", "y_east_m", "longitude", "latitude", "elevation_m"} <= set(rows[0])
    frame = pyogrio.read_dataframe(export(store, line["id"], tmp_path / "t.gpkg"), layer="markers")
    assert frame.crs.to_epsg() == 4490 and len(frame) == len(rows)
    surveyed = frame[frame["code"] == "0311050Q"].iloc[0]
    assert surveyed.geometry.x == pytest.approx(ON_LINE.x) and surveyed["elevation_m"] == 1893.25
    empty = {"header": {}, "rows": [], "_points": []}  # a line without markers: the same columns, no rows
    assert to_csv(empty).decode("utf-8-sig").splitlines() == [",".join(rows[0])]
    info = pyogrio.read_info(write_gpkg(empty, tmp_path / "empty.gpkg"))
    assert info["features"] == 0 and info["geometry_type"] == "Point" and list(info["fields"]) == list(frame.columns.drop("geometry"))
    page = export(store, line["id"], tmp_path / "t.html").read_text(encoding="utf-8")
    assert page.count("<tr>") == len(rows) + 1 and "0311050Q" in page and "X 北 (EPSG:4543)" in page and "synthetic" in page


def test_cli_and_api(store, line, tmp_path):
    from cli import main

    runner = CliRunner()
    out = tmp_path / "register.gpkg"
    done = runner.invoke(
        main, ["--db", store.url, "boundaries", "markers", "export", line["code"], "--out", str(out)], catch_exceptions=False
    )
    assert done.exit_code == 0, done.output
    assert len(pyogrio.read_dataframe(out)) == len(line["placed"]) + 1
    missing = runner.invoke(main, ["--db", store.url, "boundaries", "markers", "export", "000-111", "--out", str(out)])
    assert missing.exit_code != 0
    again = runner.invoke(main, ["--db", store.url, "boundaries", "markers", line["code"], "--synthetic"])  # the older form still works
    assert again.exit_code != 0 and "already has markers" in again.output

    client = make_client(store, tmp_path)
    url = f"/api/v1/boundary-lines/{line['id']}/markers/table"
    assert client.get(url).status_code == 401
    officer = bearer(store, "zhang", "boundary_officer")
    body = client.get(url, headers=officer).json
    assert body["header"]["line_code"] == line["code"] and len(body["rows"]) == len(line["placed"]) + 1
    got = client.get(url + "?format=csv", headers=officer)
    assert got.mimetype == "text/csv" and "attachment" in got.headers["Content-Disposition"]
    assert got.data.decode("utf-8-sig").splitlines()[0].startswith("code,")
    package = client.get(url + "?format=gpkg", headers=officer)
    assert package.status_code == 200 and package.data[:16] == b"SQLite format 3\x00"
    assert "<table>" in client.get(url + "?format=html", headers=officer).get_data(as_text=True)
    assert client.get(url + "?format=xls", headers=officer).status_code == 400
    assert client.get(f"/api/v1/boundary-lines/{line['id'] + 99}/markers/table", headers=officer).status_code == 404


def test_a_marker_at_nan_or_far_outside_the_district_is_refused(store, line):
    from gis.errors import InvalidInput

    for lon, lat in ((float("nan"), 25.03), (1e308, 25.03), (0.0, 0.0)):
        with pytest.raises(InvalidInput):
            markers.register_marker(store, line["id"], serial=90, marker_type="single", letter="Q", geom=shapely.Point(lon, lat), actor="t")
    assert all(m.serial != 90 for m in markers.markers_of(store, line["id"]))
