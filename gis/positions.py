"""Where a registered point may lie: finite coordinates inside the district's extent.

Why one module: a sign, plate, entrance or boundary marker is written through the API,
the CLI and file imports; a NaN, an infinity, 1e308 or (0, 0) must be refused the same
way on every path (it would otherwise reach the OGC collections as ``Infinity``, which
is not JSON). ``district_extent`` is the only place that says which box that is. Whole
files and client geometries (which may hold neighbouring districts' outlines) are only
held to ``CHINA_EXTENT``, the sane box that catches a wrong CRS or swapped axes.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

from gis.errors import InvalidInput
from gis.profile import current_profile

#: Generous lon/lat box around China incl. the South China Sea islands (CGCS2000).
CHINA_EXTENT = (73.0, 3.0, 136.0, 54.0)
#: Added on every side of a district's own box (about 5 km), so a sign at the edge is not refused.
EXTENT_MARGIN_DEG = 0.05


def district_extent() -> tuple[float, float, float, float]:
    """The lon/lat box (minx, miny, maxx, maxy, margin included) every registered point must lie in:
    the deployment profile's extent widened by ``EXTENT_MARGIN_DEG``."""
    minx, miny, maxx, maxy = current_profile().extent
    m = EXTENT_MARGIN_DEG
    return (minx - m, miny - m, maxx + m, maxy + m)


def inside(bounds: np.ndarray, extent: tuple[float, float, float, float]) -> np.ndarray:
    """Which rows of shapely ``bounds`` (n x 4) are finite and inside ``extent``."""
    minx, miny, maxx, maxy = extent
    bounds = np.asarray(bounds, dtype=float).reshape(-1, 4)
    with np.errstate(invalid="ignore"):
        return (
            np.isfinite(bounds).all(axis=1)
            & (bounds[:, 0] >= minx)
            & (bounds[:, 1] >= miny)
            & (bounds[:, 2] <= maxx)
            & (bounds[:, 3] <= maxy)
        )


def check_point(point, *, what_zh: str = "位置", what_en: str = "position") -> None:
    """Refuse (bilingual 400 naming ``lon`` or ``lat``) a point that is not finite or lies outside the district."""
    if not isinstance(point, shapely.Point) or point.is_empty:
        raise InvalidInput(
            f"{what_zh}应为一个点（经度 lon、纬度 lat）", f"The {what_en} must be one point (lon, lat)", details={"field": "lon"}
        )
    extent = district_extent()
    if inside(shapely.bounds(point), extent)[0]:
        return
    x, y = point.x, point.y
    field = "lon" if not (math.isfinite(x) and extent[0] <= x <= extent[2]) else "lat"
    box = ", ".join(f"{v:g}" for v in extent)
    raise InvalidInput(
        f"{what_zh}坐标 {field} 无效：({x!r}, {y!r}) 不是有限数或超出本区范围 [{box}]（应为 CGCS2000 经度、纬度）",
        f"The {what_en}'s {field} is invalid: ({x!r}, {y!r}) is not finite or lies outside the district [{box}] "
        "(expected CGCS2000 longitude, latitude)",
        details={"field": field, "extent": list(extent)},
    )
