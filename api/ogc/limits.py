"""Request limits of the items endpoints, checked before pygeoapi sees the request.

pygeoapi ignores query parameters it does not know (``?nmae=x`` returns every feature) and has no bound on the area of a
``bbox`` or the size of a filter. A public service must refuse such requests
clearly instead, so one ``before_request`` hook turns each of them into the
project's bilingual 400 (``gis.errors.BadRequest``) before any database work.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask, request
from werkzeug.datastructures import ImmutableMultiDict

from api.inputs import int_value, number_list
from gis.crs import CRS84, is_lat_first, parse_crs, transform_coords
from gis.errors import BadRequest, CRSError, InvalidGeometry
from gis.ogc import filters, temporal
from gis.ogc.config import output_crs

from . import mount

# Query parameters of OGC API - Features Parts 1-3 (and pygeoapi's f/lang/skipGeometry).
STANDARD_PARAMETERS = frozenset(
    {
        "f",
        "lang",
        "limit",
        "offset",
        "bbox",
        "bbox-crs",
        "crs",
        "datetime",
        "resulttype",
        "sortby",
        "properties",
        "skipGeometry",
        "q",
        "filter",
        "filter-lang",
        "filter-crs",
    }
)
EARTH_RADIUS_KM = 6371.0088
MAX_OFFSET = 2**31 - 1

_ITEMS_PATH = re.compile(r"^/collections/(?P<collection>[^/]+)/items(?P<item>/[^/]+)?/?$")


@dataclass(frozen=True)
class QueryLimits:
    max_bbox_km2: float
    max_filter_chars: int


def bbox_area_km2(numbers: list[float], crs: str, within: tuple[float, float, float, float] | None = None) -> float:
    """Area of a bbox given in ``crs`` (authority axis order), on the sphere, in km².

    With ``within`` (a lon/lat box: the collection's data extent) only the part of
    the bbox inside it counts: the rest selects nothing, so it costs nothing."""
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    (ax, ay), (bx, by) = (numbers[0], numbers[1]), (numbers[2], numbers[3])
    if is_lat_first(crs):
        ax, ay, bx, by = ay, ax, by, bx
    if crs != CRS84:
        (ax, bx), (ay, by) = transform_coords([ax, bx], [ay, by], crs, CRS84)
    if within is not None and ax <= bx:
        ax, ay, bx, by = max(ax, within[0]), max(ay, within[1]), min(bx, within[2]), min(by, within[3])
        if ax > bx or ay > by:
            return 0.0
    lon_span = (bx - ax) % 360 if bx < ax else bx - ax  # a box may cross the antimeridian
    south, north = sorted((max(-90.0, min(90.0, ay)), max(-90.0, min(90.0, by))))
    band = math.sin(math.radians(north)) - math.sin(math.radians(south))
    return EARTH_RADIUS_KM**2 * math.radians(lon_span) * band


def check(
    collection: str,
    args: Mapping[str, str],
    body_size: int,
    properties: Mapping[str, frozenset[str]],
    limits: QueryLimits,
    extent: tuple[float, float, float, float] | None = None,
) -> None:
    """Raise a bilingual 400 when the request breaks a limit or names an unknown parameter."""
    known = properties.get(collection)
    if known is not None:
        unknown = sorted(set(args) - STANDARD_PARAMETERS - known)
        if unknown:
            names = ", ".join(unknown)
            raise BadRequest(f"未知的查询参数：{names}", f"unknown query parameter(s): {names}", details={"unknown": unknown})
    _check_limit(args.get("limit"))
    temporal.check_datetime(args.get("datetime"))
    _check_offset(args.get("offset"))
    if args.get("bbox"):
        _check_bbox(args["bbox"], args.get("bbox-crs") or CRS84, limits.max_bbox_km2, extent)
    filter_size = max(len(args.get("filter") or ""), body_size)
    if filter_size > limits.max_filter_chars:
        raise BadRequest(
            f"过滤条件过长（{filter_size} 个字符，上限 {limits.max_filter_chars}）",
            f"filter too long ({filter_size} characters, at most {limits.max_filter_chars})",
        )


def _check_limit(raw: str | None) -> None:
    int_value(raw, "limit", 1, minimum=1)
    # A limit above max_items is served as max_items (pygeoapi's "throttle"), which
    # Part 1 permits: GDAL asks for limit=1000 whatever the API document says, and
    # must keep working.


def _check_offset(raw: str | None) -> None:
    """An offset beyond any table (2³¹−1) is a 400, not a database integer overflow."""
    int_value(raw, "offset", 0, maximum=MAX_OFFSET)


def _check_bbox(raw: str, crs_text: str, max_km2: float, extent=None) -> None:
    numbers = number_list(raw, "bbox", (4, 6))
    try:
        filters.transform_bbox(numbers, crs_text, CRS84)  # off the globe (latitude 180): a bilingual 400
        area = bbox_area_km2(numbers, parse_crs(crs_text), extent)
    except (CRSError, InvalidGeometry):
        raise
    except Exception:  # a transform that fails is a box outside the CRS's area
        raise BadRequest("bbox 超出坐标参考系的适用范围", "bbox lies outside the area of its CRS") from None
    if not math.isfinite(area) or area > max_km2:
        raise BadRequest(
            f"bbox 范围过大（约 {area:,.0f} 平方千米，上限 {max_km2:,.0f}）",
            f"bbox too large (about {area:,.0f} km², at most {max_km2:,.0f})",
        )


def install(app: Flask, mount_path: str, properties: Mapping[str, frozenset[str]], limits: QueryLimits, extents=None) -> None:
    """Check every request to ``<mount_path>/collections/<id>/items``.

    ``extents`` (an ``extents.ExtentCache``) keeps the advertised extents current and
    bounds the bbox area check to each collection's data."""

    @app.before_request
    def enforce_limits():
        if not request.path.startswith(mount_path + "/"):
            return None
        if extents is not None:
            extents.apply(app.extensions[mount.EXTENSION_KEY].config["resources"])
        match = _ITEMS_PATH.match(request.path[len(mount_path) :])
        if match is None or request.method not in ("GET", "POST", "HEAD"):
            return None
        normalised = filters.normalise_crs_parameters(request.args, output_crs())  # EPSG:4490 -> its URI
        if normalised:
            request.args = ImmutableMultiDict({**request.args.to_dict(), **normalised})
        if match["item"]:
            return None
        filters.check_filter(request.args)
        body_size = request.content_length or 0
        extent = extents.get(match["collection"]) if extents is not None else None
        check(match["collection"], request.args, body_size, properties, limits, extent)
        return None
