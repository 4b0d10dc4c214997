"""Points to the nearest registered address and the community and subdistrict around them.

Vectorised over a batch: points are projected to EPSG:4543 once; the plates of the
batch's area are read from the database (its spatial index) as columns of numbers into one
k-d tree, so the nearest plate within the radius is one query however many points there are
(no geometry object per plate: a batch over a dense city reads half a million), and the
answer is as fresh as the last commit; the containing community comes from the
gazetteer's tree of units. Side of the road: when the point lies clearly on one side of its
nearest road (read, with the other roads near the points, by the spatial index) and the
nearest plate stands on the other side of that same line, the nearest plate of a road of that
name on the point's side within the radius is preferred (both sides measured against the one
line, whatever direction the road is numbered in). Of plates equally near
(a corner building's main and secondary address drawn at one point), the main one. A point
inside a compound (小区/大院) is at the compound's address, and at its building when it lies
in one (``inside_compounds``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely

from gis.crs import STORAGE_CRS, transform_coords

from .gazetteer import Entry, Gazetteer, to_metres
from .inside_compounds import compounds_at
from .places_near import NearPlace, places_near
from .plates import NearbyPlates, NearbyRoads

if TYPE_CHECKING:
    from gis.basemap import AdminUnit

SIDE_TOLERANCE_M = 1.0  # closer to the centreline than this, the side cannot be told
ROAD_REACH_M = 250.0  # a door plate stands at most this far from its road (front gate on a long drive)


@dataclass
class ReverseResult:
    lon: float
    lat: float
    address: Entry | None
    distance_m: float | None
    community: AdminUnit | None
    subdistrict: AdminUnit | None
    compound: str | None = None  # the compound (小区/大院) the point lies in: ``address`` is then its door plate
    building: str | None = None  # the 楼栋号 of the compound's building the point lies in
    places: list[NearPlace] | None = None  # registered places near the point (single lookups: ``places=True``)


def reverse(g: Gazetteer, lons, lats, *, crs: str = "OGC:CRS84", radius_m: float = 100.0, places: bool = False) -> list[ReverseResult]:
    """One result per input point (coordinates x = lon, in ``crs``); with ``places``, each
    also lists the registered places within the radius (``places_near``: meant for one point)."""
    with g.reading():  # one session for the plates, roads and entries read
        results = _reverse(g, lons, lats, crs, radius_m)
        if places:
            assert g.index is not None  # a built gazetteer has its store
            with g.index.session() as session:
                for result in results:
                    if math.isfinite(result.lon) and math.isfinite(result.lat):
                        result.places = places_near(session, result.lon, result.lat, radius_m)
        return results


def _reverse(g: Gazetteer, lons, lats, crs: str, radius_m: float) -> list[ReverseResult]:
    lon, lat = transform_coords(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float), crs, STORAGE_CRS)
    lon, lat = np.atleast_1d(lon), np.atleast_1d(lat)
    x, y = to_metres(lon, lat)
    xy = np.column_stack([x, y])
    nearest = np.full(len(lon), -1)
    distance = np.full(len(lon), np.nan)
    assert g.plate_index is not None  # a built gazetteer has its store
    near = g.plate_index.near(lon, lat, radius_m)
    if near.tree is not None:
        _nearest_plates(near, xy, radius_m, nearest, distance)
        near = _prefer_same_side(g, near, xy, lon, lat, nearest, distance, radius_m)
    chosen = np.unique(nearest[nearest >= 0])
    chosen_ids = near.ids[chosen].tolist()
    with g.plate_index.session() as session:
        inside = compounds_at(session, lon, lat)
    have = set(chosen_ids)
    gates = {c.plate_id: c.district for c in inside.values() if c.plate_id not in have}
    found = {e.id: e for e in g.plate_index.by_ids(chosen_ids + list(gates), [*near.district[chosen], *gates.values()])}
    entries = {i: found[plate] for i, plate in zip(chosen.tolist(), chosen_ids, strict=True) if plate in found}
    communities: list[AdminUnit | None] = [None] * len(lon)
    if g.community_tree is not None:
        inputs, units = g.community_tree.query(shapely.points(lon, lat), predicate="within")
        for i, u in zip(inputs, units, strict=False):
            communities[i] = g.community_list[int(u)]
    # Python numbers taken out of the arrays at once: item by item costs more than the rest of a large batch.
    points = zip(lon.tolist(), lat.tolist(), nearest.tolist(), distance.tolist(), communities, strict=True)
    results = [
        ReverseResult(x, y, entries.get(plate), None if math.isnan(gap) else gap, community, _subdistrict(g, community))
        for x, y, plate, gap, community in points
    ]
    _at_compound_gates(results, inside, found, xy)
    return results


def _at_compound_gates(results: list[ReverseResult], inside: dict, found: dict, xy: np.ndarray) -> None:
    """A point inside a compound is at the compound's address (its door plate, however far the
    gate), and at its building when it lies in one (see ``inside_compounds``)."""
    at = [(i, c, found[c.plate_id]) for i, c in inside.items() if c.plate_id in found]
    if not at:
        return
    gate_x, gate_y = to_metres(np.array([e.point.x for _, _, e in at]), np.array([e.point.y for _, _, e in at]))
    here = xy[[i for i, _, _ in at]]
    gaps = np.hypot(gate_x - here[:, 0], gate_y - here[:, 1])
    for (i, compound, gate), gap in zip(at, gaps.tolist(), strict=True):
        result = results[i]
        result.address, result.distance_m, result.compound, result.building = gate, gap, compound.name, compound.building


def _subdistrict(g: Gazetteer, community: AdminUnit | None) -> AdminUnit | None:
    return g.units.get(community.parent_code) if community is not None and community.parent_code is not None else None


def _nearest_plates(near: NearbyPlates, xy: np.ndarray, radius_m: float, nearest, distance) -> None:
    """Each point's nearest plate within the radius (the radius included). Of plates equally
    near (a corner building's main and secondary address drawn at one point), the main one,
    then the lowest id."""
    assert near.tree is not None  # (the caller has plates)
    asked = np.flatnonzero(np.isfinite(xy).all(axis=1))
    dists, plates = near.tree.query(xy[asked], k=2, distance_upper_bound=np.nextafter(radius_m, np.inf))
    found = np.isfinite(dists[:, 0])
    asked, first, dists = asked[found], plates[found, 0], dists[found]
    for t in np.flatnonzero(dists[:, 1] == dists[:, 0]):  # a tie (rare): every plate that near, not only two
        near_ones = np.array(near.tree.query_ball_point(xy[asked[t]], r=np.nextafter(dists[t, 0], np.inf)), dtype=int)
        gaps = np.hypot(*(near.xy[near_ones] - xy[asked[t]]).T)
        equal = near_ones[gaps <= gaps.min()]
        first[t] = equal[np.lexsort((near.ids[equal], near.secondary[equal]))[0]]
    nearest[asked], distance[asked] = first, dists[:, 0]


def _prefer_same_side(g: Gazetteer, near: NearbyPlates, xy: np.ndarray, lon, lat, nearest, distance, radius_m: float) -> NearbyPlates:
    """Points whose nearest plate stands across their road from them take the nearest plate
    of that road on their side within the radius, when there is one (see the module's note).
    Returns ``near``, with the plates read for that if it held only each point's nearest few."""
    found = np.flatnonzero(nearest >= 0)
    if near.tree is None or not len(found) or g.plate_index is None:  # (the caller has a plate tree)
        return near
    # A plate stands within the radius of its point and within ROAD_REACH_M of its road, so when the
    # nearest road of a point is the road of its nearest plate, it is among the roads this near.
    nearby = g.plate_index.roads_near(lon[found], lat[found], radius_m + ROAD_REACH_M)
    if nearby.tree is None:
        return near
    suspects = _maybe_across(nearby, near, xy, found, nearest)
    if not len(suspects):
        return near
    (inputs, roads), _ = nearby.tree.query_nearest(shapely.points(xy[suspects]), return_distance=True, all_matches=False)
    which = suspects[inputs]  # the points, in the order of their nearest road
    road_geoms = nearby.tree.geometries[roads]
    point_side = _side_of(road_geoms, shapely.points(xy[which]))
    plate_side = _side_of(road_geoms, shapely.points(near.xy[nearest[which]]))
    road_of = nearby.name[roads]
    wrong = (point_side != 0) & (near.road[nearest[which]] == road_of) & (plate_side == -point_side)
    if not wrong.any():
        return near
    targets, target_roads, target_sides, target_geoms = which[wrong], road_of[wrong], point_side[wrong], road_geoms[wrong]
    within = near.tree.query_ball_point(xy[targets], r=np.nextafter(radius_m, np.inf))
    counts = np.fromiter(map(len, within), dtype=int, count=len(within))
    pairs_in = np.repeat(np.arange(len(targets)), counts)
    pairs_plate = np.fromiter(itertools.chain.from_iterable(within), dtype=int, count=int(counts.sum()))
    pairs_in, pairs_plate = _on_the_side(near, xy[targets], target_roads, target_sides, target_geoms, pairs_in, pairs_plate, radius_m)
    if not near.complete:  # the plates read were each point's nearest few: the one on its side may be further
        missing = np.setdiff1d(np.arange(len(targets)), pairs_in)
        if len(missing):
            more_in, more = _same_road_further(g, nearby, lon[targets[missing]], lat[targets[missing]], target_roads[missing], radius_m)
            more_plate = len(near.ids) + np.arange(len(more.ids))
            near = near.extended(more)
            more_in, more_plate = _on_the_side(
                near, xy[targets], target_roads, target_sides, target_geoms, missing[more_in], more_plate, radius_m
            )
            pairs_in, pairs_plate = np.concatenate([pairs_in, more_in]), np.concatenate([pairs_plate, more_plate])
    if not len(pairs_in):
        return near
    dists = np.hypot(*(near.xy[pairs_plate] - xy[targets][pairs_in]).T)
    order = np.lexsort((near.ids[pairs_plate], near.secondary[pairs_plate], dists, pairs_in))  # by point, nearest (then main) first
    first = order[np.r_[True, pairs_in[order][1:] != pairs_in[order][:-1]]]
    nearest[targets[pairs_in[first]]] = pairs_plate[first]
    distance[targets[pairs_in[first]]] = dists[first]
    return near


def _on_the_side(near: NearbyPlates, target_xy, target_roads, target_sides, target_geoms, pairs_in, pairs_plate, radius_m: float):
    """The pairs (target, plate) whose plate is of the target's road, on its side, within the radius."""
    same_road = near.road[pairs_plate] == target_roads[pairs_in]
    pairs_in, pairs_plate = pairs_in[same_road], pairs_plate[same_road]
    same_side = _side_of(target_geoms[pairs_in], shapely.points(near.xy[pairs_plate])) == target_sides[pairs_in]
    pairs_in, pairs_plate = pairs_in[same_side], pairs_plate[same_side]
    close = np.hypot(*(near.xy[pairs_plate] - target_xy[pairs_in]).T) <= np.nextafter(radius_m, np.inf)
    return pairs_in[close], pairs_plate[close]


def _same_road_further(g: Gazetteer, nearby: NearbyRoads, lon, lat, road_names, radius_m: float) -> tuple[np.ndarray, NearbyPlates]:
    """The nearest plates of the named road near each point (every line of that name near the
    points: a road can be several), read for points whose nearest few held none on their side:
    for each plate, the point (index into ``lon``) it was read for, then the plates."""
    assert g.plate_index is not None  # (the caller has plates)
    lines = {name: nearby.ids[nearby.name == name] for name in set(road_names.tolist())}
    asked = [(i, int(road_id)) for i, name in enumerate(road_names.tolist()) for road_id in lines[name]]
    point = np.array([i for i, _ in asked], dtype=int)
    found_for, plates = g.plate_index.near_on_roads(lon[point], lat[point], np.array([r for _, r in asked], dtype=np.int64), radius_m)
    return point[found_for], plates


def _maybe_across(nearby: NearbyRoads, near: NearbyPlates, xy: np.ndarray, found: np.ndarray, nearest: np.ndarray) -> np.ndarray:
    """The points (of ``found``) that may stand across the road from their nearest plate: a
    screen, so that only they are matched with their nearest road (a tree search among road
    lines, the costly part). A point whose plate's road is one line near it is across only if
    the two lie on opposite sides of that line; a point whose plate's road is several lines here
    (or none) is kept, to be decided by its nearest road as before."""
    assert nearby.tree is not None  # (the caller has roads)
    names, first, counts = np.unique(nearby.name.astype(str), return_index=True, return_counts=True)
    line_of = {name: int(line) for name, line, count in zip(names.tolist(), first, counts, strict=True) if count == 1}
    lines = np.array([line_of.get(name, -1) for name in near.road[nearest[found]].tolist()], dtype=int)
    single = lines >= 0
    geoms = nearby.tree.geometries[lines[single]]
    point_side = _side_of(geoms, shapely.points(xy[found[single]]))
    plate_side = _side_of(geoms, shapely.points(near.xy[nearest[found[single]]]))
    across = (point_side != 0) & (plate_side == -point_side)
    return np.sort(np.concatenate([found[single][across], found[~single]]))


def _side_of(road_geoms, pts) -> np.ndarray:
    """1 left, -1 right of each road line's own direction where it passes each point, 0 when
    closer to the centreline than SIDE_TOLERANCE_M. Points and plates are measured against
    the same line, so its direction (and the numbering direction a plate's stored side
    refers to) does not matter."""
    along = shapely.line_locate_point(road_geoms, pts)
    here = shapely.line_interpolate_point(road_geoms, along)
    ahead = shapely.line_interpolate_point(road_geoms, along + 1.0)
    behind = shapely.line_interpolate_point(road_geoms, np.maximum(along - 1.0, 0))
    dx = shapely.get_x(ahead) - shapely.get_x(behind)
    dy = shapely.get_y(ahead) - shapely.get_y(behind)
    cross = dx * (shapely.get_y(pts) - shapely.get_y(here)) - dy * (shapely.get_x(pts) - shapely.get_x(here))
    clear = shapely.distance(pts, here) >= SIDE_TOLERANCE_M
    return np.where(clear, np.where(cross > 0, 1, -1), 0)
