"""走向说明: the line described from start to end, stretch by stretch.

GB/T 17796 describes a line's course by direction on a 16-point compass from true
north and the length of each stretch. The line is first generalised (stretches
shorter than the survey cares about vanish), consecutive stretches in the same
compass direction are merged, and azimuths and lengths are geodesic (CGCS2000
ellipsoid), so they are true-north values, not grid values.
"""

from __future__ import annotations

import pyproj
import shapely

from gis.crs import STORAGE_CRS, measure_crs, reproject

POINTS_ZH = (
    "北",
    "北东北",
    "东北",
    "东东北",
    "东",
    "东东南",
    "东南",
    "南东南",
    "南",
    "南西南",
    "西南",
    "西西南",
    "西",
    "西西北",
    "西北",
    "北西北",
)
POINTS_EN = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")
_GEOD = pyproj.Geod(ellps="GRS80")  # CGCS2000's ellipsoid differs from GRS80 by 0.1 mm in b


def compass_point(azimuth_deg: float) -> int:
    """Index 0..15 of the 16-point compass sector holding a true azimuth."""
    return int(((azimuth_deg % 360) + 11.25) // 22.5) % 16


def stretches(line_lonlat, generalise_m: float = 50.0) -> list[dict]:
    """The course of a (multi)line as stretches of one compass direction each."""
    out: list[dict] = []
    for part_no, part in enumerate(shapely.get_parts(line_lonlat), start=1):
        metric = reproject(part, STORAGE_CRS, measure_crs())
        corners = shapely.simplify(metric, generalise_m, preserve_topology=False)
        chain = [float(shapely.line_locate_point(metric, shapely.Point(xy))) for xy in corners.coords]
        lonlat = list(reproject(corners, measure_crs(), STORAGE_CRS).coords)
        for k in range(len(lonlat) - 1):
            (x0, y0), (x1, y1) = lonlat[k][:2], lonlat[k + 1][:2]
            azimuth, _back, _dist = _GEOD.inv(x0, y0, x1, y1)
            length = max(chain[k + 1] - chain[k], 0.0)
            point = compass_point(azimuth)
            if out and out[-1]["part"] == part_no and out[-1]["point"] == point:
                out[-1].update(to=(x1, y1), length_m=out[-1]["length_m"] + length)
                continue
            out.append(
                {
                    "part": part_no,
                    "point": point,
                    "azimuth_deg": round(azimuth % 360, 1),
                    "from": (x0, y0),
                    "to": (x1, y1),
                    "length_m": length,
                },
            )
    for seq, stretch in enumerate(out, start=1):
        stretch["seq"] = seq
        stretch["direction_zh"] = POINTS_ZH[stretch["point"]]
        stretch["direction_en"] = POINTS_EN[stretch["point"]]
        stretch["length_m"] = round(stretch["length_m"], 1)
    return out


def _distance(metres: float) -> str:
    return f"{metres / 1000:.2f}千米" if metres >= 1000 else f"{metres:.0f}米"


def _where(lonlat) -> str:
    return f"东经 {lonlat[0]:.5f}°、北纬 {lonlat[1]:.5f}°"


def describe(line_lonlat, left_name: str, right_name: str, generalise_m: float = 50.0) -> str:
    """The generated 走向说明 text of one line (officers may edit it afterwards)."""
    course = stretches(line_lonlat, generalise_m)
    if not course:
        return ""
    sentences = [f"{left_name}与{right_name}界线起于{_where(course[0]['from'])}"]
    part = course[0]["part"]
    for k, stretch in enumerate(course):
        if stretch["part"] != part:
            part = stretch["part"]
            sentences.append(f"界线在此中断，于{_where(stretch['from'])}续起")
        verb = "向" if k == 0 or course[k - 1]["part"] != part else "转向"
        sentences.append(f"{verb}{stretch['direction_zh']}延伸{_distance(stretch['length_m'])}")
    sentences.append(f"止于{_where(course[-1]['to'])}")
    return "，".join(sentences) + "。"
