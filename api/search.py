"""Geocoding API: /search, /autocomplete, /reverse (GeocodeJSON). Public reads, no sign-in.

Thin: parses and checks parameters, picks the app's gazetteer, calls
``placenames.search`` and writes GeocodeJSON. Anonymous callers share a per-address
budget (``public_geocode_budget`` units a minute: a search costs 1, a reverse batch
its number of points) and may send smaller reverse batches than signed-in ones.
"""

from __future__ import annotations

import logging
import math
import threading

from flask import Blueprint, Flask, current_app, jsonify, request

from api import auth, ratelimit
from api.inputs import int_arg, number_list
from api.web.health import STORE_KEY
from gis.crs import BD09, CRS84, GCJ02, STORAGE_CRS, parse_crs, transform_coords
from gis.errors import BadRequest, PayloadTooLarge
from gis.profile import PROFILE_KEY, DistrictProfile
from placenames.search import engine, geocodejson
from placenames.search.gazetteer import GazetteerCache
from placenames.search.reverse import reverse

blueprint = Blueprint("search", __name__)

CACHE_KEY = "diming.gazetteer"
LOGGER = logging.getLogger(__name__)
ACCEPTED_CRS = {CRS84: CRS84, STORAGE_CRS: STORAGE_CRS, "EPSG:4326": CRS84, GCJ02: GCJ02, BD09: BD09}
MAX_LIMIT = 50
MAX_RADIUS_M = 1000.0


def _profile() -> DistrictProfile:
    return current_app.extensions[PROFILE_KEY]


def _gazetteer():
    cache = current_app.extensions.setdefault(CACHE_KEY, GazetteerCache(_profile()))
    return cache.get(current_app.extensions[STORE_KEY])


def warm(app: Flask) -> threading.Thread:
    """Build the app's gazetteer in the background now, so the first search after a worker
    starts does not wait seconds for it (``diming serve`` calls this in each worker)."""

    def build() -> None:
        with app.app_context():
            try:
                _gazetteer()
            except Exception:  # e.g. the database is away: the first search builds it (and says why)
                LOGGER.warning("gazetteer warm-up failed; the first search will build it", exc_info=True)

    thread = threading.Thread(target=build, name="gazetteer-warm-up", daemon=True)
    thread.start()
    return thread


def _settings():
    return current_app.extensions["diming.settings"]


def _spend(cost: int) -> None:
    """Charge an anonymous caller's geocoding budget; signed-in callers are not limited here."""
    if auth.principal() is auth.ANONYMOUS:
        ratelimit.charge("search.public", _settings().public_geocode_budget, 60, cost)


def _max_batch() -> int:
    settings = _settings()
    return settings.reverse_batch_anonymous if auth.principal() is auth.ANONYMOUS else settings.reverse_batch_signed_in


def _crs(value: str | None) -> str:
    crs = parse_crs(value or CRS84)
    if crs not in ACCEPTED_CRS:
        raise BadRequest(
            f"坐标系须为 CRS84、EPSG:4490、GCJ-02 或 BD-09：{value}", f"crs must be CRS84, EPSG:4490, GCJ-02 or BD-09: {value}"
        )
    return ACCEPTED_CRS[crs]


def _numbers(name: str, count: int) -> list[float] | None:
    raw = request.args.get(name)
    return None if raw is None else number_list(raw, name, (count,))


def _limit() -> int:
    """``limit`` as the OGC side reads it: a whole number from 1; above the maximum it is capped, not refused."""
    return min(int_arg("limit", 10, minimum=1), MAX_LIMIT)


def _scope(crs: str) -> engine.Scope:
    box, point = _numbers("bbox", 4), _numbers("focus", 2)
    bbox = focus = None
    if box is not None:
        (x0, x1), (y0, y1) = transform_coords([box[0], box[2]], [box[1], box[3]], crs, STORAGE_CRS)
        bbox = (float(x0), float(y0), float(x1), float(y1))
    if point is not None:
        focus = transform_coords(point[0], point[1], crs, STORAGE_CRS)
    return engine.Scope(bbox=bbox, focus=focus, admin_code=request.args.get("admin_code") or None)


@blueprint.get("/search")
def search():
    _spend(1)
    crs = _crs(request.args.get("crs"))
    limit = _limit()
    scope = _scope(crs)
    q = request.args.get("q")
    parts = {k: request.args.get(k, "") for k in ("road", "number", "community", "subdistrict")}
    if q:
        matches = engine.search(_gazetteer(), q, limit=limit, scope=scope)
    else:
        matches = engine.structured(_gazetteer(), limit=limit, scope=scope, **parts)
    query = {"text": q, **{k: v for k, v in parts.items() if v}, "limit": limit}
    body = geocodejson.collection(matches, query, crs, _profile())
    # "did you mean": when nothing was found, what autocomplete offers, typing slips forgiven
    body["suggestions"] = geocodejson.suggestions(engine.suggest(_gazetteer(), q, scope=scope)) if q and not matches else []
    return jsonify(body)


@blueprint.get("/autocomplete")
def autocomplete():
    _spend(1)
    crs = _crs(request.args.get("crs"))
    limit = _limit()
    matches = engine.autocomplete(_gazetteer(), request.args.get("q", ""), limit=limit, scope=_scope(crs))
    return jsonify(geocodejson.collection(matches, {"text": request.args.get("q"), "limit": limit}, crs, _profile()))


def _check_points(lons, lats, *, batch: bool) -> None:
    """NaN, Infinity or a latitude beyond ±90° (often lon and lat swapped) is no place: a 400 naming
    the point (its index in a batch), before anything is transformed, so one bad point is named
    rather than failing the whole batch with a message about coordinate systems."""
    for index, (lon, lat) in enumerate(zip(lons, lats, strict=True)):
        where_zh, where_en = (f"第 {index} 个点", f"point {index}") if batch else ("lon/lat", "lon/lat")
        details = {"index": index} if batch else None
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise BadRequest(
                f"{where_zh}坐标须为有限数值：[{lon}, {lat}]", f"{where_en} must be finite numbers: [{lon}, {lat}]", details=details
            )
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise BadRequest(
                f"{where_zh}不是经纬度（经度 −180～180，纬度 −90～90；是否把经纬度写反了？）：[{lon}, {lat}]",
                f"{where_en} is not a longitude/latitude (lon −180..180, lat −90..90; swapped?): [{lon}, {lat}]",
                details=details,
            )


@blueprint.route("/reverse", methods=["GET", "POST"])
def reverse_lookup():
    """GET ?lon=&lat= for one point; POST {"points": [[lon, lat], ...]} for a batch."""
    body = request.get_json(silent=True) if request.method == "POST" else None
    if request.method == "POST":
        if not isinstance(body, dict) or not isinstance(body.get("points"), list):
            raise BadRequest('请求体须为 {"points": [[经度, 纬度], ...]}', 'body must be {"points": [[lon, lat], ...]}')
        options = {**request.args, **{k: v for k, v in body.items() if k != "points"}}
        points = body["points"]
        most = _max_batch()
        if not points:
            raise BadRequest("points 不能为空", "points must not be empty")
        if len(points) > most:
            signed_in = _settings().reverse_batch_signed_in
            zh_more, en_more = (
                ("", "") if most == signed_in else (f"；登录后最多 {signed_in} 个", f"; signed-in callers may send {signed_in}")
            )
            raise PayloadTooLarge(
                f"一次最多 {most} 个点（本次 {len(points)} 个）{zh_more}",
                f"At most {most} points per request ({len(points)} sent){en_more}",
            )
        _spend(len(points))
        try:
            lons, lats = zip(*((float(p[0]), float(p[1])) for p in points), strict=False)
        except (TypeError, ValueError, IndexError):
            raise BadRequest("每个点须为 [经度, 纬度]", "each point must be [lon, lat]") from None
    else:
        _spend(1)
        options = request.args
        lon, lat = request.args.get("lon"), request.args.get("lat")
        try:
            lons, lats = (float(lon),), (float(lat),)  # type: ignore[arg-type]  # None is caught below
        except (TypeError, ValueError):
            raise BadRequest("须给出 lon 和 lat 数值", "lon and lat must be numbers") from None
    crs = _crs(options.get("crs"))
    batch = request.method == "POST"
    _check_points(lons, lats, batch=batch)
    try:
        radius = float(options.get("radius", 100))
    except (TypeError, ValueError):
        radius = -1.0
    if not 0 < radius <= MAX_RADIUS_M:
        raise BadRequest(f"radius 须在 0 到 {MAX_RADIUS_M:.0f} 米之间", f"radius must be between 0 and {MAX_RADIUS_M:.0f} m")
    results = reverse(_gazetteer(), lons, lats, crs=crs, radius_m=radius, places=not batch)  # one point: the places around it too
    return jsonify(geocodejson.reverse_collection(results, list(zip(lons, lats, strict=True)), crs, radius, _profile()))
