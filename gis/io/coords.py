"""CRS arguments of import and export, including the Chinese web-map frames.

GCJ-02 (Amap, Tencent) and BD-09 (Baidu) are not real CRSs that PROJ knows:
they are WGS84 lon/lat with a secret-ish offset. Users still name them as the
"crs" of a file, so this module turns such names into shifts around a WGS84 step.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from gis.errors import CRSError

STORAGE_CRS = "EPSG:4490"
WGS84 = "EPSG:4326"
GCJ02 = "GCJ-02"
BD09 = "BD-09"

_FRAMES = {"gcj02": GCJ02, "bd09": BD09, "bd09ll": BD09}  # same spellings as gis.crs


def china_frame(value) -> str | None:
    """``"GCJ-02"`` or ``"BD-09"`` if ``value`` names one of them (any spelling), else None."""
    if not isinstance(value, str):
        return None
    return _FRAMES.get(re.sub(r"[\s_\-]", "", value).lower())


def parse(value) -> CRS:
    """A pyproj CRS for a user's CRS argument; CRSError when it is not one."""
    if isinstance(value, CRS):
        return value
    from gis.crs import parse_crs  # canonical spelling rules live there

    text = parse_crs(value) if isinstance(value, str) else value
    try:
        return CRS.from_user_input(text)
    except PyprojCRSError as exc:
        raise CRSError(
            f"无法识别的坐标参考系：{value}",
            f"Unrecognised coordinate reference system: {value}",
            details={"crs": str(value), "reason": str(exc)},
        ) from None


def same(a: CRS, b: CRS) -> bool:
    """True when two CRSs are the same for our purposes (ignores axis order and WKT flavour)."""
    if a == b or a.equals(b, ignore_axis_order=True):
        return True
    code = a.to_epsg()
    return code is not None and code == b.to_epsg()


def wgs84_like(crs: CRS) -> bool:
    """Geographic lon/lat on WGS84 or CGCS2000: what GCJ-02/BD-09 files are usually labelled."""
    return crs.is_geographic and crs.ellipsoid is not None and crs.ellipsoid.name.startswith(("WGS 84", "WGS_1984", "CGCS2000"))


def describe(crs) -> str:
    """Short human name for messages: ``EPSG:4543`` when possible, else the CRS name."""
    if crs is None:
        return "无/none"
    if isinstance(crs, str):
        return crs
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs.name


def _chinacoords():
    try:
        from gis import chinacoords
    except ImportError:
        raise CRSError("本服务未安装 GCJ-02/BD-09 坐标转换模块", "GCJ-02/BD-09 conversion (gis.chinacoords) is unavailable") from None
    return chinacoords


def from_frame(geoms: gpd.GeoSeries, frame: str) -> gpd.GeoSeries:
    """GCJ-02/BD-09 lon/lat geometries → the same features in WGS84 (EPSG:4326)."""
    cc = _chinacoords()
    func = cc.gcj02_to_wgs84 if frame == GCJ02 else cc.bd09_to_wgs84
    moved = cc.transform_geometry(np.asarray(geoms.values), func)
    return gpd.GeoSeries(moved, index=geoms.index, crs=WGS84)


def to_frame(geoms: gpd.GeoSeries, frame: str) -> gpd.GeoSeries:
    """Geometries in any CRS → GCJ-02/BD-09 lon/lat (labelled EPSG:4326, as those maps expect)."""
    cc = _chinacoords()
    func = cc.wgs84_to_gcj02 if frame == GCJ02 else cc.wgs84_to_bd09
    wgs = geoms.to_crs(WGS84)
    moved = cc.transform_geometry(np.asarray(wgs.values), func)
    return gpd.GeoSeries(moved, index=geoms.index, crs=WGS84)
