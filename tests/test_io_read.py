"""read_layer: encodings, CRS rules, reprojection, Chinese map frames, CSV specifics."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from pyproj import Geod, Transformer
from shapely.geometry import Point

from gis.errors import CRSError, EncodingError, InvalidInput, UnsupportedFormat
from gis.io import LayerSpec, prepare, read_layer, validate

NAMES = ["官渡古镇", "螺蛳湾", "金马碧鸡坊"]
LONLAT = [(102.7431, 25.0149), (102.7076, 25.0311), (102.7102, 25.0364)]


def places(crs="EPSG:4490") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"名称": NAMES, "code": ["0871001", "530111", "530111002"], "pop": [10, 20, 30]},
        geometry=[Point(x, y) for x, y in LONLAT],
        crs=crs,
    )


def write_shp(gdf, path, encoding, cpg=True, prj=True):
    pyogrio.write_dataframe(gdf, path, encoding=encoding)
    if not cpg:
        path.with_suffix(".cpg").unlink()
    if not prj:
        path.with_suffix(".prj").unlink()
    return path


# --- encodings ---------------------------------------------------------------


def test_gbk_shapefile_without_cpg_is_detected(tmp_path):
    shp = write_shp(places(), tmp_path / "gbk.shp", "GBK", cpg=False)
    assert b"\xb9\xd9\xb6\xc9" in shp.with_suffix(".dbf").read_bytes()  # 官渡 in GBK really on disk
    gdf = read_layer(shp)
    assert list(gdf["名称"]) == NAMES
    assert list(gdf["code"]) == ["0871001", "530111", "530111002"]


def test_gbk_shapefile_with_cpg(tmp_path):
    shp = write_shp(places(), tmp_path / "gbk.shp", "GBK")
    assert shp.with_suffix(".cpg").read_text().strip().upper() == "GBK"
    assert list(read_layer(shp)["名称"]) == NAMES


def test_cpg_codepage_number_is_understood(tmp_path):
    shp = write_shp(places(), tmp_path / "cp.shp", "GBK")
    shp.with_suffix(".cpg").write_text("936")
    assert list(read_layer(shp)["名称"]) == NAMES


def test_cpg_is_authoritative_over_guessing(tmp_path):
    # UTF-8 bytes under a .cpg claiming GBK: refused rather than silently re-guessed.
    shp = write_shp(places(), tmp_path / "lie[1].shp", "UTF-8")  # glob characters in the name
    shp.with_suffix(".cpg").write_text("GBK")
    with pytest.raises(EncodingError) as err:
        read_layer(shp)
    assert err.value.details["tried"] == ["gbk"]
    assert list(read_layer(shp, encoding="UTF-8")["名称"]) == NAMES


def test_explicit_encoding_wins(tmp_path):
    shp = write_shp(places(), tmp_path / "gbk.shp", "GBK", cpg=False)
    assert list(read_layer(shp, encoding="GBK")["名称"]) == NAMES
    with pytest.raises(EncodingError) as err:
        read_layer(shp, encoding="UTF-8")
    assert "gbk.shp" in err.value.en


def test_utf8_shapefile_without_cpg(tmp_path):
    shp = write_shp(places(), tmp_path / "u.shp", "UTF-8", cpg=False)
    assert list(read_layer(shp)["名称"]) == NAMES


def test_garbage_bytes_raise_encoding_error_naming_file(tmp_path):
    gdf = places()
    gdf["名称"] = ["PLACEHOLDER", "ok", "ok"]
    shp = write_shp(gdf, tmp_path / "garbage.shp", "UTF-8", cpg=False)
    dbf = shp.with_suffix(".dbf")
    data = dbf.read_bytes()
    dbf.write_bytes(data.replace(b"PLACEHOLDER", b"\xff\xfe\x80\xff\x81 \xff\xff\xfe\x80\x80"))
    with pytest.raises(EncodingError) as err:
        read_layer(shp)
    assert "garbage.shp" in err.value.zh and "garbage.shp" in err.value.en
    assert err.value.details["tried"][:2] == ["utf-8", "gbk"]


def test_utf8_mojibake_falls_back_to_gbk(tmp_path):
    # C2 80 C2 81 is valid UTF-8, but only as C1 control characters: a wrong guess.
    raw = b"\xc2\x80\xc2\x81"
    gdf = places()
    gdf["名称"] = ["PLACE", "ok", "ok"]
    shp = write_shp(gdf, tmp_path / "moji.shp", "UTF-8", cpg=False)
    dbf = shp.with_suffix(".dbf")
    dbf.write_bytes(dbf.read_bytes().replace(b"PLACE", raw + b" "))
    names = read_layer(shp).iloc[:, 1].tolist()
    assert names[0] == raw.decode("gbk") and names[1] == "ok"


def test_unknown_encoding_name(tmp_path):
    shp = write_shp(places(), tmp_path / "u.shp", "UTF-8")
    with pytest.raises(EncodingError):
        read_layer(shp, encoding="no-such-codec")


def test_gbk_csv_is_detected(tmp_path):
    csv = tmp_path / "gbk.csv"
    csv.write_bytes("名称,经度,纬度\n官渡古镇,102.7431,25.0149\n".encode("gbk"))
    gdf = read_layer(csv, crs="EPSG:4490")
    assert gdf["名称"].tolist() == ["官渡古镇"]
    assert gdf.geometry[0].x == pytest.approx(102.7431, abs=1e-12)


# --- CRS rules ----------------------------------------------------------------


def test_shapefile_without_prj_needs_crs(tmp_path):
    shp = write_shp(places(), tmp_path / "noprj.shp", "UTF-8", prj=False)
    with pytest.raises(CRSError) as err:
        read_layer(shp)
    assert "noprj.shp" in err.value.en
    gdf = read_layer(shp, crs="EPSG:4490")
    assert gdf.crs.to_epsg() == 4490
    assert gdf.geometry[0].coords[0] == pytest.approx(LONLAT[0], abs=1e-12)


def test_crs_disagreeing_with_prj_is_refused(tmp_path):
    shp = write_shp(places(), tmp_path / "p.shp", "UTF-8")
    with pytest.raises(CRSError) as err:
        read_layer(shp, crs="EPSG:4543")
    assert err.value.details == {"file_crs": "EPSG:4490", "requested": "EPSG:4543"}
    assert read_layer(shp, crs="EPSG:4490").crs.to_epsg() == 4490  # agreeing is fine


def test_csv_needs_crs(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("lon,lat\n102.7,25.0\n", encoding="utf-8")
    with pytest.raises(CRSError):
        read_layer(csv)


def test_bad_crs_text(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("lon,lat\n102.7,25.0\n", encoding="utf-8")
    with pytest.raises(CRSError):
        read_layer(csv, crs="EPSG:999999")


@pytest.mark.parametrize("epsg, suffix", [(4543, ".gpkg"), (3857, ".shp"), (4543, ".geojson")])
def test_reprojection_gives_right_lonlat(tmp_path, epsg, suffix):
    to_proj = Transformer.from_crs(4490, epsg, always_xy=True)
    xy = [to_proj.transform(lon, lat) for lon, lat in LONLAT]
    src = gpd.GeoDataFrame({"名称": NAMES}, geometry=[Point(x, y) for x, y in xy], crs=f"EPSG:{epsg}")
    path = tmp_path / f"proj{suffix}"
    pyogrio.write_dataframe(src, path)
    gdf = read_layer(path)
    assert gdf.crs.to_epsg() == 4490
    back = Transformer.from_crs(epsg, 4490, always_xy=True)
    for geom, (x, y), (lon, lat) in zip(gdf.geometry, xy, LONLAT, strict=False):
        expect = back.transform(x, y)
        assert (geom.x, geom.y) == pytest.approx(expect, abs=1e-9)
        assert (geom.x, geom.y) == pytest.approx((lon, lat), abs=1e-7)  # x is lon, y is lat


def test_projected_csv_skips_degree_range_check(tmp_path):
    x, y = Transformer.from_crs(4490, 4543, always_xy=True).transform(*LONLAT[0])
    csv = tmp_path / "xy.csv"
    csv.write_text(f"name,X,Y\na,{x!r},{y!r}\n", encoding="utf-8")
    gdf = read_layer(csv, crs="EPSG:4543")
    assert (gdf.geometry[0].x, gdf.geometry[0].y) == pytest.approx(LONLAT[0], abs=1e-7)
    assert validate(gdf, LayerSpec("xy")).ok


# --- GCJ-02 / BD-09 -------------------------------------------------------------


def test_gcj02_csv_is_shifted_to_wgs84(tmp_path):
    chinacoords = pytest.importorskip("gis.chinacoords")
    gcj = [chinacoords.wgs84_to_gcj02(lon, lat) for lon, lat in LONLAT]
    csv = tmp_path / "amap.csv"
    csv.write_text("name,lng,lat\n" + "".join(f"p{i},{x!r},{y!r}\n" for i, (x, y) in enumerate(gcj)), encoding="utf-8")
    gdf = read_layer(csv, crs="GCJ-02")
    geod = Geod(ellps="WGS84")
    for geom, (gx, gy), (lon, lat) in zip(gdf.geometry, gcj, LONLAT, strict=False):
        shift = geod.inv(gx, gy, geom.x, geom.y)[2]
        assert 100 < shift < 1000  # GCJ-02 offsets are hundreds of metres
        assert (geom.x, geom.y) == pytest.approx((lon, lat), abs=1e-7)


def test_bd09_csv_is_shifted_to_wgs84(tmp_path):
    chinacoords = pytest.importorskip("gis.chinacoords")
    bd = chinacoords.wgs84_to_bd09(*LONLAT[0])
    csv = tmp_path / "baidu.csv"
    csv.write_text(f"name,lon,lat\np,{bd[0]!r},{bd[1]!r}\n", encoding="utf-8")
    geom = read_layer(csv, crs="bd09").geometry[0]
    assert (geom.x, geom.y) == pytest.approx(LONLAT[0], abs=1e-7)
    assert Geod(ellps="WGS84").inv(bd[0], bd[1], geom.x, geom.y)[2] > 500


def test_gcj02_geojson_labelled_wgs84_is_accepted(tmp_path):
    pytest.importorskip("gis.chinacoords")
    path = tmp_path / "amap.geojson"
    pyogrio.write_dataframe(places("EPSG:4326"), path)
    moved = read_layer(path, crs="GCJ-02").geometry[0]
    assert moved.distance(Point(LONLAT[0])) > 0.001


def test_gcj02_refused_for_projected_file(tmp_path):
    path = tmp_path / "p.gpkg"
    pyogrio.write_dataframe(places().to_crs(4543), path)
    with pytest.raises(CRSError):
        read_layer(path, crs="GCJ-02")


# --- CSV specifics -----------------------------------------------------------------


def test_csv_line_numbers_in_problems(tmp_path):
    csv = tmp_path / "pts.csv"
    csv.write_text(
        "name,lon,lat\n"  # line 1
        "ok,102.7,25.0\n"  # line 2
        '"two\nlines",102.71,25.01\n'  # lines 3-4
        "\n"  # line 5 (blank)
        "bad lon,abc,25.0\n"  # line 6
        "bad lat,102.7,95\n"  # line 7
        "empty,,25.0\n"  # line 8
        "ok2,102.72,25.02\n",  # line 9
        encoding="utf-8",
    )
    gdf = read_layer(csv, crs="EPSG:4326")
    assert gdf["_row"].tolist() == [2, 3, 6, 7, 8, 9]
    assert gdf["name"].tolist()[1] == "two\nlines"
    report = validate(gdf, LayerSpec("pts"))
    assert report.rows() == [6, 7, 8]
    by_row = {p.row: p for p in report.problems}
    assert by_row[6].rule == "bad_coordinates" and "abc" in by_row[6].message_en
    assert "out of range" in by_row[7].message_en and "lat" in by_row[7].message_en
    assert "empty" in by_row[8].message_en
    assert len(report.problems) == 3  # missing geometry not reported twice


def test_csv_problems_reach_prepare_with_line_numbers(tmp_path):
    csv = tmp_path / "pts.csv"
    csv.write_text("code,name,lon,lat\nA,甲,102.7,25.0\nB,,102.7,25.0\nA,丙,x,25.0\n", encoding="utf-8")
    gdf = read_layer(csv, crs="EPSG:4490")
    with pytest.raises(InvalidInput) as err:
        prepare(gdf, LayerSpec("p", required=("name",), id_column="code"))
    assert err.value.details["rows"] == [2, 3, 4]
    rules = {(p["row"], p["rule"]) for p in err.value.details["problems"]}
    assert rules == {(2, "duplicate_id"), (4, "duplicate_id"), (3, "missing_value"), (4, "bad_coordinates")}
    clean, report = prepare(gdf, LayerSpec("p", required=("name",)), skip_invalid=True)
    assert clean["_row"].tolist() == [2] and report.rows("skipped") == [3, 4]


@pytest.mark.parametrize("header", ["经度,纬度", "lng,lat", "Longitude,Latitude", "X,Y", " LON , LAT "])
def test_csv_coordinate_column_aliases(tmp_path, header):
    csv = tmp_path / "a.csv"
    csv.write_text(f"名称,{header}\n官渡,102.7,25.0\n", encoding="utf-8")
    gdf = read_layer(csv, crs="EPSG:4490")
    assert (gdf.geometry[0].x, gdf.geometry[0].y) == (102.7, 25.0)
    assert list(gdf.columns) == ["_row", "名称", "geometry"]


def test_csv_explicit_columns_and_text_attributes(tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("code,E,N,lat\n0871,102.7,25.0,x\n", encoding="utf-8")
    gdf = read_layer(csv, crs="EPSG:4490", lon_column="E", lat_column="N")
    assert gdf["code"].tolist() == ["0871"]  # leading zero kept
    assert gdf["lat"].tolist() == ["x"]
    with pytest.raises(InvalidInput):
        read_layer(csv, crs="EPSG:4490", lon_column="nope", lat_column="N")


def test_csv_without_coordinates(tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("name,address\na,b\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        read_layer(csv, crs="EPSG:4490")
    assert err.value.details == {"columns": ["name", "address"]}


# --- formats and layers ----------------------------------------------------------------


def test_unknown_extension(tmp_path):
    path = tmp_path / "data.kml"
    path.write_text("<kml/>")
    with pytest.raises(UnsupportedFormat):
        read_layer(path)


def test_zip_without_shapefile(tmp_path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "nothing")
    with pytest.raises(UnsupportedFormat):
        read_layer(path)


def test_zipped_gbk_shapefile_in_folder(tmp_path):
    write_shp(places(), tmp_path / "村.shp", "GBK", cpg=False)
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("村.*"):
            z.write(part, f"数据/{part.name}")
    gdf = read_layer(archive)
    assert list(gdf["名称"]) == NAMES
    assert gdf["_row"].tolist() == [1, 2, 3]


def test_gpkg_with_several_layers_needs_layer(tmp_path):
    path = tmp_path / "m.gpkg"
    pyogrio.write_dataframe(places(), path, layer="a")
    pyogrio.write_dataframe(places().iloc[:1], path, layer="b")
    with pytest.raises(InvalidInput) as err:
        read_layer(path)
    assert sorted(err.value.details["layers"]) == ["a", "b"]
    assert len(read_layer(path, layer="b")) == 1
    with pytest.raises(InvalidInput):
        read_layer(path, layer="c")


def test_missing_file(tmp_path):
    with pytest.raises(InvalidInput):
        read_layer(tmp_path / "nope.gpkg")


def test_row_column_numbers_features(tmp_path):
    path = tmp_path / "f.geojson"
    src = places()
    src["_row"] = [9, 9, 9]  # a source column of that name does not survive
    pyogrio.write_dataframe(src, path)
    gdf = read_layer(path)
    assert gdf["_row"].tolist() == [1, 2, 3]
    assert np.issubdtype(gdf["_row"].dtype, np.integer)
