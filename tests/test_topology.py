"""Topology rules on crafted units with known gaps, overlaps, slivers and bad rings."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from boundaries.topology import CheckOptions, CheckUnit, run_checks, units_from_lonlat
from gis.crs import STORAGE_CRS, measure_crs, reproject

X0, Y0 = 530000.0, 2770000.0


def unit(code, geom, level="community", parent="P"):
    return CheckUnit(code, f"单元{code}", level, parent, shapely.affinity.translate(geom, X0, Y0))


def parent(geom):
    return unit("P", geom, level="subdistrict", parent=None)


def rules(report):
    return sorted({f.rule for f in report.findings})


def test_clean_tiling_has_no_findings():
    report = run_checks([parent(box(0, 0, 2000, 1000)), unit("A", box(0, 0, 1000, 1000)), unit("B", box(1000, 0, 2000, 1000))])
    assert report.ok, report.to_dict()["summary"]
    assert all(row["count"] == 0 for row in report.summary())


def test_overlap_is_found_with_its_area_and_place():
    report = run_checks([unit("A", box(0, 0, 1010, 1000)), unit("B", box(1000, 0, 2000, 1000))], rules=["overlap"])
    [finding] = report.findings
    assert finding.units == ["A", "B"]
    assert finding.area_m2 == pytest.approx(10_000, rel=1e-6)
    lon, lat = finding.location()
    back = reproject(shapely.Point(lon, lat), STORAGE_CRS, measure_crs())
    assert 1000 <= back.x - X0 <= 1010


def test_narrow_gap_between_neighbours_is_found_but_not_the_open_outside():
    report = run_checks(
        [unit("A", box(0, 0, 1000, 1000)), unit("B", box(1004, 0, 2000, 1000))], CheckOptions(gap_width_m=25), rules=["gap"]
    )
    [finding] = report.findings
    assert set(finding.units) == {"A", "B"}
    assert finding.area_m2 == pytest.approx(4_000, rel=0.01)
    wide = run_checks([unit("A", box(0, 0, 1000, 1000)), unit("B", box(1100, 0, 2000, 1000))], CheckOptions(gap_width_m=25), rules=["gap"])
    assert wide.findings == []


def test_enclosed_hole_is_a_gap_whatever_its_width():
    ring = box(0, 0, 3000, 3000).difference(box(1000, 1000, 2000, 2000))
    report = run_checks([unit("A", ring), unit("B", box(1000, 1000, 1900, 2000))], rules=["gap"])
    [finding] = report.findings
    assert finding.area_m2 == pytest.approx(100 * 1000, rel=1e-6)


def test_sliver_part_is_found():
    geom = MultiPolygon([box(0, 0, 1000, 1000), box(1000, 0, 1002, 800)])
    report = run_checks([unit("A", geom)], rules=["sliver"])
    [finding] = report.findings
    assert finding.area_m2 == pytest.approx(1600)


def test_invalid_ring_is_reported_at_the_self_intersection():
    bowtie = Polygon([(0, 0), (1000, 1000), (1000, 0), (0, 1000)])
    report = run_checks([unit("A", bowtie), unit("B", box(2000, 0, 3000, 1000))], rules=["invalid-ring"])
    [finding] = report.findings
    assert finding.units == ["A"]
    assert finding.geom.x - X0 == pytest.approx(500)


def test_children_not_covering_and_crossing_their_parent():
    units = [parent(box(0, 0, 2000, 1000)), unit("A", box(0, 0, 1000, 1000)), unit("B", box(1000, 0, 1990, 1050))]
    report = run_checks(units, rules=["children-not-covering-parent", "child-crosses-parent", "blank-area"])
    by_rule = {f.rule: f for f in report.findings}
    assert by_rule["children-not-covering-parent"].area_m2 == pytest.approx(10 * 1000)  # a 10 m strip: a drawing fault
    assert "blank-area" not in by_rule
    assert by_rule["child-crosses-parent"].area_m2 == pytest.approx(990 * 50)
    assert by_rule["child-crosses-parent"].units == ["B", "P"]


def test_wide_ground_of_a_subdistrict_no_community_serves_is_a_blank_area_warning():
    units = [parent(box(0, 0, 2000, 1000)), unit("A", box(0, 0, 1000, 1000)), unit("B", box(1000, 0, 1900, 1000))]
    report = run_checks(units)
    assert [(f.rule, f.area_m2) for f in report.findings] == [("blank-area", pytest.approx(100 * 1000))]
    assert report.errors == 0 and report.summary()[-1]["severity"] == "warning"


def test_report_as_geojson_and_summary_in_lonlat():
    rows = [
        ("A", "甲", "community", None, reproject(box(X0, Y0, X0 + 1010, Y0 + 1000), measure_crs(), STORAGE_CRS)),
        ("B", "乙", "community", None, reproject(box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000), measure_crs(), STORAGE_CRS)),
    ]
    report = run_checks(units_from_lonlat(rows))
    body = report.to_dict()
    assert body["ok"] is False
    overlap = next(row for row in body["summary"] if row["rule"] == "overlap")
    assert overlap["count"] == 1 and overlap["area_m2"] == pytest.approx(10_000, rel=0.01)
    feature = body["findings"]["features"][0]
    assert feature["properties"]["rule"] == "overlap"
    props = feature["properties"]  # the flat keys the map reads, and those of every bilingual finding
    assert props["units"] == "A,B" and props["message_zh"] == props["zh"] and props["message_en"] == props["en"]
    assert props["message"] == {"zh": props["zh"], "en": props["en"]} and props["severity"] == "error" and props["subject"] == "A,B"
    lon, lat = feature["properties"]["location"]
    assert 102 < lon < 104 and 24 < lat < 26
