"""Boundary lines from adjacent polygons: hand-made edges, real 官渡 outlines, demo subdistricts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Polygon, shape

from boundaries.lines.builder import BuildOptions, build_lines
from boundaries.lines.description import compass_point, describe, stretches
from gis.crs import STORAGE_CRS, length_m, measure_crs, reproject
from gis.errors import InvalidInput

X0, Y0 = 575000.0, 2770000.0  # metres in EPSG:4543, inside 官渡区
REAL = Path(__file__).resolve().parents[1] / "data" / "reference" / "kunming_districts_cgcs2000.geojson"


def lonlat(coords) -> Polygon:
    """A polygon given in metres relative to (X0, Y0), returned in CGCS2000 lon/lat."""
    return reproject(Polygon([(X0 + x, Y0 + y) for x, y in coords]), measure_crs(), STORAGE_CRS)


def square(x, y, size=1000.0):
    return [(x, y), (x + size, y), (x + size, y + size), (x, y + size)]


def by_pair(lines):
    return {frozenset((line.left_code, line.right_code)): line for line in lines}


def test_exact_shared_edge_gives_one_line_with_its_length_and_sides():
    lines = build_lines([("A", "甲", lonlat(square(0, 0))), ("B", "乙", lonlat(square(1000, 0)))])
    assert len(lines) == 1
    line = lines[0]
    assert line.parts == 1
    assert line.length_m == pytest.approx(1000, abs=1.0)
    # the edge is vertical, so it runs north→south; walking south, the east unit (B) is on the left
    start, end = line.geom.geoms[0].coords[0], line.geom.geoms[0].coords[-1]
    assert start[1] > end[1]
    assert (line.left_code, line.right_code) == ("B", "A")
    assert line.disagreement["max_m"] == pytest.approx(0, abs=0.01)
    assert line.disagreement["stretches"] == []


def test_horizontal_edge_runs_west_to_east_with_the_north_unit_on_the_left():
    lines = build_lines([("S", "南", lonlat(square(0, 0))), ("N", "北", lonlat(square(0, 1000)))])
    line = lines[0]
    coords = line.geom.geoms[0].coords
    assert coords[0][0] < coords[-1][0]
    assert (line.left_code, line.right_code) == ("N", "S")


def test_vertex_mismatch_is_matched_and_reported():
    # B draws the shared edge with its own vertices, bulging 6 m into A between y=400 and y=600
    a = lonlat(square(0, 0))
    b = lonlat([(1000, 0), (2000, 0), (2000, 1000), (1000, 1000), (1000, 700), (994, 600), (994, 400), (1000, 300)])
    line = build_lines([("A", "甲", a), ("B", "乙", b)])[0]
    assert line.parts == 1
    assert line.length_m == pytest.approx(1000, abs=5.0)
    report = line.disagreement
    assert report["max_m"] == pytest.approx(6.0, abs=0.3)
    assert report["overlap_m2"] == pytest.approx(6 * 200 + 6 * 100, rel=0.02)  # rectangle + two triangles
    assert report["gap_m2"] == 0
    assert len(report["stretches"]) == 1
    stretch = report["stretches"][0]
    assert 250 < stretch["from_m"] < 400 and 600 < stretch["to_m"] < 750  # chainage from the north end
    # the clean line runs half-way between the two drawings
    middle = reproject(line.geom, STORAGE_CRS, measure_crs()).interpolate(500)
    assert middle.x - X0 == pytest.approx(997, abs=0.5)


def test_gap_wider_than_tolerance_gives_no_line_and_narrower_gives_one():
    a = lonlat(square(0, 0))
    far = lonlat(square(1040, 0))
    near = lonlat(square(1010, 0))
    assert build_lines([("A", "甲", a), ("B", "乙", far)], BuildOptions(tolerance_m=25)) == []
    line = build_lines([("A", "甲", a), ("B", "乙", near)], BuildOptions(tolerance_m=25))[0]
    assert line.disagreement["max_m"] == pytest.approx(10, abs=0.2)
    assert line.disagreement["gap_m2"] == pytest.approx(10 * 1000, rel=0.02)


def test_triple_junction_does_not_stretch_lines_past_the_corner():
    units = [
        ("A", "甲", lonlat(square(0, 1000))),
        ("B", "乙", lonlat(square(1000, 1000))),
        ("C", "丙", lonlat([(0, 0), (2000, 0), (2000, 1000), (0, 1000)])),
    ]
    lines = by_pair(build_lines(units))
    assert set(lines) == {frozenset("AB"), frozenset("AC"), frozenset("BC")}
    for line in lines.values():
        assert line.length_m == pytest.approx(1000, abs=5.0)  # ends are found to within half a sampling step
        assert line.parts == 1


def test_units_without_polygons_or_twice_the_same_code_are_refused():
    with pytest.raises(InvalidInput):
        build_lines([("A", "甲", shapely.Point(102.8, 25.0)), ("B", "乙", lonlat(square(0, 0)))])
    with pytest.raises(InvalidInput):
        build_lines([("A", "甲", lonlat(square(0, 0))), ("A", "甲", lonlat(square(1000, 0)))])


def test_description_follows_the_line_by_compass_point_and_length():
    metric = shapely.LineString([(X0, Y0 + 1000), (X0 + 1000, Y0 + 1000), (X0 + 1000, Y0 + 500)])
    line = shapely.MultiLineString([reproject(metric, measure_crs(), STORAGE_CRS)])
    course = stretches(line, generalise_m=10)
    assert [s["direction_en"] for s in course] == ["E", "S"]
    assert [s["length_m"] for s in course] == [pytest.approx(1000, abs=1), pytest.approx(500, abs=1)]
    text = describe(line, "甲", "乙", generalise_m=10)
    assert text.startswith("甲与乙界线起于") and "向东延伸1.00千米" in text and "转向南延伸500米" in text


@pytest.mark.parametrize(
    "azimuth, expected", [(0, 0), (11.2, 0), (11.3, 1), (45, 2), (180, 8), (340, 15), (348.7, 15), (348.8, 0), (359, 0), (-10, 0)]
)
def test_compass_point(azimuth, expected):
    assert compass_point(azimuth) == expected


@pytest.fixture(scope="module")
def real_lines():
    features = json.loads(REAL.read_text(encoding="utf-8"))["features"]
    units = [(f["properties"]["adcode"], f["properties"]["name"], shape(f["geometry"])) for f in features]
    return {frozenset((line.left_code, line.right_code)): line for line in build_lines(units, BuildOptions(step_m=20))}


# approximate lengths of the matched edges; generalised web data, so ±10 %
GUANDU_LINES = {
    "530103": ("盘龙区", 45_400),
    "530127": ("嵩明县", 26_400),
    "530125": ("宜良县", 21_900),
    "530112": ("西山区", 22_500),
    "530114": ("呈贡区", 37_800),
}


@pytest.mark.parametrize("code", sorted(GUANDU_LINES))
def test_real_guandu_lines(real_lines, code):
    name, length = GUANDU_LINES[code]
    line = real_lines[frozenset(("530111", code))]
    assert {line.left_name, line.right_name} == {"官渡区", name}
    assert line.length_m == pytest.approx(length, rel=0.1)
    assert line.parts == 1
    assert line.length_m == pytest.approx(length_m(line.geom), abs=0.1)
    report = line.disagreement
    assert {"max_m", "mean_m", "overlap_m2", "gap_m2", "stretches", "bridged_breaks"} <= set(report)
    assert report["max_m"] < line.disagreement["tolerance_m"] * 1.5


def test_real_guandu_sides_are_on_the_correct_hand(real_lines):
    # 盘龙 lies north-west of 官渡: that line is taller than wide, so it runs north→south
    # and 官渡 (south-east) is on the left; 呈贡 lies south: west→east, 官渡 on the left
    for code in ("530103", "530114"):
        line = real_lines[frozenset(("530111", code))]
        assert line.left_code == "530111"
    assert frozenset(("530111", "530102")) not in real_lines  # 五华 only touches 官渡 at a corner


def test_demo_subdistricts_each_adjacent_pair_gets_a_line():
    from data.demo import build_demo

    subdistricts = build_demo(scale=0.02)["subdistricts"]
    units = list(zip(subdistricts["code"], subdistricts["name"], subdistricts.geometry, strict=True))
    lines = build_lines(units)
    built = {frozenset((line.left_code, line.right_code)) for line in lines}
    metric = reproject(subdistricts.geometry.values, STORAGE_CRS, measure_crs())
    expected = set()
    for i in range(len(units)):
        for j in range(i + 1, len(units)):
            shared = metric[i].boundary.intersection(metric[j].buffer(1.0))
            if shared.length > 60:
                expected.add(frozenset((units[i][0], units[j][0])))
    assert built == expected
    assert len(built) >= 15
    for line in lines:
        assert line.length_m > 0 and line.left_code != line.right_code
