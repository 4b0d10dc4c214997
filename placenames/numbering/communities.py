"""Door plates follow a change of communities (an adopted redistricting plan).

A plate's ``admin_code`` is the community whose 省/市/区/街道/社区 prefix its standard
address derives from (``address.AdminNames``). When communities are reorganised, the
plates whose building now lies in another community take that community's code, and
the stored address text is derived again from it. Plates without a building take the
new community whose outline holds the plate. Retired plates keep the address they had.

The caller passes what the reorganisation changed as plain data (this package does not
know the boundaries package): the codes whose territory changed or ended, the new
outlines, and the buildings that moved. It runs inside the caller's transaction, so the
plates change together with the units, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable

import shapely
from sqlalchemy import or_, select

from gis.basemap import Building, Road
from placenames.models import DoorPlate

from .address import AdminNames

RETIRED = "retired"


def follow_communities(
    session,
    *,
    affected: Iterable[str],
    outlines: dict[str, shapely.Geometry],
    moved_buildings: dict[int, str],
) -> dict:
    """Reassign the community of the plates the change concerns; returns counts and the moves.

    ``affected``: community codes whose territory changed or ended; ``outlines``: code ->
    new outline of every changed or new community; ``moved_buildings``: building id -> its
    new community code.
    """
    affected = sorted(set(affected))
    concerned = or_(DoorPlate.admin_code.in_(affected), DoorPlate.building_id.in_(sorted(moved_buildings))) if affected else None
    if concerned is None and not moved_buildings:
        return {"plates": 0, "moved": []}
    if concerned is None:
        concerned = DoorPlate.building_id.in_(sorted(moved_buildings))
    plates = list(session.scalars(select(DoorPlate).where(concerned, DoorPlate.status != RETIRED).order_by(DoorPlate.id)))
    building_ids = sorted({p.building_id for p in plates if p.building_id is not None})
    communities = dict(session.execute(select(Building.id, Building.community_code).where(Building.id.in_(building_ids))).all())
    communities.update(moved_buildings)
    codes = list(outlines)
    tree = shapely.STRtree([outlines[c] for c in codes]) if codes else None
    roads = dict(session.execute(select(Road.id, Road.name).where(Road.id.in_(sorted({p.road_id for p in plates})))).all())
    names = AdminNames(session)
    moved = []
    for plate in plates:
        new = communities.get(plate.building_id) if plate.building_id is not None else None
        if new is None and tree is not None and plate.geom is not None:
            hits = tree.query(plate.geom, predicate="within")
            new = codes[int(hits[0])] if len(hits) else None
        if new is None or new == plate.admin_code:
            continue
        moved.append({"plate": plate.id, "address": plate.address, "from": plate.admin_code, "to": new})
        plate.admin_code = new
        road = roads.get(plate.road_id)
        if road:
            plate.address = names.parts(new, road, plate.number_text).text()
    session.flush()
    return {"plates": len(moved), "moved": moved}
