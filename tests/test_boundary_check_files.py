"""Topology checks of a polygon file (``diming boundaries check --from``): any CRS, nothing stored, exit 1 on errors."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from shapely import affinity
from shapely.geometry import LineString, Polygon, box

from boundaries.topology.files import check_file
from cli import main
from gis.crs import measure_crs, reproject

X0, Y0 = 530000.0, 2770000.0
DISTRICT = "530111000000"


def at(geom):
    """In place near 官渡, edges cut to 20 m so they stay straight in any CRS the file is written in."""
    moved = affinity.translate(geom, X0, Y0)
    return shapely.segmentize(moved, 20.0) if moved.is_valid else moved


def write(path, rows, crs="EPSG:4543", **columns):
    """Rows of (code, name, metric polygon[, parent]) to a file in ``crs``."""
    frame = gpd.GeoDataFrame(
        {"adcode": [r[0] for r in rows], "name": [r[1] for r in rows], **columns}, geometry=[at(r[2]) for r in rows], crs=measure_crs()
    )
    frame.to_crs(crs).to_file(path)
    return path


def run(*args, db):
    return CliRunner().invoke(main, ["--db", str(db), "boundaries", "check", *args], catch_exceptions=False)


def test_a_clean_file_passes_and_nothing_is_stored(tmp_path):
    path = write(
        tmp_path / "clean.gpkg", [("530111001000", "甲街道", box(0, 0, 2000, 2000)), ("530111002000", "乙街道", box(2000, 0, 4000, 2000))]
    )
    db = tmp_path / "never.gpkg"
    result = run("--from", str(path), db=db)
    assert result.exit_code == 0, result.output
    assert "overlap" in result.output and not db.exists()  # the summary table, and no database was opened


def test_overlap_gap_crossing_and_cover_with_parents_in_the_same_file(tmp_path):
    rows = [
        (DISTRICT, "官渡区", box(0, 0, 6000, 2000), None),
        ("530111001000", "甲街道", box(0, 0, 2000, 2000), DISTRICT),
        ("530111002000", "乙街道", box(1900, 0, 4000, 2000), DISTRICT),  # 100 m over 甲
        ("530111003000", "丙街道", box(4010, 0, 6100, 2000), DISTRICT),  # a 10 m gap to 乙, 100 m outside the district
    ]
    path = write(tmp_path / "units.geojson", [r[:3] for r in rows], crs="OGC:CRS84", parent=[r[3] for r in rows])
    report = check_file(path, parent_column="parent")
    by_rule = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    assert by_rule["overlap"][0].units == ["530111001000", "530111002000"] and by_rule["overlap"][0].area_m2 == pytest.approx(
        200_000, rel=0.01
    )
    assert sorted(by_rule["gap"][0].units) == ["530111002000", "530111003000"] and by_rule["gap"][0].area_m2 == pytest.approx(
        20_000, rel=0.02
    )
    assert by_rule["child-crosses-parent"][0].units == ["530111003000", DISTRICT]
    assert by_rule["child-crosses-parent"][0].area_m2 == pytest.approx(200_000, rel=0.01)
    assert by_rule["children-not-covering-parent"][0].area_m2 == pytest.approx(20_000, rel=0.02)  # the gap is the district's too
    assert report.errors == len(report.findings)

    out = tmp_path / "findings.geojson"
    result = run("--from", str(path), "--parent-column", "parent", "--json", "--out", str(out), db=tmp_path / "x.gpkg")
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert body["errors"] == len(report.findings) and {r["rule"] for r in body["summary"] if r["count"]} == set(by_rule)
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert len(features) == len(report.findings) and all(f["properties"]["severity"] == "error" for f in features)
    lon, lat = features[0]["properties"]["location"]
    assert 102 < lon < 103.5 and 24 < lat < 26  # written back in CGCS2000 lon/lat


def test_parents_from_a_second_file_and_a_shapefile_in_another_crs(tmp_path):
    children = write(
        tmp_path / "kids.shp",
        [("530111001000", "甲街道", box(0, 0, 2000, 2000)), ("530111002000", "乙街道", box(2000, 0, 3000, 2000))],
        crs="EPSG:4326",
        parent=[DISTRICT, DISTRICT],
    )
    parents = write(tmp_path / "district.geojson", [(DISTRICT, "官渡区", box(0, 0, 4000, 2000))], crs="OGC:CRS84")
    report = check_file(children, parent_column="parent", parents_path=parents)
    assert [f.rule for f in report.findings] == ["children-not-covering-parent"]
    assert report.findings[0].area_m2 == pytest.approx(2_000_000, rel=0.01)


def test_a_sliver_is_a_warning_an_invalid_ring_an_error(tmp_path):
    sliver = write(
        tmp_path / "sliver.gpkg", [("530111001000", "甲街道", box(0, 0, 2000, 2000)), ("530111002000", "乙街道", box(2000, 0, 2003, 2000))]
    )
    result = run("--from", str(sliver), db=tmp_path / "x.gpkg")
    assert result.exit_code == 0 and "sliver" in result.output and "warning" in result.output
    bowtie = Polygon([(0, 0), (2000, 1500), (2000, 300), (0, 1500), (0, 0)])
    crossing = LineString([(0, 0), (2000, 1500)]).intersection(LineString([(2000, 300), (0, 1500)]))
    broken = write(tmp_path / "bowtie.gpkg", [("530111001000", "甲街道", bowtie), ("530111002000", "乙街道", box(3000, 0, 4000, 1000))])
    report = check_file(broken)
    assert [f.rule for f in report.findings if f.rule == "invalid-ring"] == ["invalid-ring"] and report.errors >= 1
    where = reproject(report.findings[0].geom, measure_crs(), measure_crs())
    assert where.distance(affinity.translate(crossing, X0, Y0)) < 1  # at the self-intersection
    assert run("--from", str(broken), db=tmp_path / "x.gpkg").exit_code == 1


def test_bad_files_are_refused(tmp_path):
    frame = gpd.GeoDataFrame({"title": ["x"]}, geometry=[at(box(0, 0, 10, 10))], crs=measure_crs())
    frame.to_file(tmp_path / "nocode.gpkg")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.gpkg"), "boundaries", "check", "--from", str(tmp_path / "nocode.gpkg")])
    assert result.exit_code == 2 and "adcode/code" in result.output
    twice = write(tmp_path / "twice.gpkg", [("530111001000", "甲", box(0, 0, 10, 10)), ("530111001000", "乙", box(10, 0, 20, 10))])
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.gpkg"), "boundaries", "check", "--from", str(twice)])
    assert result.exit_code == 2 and "twice" in result.output
