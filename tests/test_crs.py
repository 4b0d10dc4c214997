"""Coordinate-system rules: parsing, URIs, axis order, reprojection, measuring."""

import geopandas as gpd
import numpy as np
import pyproj
import pytest
from shapely import LineString, Point, Polygon, box, get_coordinates

from gis import chinacoords as cc
from gis import crs
from gis.errors import CRSError, InvalidInput

GEOD = pyproj.Geod(ellps="GRS80")  # CGCS2000 ellipsoid to < 0.1 mm


# --- parsing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("EPSG:4490", "EPSG:4490"),
        ("epsg:4490", "EPSG:4490"),
        ("4490", "EPSG:4490"),
        (4490, "EPSG:4490"),
        (" EPSG:4490 ", "EPSG:4490"),
        ("http://www.opengis.net/def/crs/EPSG/0/4490", "EPSG:4490"),
        ("https://www.opengis.net/def/crs/EPSG/0/4543", "EPSG:4543"),
        ("urn:ogc:def:crs:EPSG::4490", "EPSG:4490"),
        ("urn:ogc:def:crs:EPSG:9.8.15:4326", "EPSG:4326"),
        ("CRS84", "OGC:CRS84"),
        ("OGC:CRS84", "OGC:CRS84"),
        ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", "OGC:CRS84"),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", "OGC:CRS84"),
        ("WGS84", "OGC:CRS84"),
        ("wgs84", "OGC:CRS84"),
        ("GCJ02", "GCJ-02"),
        ("GCJ-02", "GCJ-02"),
        ("gcj02", "GCJ-02"),
        ("BD09", "BD-09"),
        ("BD-09", "BD-09"),
        ("bd09", "BD-09"),
        ("+proj=longlat +datum=WGS84 +no_defs", "OGC:CRS84"),
        (pyproj.CRS("EPSG:4543"), "EPSG:4543"),
    ],
)
def test_parse_crs_spellings(text, expected):
    assert crs.parse_crs(text) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "garbage",
        "EPSG:999999",
        "",
        "   ",
        "http://www.opengis.net/def/crs/EPSG/0/abc",
        "GCJ03",
        None,
        3.5,
        True,
        "x" * 30000,
    ],
)
def test_parse_crs_rejects_garbage(bad):
    with pytest.raises(CRSError) as info:
        crs.parse_crs(bad)
    err = info.value
    assert err.http_status == 400 and err.code == "invalid-crs"
    if isinstance(bad, str) and bad.strip() and len(bad) < 80:
        assert bad in err.zh and bad in err.en


def test_constants():
    assert crs.STORAGE_CRS == "EPSG:4490"
    assert crs.measure_crs() == "EPSG:4543"
    assert crs.CRS84 == "OGC:CRS84"
    assert (crs.GCJ02, crs.BD09) == ("GCJ-02", "BD-09")
    assert pyproj.CRS(crs.measure_crs()).name == "CGCS2000 / 3-degree Gauss-Kruger CM 102E"


def test_crs_uri():
    assert crs.crs_uri("CRS84") == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    assert crs.crs_uri("EPSG:4490") == "http://www.opengis.net/def/crs/EPSG/0/4490"
    assert crs.crs_uri("urn:ogc:def:crs:EPSG::4543") == "http://www.opengis.net/def/crs/EPSG/0/4543"
    # the URI parses back to the same CRS
    assert crs.parse_crs(crs.crs_uri("4490")) == "EPSG:4490"
    with pytest.raises(CRSError):
        crs.crs_uri("GCJ-02")


@pytest.mark.parametrize(
    "name,lat_first",
    [
        ("EPSG:4490", True),
        ("EPSG:4326", True),
        ("EPSG:4543", True),
        ("CRS84", False),
        ("WGS84", False),
        ("EPSG:3857", False),
        ("GCJ-02", False),
        ("BD-09", False),
    ],
)
def test_is_lat_first(name, lat_first):
    assert crs.is_lat_first(name) is lat_first


# --- reprojection ----------------------------------------------------------------


def test_central_meridian_gives_false_easting():
    x, y = crs.transform_coords(102.0, 25.0, "EPSG:4490", "EPSG:4543")
    assert x == pytest.approx(500000.0, abs=1e-6)
    # On the central meridian (scale factor 1) northing is the meridian arc length.
    _, _, arc = GEOD.inv(102.0, 0.0, 102.0, 25.0)
    assert y == pytest.approx(arc, abs=0.01)
    assert type(x) is float


def test_east_of_meridian_is_east_and_round_trips():
    x, y = crs.transform_coords(np.array([102.8, 103.1]), np.array([25.0, 25.1]), crs.STORAGE_CRS, crs.measure_crs())
    assert np.all(x > 500000) and x[1] > x[0] and y[1] > y[0]
    lon, lat = crs.transform_coords(x, y, crs.measure_crs(), crs.STORAGE_CRS)
    np.testing.assert_allclose(lon, [102.8, 103.1], atol=1e-9)
    np.testing.assert_allclose(lat, [25.0, 25.1], atol=1e-9)


def test_lon_first_in_and_out_even_for_lat_first_crs():
    # EPSG:4326 is lat-first by authority, but the code always uses x = lon.
    assert crs.transform_coords(102.8, 25.0, "EPSG:4490", "EPSG:4326") == pytest.approx((102.8, 25.0))
    assert crs.transform_coords(102.8, 25.0, "EPSG:4326", "CRS84") == pytest.approx((102.8, 25.0))


def test_transform_coords_gcj02_and_bd09_chains():
    gx, gy = crs.transform_coords(102.8, 25.0, "EPSG:4490", "GCJ02")
    assert (gx, gy) == pytest.approx(cc.wgs84_to_gcj02(102.8, 25.0), abs=1e-12)
    bx, by = crs.transform_coords(gx, gy, "GCJ-02", "BD-09")
    assert (bx, by) == pytest.approx(cc.gcj02_to_bd09(gx, gy), abs=1e-12)
    # projected target through the pseudo chain
    px, py = crs.transform_coords(bx, by, "BD09", "EPSG:4543")
    ex, ey = crs.transform_coords(102.8, 25.0, "EPSG:4490", "EPSG:4543")
    assert abs(px - ex) < 0.01 and abs(py - ey) < 0.01
    # and back from projected to GCJ-02
    assert crs.transform_coords(ex, ey, "EPSG:4543", "GCJ02") == pytest.approx((gx, gy), abs=1e-9)


def test_out_of_range_raises_invalid_input():
    with pytest.raises(InvalidInput):
        crs.transform_coords(0.0, 95.0, "EPSG:4490", "EPSG:3857")


def test_reproject_gcj02_polygon():
    gcj = Polygon([(102.7, 24.9), (102.9, 24.9), (102.9, 25.1), (102.7, 25.1)])
    wgs = crs.reproject(gcj, "GCJ-02", "EPSG:4490")
    src = get_coordinates(gcj)
    expected = np.column_stack(cc.gcj02_to_wgs84(src[:, 0], src[:, 1]))
    np.testing.assert_allclose(get_coordinates(wgs), expected, atol=1e-12)
    # GCJ-02 lies south-east of WGS84 in Kunming, so the WGS84 shape moved north-west.
    assert wgs.centroid.x < gcj.centroid.x and wgs.centroid.y > gcj.centroid.y
    back = crs.reproject(wgs, "EPSG:4490", "GCJ02")
    np.testing.assert_allclose(get_coordinates(back), src, atol=1e-9)


def test_reproject_same_crs_is_identity_and_keeps_z():
    p = Point(102.8, 25.0, 1900.0)
    assert crs.reproject(p, "4490", "EPSG:4490") is p
    q = crs.reproject(p, "EPSG:4490", "EPSG:4543")
    assert q.has_z and q.z == 1900.0 and q.x > 500000


def test_reproject_array_of_geometries():
    arr = np.array([Point(102.0, 25.0), None, LineString([(102.0, 25.0), (102.0, 25.1)])])
    out = crs.reproject(arr, "EPSG:4490", "EPSG:4543")
    assert out[0].x == pytest.approx(500000.0) and out[1] is None
    assert out[2].length == pytest.approx(GEOD.inv(102.0, 25.0, 102.0, 25.1)[2], abs=0.01)


def test_swap_axes():
    assert crs.swap_axes(Point(102.8, 25.0)).coords[0] == (25.0, 102.8)
    p3 = crs.swap_axes(Point(102.8, 25.0, 7.0))
    assert (p3.x, p3.y, p3.z) == (25.0, 102.8, 7.0)
    poly = Polygon([(0, 0), (2, 0), (2, 1), (0, 0)], [[(1.5, 0.2), (1.8, 0.2), (1.8, 0.5), (1.5, 0.2)]])
    swapped = crs.swap_axes(poly)
    assert list(swapped.exterior.coords) == [(0, 0), (0, 2), (1, 2), (0, 0)]
    assert len(swapped.interiors) == 1
    assert crs.swap_axes(swapped).equals_exact(poly, 0)


def test_reproject_gdf_round_trip_via_gcj02():
    gdf = gpd.GeoDataFrame(
        {"name": ["关上", "巫家坝"]},
        geometry=[Point(102.74, 25.01), LineString([(102.72, 24.99), (102.75, 25.02)])],
        crs="EPSG:4490",
    )
    projected = crs.reproject_gdf(gdf, "EPSG:4543")
    assert projected.crs.to_epsg() == 4543
    assert projected.geometry.iloc[0].x > 500000
    assert list(projected["name"]) == ["关上", "巫家坝"]
    assert gdf.crs.to_epsg() == 4490 and gdf.geometry.iloc[0].x == 102.74  # input untouched

    gcj = crs.reproject_gdf(gdf, "GCJ02")
    assert gcj.crs is None and gcj.attrs["pseudo_crs"] == "GCJ-02"
    assert gcj.geometry.iloc[0].coords[0] == pytest.approx(cc.wgs84_to_gcj02(102.74, 25.01))
    back = crs.reproject_gdf(gcj, "EPSG:4490")
    assert back.crs.to_epsg() == 4490 and "pseudo_crs" not in back.attrs
    np.testing.assert_allclose(get_coordinates(back.geometry), get_coordinates(gdf.geometry), atol=1e-9)


def test_reproject_gdf_without_crs():
    gdf = gpd.GeoDataFrame(geometry=[Point(102.74, 25.01)])
    with pytest.raises(CRSError):
        crs.reproject_gdf(gdf, "EPSG:4490")
    out = crs.reproject_gdf(gdf, "EPSG:4490", src="BD09")
    assert out.geometry.iloc[0].coords[0] == pytest.approx(cc.bd09_to_wgs84(102.74, 25.01))


# --- measuring -------------------------------------------------------------------


def test_length_of_one_degree_meridian_near_25n():
    line = LineString([(102.8, 24.5), (102.8, 25.5)])
    length = crs.length_m(line)
    assert type(length) is float
    assert length == pytest.approx(110_800, abs=100)
    # 0.8 degree off the central meridian the Gauss-Kruger scale error is < 1e-4
    assert length == pytest.approx(GEOD.inv(102.8, 24.5, 102.8, 25.5)[2], rel=1e-4)


def test_length_on_central_meridian_is_geodesic():
    line = LineString([(102.0, 24.5), (102.0, 25.5)])
    assert crs.length_m(line) == pytest.approx(GEOD.inv(102.0, 24.5, 102.0, 25.5)[2], abs=0.01)


def test_area_matches_geodesic_area():
    cell = box(102.8, 25.0, 102.81, 25.01)
    geodesic_area = abs(GEOD.geometry_area_perimeter(cell)[0])
    assert crs.area_m2(cell) == pytest.approx(geodesic_area, rel=2e-4)
    assert crs.area_m2(cell) == pytest.approx(1.118e6, rel=0.01)


def test_vectorised_measures():
    lines = gpd.GeoSeries(
        [LineString([(102.0, 24.5), (102.0, 25.5)]), Point(102.8, 25.0)],
        index=["a", "b"],
        crs="EPSG:4490",
    )
    lengths = crs.lengths_m(lines)
    assert list(lengths.index) == ["a", "b"] and lengths["b"] == 0.0
    assert lengths["a"] == pytest.approx(GEOD.inv(102.0, 24.5, 102.0, 25.5)[2], abs=0.01)
    cells = gpd.GeoSeries([box(102.8, 25.0, 102.81, 25.01)])  # no CRS: storage assumed
    assert crs.areas_m2(cells).iloc[0] == pytest.approx(crs.area_m2(cells.iloc[0]))
    # the same cell given in the measuring CRS is not reprojected again
    in_measure = cells.set_crs("EPSG:4490").to_crs("EPSG:4543")
    assert crs.areas_m2(in_measure).iloc[0] == pytest.approx(crs.area_m2(cells.iloc[0]), rel=1e-9)
    arr = crs.length_m(np.array([LineString([(102.0, 25.0), (102.0, 25.1)])]))
    assert isinstance(arr, np.ndarray) and arr.shape == (1,)


def test_prepared_transformations_are_ready_before_the_first_request():
    """A service prepares storage <-> CRS84 and its measuring CRS at start (PROJ takes about
    0.3 s to choose CGCS2000 <-> WGS84); a request then makes none of them."""
    crs._transformer.cache_clear()
    crs.prepare_transformations("OGC:CRS84", "EPSG:4543", "GCJ-02", crs.STORAGE_CRS)
    made = crs._transformer.cache_info().misses
    assert made == 4  # both ways for CRS84 and 4543; GCJ-02 and storage itself need none of their own
    for src, dst in (("OGC:CRS84", crs.STORAGE_CRS), (crs.STORAGE_CRS, "OGC:CRS84"), (crs.STORAGE_CRS, "EPSG:4543")):
        crs.transform_coords(np.array([102.72]), np.array([25.02]), src, dst)
    assert crs._transformer.cache_info().misses == made
