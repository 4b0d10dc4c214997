"""A first deployment profile for a district, drafted from its outline.

Why: the values a new district most easily gets wrong are the derived ones: the
extent (with a margin, in CGCS2000 lon/lat, not GCJ-02), the map's start view and the
Gauss-Krüger zone. ``draft`` computes them from the outline; names and titles are
given. The result is checked exactly as a profile file is (``gis.profile.from_mapping``).
"""

from __future__ import annotations

import math
from pathlib import Path

import yaml

from gis import profile as district_profile
from gis.crs import STORAGE_CRS, parse_crs, reproject_gdf
from gis.errors import ConfigError

MARGIN_DEG = 0.02  # about 2 km around the outline


def outline(path: str | Path, code: str, *, crs: str | None = None):
    """The (multi)polygon of ``code`` in a GeoJSON/GeoPackage/Shapefile of districts (by a
    column ``adcode`` or ``code``; a file of one feature needs none), in CGCS2000 lon/lat.
    ``crs`` overrides the file's CRS (e.g. GCJ-02 for web-map outlines)."""
    import geopandas as gpd

    try:
        frame = gpd.read_file(path)
    except Exception as exc:
        raise ConfigError(f"无法读取区界文件 {path}：{exc}", f"cannot read the outline file {path}: {exc}") from None
    column = next((c for c in ("adcode", "code") if c in frame.columns), None)
    if column is not None:
        frame = frame[frame[column].astype(str).str[:6] == code]
    elif len(frame) != 1:
        frame = frame.iloc[0:0]
    if frame.empty:
        raise ConfigError(f"区界文件 {path} 中没有代码为 {code} 的区县", f"no district with code {code} in the outline file {path}")
    if crs is not None:
        frame = reproject_gdf(frame.set_crs(None, allow_override=True), STORAGE_CRS, src=parse_crs(crs))
    elif frame.crs is not None:
        frame = reproject_gdf(frame, STORAGE_CRS)
    return frame.geometry.union_all()


def draft(geom, *, code: str, name: tuple[str, str], province: tuple[str, str], city: tuple[str, str], zoom: int = 11) -> dict:
    """A profile mapping for the district ``geom`` (CGCS2000 lon/lat), checked."""
    minx, miny, maxx, maxy = geom.bounds
    extent = [
        math.floor((minx - MARGIN_DEG) * 100) / 100,
        math.floor((miny - MARGIN_DEG) * 100) / 100,
        math.ceil((maxx + MARGIN_DEG) * 100) / 100,
        math.ceil((maxy + MARGIN_DEG) * 100) / 100,
    ]
    inside = geom.representative_point()
    data = {
        "code": code,
        "name": {"zh": name[0], "en": name[1]},
        "province": {"zh": province[0], "en": province[1]},
        "city": {"zh": city[0], "en": city[1]},
        "extent": extent,
        "measure_crs": district_profile.gauss_kruger_zone((minx + maxx) / 2),
        "start_view": {"center": [round(inside.x, 3), round(inside.y, 3)], "zoom": zoom},
        "time_zone": "Asia/Shanghai",
    }
    district_profile.from_mapping(data, where="<draft>")
    return data


def to_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None)
