"""Conversions between WGS84 and the obfuscated Chinese web-map frames.

Why this exists: Amap (高德) and Tencent (腾讯) publish coordinates in GCJ-02
("Mars coordinates"), Baidu (百度) in BD-09. Residents and clerks copy points from
those maps, so the service must move them to and from its own frame.

Conventions, all deliberate:

* Every function takes ``(lon, lat)`` in degrees, longitude first, and returns
  ``(lon, lat)``. Inputs may be floats (floats come back) or array-likes
  (numpy arrays come back, broadcast together); the work is vectorised.
* CGCS2000 (EPSG:4490) and WGS84 differ by a few centimetres, far below the
  precision of these offsets, so "WGS84" here equally means CGCS2000 and CRS84.
* Points outside the rough rectangle around mainland China (lon 72.004–137.8347,
  lat 0.8293–55.8271) are returned unchanged by every function, as the Amap,
  Tencent and Baidu services themselves do. The rectangle is tested on the
  *input* of each function, so results inside a ~1 km band along its edge are
  not meaningful; no place of interest to us is near it.
* GCJ-02 is a published closed-form offset of WGS84; its inverse has no closed
  form and is solved iteratively to better than 1e-9 degree (~0.1 mm). BD-09 is a
  small polar perturbation of GCJ-02; its inverse is refined the same way, so
  every forward/inverse pair round-trips to well under a millimetre.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely

__all__ = [
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "in_china",
    "transform_geometry",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

# Krasovsky 1940 ellipsoid, as fixed by the GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323
# Baidu's angular constant (pi * 3000 / 180).
_X_PI = np.pi * 3000.0 / 180.0

_TOLERANCE_DEG = 1e-9
_MAX_ITERATIONS = 30


def _to_arrays(lon, lat):
    """Broadcast inputs to float arrays, remembering whether both were scalars."""
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    x, y = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.array(x, dtype=float), np.array(y, dtype=float), scalar


def _result(x, y, scalar):
    if scalar:
        return float(x), float(y)
    return x, y


def in_china(lon, lat):
    """True where a point lies in the rough mainland-China rectangle the map services use."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    inside = (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)
    return bool(inside) if inside.ndim == 0 else inside


def _gcj_offset(lon, lat):
    """GCJ-02 minus WGS84 at a WGS84 point, in degrees (no in-China test)."""
    x = lon - 105.0
    y = lat - 35.0
    pi = np.pi
    # Shared "noise" term, then the two published polynomial-plus-sine series (metres).
    wobble = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    north = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + wobble
        + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    )
    east = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + wobble
        + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    )
    # Metres to degrees on the Krasovsky ellipsoid.
    phi = np.radians(lat)
    w2 = 1.0 - _EE * np.sin(phi) ** 2
    w = np.sqrt(w2)
    meridian_radius = _A * (1.0 - _EE) / (w2 * w)
    parallel_radius = _A / w * np.cos(phi)
    return np.degrees(east / parallel_radius), np.degrees(north / meridian_radius)


def wgs84_to_gcj02(lon, lat):
    """WGS84/CGCS2000 → GCJ-02 (Amap, Tencent). Outside China: unchanged."""
    x, y, scalar = _to_arrays(lon, lat)
    mask = in_china(x, y)
    if np.any(mask):
        dx, dy = _gcj_offset(x[mask], y[mask])
        x[mask] += dx
        y[mask] += dy
    return _result(x, y, scalar)


def _invert(forward, guess, tx, ty):
    """Fixed-point solve forward(p) == (tx, ty) starting at guess.

    Converges because both offsets change by far less than a metre per metre,
    so each step shrinks the error by orders of magnitude; a few steps suffice.
    """
    px, py = guess
    for _ in range(_MAX_ITERATIONS):
        fx, fy = forward(px, py)
        ex, ey = fx - tx, fy - ty
        px = px - ex
        py = py - ey
        err = np.maximum(np.abs(ex), np.abs(ey))
        if not np.any(err[np.isfinite(err)] >= _TOLERANCE_DEG):
            break
    return px, py


def _gcj_forward_raw(lon, lat):
    dx, dy = _gcj_offset(lon, lat)
    return lon + dx, lat + dy


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 → WGS84/CGCS2000, iterated to < 1e-9° round-trip error. Outside China: unchanged."""
    x, y, scalar = _to_arrays(lon, lat)
    mask = in_china(x, y)
    if np.any(mask):
        tx, ty = x[mask], y[mask]
        dx, dy = _gcj_offset(tx, ty)
        x[mask], y[mask] = _invert(_gcj_forward_raw, (tx - dx, ty - dy), tx, ty)
    return _result(x, y, scalar)


def _bd_forward_raw(lon, lat):
    r = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return r * np.cos(theta) + 0.0065, r * np.sin(theta) + 0.006


def _bd_inverse_approx(lon, lat):
    """Baidu's published one-step inverse; good to millimetres, refined later."""
    x = lon - 0.0065
    y = lat - 0.006
    r = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return r * np.cos(theta), r * np.sin(theta)


def gcj02_to_bd09(lon, lat):
    """GCJ-02 → BD-09 (Baidu). Outside China: unchanged."""
    x, y, scalar = _to_arrays(lon, lat)
    mask = in_china(x, y)
    if np.any(mask):
        x[mask], y[mask] = _bd_forward_raw(x[mask], y[mask])
    return _result(x, y, scalar)


def bd09_to_gcj02(lon, lat):
    """BD-09 → GCJ-02, refined to < 1e-9° round-trip error. Outside China: unchanged."""
    x, y, scalar = _to_arrays(lon, lat)
    mask = in_china(x, y)
    if np.any(mask):
        tx, ty = x[mask], y[mask]
        x[mask], y[mask] = _invert(_bd_forward_raw, _bd_inverse_approx(tx, ty), tx, ty)
    return _result(x, y, scalar)


def wgs84_to_bd09(lon, lat):
    """WGS84/CGCS2000 → BD-09, via GCJ-02. Outside China: unchanged."""
    x, y, scalar = _to_arrays(lon, lat)
    mask = in_china(x, y)
    if np.any(mask):
        gx, gy = wgs84_to_gcj02(x[mask], y[mask])
        x[mask], y[mask] = _bd_forward_raw(gx, gy)
    return _result(x, y, scalar)


def bd09_to_wgs84(lon, lat):
    """BD-09 → WGS84/CGCS2000, via GCJ-02. Outside China: unchanged."""
    x, y, scalar = _to_arrays(lon, lat)
    mask = in_china(x, y)
    if np.any(mask):
        tx, ty = x[mask], y[mask]
        gx, gy = _invert(_bd_forward_raw, _bd_inverse_approx(tx, ty), tx, ty)
        dx, dy = _gcj_offset(gx, gy)
        x[mask], y[mask] = _invert(_gcj_forward_raw, (gx - dx, gy - dy), gx, gy)
    return _result(x, y, scalar)


def transform_geometry(geom, func: Callable):
    """Apply a vectorised ``func(lon, lat) -> (lon, lat)`` to every vertex of a geometry.

    Accepts a shapely geometry or an array of them (None stays None). Z values,
    if present, are kept unchanged: the plane offsets say nothing about height.
    """

    def apply(x, y, z=None):
        nx, ny = func(x, y)
        nx = np.asarray(nx, dtype=float)
        ny = np.asarray(ny, dtype=float)
        return (nx, ny) if z is None else (nx, ny, z)

    return shapely.transform(geom, apply, include_z=None, interleaved=False)
