"""What the register knows around a line that decides the type of its markers:
the wide rivers and roads near it, and the tri-points at its ends; and the
buildings near each marker that serve as its reference objects (方位物).

Widths are nominal by class (the register keeps centrelines, not widths): a road
or river at least ``PAIR_WIDTH_M`` wide cannot take a marker on the line, so the
marker there is a pair. These are planning assumptions for synthetic sets, not
survey values.
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations

import shapely
import shapely.ops
from sqlalchemy import select

from gis.basemap import AdminUnit
from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.storage.spatial import spatial_match

from .line_models import BoundaryLine
from .marker_layout import TriPoint, WideFeature
from .metric import to_metric
from .units import in_force

ROAD_WIDTHS_M = {"arterial": 40.0, "secondary": 24.0, "local": 14.0, "lane": 6.0}
WATERWAY_WIDTHS_M = {"river": 30.0, "canal": 12.0, "stream": 5.0}
PAIR_WIDTH_M = 20.0
REFERENCE_REACH_M = 200.0  # buildings this close to a marker can be its reference objects
REFERENCES_PER_MARKER = 2
TRIPOINT_REACH_M = 25.0  # a third unit this close to a line's end makes the end a tri-point
_SEARCH_DEG = 0.0006  # ~60 m: how far around the line features and units are looked up


def wide_features(session, line: BoundaryLine, pair_width_m: float = PAIR_WIDTH_M) -> list[WideFeature]:
    """Roads and waterways near the line at least ``pair_width_m`` wide (nominal widths), in metres."""
    from gis.basemap import Road, Waterway

    around = shapely.buffer(line.geom, _SEARCH_DEG)
    rows = [
        (name, kind, ROAD_WIDTHS_M.get(kind, 0.0), geom)
        for name, kind, geom in session.execute(select(Road.name, Road.road_class, Road.geom).where(spatial_match(Road.geom, around)))
    ]
    rows += [
        (name, kind, WATERWAY_WIDTHS_M.get(kind, 10.0), geom)
        for name, kind, geom in session.execute(
            select(Waterway.name, Waterway.waterway_class, Waterway.geom).where(spatial_match(Waterway.geom, around))
        )
    ]
    return [
        WideFeature(name, kind, width, reproject(geom, STORAGE_CRS, measure_crs()))
        for name, kind, width, geom in rows
        if width >= pair_width_m
    ]


def _ends(line_lonlat) -> dict[str, shapely.Point]:
    parts = list(shapely.get_parts(line_lonlat))
    return {"start": shapely.Point(parts[0].coords[0]), "end": shapely.Point(parts[-1].coords[-1])}


def tripoints(session, line: BoundaryLine, on: dt.date | None = None) -> list[TriPoint]:
    """The ends of ``line`` where a third unit of its level (in force on ``on``) meets its two."""
    found = []
    for end, point in _ends(line.geom).items():
        query = select(AdminUnit.code, AdminUnit.geom).where(
            AdminUnit.level == line.level,
            in_force(on or dt.date.today()),
            AdminUnit.geom.is_not(None),
            spatial_match(AdminUnit.geom, point.buffer(_SEARCH_DEG / 2)),
        )
        here = reproject(point, STORAGE_CRS, measure_crs())
        near = [(code, to_metric(geom)) for code, geom in session.execute(query)]
        near = sorted(((code, g) for code, g in near if g.distance(here) <= TRIPOINT_REACH_M), key=lambda u: u[1].distance(here))
        sides = [u for u in near if u[0] in (line.left_code, line.right_code)]
        others = [u for u in near if u[0] not in (line.left_code, line.right_code)]
        if len(sides) < 2 or not others:
            continue
        units = (*sides, others[0])
        pair_codes = ["-".join(sorted(pair)) for pair in combinations([u[0] for u in units], 2)]
        present = set(
            session.scalars(
                select(BoundaryLine.code).where(
                    BoundaryLine.code.in_(pair_codes), BoundaryLine.level == line.level, BoundaryLine.status == "current"
                )
            )
        )
        present.add(line.code)
        found.append(TriPoint(end, tuple(units), carries_set=line.code == min(present)))
    return found


def reference_objects(session, line: BoundaryLine, points_lonlat: list) -> list[list[dict]]:
    """Per marker, the nearest buildings (up to two, within ``REFERENCE_REACH_M``) as 方位物:
    name, bearing from true north (geodesic, degrees) and distance (metres) from the
    marker to the nearest point of the building."""
    import pyproj

    from gis.basemap import Building

    if not points_lonlat:
        return []
    around = shapely.buffer(line.geom, _SEARCH_DEG * REFERENCE_REACH_M / 60)
    rows = session.execute(select(Building.code, Building.geom).where(spatial_match(Building.geom, around))).all()
    if not rows:
        return [[] for _ in points_lonlat]
    codes = [code for code, _ in rows]
    outlines = [reproject(geom, STORAGE_CRS, measure_crs()) for _, geom in rows]
    tree = shapely.STRtree(outlines)
    geod = pyproj.Geod(ellps="GRS80")  # CGCS2000's ellipsoid, to 0.1 mm
    out = []
    for point in points_lonlat:
        here = reproject(point, STORAGE_CRS, measure_crs())
        near = sorted(tree.query(here, predicate="dwithin", distance=REFERENCE_REACH_M), key=lambda k: outlines[k].distance(here))
        found = []
        for k in near[:REFERENCES_PER_MARKER]:
            _, spot = shapely.ops.nearest_points(here, outlines[k])
            target = reproject(spot, measure_crs(), STORAGE_CRS)
            azimuth, _, _ = geod.inv(point.x, point.y, target.x, target.y)
            found.append(
                {"name": f"建筑物 {codes[k]}", "bearing_deg": round(azimuth % 360, 1), "distance_m": round(outlines[k].distance(here), 1)}
            )
        out.append(found)
    return out
