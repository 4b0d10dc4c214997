"""GCJ-02 / BD-09 conversions: published reference values, round trips in metres."""

import numpy as np
import pytest
from pyproj import Geod
from shapely import LineString, Point, Polygon, get_coordinates

from gis import chinacoords as cc

GEOD = Geod(ellps="GRS80")


def metres_apart(lon1, lat1, lon2, lat2):
    _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist)


def guandu_grid():
    lon, lat = np.meshgrid(np.linspace(102.6, 103.1, 201), np.linspace(24.85, 25.2, 141))
    return lon.ravel(), lat.ravel()


def china_grid():
    lon, lat = np.meshgrid(np.arange(73.5, 135.0, 0.25), np.arange(18.0, 53.5, 0.25))
    return lon.ravel(), lat.ravel()


# --- published reference pairs --------------------------------------------------


# wandergis/coordtransform README/test (input 116.404, 39.915 in each case).
def test_wgs84_to_gcj02_matches_coordtransform():
    lon, lat = cc.wgs84_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.41024449916938, abs=1e-9)
    assert lat == pytest.approx(39.91640428150164, abs=1e-9)


def test_gcj02_to_bd09_matches_coordtransform():
    lon, lat = cc.gcj02_to_bd09(116.404, 39.915)
    assert lon == pytest.approx(116.41036949371029, abs=1e-9)
    assert lat == pytest.approx(39.92133699351021, abs=1e-9)


def test_bd09_to_gcj02_close_to_published_one_step_inverse():
    # The published value comes from Baidu's one-step inverse (good to a few cm);
    # ours is refined, so agreement is to ~1e-6 degree, not bit-for-bit.
    lon, lat = cc.bd09_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.39762729119315, abs=1e-6)
    assert lat == pytest.approx(39.90865673957631, abs=1e-6)


def test_gcj02_to_wgs84_close_to_published_approximation():
    # coordtransform's gcj02towgs84 is a one-step approximation (metre level).
    lon, lat = cc.gcj02_to_wgs84(116.404, 39.915)
    assert metres_apart(lon, lat, 116.39775550083061, 39.91359571849836) < 1.0
    # ...whereas ours maps back exactly.
    back = cc.wgs84_to_gcj02(lon, lat)
    assert back == pytest.approx((116.404, 39.915), abs=1e-9)


# googollee/eviltransform python/test.py: (wgsLat, wgsLng, gcjLat, gcjLng)
EVIL_PAIRS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize("wlat,wlon,glat,glon", EVIL_PAIRS)
def test_eviltransform_pairs_both_directions(wlat, wlon, glat, glon):
    assert cc.wgs84_to_gcj02(wlon, wlat) == pytest.approx((glon, glat), abs=1e-6)
    assert cc.gcj02_to_wgs84(glon, glat) == pytest.approx((wlon, wlat), abs=1e-8)


def test_gcoord_pairs():
    # hujiulong/gcoord test/unit/crs/GCJ02.spec.js, asserted there to 5 decimals.
    assert cc.gcj02_to_wgs84(123.0, 45.0) == pytest.approx((122.99395597, 44.99804071), abs=1e-6)
    assert cc.gcj02_to_bd09(123.0, 45.0) == pytest.approx((123.00636499, 45.00636899), abs=1e-6)


def test_offset_in_guandu_is_plausible():
    # In Kunming GCJ-02 sits roughly 150 m east and 330 m south of WGS84.
    lon, lat = cc.wgs84_to_gcj02(102.8, 25.0)
    east, north = (lon - 102.8) * 111320 * np.cos(np.radians(25)), (lat - 25.0) * 110770
    assert 100 < east < 200
    assert -400 < north < -250


# --- round trips -----------------------------------------------------------------


@pytest.mark.parametrize("grid", [guandu_grid, china_grid], ids=["guandu", "china"])
def test_gcj02_round_trip_under_10cm(grid):
    lon, lat = grid()
    glon, glat = cc.wgs84_to_gcj02(lon, lat)
    assert metres_apart(lon, lat, glon, glat).min() > 1.0  # the offset really applied
    blon, blat = cc.gcj02_to_wgs84(glon, glat)
    assert metres_apart(lon, lat, blon, blat).max() < 0.1


@pytest.mark.parametrize("grid", [guandu_grid, china_grid], ids=["guandu", "china"])
def test_bd09_round_trip_under_10cm(grid):
    lon, lat = grid()
    blon, blat = cc.wgs84_to_bd09(lon, lat)
    assert metres_apart(lon, lat, blon, blat).min() > 1.0
    wlon, wlat = cc.bd09_to_wgs84(blon, blat)
    assert metres_apart(lon, lat, wlon, wlat).max() < 0.1


def test_inverse_then_forward_meets_iteration_tolerance():
    # Treat grid points as GCJ-02 / BD-09 inputs: forward(inverse(p)) must be p.
    lon, lat = china_grid()
    wlon, wlat = cc.gcj02_to_wgs84(lon, lat)
    flon, flat = cc.wgs84_to_gcj02(wlon, wlat)
    assert max(np.abs(flon - lon).max(), np.abs(flat - lat).max()) < 1e-9
    glon, glat = cc.bd09_to_gcj02(lon, lat)
    flon, flat = cc.gcj02_to_bd09(glon, glat)
    assert max(np.abs(flon - lon).max(), np.abs(flat - lat).max()) < 1e-9


def test_wgs84_to_bd09_is_composition():
    lon, lat = guandu_grid()
    direct = cc.wgs84_to_bd09(lon, lat)
    composed = cc.gcj02_to_bd09(*cc.wgs84_to_gcj02(lon, lat))
    np.testing.assert_allclose(direct, composed, atol=1e-12)


# --- outside China, types --------------------------------------------------------

OUTSIDE = [(2.3522, 48.8566), (-74.006, 40.7128), (139.6917, 35.6895), (100.5, -5.0), (105.0, 60.0)]


@pytest.mark.parametrize(
    "func",
    [
        cc.wgs84_to_gcj02,
        cc.gcj02_to_wgs84,
        cc.gcj02_to_bd09,
        cc.bd09_to_gcj02,
        cc.wgs84_to_bd09,
        cc.bd09_to_wgs84,
    ],
)
def test_outside_china_unchanged(func):
    for lon, lat in OUTSIDE:
        assert func(lon, lat) == (lon, lat)
    lons = np.array([p[0] for p in OUTSIDE] + [102.8])
    lats = np.array([p[1] for p in OUTSIDE] + [25.0])
    out_lon, out_lat = func(lons, lats)
    np.testing.assert_array_equal(out_lon[:-1], lons[:-1])
    np.testing.assert_array_equal(out_lat[:-1], lats[:-1])
    assert out_lon[-1] != 102.8  # the Chinese point in the same batch did move


def test_in_china_rectangle():
    assert cc.in_china(102.8, 25.0) is True
    assert cc.in_china(139.69, 35.69) is False
    np.testing.assert_array_equal(cc.in_china([102.8, 0.0], [25.0, 0.0]), [True, False])


def test_scalars_give_floats_arrays_give_arrays():
    lon, lat = cc.wgs84_to_gcj02(102.8, 25.0)
    assert type(lon) is float and type(lat) is float
    lon, lat = cc.gcj02_to_wgs84([102.8, 102.9], [25.0, 25.1])
    assert isinstance(lon, np.ndarray) and lon.shape == (2,)


def test_inputs_not_mutated():
    lon = np.array([102.8, 102.9])
    lat = np.array([25.0, 25.1])
    cc.wgs84_to_gcj02(lon, lat)
    cc.bd09_to_wgs84(lon, lat)
    np.testing.assert_array_equal(lon, [102.8, 102.9])
    np.testing.assert_array_equal(lat, [25.0, 25.1])


# --- geometries ------------------------------------------------------------------


def test_transform_geometry_polygon_with_hole():
    shell = [(102.7, 24.9), (102.9, 24.9), (102.9, 25.1), (102.7, 25.1), (102.7, 24.9)]
    hole = [(102.75, 24.95), (102.8, 24.95), (102.8, 25.0), (102.75, 24.95)]
    poly = Polygon(shell, [hole])
    out = cc.transform_geometry(poly, cc.wgs84_to_gcj02)
    assert len(out.interiors) == 1
    src = get_coordinates(poly)
    expected = np.column_stack(cc.wgs84_to_gcj02(src[:, 0], src[:, 1]))
    np.testing.assert_allclose(get_coordinates(out), expected, atol=1e-12)


def test_transform_geometry_keeps_z_and_none():
    out = cc.transform_geometry(Point(102.8, 25.0, 1890.0), cc.wgs84_to_gcj02)
    assert out.has_z and out.z == 1890.0
    assert (out.x, out.y) == pytest.approx(cc.wgs84_to_gcj02(102.8, 25.0), abs=1e-12)
    arr = cc.transform_geometry(np.array([None, LineString([(102.8, 25), (102.9, 25)])]), cc.wgs84_to_gcj02)
    assert arr[0] is None and arr[1].coords[0][0] != 102.8
