"""The registered places near a point, for a single reverse lookup (a click on the map).

A resident who clicks beside 锦里古街 or a school learns the nearest door plate from the
reverse answer, but the place itself is what they recognise. The current public names of
the register whose location lies within the radius are listed, nearest first, measured in
metres (EPSG:4543) to the point, line or outline: landmarks, offices, schools, parks, rivers
and compounds' names alike. Streets (the address already names its road) and administrative
units (the answer names its community and subdistrict) are left out. Only single points ask
for them: a batch of thousands would read the register once per point for nothing its
callers use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import select

from gis.crs import STORAGE_CRS, measure_crs, reproject
from gis.storage.spatial import index_match
from placenames import categories
from placenames.models import PlaceName

from .plates import box_around

MOST = 3  # places listed for one point
# Category codes whose names the reverse answer already gives another way.
LEFT_OUT = (categories.ROAD, "21")  # streets; 21xxx administrative units


@dataclass(frozen=True)
class NearPlace:
    id: int
    name: str
    romanization: str | None
    category: str
    distance_m: float


def places_near(session, lon: float, lat: float, radius_m: float, most: int = MOST) -> list[NearPlace]:
    """Up to ``most`` current public places within ``radius_m`` of the point (storage CRS), nearest first."""
    box = box_around(np.array([lon]), np.array([lat]), radius_m)
    rows = session.execute(
        select(PlaceName.id, PlaceName.name, PlaceName.romanization, PlaceName.category_label, PlaceName.category_code, PlaceName.geom)
        .where(index_match(PlaceName.geom, *box), PlaceName.status == "current", PlaceName.classification == "public")
        .order_by(PlaceName.id)
    ).all()
    rows = [r for r in rows if r.geom is not None and not r.category_code.startswith(LEFT_OUT)]
    if not rows:
        return []
    metric = measure_crs()
    here = reproject(shapely.Point(lon, lat), STORAGE_CRS, metric)
    shapes = reproject(np.array([r.geom for r in rows], dtype=object), STORAGE_CRS, metric)
    near = sorted(
        (
            NearPlace(r.id, r.name, r.romanization, r.category_label, round(float(here.distance(shape)), 1))
            for r, shape in zip(rows, shapes, strict=True)
        ),
        key=lambda p: (p.distance_m, p.id),
    )
    return [p for p in near if p.distance_m <= radius_m][:most]
