"""How far a sign, plate or entrance may stand from what it belongs to.

Why one module: a point typed with a slipped digit or in the wrong CRS lands hundreds
of metres away yet still inside the district. The API, the CLI and the inventory file
import all ask ``far`` (file import collects the problem per row, a single write raises
through ``require_near``), so the distances and the wording live here only.
"""

from __future__ import annotations

import shapely

from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.errors import InvalidInput

SIGN_REACH_M = 60.0  # a road sign stands by its road
PLATE_REACH_M = 50.0  # a plate hangs near its address point
ENTRANCE_REACH_M = 25.0  # a building's entrance lies on (or just off) its outline


def far(offset_m: float, reach_m: float, what_zh: str, what_en: str) -> tuple[str, str] | None:
    """The bilingual reason a point ``offset_m`` from ``what`` is refused, or None when it is near enough."""
    if offset_m <= reach_m:
        return None
    return (
        f"位置距{what_zh} {offset_m:.0f} 米，超过 {reach_m:g} 米（坐标或坐标系有误？）",
        f"position is {offset_m:.0f} m from {what_en}, more than {reach_m:g} m (wrong coordinates or CRS?)",
    )


def offset_m(point, target) -> float:
    """Metres between a stored (CGCS2000) point and a stored geometry."""
    metric_point, metric_target = reproject(point, STORAGE_CRS, measure_crs()), reproject(target, STORAGE_CRS, measure_crs())
    return float(shapely.distance(metric_point, metric_target))


def require_near(point, target, reach_m: float, what_zh: str, what_en: str) -> None:
    """Raise a bilingual 400 (field ``lon``/``lat``) when ``point`` lies further than ``reach_m`` from ``target``."""
    offset = offset_m(point, target)
    reason = far(offset, reach_m, what_zh, what_en)
    if reason is not None:
        raise InvalidInput(
            f"lon、lat：{reason[0]}",
            f"lon, lat: {reason[1][0].upper()}{reason[1][1:]}",
            details={"field": "lon", "offset_m": round(offset, 1), "reach_m": reach_m},
        )
