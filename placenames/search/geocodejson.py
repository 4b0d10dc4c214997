"""Results as GeocodeJSON (draft 0.1) with the China extensions this service adds.

Standard names stay under ``properties.geocoding`` (type, label, name, housenumber,
street, district, city, state, country, admin); the extensions sit beside them:
standard address, romanization, category, subdistrict/community with codes,
confidence, match_type, sub-building parts and, for an unregistered number, the
number asked for. A result found by a former name carries ``former_name`` and a
label ending in （原名：…）; a cancelled name has ``name_status: retired`` and a
label ending in （已撤销）, so neither is mistaken for a current standard name.
An address asked down to 幢/单元/室 keeps them in its label and standard address; a
corner building's secondary address says so (``address_kind``, label ending in
（次要地址）, ``main_address``) in search and reverse geocoding alike.
Coordinates are CRS84 unless ``crs`` asks for CGCS2000 or GCJ-02
(always x = longitude, as GeoJSON writes them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, mapping

from gis.crs import STORAGE_CRS, parse_crs, reproject
from gis.profile import DistrictProfile, current_profile
from placenames.numbering.address import sub_address
from placenames.sides import side_word

from . import spellings
from .engine import Match
from .reverse import ReverseResult

VERSION = "0.1.0"
GEOCODING_TYPE = {
    "address": "house",
    "road": "street",
    "place": "poi",
    "compound": "poi",  # a 小区/大院, with its address
    "community": "locality",
    "subdistrict": "district",
    "intersection": "intersection",
}


def _unit(unit) -> dict[str, str] | None:
    return None if unit is None else {"code": unit.code, "name": unit.name}


SECONDARY_MARK = "（次要地址）"


def standard_text(match: Match) -> str:
    """The entry's standard text; for a registered address asked with 幢/单元/室, down to them
    (never hung on a neighbouring plate returned for a number that does not exist)."""
    e, extra = match.entry, match.extra
    if e.kind != "address" or extra.get("registered") is False:
        return e.label
    return sub_address(e.label, extra.get("building"), extra.get("unit"), extra.get("room"))


def _address_kind(e) -> dict[str, Any]:
    """A plate's kind; a secondary one with its building's main address."""
    if e.kind != "address" or e.address_kind is None:
        return {}
    out: dict[str, Any] = {"address_kind": e.address_kind, "secondary": e.address_kind == "secondary"}
    if e.address_kind == "secondary":
        out["main_address"] = e.main_label
    return out


def label(match: Match) -> str:
    """The entry's label, saying when it was found by a former name, is cancelled or is a
    secondary address."""
    text = standard_text(match)
    if match.entry.address_kind == "secondary":
        text += SECONDARY_MARK
    if match.extra.get("former_name"):
        text += f"（原名：{match.extra['former_name']}）"
    if match.entry.status == "retired":
        text += "（已撤销）"
    return text


def name_status(match: Match) -> str:
    """current, former (found by a former name) or retired (a cancelled name)."""
    if match.entry.status == "retired":
        return "retired"
    return "former" if match.extra.get("former_name") else "current"


def attribution(profile: DistrictProfile) -> str:
    """Who publishes the data: the profile's bureau, in both languages."""
    return f"{profile.bureau.zh} / {profile.bureau.en}"


# ``geometry`` not given: the feature reprojects its own point (answers of many features
# reproject all their points in one call, ``point_geometries``).
_OWN_POINT: Any = object()


def point_geometries(points: list[Point | None], crs: str) -> list[dict[str, Any] | None]:
    """GeoJSON geometries of these points (storage CRS) in ``crs``, reprojected in one call:
    per point, the transformation's set-up would cost more than the answer's other work."""
    given = [i for i, p in enumerate(points) if p is not None]
    out: list[dict[str, Any] | None] = [None] * len(points)
    if given:
        moved = reproject(np.array([points[i] for i in given], dtype=object), STORAGE_CRS, crs)
        xy = shapely.get_coordinates(moved)  # all at once: mapping() makes a coordinate sequence per point
        if len(xy) == len(given) and not shapely.has_z(moved).any():
            for i, (x, y) in zip(given, xy.tolist(), strict=True):
                out[i] = {"type": "Point", "coordinates": (x, y)}
        else:  # (an empty or 3-D point: each as shapely writes it)
            for i, geom in zip(given, moved, strict=True):
                out[i] = mapping(geom)
    return out


def feature(match: Match, crs: str, profile: DistrictProfile | None = None, *, geometry: Any = _OWN_POINT) -> dict[str, Any]:
    e = match.entry
    profile = profile or current_profile()
    geocoding: dict[str, Any] = {
        "type": GEOCODING_TYPE[e.kind],
        "label": label(match),
        "name": e.name,
        "country": "中国",
        "state": profile.province.zh,
        "city": profile.city.zh,
        "district": profile.name.zh,
        "admin": {"level8": getattr(e.subdistrict, "name", None), "level10": getattr(e.community, "name", None)},
        "standard_address": None if e.status == "retired" else standard_text(match),  # a cancelled name is no standard
        "category": e.category,
        "subdistrict": _unit(e.subdistrict),
        "community": _unit(e.community),
        "confidence": round(match.confidence, 3),
        "match_type": match.match_type,
        "name_status": name_status(match),
    }
    if e.status == "retired":
        geocoding["retired_on"] = e.retired_on.isoformat() if e.retired_on else None
    if e.street:
        geocoding["street"] = e.street
    if e.number_text:
        geocoding["housenumber"] = e.number_text
    if e.romanization:
        geocoding["romanization"] = e.romanization
    geocoding.update(_address_kind(e))
    geocoding.update(match.extra)
    return {
        "type": "Feature",
        "id": f"{e.kind}.{e.id}",
        "geometry": point_geometries([e.point], crs)[0] if geometry is _OWN_POINT else geometry,
        "properties": {"geocoding": geocoding},
    }


def collection(matches: list[Match], query: dict[str, Any], crs: str, profile: DistrictProfile | None = None) -> dict[str, Any]:
    crs, profile = parse_crs(crs), profile or current_profile()
    return {
        "type": "FeatureCollection",
        "geocoding": {"version": VERSION, "attribution": attribution(profile), "query": query, "crs": crs},
        "features": [
            feature(m, crs, profile, geometry=g)
            for m, g in zip(matches, point_geometries([m.entry.point for m in matches], crs), strict=True)
        ],
    }


def suggestions(matches: list[Match]) -> list[dict[str, Any]]:
    """Suggestions ("did you mean") for a search that found nothing: each name to search for instead, briefly
    (the top-level ``suggestions`` member, beside ``features``; not GeocodeJSON features, as they
    are not answers to the query)."""
    out = []
    for m in matches:
        item = {
            "text": m.entry.name if m.entry.kind != "address" else m.entry.label,
            "label": label(m),
            "type": GEOCODING_TYPE[m.entry.kind],
        }
        if m.entry.romanization:
            item["romanization"] = m.entry.romanization
        out.append(item)
    return out


def reverse_collection(
    results: list[ReverseResult],
    query_points: list[tuple[float, float]],
    crs: str,
    radius_m: float,
    profile: DistrictProfile | None = None,
) -> dict[str, Any]:
    """A FeatureCollection of what the points found: a point where nothing is (no address within
    the radius and no community around it, e.g. outside the district) gives no feature, and its
    index is listed under ``unmatched``. Each feature says which point it answers (``query_index``)."""
    profile = profile or current_profile()
    features, unmatched = [], []
    found_at = point_geometries([r.address.point if r.address is not None else None for r in results], crs)
    for index, (result, point, geometry) in enumerate(zip(results, query_points, found_at, strict=True)):
        if result.address is None and result.community is None:
            unmatched.append(index)
            continue
        feature = reverse_feature(result, crs, profile, query_point=point, geometry=geometry)
        feature["properties"]["query_index"] = index
        features.append(feature)
    query = {"radius_m": radius_m, "points": len(query_points), "unmatched": unmatched}
    return {
        "type": "FeatureCollection",
        "geocoding": {"version": VERSION, "attribution": attribution(profile), "crs": parse_crs(crs), "query": query},
        "features": features,
    }


def reverse_feature(
    result: ReverseResult,
    crs: str,
    profile: DistrictProfile | None = None,
    *,
    query_point: tuple[float, float] | None = None,
    geometry: Any = _OWN_POINT,
) -> dict[str, Any]:
    """One point's answer. ``query_point`` is the point as the caller sent it (in ``crs``); a result
    with a community but no address within the radius is placed at that point."""
    e, profile = result.address, profile or current_profile()
    geocoding: dict[str, Any] = {
        "type": "house" if e else "locality",
        "label": e.label if e else (result.community.name if result.community else None),
        "community": _unit(result.community),
        "subdistrict": _unit(result.subdistrict),
        "district": profile.name.zh if result.community else None,
        "distance_m": None if result.distance_m is None else round(result.distance_m, 2),
        "match_type": "exact" if e else "partial",
    }
    spelled = e.romanization if e else (spellings.of_unit(result.community.name, "community") if result.community else None)
    if spelled:
        geocoding["romanization"] = spelled
    if result.places is not None:  # a single lookup: the registered places around it, nearest first
        geocoding["places_nearby"] = [
            {"id": f"place.{p.id}", "name": p.name, "romanization": p.romanization, "category": p.category, "distance_m": p.distance_m}
            for p in result.places
        ]
    if e:
        geocoding.update(
            {
                "name": e.name,
                "street": e.street,
                "housenumber": e.number_text,
                "standard_address": e.label,
                "side": side_word(e.side),
                "address_id": e.id,
                "name_status": e.status,
                **_address_kind(e),
            }
        )
        if result.compound is not None:  # inside a compound: its address, down to the building the point is in
            geocoding["compound"] = result.compound
            geocoding["label"] = geocoding["standard_address"] = sub_address(e.label, result.building)
            if result.building is not None:
                geocoding["building"] = result.building
        if e.address_kind == "secondary":  # a corner building's address on its other road, not its address
            geocoding["label"] = f"{e.label}{SECONDARY_MARK}"
        if e.status == "retired":  # the plate stands on a road whose name was cancelled
            geocoding.update(
                {
                    "label": f"{geocoding['label']}（已撤销）",
                    "standard_address": None,
                    "retired_on": e.retired_on.isoformat() if e.retired_on else None,
                }
            )
    if query_point is None:
        query_point = tuple(reproject(Point(result.lon, result.lat), STORAGE_CRS, crs).coords[0])[:2]
    if geometry is _OWN_POINT:
        geometry = point_geometries([e.point if e is not None else None], crs)[0]
    if geometry is None:
        geometry = {"type": "Point", "coordinates": list(query_point)}
    return {"type": "Feature", "geometry": geometry, "properties": {"geocoding": geocoding, "query_point": list(query_point)}}
