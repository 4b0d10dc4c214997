"""The project's coordinate-system rules, in one place.

Why one module: axis order and the Chinese web-map frames are the classic source
of silent half-kilometre errors. The rules are:

* Data are stored in CGCS2000 geographic (``STORAGE_CRS``), x = longitude.
* Lengths and areas are measured in the CGCS2000 3-degree Gauss-Krüger zone of the
  district (``measure_crs()``, from the deployment profile: EPSG:4543, central meridian
  102°E, for the shipped profile), whose scale error over one district is < 0.02 %.
* Inside the code x is ALWAYS longitude/easting and y latitude/northing, whatever
  the authority says. Only at the API boundary, and only when a client asks for a
  lat-first CRS in authority order, are axes swapped (``is_lat_first``/``swap_axes``).
* GCJ-02 and BD-09 are not real CRSs; they are offsets of WGS84 handled by
  ``gis.chinacoords``. For that chain WGS84, CGCS2000 and CRS84 are treated as the
  same frame (they differ by centimetres).
* CRS identifiers are normalised by ``parse_crs`` to "EPSG:n", "OGC:CRS84",
  "GCJ-02" or "BD-09"; everything else in this module takes any accepted spelling.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pyproj
import shapely

from gis import chinacoords
from gis.errors import CRSError, InvalidInput

__all__ = [
    "BD09",
    "CRS84",
    "GCJ02",
    "STORAGE_CRS",
    "area_m2",
    "areas_m2",
    "crs_uri",
    "is_lat_first",
    "is_pseudo",
    "length_m",
    "lengths_m",
    "measure_crs",
    "parse_crs",
    "reproject",
    "reproject_gdf",
    "swap_axes",
    "transform_coords",
]

STORAGE_CRS = "EPSG:4490"
CRS84 = "OGC:CRS84"
GCJ02 = "GCJ-02"
BD09 = "BD-09"

PSEUDO_CRSS = frozenset({GCJ02, BD09})

# Key into GeoDataFrame.attrs naming a pseudo CRS (geopandas cannot hold one as .crs).
PSEUDO_CRS_ATTR = "pseudo_crs"

# Spellings compared after upper-casing and dropping spaces, "-" and "_".
_ALIASES = {
    "GCJ02": GCJ02,
    "BD09": BD09,
    "BD09LL": BD09,
    "WGS84": CRS84,
    "CRS84": CRS84,
    "OGCCRS84": CRS84,
}

_PATTERNS = [
    (re.compile(r"^(\d+)$"), "EPSG:{}"),
    (re.compile(r"^EPSG:+(\d+)$", re.I), "EPSG:{}"),
    (re.compile(r"^https?://www\.opengis\.net/def/crs/EPSG/[^/]+/(\d+)/?$", re.I), "EPSG:{}"),
    (re.compile(r"^urn:ogc:def:crs:EPSG:[^:]*:(\d+)$", re.I), "EPSG:{}"),
    (re.compile(r"^https?://www\.opengis\.net/def/crs/OGC/[^/]+/CRS84/?$", re.I), CRS84),
    (re.compile(r"^urn:ogc:def:crs:OGC:[^:]*:CRS84$", re.I), CRS84),
]

_MAX_INPUT_CHARS = 20000  # a generous WKT; longer input is not a CRS anyone meant


def _bad_crs(text) -> CRSError:
    shown = str(text)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return CRSError(
        f"无法识别的坐标参考系：“{shown}”",
        f"Unrecognised coordinate reference system: '{shown}'",
    )


def parse_crs(text) -> str:
    """Normalise a user-supplied CRS spelling to a canonical id, or raise CRSError.

    Accepts EPSG codes in any common form (4490, "epsg:4490", OGC http URI, URN),
    CRS84 spellings ("WGS84" means CRS84: lon/lat, as users mean it), GCJ-02 and
    BD-09 spellings, pyproj.CRS objects, and anything else pyproj understands that
    has an authority code.
    """
    if isinstance(text, pyproj.CRS):
        return _canonical_from_pyproj(text)
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise _bad_crs(text)
    return _parse_text(str(text).strip())


@lru_cache(maxsize=512)
def _parse_text(text: str) -> str:
    if not text or len(text) > _MAX_INPUT_CHARS:
        raise _bad_crs(text)
    alias = _ALIASES.get(re.sub(r"[\s_\-]", "", text).upper())
    if alias is not None:
        return alias
    for pattern, template in _PATTERNS:
        match = pattern.match(text)
        if match:
            candidate = template.format(*match.groups())
            _pyproj_crs_checked(candidate, text)
            return candidate
    crs = _pyproj_crs_checked(text, text)
    authority = crs.to_authority() or crs.to_authority(min_confidence=90)
    if authority is None:
        raise CRSError(
            f"坐标参考系“{text[:80]}”没有可识别的权威编码（如 EPSG），请改用 EPSG 编码",
            f"CRS '{text[:80]}' has no recognisable authority code; please give an EPSG code",
        )
    name, code = authority
    if name.upper() == "OGC" and code.upper() == "CRS84":
        return CRS84
    return f"{name.upper()}:{code}"


def _pyproj_crs_checked(candidate: str, original: str) -> pyproj.CRS:
    try:
        return pyproj.CRS.from_user_input(candidate)
    except (pyproj.exceptions.CRSError, ValueError, TypeError):
        raise _bad_crs(original) from None


def is_pseudo(crs) -> bool:
    """True for GCJ-02/BD-09, which only gis.chinacoords can handle."""
    return parse_crs(crs) in PSEUDO_CRSS


@lru_cache(maxsize=128)
def _pyproj_crs(canonical: str) -> pyproj.CRS:
    return pyproj.CRS.from_user_input(canonical)


def crs_uri(crs) -> str:
    """OGC http URI of a CRS, as used in OGC API Content-Crs headers and GeoJSON.

    Pseudo CRSs (GCJ-02, BD-09) have no URI and raise CRSError.
    """
    canonical = parse_crs(crs)
    if canonical == CRS84:
        return "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    auth, _, code = canonical.partition(":")
    if auth == "EPSG":
        return f"http://www.opengis.net/def/crs/EPSG/0/{code}"
    raise CRSError(
        f"坐标参考系“{canonical}”没有 OGC URI",
        f"CRS '{canonical}' has no OGC URI",
    )


def is_lat_first(crs) -> bool:
    """Whether the CRS's authority axis order puts northing/latitude first.

    True for EPSG:4490, EPSG:4326 and EPSG:4543; False for CRS84, EPSG:3857 and
    the pseudo CRSs (whose coordinates are always written lon, lat).
    """
    canonical = parse_crs(crs)
    if canonical in PSEUDO_CRSS:
        return False
    axes = _pyproj_crs(canonical).axis_info
    return bool(axes) and axes[0].direction.lower() in ("north", "south")


@lru_cache(maxsize=64)
def _transformer(src: str, dst: str) -> pyproj.Transformer:
    # Transformers are thread-safe since pyproj 3.1, so sharing cached ones is fine.
    return pyproj.Transformer.from_crs(_pyproj_crs(src), _pyproj_crs(dst), always_xy=True)


def prepare_transformations(*crss: str) -> None:
    """Make the transformations between storage and these CRSs now, both ways. PROJ takes about
    0.3 s to choose the operation between CGCS2000 and WGS84 (CRS84); a service does it at
    start rather than in its first requests."""
    for crs in crss:
        canonical = parse_crs(crs)
        if canonical != STORAGE_CRS and not is_pseudo(canonical):
            _transformer(STORAGE_CRS, canonical)
            _transformer(canonical, STORAGE_CRS)


def _pyproj_xy(x, y, src: str, dst: str):
    if src == dst:
        return x, y
    nx, ny = _transformer(src, dst).transform(x, y)
    nx = np.asarray(nx, dtype=float)
    ny = np.asarray(ny, dtype=float)
    lost = (np.isfinite(x) & np.isfinite(y)) & ~(np.isfinite(nx) & np.isfinite(ny))
    if np.any(lost):
        raise InvalidInput(
            f"坐标超出坐标参考系 {dst} 的有效范围，无法转换",
            f"Coordinates fall outside the valid range of {dst} and cannot be transformed",
        )
    return nx, ny


_FROM_PSEUDO = {GCJ02: chinacoords.gcj02_to_wgs84, BD09: chinacoords.bd09_to_wgs84}
_TO_PSEUDO = {GCJ02: chinacoords.wgs84_to_gcj02, BD09: chinacoords.wgs84_to_bd09}
_BETWEEN_PSEUDO = {(GCJ02, BD09): chinacoords.gcj02_to_bd09, (BD09, GCJ02): chinacoords.bd09_to_gcj02}


def transform_coords(x, y, src, dst):
    """Transform coordinates between any two accepted CRSs, x = lon/easting in and out.

    Floats give floats, array-likes give numpy arrays. GCJ-02/BD-09 go through
    WGS84, taken to be the same frame as CGCS2000 (STORAGE_CRS).
    """
    s, d = parse_crs(src), parse_crs(dst)
    scalar = np.ndim(x) == 0 and np.ndim(y) == 0
    xa, ya = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    xa, ya = np.array(xa, dtype=float), np.array(ya, dtype=float)
    if s == d:
        pass
    elif (s, d) in _BETWEEN_PSEUDO:
        xa, ya = _BETWEEN_PSEUDO[(s, d)](xa, ya)
    else:
        if s in PSEUDO_CRSS:
            xa, ya = _FROM_PSEUDO[s](xa, ya)
            s = STORAGE_CRS
        if d in PSEUDO_CRSS:
            xa, ya = _pyproj_xy(xa, ya, s, STORAGE_CRS)
            xa, ya = _TO_PSEUDO[d](xa, ya)
        else:
            xa, ya = _pyproj_xy(xa, ya, s, d)
    if scalar:
        return float(xa), float(ya)
    return xa, ya


def reproject(geom, src, dst):
    """Reproject a shapely geometry (or array of them) from src to dst, x = lon/easting.

    Z values pass through unchanged.
    """
    s, d = parse_crs(src), parse_crs(dst)
    if s == d:
        return geom
    return chinacoords.transform_geometry(geom, lambda x, y: transform_coords(x, y, s, d))


def swap_axes(geom):
    """Swap x and y of every vertex: for emitting a lat-first CRS in authority order."""

    def swap(x, y, z=None):
        return (y.copy(), x.copy()) if z is None else (y.copy(), x.copy(), z)

    return shapely.transform(geom, swap, include_z=None, interleaved=False)


def reproject_gdf(gdf, dst, src=None):
    """Return a copy of a GeoDataFrame reprojected to dst.

    The source is ``src`` if given, else ``gdf.crs``, else a pseudo CRS recorded
    in ``gdf.attrs["pseudo_crs"]``. geopandas cannot hold GCJ-02/BD-09 as a CRS, so a
    result in one of those has ``crs=None`` and the name in ``attrs["pseudo_crs"]``.
    """
    if src is None:
        if gdf.crs is not None:
            src = _canonical_from_pyproj(gdf.crs)
        elif gdf.attrs.get(PSEUDO_CRS_ATTR):
            src = gdf.attrs[PSEUDO_CRS_ATTR]
        else:
            raise CRSError(
                "数据没有声明坐标参考系，无法转换",
                "The data declare no coordinate reference system, so they cannot be reprojected",
            )
    s, d = parse_crs(src), parse_crs(dst)
    geoms = reproject(np.asarray(gdf.geometry.array), s, d)
    out = gdf.copy()
    out.attrs = dict(gdf.attrs)
    out.attrs.pop(PSEUDO_CRS_ATTR, None)
    column = gdf.geometry.name
    if d in PSEUDO_CRSS:
        out = out.set_crs(None, allow_override=True)
        out[column] = geoms
        out = out.set_geometry(column, crs=None)
        out.attrs[PSEUDO_CRS_ATTR] = d
    else:
        out = out.set_crs(None, allow_override=True)
        out[column] = geoms
        out = out.set_geometry(column, crs=_pyproj_crs(d))
    return out


def _canonical_from_pyproj(crs) -> str:
    authority = crs.to_authority() or crs.to_authority(min_confidence=90)
    if authority is None:
        return parse_crs(crs.to_wkt())
    name, code = authority
    return parse_crs(f"{name}:{code}")


def measure_crs() -> str:
    """The projected CRS lengths and areas are measured in: the Gauss-Krüger zone of the
    process's deployment profile (``gis.profile.current_profile``)."""
    from gis.profile import current_profile

    return current_profile().measure_crs


def length_m(geom):
    """Length in metres of a geometry (or array of them) stored in STORAGE_CRS."""
    return _measure(shapely.length, geom)


def area_m2(geom):
    """Area in square metres of a geometry (or array of them) stored in STORAGE_CRS."""
    return _measure(shapely.area, geom)


def _measure(func, geom):
    values = func(reproject(geom, STORAGE_CRS, measure_crs()))
    return float(values) if np.ndim(values) == 0 else values


def lengths_m(series):
    """Lengths in metres of a GeoSeries (its own CRS, or STORAGE_CRS if unset), as a Series."""
    return _measure_series(shapely.length, series)


def areas_m2(series):
    """Areas in square metres of a GeoSeries (its own CRS, or STORAGE_CRS if unset), as a Series."""
    return _measure_series(shapely.area, series)


def _measure_series(func, series):
    import pandas as pd

    src = STORAGE_CRS if series.crs is None else _canonical_from_pyproj(series.crs)
    projected = reproject(np.asarray(series.array), src, measure_crs())
    return pd.Series(func(projected), index=series.index, name=series.name)
