"""Results as GeocodeJSON (draft 0.1) with the China extensions this service adds.

Standard names stay under ``properties.geocoding`` (type, label, name, housenumber,
street, district, city, state, country, admin); the extensions sit beside them:
standard address, romanization, category, subdistrict/community with codes,
confidence, match_type, sub-building parts and, for an unregistered number, the
number asked for. Coordinates are CRS84 unless ``crs`` asks for CGCS2000 or GCJ-02
(always x = longitude, as GeoJSON writes them).
"""

from __future__ import annotations

from typing import Any

from shapely.geometry import mapping

from gis.crs import STORAGE_CRS, parse_crs, reproject

from .engine import Match
from .reverse import ReverseResult

VERSION = "0.1.0"
GEOCODING_TYPE = {"address": "house", "road": "street", "place": "poi", "community": "locality",
                  "subdistrict": "district", "intersection": "intersection"}
ATTRIBUTION = "官渡区民政局 / Guandu District Civil Affairs Bureau"


def _unit(unit) -> dict[str, str] | None:
    return None if unit is None else {"code": unit.code, "name": unit.name}


def feature(match: Match, crs: str) -> dict[str, Any]:
    e = match.entry
    geocoding: dict[str, Any] = {
        "type": GEOCODING_TYPE[e.kind],
        "label": e.label,
        "name": e.name,
        "country": "中国",
        "state": "云南省",
        "city": "昆明市",
        "district": "官渡区",
        "admin": {"level8": getattr(e.subdistrict, "name", None), "level10": getattr(e.community, "name", None)},
        "standard_address": e.label,
        "category": e.category,
        "subdistrict": _unit(e.subdistrict),
        "community": _unit(e.community),
        "confidence": round(match.confidence, 3),
        "match_type": match.match_type,
    }
    if e.street:
        geocoding["street"] = e.street
    if e.number_text:
        geocoding["housenumber"] = e.number_text
    if e.romanization:
        geocoding["romanization"] = e.romanization
    geocoding.update(match.extra)
    return {
        "type": "Feature",
        "id": f"{e.kind}.{e.id}",
        "geometry": mapping(reproject(e.point, STORAGE_CRS, crs)),
        "properties": {"geocoding": geocoding},
    }


def collection(matches: list[Match], query: dict[str, Any], crs: str) -> dict[str, Any]:
    crs = parse_crs(crs)
    return {
        "type": "FeatureCollection",
        "geocoding": {"version": VERSION, "attribution": ATTRIBUTION, "query": query, "crs": crs},
        "features": [feature(m, crs) for m in matches],
    }


def reverse_feature(result: ReverseResult, crs: str) -> dict[str, Any]:
    e = result.address
    geocoding: dict[str, Any] = {
        "type": "house" if e else "locality",
        "label": e.label if e else (result.community.name if result.community else None),
        "community": _unit(result.community),
        "subdistrict": _unit(result.subdistrict),
        "district": "官渡区" if result.community else None,
        "distance_m": None if result.distance_m is None else round(result.distance_m, 2),
        "match_type": "exact" if e else "partial",
    }
    if e:
        geocoding.update({"name": e.name, "street": e.street, "housenumber": e.number_text, "standard_address": e.label,
                          "side": e.side, "address_id": e.id})
    point = e.point if e else None
    return {
        "type": "Feature",
        "geometry": None if point is None else mapping(reproject(point, STORAGE_CRS, crs)),
        "properties": {"geocoding": geocoding, "query_point": [result.lon, result.lat]},
    }
