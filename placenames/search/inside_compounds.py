"""Reverse geocoding inside a compound (小区/大院): the compound's address, not the street front's.

The buildings of a compound take no street numbers of their own: they share the compound's
one door number on its road (宏松街218号) and are told apart by their 楼栋号 (3幢). A point
inside a compound's outline therefore stands at the compound's address, whatever plate is
nearest (a shop on the street front may be nearer than the gate), and, inside one of its
numbered buildings, at that building (宏松街218号3幢). Compounds are few and small beside
door plates: those of a batch's box are read by the spatial index at each batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis.basemap import Building
from gis.storage.spatial import index_match
from placenames.numbering.models import Compound, CompoundBuilding


@dataclass(frozen=True)
class InCompound:
    """The compound a point lies in: its name, its door plate, and the 楼栋号 of the building
    the point lies in (None between buildings)."""

    name: str
    plate_id: int
    district: str
    building: str | None


def compounds_at(session: Session, lon: np.ndarray, lat: np.ndarray) -> dict[int, InCompound]:
    """Index of each point (storage CRS) inside a numbered compound -> that compound."""
    given = np.isfinite(lon) & np.isfinite(lat)
    if not given.any():
        return {}
    box = (float(lon[given].min()), float(lat[given].min()), float(lon[given].max()), float(lat[given].max()))
    rows = session.execute(
        select(Compound.id, Compound.name, Compound.door_plate_id, Compound.district_code, Compound.geom)
        .where(index_match(Compound.geom, *box), Compound.door_plate_id.is_not(None))
        .order_by(Compound.id)
    ).all()
    if not rows:
        return {}
    points = shapely.points(np.where(given, lon, 0.0), np.where(given, lat, 0.0))
    inputs, hits = shapely.STRtree([row.geom for row in rows]).query(points, predicate="within")
    found: dict[int, int] = {}
    for i, hit in zip(inputs.tolist(), hits.tolist(), strict=True):
        if given[i]:
            found.setdefault(i, hit)  # outlines do not overlap; the first compound if they did
    if not found:
        return {}
    labels = _building_labels(session, points, found, rows)
    return {i: InCompound(rows[h].name, rows[h].door_plate_id, rows[h].district_code, labels.get(i)) for i, h in found.items()}


def _building_labels(session: Session, points: np.ndarray, found: dict[int, int], rows: Sequence) -> dict[int, str]:
    """Point index -> the 楼栋号 of its compound's building it lies in."""
    compound_of = {i: rows[h].id for i, h in found.items()}
    buildings = session.execute(
        select(CompoundBuilding.compound_id, CompoundBuilding.label, Building.geom)
        .join(Building, Building.id == CompoundBuilding.building_id)
        .where(CompoundBuilding.compound_id.in_(sorted(set(compound_of.values()))), CompoundBuilding.label.is_not(None))
        .order_by(CompoundBuilding.id)
    ).all()
    if not buildings:
        return {}
    which = np.array(sorted(found), dtype=int)
    inputs, hits = shapely.STRtree([b.geom for b in buildings]).query(points[which], predicate="within")
    labels: dict[int, str] = {}
    for k, hit in zip(inputs.tolist(), hits.tolist(), strict=True):
        i = int(which[k])
        if buildings[hit].compound_id == compound_of[i]:
            labels.setdefault(i, buildings[hit].label)
    return labels
