"""Census-file import/export, the real divisions as current names, and the names CLI."""

from __future__ import annotations

import csv

import pyogrio
import pytest
from click.testing import CliRunner
from conftest import make_store
from guandu_units import add_units
from sqlalchemy import func, select

from cli import main
from gis.errors import InvalidInput
from placenames import census, divisions, register
from placenames.models import PlaceName
from placenames.registry_models import NameAlias

ROWS = [
    {
        "标准名称": "子君路",
        "类别名称": "街、路、巷",
        "曾用名": "子君村路",
        "东经": "102.750",
        "北纬": "25.010",
        "至东经": "102.760",
        "至北纬": "25.012",
        "坐标系": "2000",
        "使用时间": "现行",
        "地名含义": "取子君村之名",
        "所在(跨)行政区": "530111008000",
        "标牌个数": "4",
        "密级": "公开",
        "登记时间": "2016-05-01",
    },
    {
        "标准名称": "宝象桥",
        "类别代码": "23610",
        "罗马字母拼写": "Baoxiang Qiao",
        "东经": "102.77",
        "北纬": "25.02",
        "使用时间": "历史",
        "密级": "秘密",
    },
]


@pytest.fixture(autouse=True)
def units(request):
    """The real subdistricts in force: census rows name them as their admin area."""
    if "store" in request.fixturenames:
        add_units(request.getfixturevalue("store"))


def write_csv(path, rows):
    headers = sorted({k for row in rows for k in row})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


def test_census_csv_import_then_export_round_trip(store, tmp_path):
    source = tmp_path / "census.csv"
    write_csv(source, ROWS)
    assert census.import_census(store, source, actor="wang") == 2
    with store.read() as session:
        road = session.scalars(select(PlaceName).where(PlaceName.name == "子君路")).one()
        bridge = session.scalars(select(PlaceName).where(PlaceName.name == "宝象桥")).one()
        former = session.scalars(select(NameAlias.alias).where(NameAlias.kind == "former")).all()
    assert (road.romanization, road.category_code, road.sign_count, road.meaning, road.status) == (
        "Zijun Lu",
        "23510",
        4,
        "取子君村之名",
        "current",
    )
    assert road.geom.bounds == pytest.approx((102.75, 25.01, 102.76, 25.012))
    assert (bridge.status, bridge.classification, bridge.romanization_override) == ("retired", "秘密", None)
    assert former == ["子君村路"]
    out_csv, out_gpkg = tmp_path / "out.csv", tmp_path / "out.gpkg"
    assert census.export_census(store, out_csv) == 2
    with out_csv.open(encoding="gbk") as handle:
        exported = list(csv.DictReader(handle))
    assert tuple(exported[0]) == census.HEADERS
    assert (exported[0]["标准名称"], exported[0]["曾用名"], exported[0]["坐标系"], exported[1]["密级"]) == (
        "子君路",
        "子君村路",
        "2000",
        "秘密",
    )
    assert census.export_census(store, out_gpkg, status="current") == 1
    frame = pyogrio.read_dataframe(out_gpkg)
    assert list(frame["标准名称"]) == ["子君路"] and frame.crs.to_epsg() == 4490


def test_a_bad_census_row_refuses_the_whole_file(store, tmp_path):
    source = tmp_path / "bad.csv"
    write_csv(
        source,
        [
            ROWS[0],
            {"标准名称": "", "类别代码": "23510"},
            {"标准名称": "某路", "类别代码": "99999"},
            {"标准名称": "某路", "类别代码": "23510", "坐标系": "1980西安"},
        ],
    )
    with pytest.raises(InvalidInput) as refused:
        census.import_census(store, source, actor="wang")
    assert [p["row"] for p in refused.value.details] == [3, 4, 5]
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(PlaceName)) == 0


def test_real_divisions_become_current_names_once(store):
    assert divisions.import_divisions(store, actor="wang") == {"added": 146, "unchanged": 0, "changed": 0, "differs": 0, "skipped": 0}
    assert divisions.import_divisions(store, actor="wang") == {"added": 0, "unchanged": 146, "changed": 0, "differs": 0, "skipped": 146}
    with store.read() as session:

        def count(code):
            return session.scalar(
                select(func.count()).select_from(PlaceName).where(PlaceName.category_code == code, PlaceName.status == "current")
            )

        assert (count("21500"), count("21730"), count("21620")) == (12, 1, 133)
        liujia = session.scalars(select(PlaceName).where(PlaceName.name == "六甲街道")).one()
        assert (liujia.romanization, liujia.admin_code, liujia.entity_code) == ("Lujia Jiedao", "530111000000", "530111008000")
        hits = register.search(session, "关上")
    assert "关上街道" in [h["name"] for h in hits]


def test_cli_romanize_and_check_exit_codes(store):
    runner = CliRunner()
    assert runner.invoke(main, ["names", "romanize", "中山东路"]).output.strip() == "Zhongshan Donglu"
    assert runner.invoke(main, ["names", "romanize", "中山东路", "--sign"]).output.strip() == "ZHONGSHAN DONGLU"
    assert runner.invoke(main, ["names", "romanize", "经五路"]).output.strip() == "Jing 5 Lu"
    ok = runner.invoke(main, ["--db", store.url, "names", "check", "子泰路", "--category", "23510"])
    assert ok.exit_code == 0 and "same_name_in_district=0" in ok.output
    blocked = runner.invoke(main, ["--db", store.url, "names", "check", "威尼斯路", "--category", "街、路、巷"])
    assert blocked.exit_code == 1 and "blocked-word" in blocked.output
    no_generic = runner.invoke(main, ["--db", store.url, "names", "check", "子泰", "--category", "23510"])
    assert no_generic.exit_code == 1 and "generic-name" in no_generic.output
    unknown = runner.invoke(main, ["--db", store.url, "names", "check", "子泰路", "--category", "nonsense"])
    assert unknown.exit_code == 2


def test_cli_import_export_and_divisions(store, tmp_path):
    runner = CliRunner()
    source = tmp_path / "census.csv"
    write_csv(source, ROWS[:1])
    result = runner.invoke(main, ["--db", store.url, "names", "import", str(source)])
    assert result.exit_code == 0 and "imported 1" in result.output
    result = runner.invoke(main, ["--db", store.url, "names", "import-divisions"])
    assert result.exit_code == 0 and "added 146" in result.output
    out = tmp_path / "all.csv"
    result = runner.invoke(main, ["--db", store.url, "names", "export", str(out), "--status", "current"])
    assert result.exit_code == 0 and "exported 147" in result.output


FULL_ROW = {
    "代码": "53011100823510000001",
    "标准名称": "子泰东路",
    "别名": "子泰新路；新路",
    "简称": "泰东路",
    "曾用名": "子泰村路",
    "图上名称": "子泰东路",
    "图号": "G47G079083(2015)",
    "比例尺": "1:10000",
    "罗马字母拼写": "Zitai Donglu",
    "地名读音": "audio/zitai.mp3",
    "通名罗马字母拼写": "Donglu",
    "民族文字": "",
    "语种": "汉语",
    "使用时间": "现行",
    "命名时间": "2016",
    "设立年份": "2016",
    "废止年份": "",
    "标牌个数": "6",
    "高程": "1892.5",
    "东经": "102.75",
    "北纬": "25.01",
    "至东经": "102.76",
    "至北纬": "25.012",
    "坐标系": "2000",
    "测量方法": "实测",
    "类别代码": "23510",
    "地名含义": "位于子泰路以东",
    "地名来历": "2016年新建",
    "历史沿革": "原为村道",
    "地理实体描述": "东西走向，长约1公里",
    "多媒体": "photo/zitai.jpg",
    "资料来源": "官渡区民政局",
    "备注": "第二次全国地名普查",
    "登记时间": "2016-05-01",
    "登记人": "王五",
    "登记单位": "官渡区地名办",
    "所在(跨)行政区": "530111008000,530111009000",
    "密级": "公开",
}


def exported_rows(store, path):
    census.export_census(store, path, encoding="UTF-8")
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_census_geopackage_round_trip_keeps_every_field(store, backend, request, tmp_path):
    """Export to a GeoPackage with the census field names, import it into an empty
    register: every census field and the geometry come back unchanged."""
    source = tmp_path / "census.csv"
    write_csv(source, [FULL_ROW, *ROWS, {"标准名称": "无坐标路", "类别代码": "23510"}])
    assert census.import_census(store, source, actor="wang") == 4
    gpkg = tmp_path / "census.gpkg"
    assert census.export_census(store, gpkg) == 4
    assert census.HEADERS[0] in pyogrio.read_info(gpkg, layer="place_names_census")["fields"]

    target = make_store(request, backend, tmp_path)
    add_units(target)
    assert census.import_census(target, gpkg, actor="wang") == 4
    before, after = exported_rows(store, tmp_path / "a.csv"), exported_rows(target, tmp_path / "b.csv")
    assert after == before
    assert before[0]["高程"] == "1892.5" and before[0]["别名"] == "子泰新路；新路" and before[0]["代码"] == FULL_ROW["代码"]
    with store.read() as one, target.read() as two:
        shapes = [
            [e.geom.wkt if e.geom is not None else None for e in s.scalars(select(PlaceName).order_by(PlaceName.id))] for s in (one, two)
        ]
    assert shapes[0] == shapes[1] and shapes[0][3] is None


def test_census_geopackage_typed_by_desktop_gis(store, tmp_path):
    """A GeoPackage saved by desktop GIS types its columns: codes as reals, counts with
    gaps as reals, an empty date as NaT, lon/lat in EPSG:4326. Each row still reads right."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    frame = gpd.GeoDataFrame(
        {
            "标准名称": ["子君路", "官城路"],
            "类别代码": [23510, 23510],
            "所在(跨)行政区": [530111008000.0, None],
            "标牌个数": [4, None],
            "高程": [1890.5, None],
            "登记时间": pd.to_datetime(["2016-05-01", None]),
            "使用时间": ["现行", "现行"],
        },
        geometry=[shapely.LineString([(102.75, 25.01), (102.76, 25.012)]), shapely.Point(102.7, 25.0)],
        crs="EPSG:4326",
    )
    path = tmp_path / "desktop.gpkg"
    frame.to_file(path, driver="GPKG")
    assert census.import_census(store, path, actor="wang") == 2
    with store.read() as session:
        rows = {e.name: e for e in session.scalars(select(PlaceName))}
    road = rows["子君路"]
    assert (road.category_code, road.admin_code, road.sign_count, road.elevation_m, road.registered_on.isoformat()) == (
        "23510",
        "530111008000",
        4,
        1890.5,
        "2016-05-01",
    )
    assert road.geom.geom_type == "LineString" and road.geom.bounds == pytest.approx((102.75, 25.01, 102.76, 25.012))
    assert (rows["官城路"].admin_code, rows["官城路"].sign_count, rows["官城路"].registered_on) == (None, None, None)


def test_census_import_refuses_repeated_current_names_by_row(store, tmp_path):
    """条例 Art.9: a current road name may not repeat, in the file or against the register."""
    first = tmp_path / "first.csv"
    write_csv(first, [ROWS[0]])
    census.import_census(store, first, actor="wang")
    second = tmp_path / "second.csv"
    write_csv(
        second,
        [
            {"标准名称": "子君路", "类别代码": "23510"},  # already current in the register
            {"标准名称": "官城路", "类别代码": "23510"},
            {"标准名称": "官城路", "类别代码": "23510"},  # repeats row 3
            {"标准名称": "官城路", "类别代码": "23510", "使用时间": "历史"},  # a historical name may repeat
            {"标准名称": "关上社区居民委员会", "类别代码": "21620"},
            {"标准名称": "关上社区居民委员会", "类别代码": "21620"},  # no district-wide rule for communities
        ],
    )
    with pytest.raises(InvalidInput) as refused:
        census.import_census(store, second, actor="wang")
    assert [p["row"] for p in refused.value.details] == [2, 4]
    assert "row 3" in refused.value.details[1]["problem"]
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(PlaceName)) == 1
