"""Validation rules, the report, and prepare()'s refuse / skip / repair decisions."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon

from gis.errors import InvalidInput
from gis.io import LayerSpec, Problem, ValidationReport, prepare, validate
from gis.io.validate import (
    READ_NOTES,
    check_duplicate_ids,
    check_extent,
    check_geometry_type,
    check_invalid_geometry,
    check_missing_geometry,
    check_read_notes,
    check_required,
    repair_geometry,
)

SPEC = LayerSpec("村界", geometry_types=("Polygon", "MultiPolygon"), required=("名称",), id_column="编码")


def square(x=102.70, y=25.00, d=0.01):
    return Polygon([(x, y), (x + d, y), (x + d, y + d), (x, y + d)])


def bowtie(x=102.70, y=25.00, d=0.01):
    return Polygon([(x, y), (x + d, y + d), (x + d, y), (x, y + d), (x, y)])


def layer(geoms, names=None, ids=None, rows=None):
    n = len(geoms)
    data = {
        "名称": names if names is not None else [f"村{i}" for i in range(n)],
        "编码": ids if ids is not None else [f"53011100{i}" for i in range(n)],
    }
    if rows is not None:
        data["_row"] = rows
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs="EPSG:4490")


# --- single rules -------------------------------------------------------------------


def test_invalid_geometry_gives_geos_reason():
    gdf = layer([square(), bowtie()], rows=[2, 3])
    problems = check_invalid_geometry(gdf, SPEC)
    assert [(p.row, p.feature_id, p.rule) for p in problems] == [(3, "530111001", "invalid_geometry")]
    assert "Self-intersection" in problems[0].message_en
    assert problems[0].message_zh.startswith("几何图形无效")


def test_missing_and_empty_geometry():
    gdf = layer([square(), None, Polygon()])
    assert [p.row for p in check_missing_geometry(gdf, SPEC)] == [2, 3]
    assert check_invalid_geometry(gdf, SPEC) == []  # missing is not also "invalid"


def test_wrong_geometry_type():
    gdf = layer([square(), Point(102.7, 25.0), MultiPolygon([square(), square(102.8)]), LineString([(102.7, 25), (102.8, 25)])])
    problems = check_geometry_type(gdf, SPEC)
    assert [p.row for p in problems] == [2, 4]
    assert "Point" in problems[0].message_en and "Polygon/MultiPolygon" in problems[0].message_en
    assert check_geometry_type(gdf, LayerSpec("any")) == []


def test_required_attribute_null_or_blank():
    gdf = layer([square()] * 4, names=["甲", None, "  ", float("nan")])
    problems = check_required(gdf, SPEC)
    assert [(p.row, p.rule) for p in problems] == [(2, "missing_value"), (3, "missing_value"), (4, "missing_value")]
    assert "名称" in problems[0].message_zh


def test_required_column_absent_is_layer_wide():
    gdf = layer([square()]).drop(columns=["名称"])
    problems = check_required(gdf, SPEC)
    assert [(p.row, p.rule) for p in problems] == [(None, "missing_column")]


def test_id_column_is_implicitly_required():
    gdf = layer([square(), square()], ids=["1", None])
    assert [(p.row, p.rule) for p in check_required(gdf, LayerSpec("x", id_column="编码"))] == [(2, "missing_value")]


def test_duplicate_ids_report_every_occurrence():
    gdf = layer([square()] * 4, ids=["A", "B", "A ", None], rows=[5, 6, 7, 8])
    problems = check_duplicate_ids(gdf, SPEC)
    assert [p.row for p in problems] == [5, 7]
    assert "5, 7" in problems[0].message_en and "A" in problems[0].message_zh


def test_extent_catches_swapped_and_zero_coordinates():
    gdf = layer([Point(102.7, 25.0), Point(25.0, 102.7), Point(0, 0), square()])
    problems = check_extent(gdf, LayerSpec("p"))
    assert [p.row for p in problems] == [2, 3]
    assert "(25.000000, 102.700000)" in problems[0].message_en
    guandu = LayerSpec("p", extent=(102.6, 24.9, 102.95, 25.2))
    assert [p.row for p in check_extent(layer([Point(102.7, 25.0), Point(103.5, 25.0)]), guandu)] == [2]


def test_extent_reprojects_other_crs():
    gdf = layer([Point(102.7, 25.0)]).to_crs(4543)
    assert check_extent(gdf, LayerSpec("p")) == []


def test_read_notes_only_for_rows_still_present():
    gdf = layer([None, square()], rows=[4, 9])
    gdf.attrs[READ_NOTES] = [
        {"row": 4, "rule": "bad_coordinates", "zh": "经度无效", "en": "bad lon"},
        {"row": 7, "rule": "bad_coordinates", "zh": "x", "en": "x"},
    ]
    assert [(p.row, p.rule) for p in check_read_notes(gdf, SPEC)] == [(4, "bad_coordinates")]
    assert check_missing_geometry(gdf, SPEC) == []  # explained by the note already


# --- report --------------------------------------------------------------------------


def test_validate_collects_and_sorts():
    gdf = layer([bowtie(), square(), Point(102.7, 25.0)], names=["a", None, "c"], rows=[10, 3, 7])
    report = validate(gdf, SPEC)
    assert isinstance(report, ValidationReport) and not report.ok
    assert [(p.row, p.rule) for p in report.problems] == [(3, "missing_value"), (7, "geometry_type"), (10, "invalid_geometry")]
    assert report.rows() == [3, 7, 10]
    d = report.to_dict()
    assert d["ok"] is False and d["counts"] == {"errors": 3, "skipped": 0, "repaired": 0}
    old_keys = {
        "row": 3,
        "feature_id": "530111001",
        "rule": "missing_value",
        "message_zh": "必填字段 名称 为空",
        "message_en": "Required value '名称' is empty",
        "action": "error",
    }
    assert {k: d["problems"][0][k] for k in old_keys} == old_keys  # the import report's keys, kept
    # ... and those of every bilingual finding (gis.findings)
    assert d["problems"][0]["message"] == {"zh": "必填字段 名称 为空", "en": "Required value '名称' is empty"}
    assert d["problems"][0]["severity"] == "error" and d["problems"][0]["zh"] == "必填字段 名称 为空"
    text = report.summary()
    assert "图层 村界" in text and "Layer 村界: 3 features; 3 errors" in text and "第 10 行 / row 10" in text


def test_clean_layer_is_ok():
    report = validate(layer([square(), square(102.8)]), SPEC)
    assert report.ok and report.problems == [] and report.total == 2


def test_summary_is_limited():
    report = ValidationReport("x", 30, [Problem(i, None, "r", "问题", "problem") for i in range(30)])
    assert "… and 10 more" in report.summary(limit=20)


# --- prepare ----------------------------------------------------------------------------


def test_prepare_refuses_with_row_numbers():
    gdf = layer([square(), bowtie(), None], rows=[2, 3, 4])
    with pytest.raises(InvalidInput) as err:
        prepare(gdf, SPEC)
    details = err.value.details
    assert details["rows"] == [3, 4]
    assert {p["row"] for p in details["problems"]} == {3, 4}
    assert "3, 4" in err.value.en and "3, 4" in err.value.zh


def test_prepare_details_are_json_ready():
    gdf = layer([square(), square()], ids=[7, 7])
    gdf["编码"] = gdf["编码"].astype("int64")
    with pytest.raises(InvalidInput) as err:
        prepare(gdf, SPEC)
    body = json.loads(json.dumps(err.value.to_dict(), ensure_ascii=False))
    assert [p["feature_id"] for p in body["details"]["problems"]] == [7, 7]
    assert body["code"] == "invalid-input"


def test_prepare_passes_clean_layer_unchanged():
    gdf = layer([square(), square(102.8)])
    clean, report = prepare(gdf, SPEC)
    assert report.ok and len(clean) == 2 and clean.geometry.equals(gdf.geometry)


def test_skip_invalid_drops_and_reports():
    gdf = layer([square(), bowtie(), square(), None], ids=["1", "2", "3", "3"], rows=[2, 3, 4, 5])
    clean, report = prepare(gdf, SPEC, skip_invalid=True)
    assert clean["_row"].tolist() == [2]
    assert report.ok
    assert report.rows("skipped") == [3, 4, 5]
    assert {p.rule for p in report.skipped} == {"invalid_geometry", "duplicate_id", "missing_geometry"}
    assert {p.to_dict()["severity"] for p in report.skipped} == {"warning"}  # left out, no longer blocking


def test_skip_invalid_cannot_skip_layer_wide_problem():
    gdf = layer([square()]).drop(columns=["名称"])
    with pytest.raises(InvalidInput):
        prepare(gdf, SPEC, skip_invalid=True)


def test_make_valid_repairs_bowtie():
    gdf = layer([square(), bowtie()], rows=[2, 3])
    clean, report = prepare(gdf, SPEC, make_valid=True)
    fixed = clean.geometry.iloc[1]
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon" and len(fixed.geoms) == 2
    assert fixed.area == pytest.approx(0.01 * 0.01 / 2, rel=1e-9)  # two triangles of a quarter square each
    assert [(p.row, p.action) for p in report.problems] == [(3, "repaired")]
    assert "Self-intersection" in report.repaired[0].message_en
    assert report.repaired[0].severity == "info" and report.repaired[0].to_dict()["action"] == "repaired"
    assert clean.geometry.iloc[0].equals(square())


def test_make_valid_keeps_polygon_kind_from_collection():
    # A polygon with a dangling spike: make_valid yields polygon + line; the line is dropped.
    spike = Polygon([(0, 0), (2, 0), (2, 2), (0, 2), (0, 0), (-1, -1), (0, 0)])
    fixed = repair_geometry(spike, ("Polygon",))
    assert fixed.geom_type == "Polygon" and fixed.equals(Polygon([(0, 0), (2, 0), (2, 2), (0, 2)]))
    assert isinstance(shapely.make_valid(spike), GeometryCollection)
    assert repair_geometry(spike, ("MultiPolygon",)).geom_type == "MultiPolygon"


def test_make_valid_unrepairable_is_error_unless_skipped():
    flat = Polygon([(102.7, 25.0), (102.71, 25.0), (102.72, 25.0), (102.7, 25.0)])  # collapses to a line
    gdf = layer([square(), flat], rows=[2, 3])
    with pytest.raises(InvalidInput) as err:
        prepare(gdf, SPEC, make_valid=True)
    assert err.value.details["rows"] == [3]
    clean, report = prepare(gdf, SPEC, make_valid=True, skip_invalid=True)
    assert clean["_row"].tolist() == [2] and report.rows("skipped") == [3]


def test_make_valid_and_skip_together():
    gdf = layer([bowtie(), Point(102.7, 25.0), square()], rows=[2, 3, 4])
    clean, report = prepare(gdf, SPEC, make_valid=True, skip_invalid=True)
    assert clean["_row"].tolist() == [2, 4]
    assert report.rows("repaired") == [2] and report.rows("skipped") == [3]
    assert "1 skipped, 1 repaired" in report.summary()


def test_prepare_keeps_input_untouched():
    gdf = layer([bowtie()])
    prepare(gdf, SPEC, make_valid=True)
    assert not gdf.geometry.iloc[0].is_valid
