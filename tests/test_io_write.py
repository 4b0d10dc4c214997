"""write_layer: round trips through every format, CRS and encoding options, progress bar."""

from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon

from gis.errors import EncodingError, UnsupportedFormat
from gis.io import read_layer, write_layer
from gis.io.progress import progress
from gis.io.write import shapefile_field_names


def points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "名称": ["官渡古镇", "螺蛳湾", '金马碧鸡坊, "牌坊"'],
            "code": ["0871001", "530111", None],
            "pop": [10, 20, 30],
            "area": [1.5, 0.125, 2.0],
        },
        geometry=[Point(102.743112345678, 25.014987654321), Point(102.7076, 25.0311), Point(102.7102, 25.0364)],
        crs="EPSG:4490",
    )


def polygons() -> gpd.GeoDataFrame:
    a = Polygon(
        [(102.70, 25.00), (102.71, 25.00), (102.71, 25.01), (102.70, 25.01)], [[(102.702, 25.002), (102.704, 25.002), (102.704, 25.004)]]
    )
    b = Polygon([(102.80, 25.10), (102.8123456789, 25.10), (102.80, 25.1123456789)])
    return gpd.GeoDataFrame({"名称": ["关上街道", "大板桥街道"], "pop": [1, 2]}, geometry=[a, b], crs="EPSG:4490")


def same_geometries(a: gpd.GeoSeries, b: gpd.GeoSeries, tol=1e-9):
    assert len(a) == len(b)
    for g1, g2 in zip(a, b, strict=False):
        assert shapely.equals_exact(shapely.normalize(g1), shapely.normalize(g2), tolerance=tol), (g1, g2)


def plain(column: pd.Series) -> list:
    """Values with every kind of missing (None, NaN, pd.NA) as None."""
    return [None if pd.isna(v) else v for v in column.tolist()]


CASES = [("gpkg", None), ("shp", None), ("zip", None), ("geojson", None), ("json", None), ("csv", "EPSG:4490")]


@pytest.mark.parametrize("make", [points, polygons])
@pytest.mark.parametrize("ext, read_crs", CASES)
def test_round_trip(tmp_path, make, ext, read_crs):
    src = make()
    path = write_layer(src, tmp_path / f"out.{ext}")
    back = read_layer(path, crs=read_crs)
    assert back.crs.to_epsg() == 4490
    same_geometries(back.geometry, src.geometry)
    assert back["_row"].tolist() == list(range(2, len(src) + 2) if ext == "csv" else range(1, len(src) + 1))
    attrs = back.drop(columns=["_row", "geometry"])
    expected = pd.DataFrame(src.drop(columns="geometry"))
    assert list(attrs.columns) == list(expected.columns)
    for col in expected.columns:
        got, want = plain(attrs[col]), plain(expected[col])
        if ext == "csv":  # CSV attributes come back as text
            want = [None if v is None else str(v) for v in want]
        assert got == want, col


def test_round_trip_in_projected_crs(tmp_path):
    path = write_layer(points(), tmp_path / "p.gpkg", crs="EPSG:4543")
    assert pyogrio.read_info(path)["crs"] == "EPSG:4543"
    x, y = pyogrio.read_dataframe(path).geometry[0].coords[0]
    assert (x, y) == pytest.approx(Transformer.from_crs(4490, 4543, always_xy=True).transform(102.743112345678, 25.014987654321), abs=1e-6)
    same_geometries(read_layer(path).geometry, points().geometry)


def test_write_gcj02(tmp_path):
    chinacoords = pytest.importorskip("gis.chinacoords")
    path = write_layer(points(), tmp_path / "amap.csv", crs="GCJ-02")
    raw = pd.read_csv(path, encoding="utf-8-sig")
    for (lon, lat), g in zip(raw[["lon", "lat"]].itertuples(index=False), points().geometry, strict=False):
        assert (lon, lat) == pytest.approx(chinacoords.wgs84_to_gcj02(g.x, g.y), abs=1e-12)
        assert abs(lon - g.x) > 1e-3  # really moved (hundreds of metres)
    same_geometries(read_layer(path, crs="GCJ-02").geometry, points().geometry, tol=1e-8)


def test_write_bd09_geojson_labelled_wgs84(tmp_path):
    chinacoords = pytest.importorskip("gis.chinacoords")
    path = write_layer(polygons(), tmp_path / "baidu.geojson", crs="BD-09")
    raw = pyogrio.read_dataframe(path)
    assert raw.crs.to_epsg() == 4326
    x, y = raw.geometry[1].exterior.coords[1]
    assert (x, y) == pytest.approx(chinacoords.wgs84_to_bd09(102.8123456789, 25.10), abs=1e-12)


def test_multi_layer_geopackage(tmp_path):
    path = tmp_path / "export.gpkg"
    write_layer(points(), path, layer="地名")
    write_layer(polygons(), path, layer="村界")
    write_layer(points().iloc[:1], path, layer="地名")  # rewriting one layer keeps the other
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"地名": "Point", "村界": "Polygon"}
    assert len(read_layer(path, layer="地名")) == 1
    assert read_layer(path, layer="村界")["名称"].tolist() == ["关上街道", "大板桥街道"]


def test_default_gpkg_layer_is_file_stem(tmp_path):
    path = write_layer(points(), tmp_path / "地名.gpkg")
    assert [name for name, _ in pyogrio.list_layers(path)] == ["地名"]


def test_shapefile_cpg_utf8_and_gbk(tmp_path):
    utf = write_layer(points(), tmp_path / "u.shp")
    assert utf.with_suffix(".cpg").read_text().strip().upper() in {"UTF-8", "UTF8"}
    gbk = write_layer(points(), tmp_path / "g.shp", encoding="GBK")
    assert gbk.with_suffix(".cpg").read_text().strip().upper() == "GBK"
    assert "官渡古镇".encode("gbk") in gbk.with_suffix(".dbf").read_bytes()
    gbk.with_suffix(".cpg").unlink()
    assert read_layer(gbk)["名称"].tolist() == points()["名称"].tolist()


def test_zipped_shapefile_contents(tmp_path):
    path = write_layer(points(), tmp_path / "download.zip", layer="地名")
    names = sorted(zipfile.ZipFile(path).namelist())
    assert names == ["地名.cpg", "地名.dbf", "地名.prj", "地名.shp", "地名.shx"]


def test_unencodable_text_for_gbk(tmp_path):
    gdf = points()
    gdf.loc[0, "名称"] = "官渡😀"
    with pytest.raises(EncodingError):
        write_layer(gdf, tmp_path / "g.shp", encoding="GBK")
    with pytest.raises(EncodingError):
        write_layer(gdf, tmp_path / "g.csv", encoding="GBK")


def test_long_shapefile_field_names_truncated_deterministically(tmp_path):
    gdf = points()[["geometry"]].copy()
    gdf["population_total"] = [1, 2, 3]
    gdf["population_male"] = [4, 5, 6]
    gdf["population"] = [7, 8, 9]
    gdf["行政区划代码"] = ["a", "b", "c"]  # 18 bytes in UTF-8
    with pytest.warns(UserWarning, match="population_total → populati_1"):
        path = write_layer(gdf, tmp_path / "long.shp")
    back = read_layer(path)
    assert list(back.columns) == ["_row", "populati_1", "populati_2", "population", "行政区", "geometry"]
    assert back["populati_1"].tolist() == [1, 2, 3] and back["population"].tolist() == [7, 8, 9]
    assert back["行政区"].tolist() == ["a", "b", "c"]
    gbk = shapefile_field_names(["行政区划代码"], "gbk")
    assert gbk == {"行政区划代码": "行政区划代"}  # 10 bytes in GBK


def test_csv_layout_points_and_wkt(tmp_path):
    pts = write_layer(points(), tmp_path / "p.csv")
    assert pts.read_bytes().startswith(b"\xef\xbb\xbflon,lat,")  # BOM for Excel
    polys = write_layer(polygons(), tmp_path / "poly.csv")
    header = polys.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "geometry_wkt,名称,pop"
    assert pd.read_csv(polys, encoding="utf-8-sig")["geometry_wkt"][0].startswith("POLYGON ((102.7 25")


def test_csv_mixed_polygon_and_multipolygon(tmp_path):
    gdf = polygons()
    gdf.loc[1, "geometry"] = MultiPolygon([gdf.geometry[1], Polygon([(103, 25), (103.1, 25), (103, 25.1)])])
    back = read_layer(write_layer(gdf, tmp_path / "m.csv"), crs="EPSG:4490")
    same_geometries(back.geometry, gdf.geometry)


def test_row_column_is_not_exported(tmp_path):
    gdf = read_layer(write_layer(points(), tmp_path / "a.geojson"))
    assert "_row" in gdf.columns
    raw = pyogrio.read_dataframe(write_layer(gdf, tmp_path / "b.geojson"))
    assert "_row" not in raw.columns


def test_driver_option_and_unknown_format(tmp_path):
    path = write_layer(points(), tmp_path / "data.out", driver="GeoJSON")
    assert pyogrio.read_info(path)["driver"] == "GeoJSON"
    with pytest.raises(UnsupportedFormat):
        write_layer(points(), tmp_path / "data.kml")
    with pytest.raises(UnsupportedFormat):
        write_layer(points(), tmp_path / "x.gpkg", driver="KML")


# --- progress -------------------------------------------------------------------------------


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_draws_on_tty():
    stream = FakeTTY()
    assert list(progress([1, 2, 3, 4], "导入", stream=stream)) == [1, 2, 3, 4]
    out = stream.getvalue()
    assert out.endswith("\n") and "\r导入 [" in out and "100% 4/4" in out


def test_progress_silent_when_not_tty():
    stream = io.StringIO()
    assert list(progress(iter(range(3)), "x", stream=stream)) == [0, 1, 2]
    with progress(10, "y", stream=stream) as bar:
        bar.update(5)
    assert stream.getvalue() == "" and bar.done == 5


def test_progress_with_total_and_unknown_length():
    stream = FakeTTY()
    with progress(200, "写出", stream=stream) as bar:
        for _ in range(100):
            bar.update()
        assert bar.render() == "写出 [" + "#" * 15 + "." * 15 + "]  50% 100/200"
    unknown = progress(iter("abc"), "n", stream=FakeTTY())
    list(unknown)
    assert unknown.render() == "n 3"
