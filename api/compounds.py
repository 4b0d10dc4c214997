"""/api/v1/compounds: compounds (小区/大院), their door number, 楼栋号 and full addresses.

Thin: parse the request, call ``placenames.numbering.compounds`` and ``lookup``, return
JSON. Every route needs the place-name officer role (a compound's buildings and gates are
register work, not public); writes from a signed-in page also need its CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from accounts.roles import PLACENAME_OFFICER
from api import auth
from api.inputs import Body, Number, Text, current_store, read_body, takes

blueprint = Blueprint("compounds", __name__)


class Gate(Body):
    """A compound entrance in CGCS2000 lon/lat, with a description (e.g. 东门)."""

    lon: Number
    lat: Number
    description: Text | None = None


class CompoundBody(Body):
    """A compound: its name, outline (a GeoJSON polygon, CGCS2000), the road its main gate
    opens onto, the main gate and any side gates; the 楼栋号 order (``entrance`` or
    ``s_order``), whether to number its buildings now (default true) and to retire the
    street numbers its buildings already have (default false)."""

    name: Text
    geometry: dict
    road: Text
    entrance: Gate
    entrances: list[Gate] = []
    order: Text = "entrance"
    number_buildings: bool = True
    retire_street_numbers: bool = False
    reason: Text | None = None


class NumberBody(Body):
    """Number the compound's unnumbered buildings, in ``order`` (the compound's own when not given)."""

    order: Text | None = None
    reason: Text | None = None


def _point(gate: Gate):
    import shapely

    return shapely.Point(gate.lon, gate.lat)


@blueprint.post("/compounds")
@auth.requires(PLACENAME_OFFICER)
@takes(CompoundBody)
def register():
    """Register a compound: one door number on its road (by its main gate), its buildings with their 楼栋号 (201)."""
    from placenames.numbering import compounds

    body = read_body(CompoundBody)
    view = compounds.register(
        current_store(),
        name=body.name,
        polygon=body.geometry,
        road=body.road,
        entrance=_point(body.entrance),
        entrance_description=body.entrance.description,
        side_entrances=[(_point(g), g.description) for g in body.entrances],
        order=body.order,
        number=body.number_buildings,
        retire_street_numbers=body.retire_street_numbers,
        actor=auth.actor(),
        reason=body.reason,
    )
    return jsonify(view), 201


@blueprint.get("/compounds")
@auth.requires(PLACENAME_OFFICER)
def list_compounds():
    """Every compound (?road= one road's), with its address and how many buildings are numbered."""
    from placenames.numbering import compounds

    road = request.args.get("road") or None
    return jsonify({"items": compounds.list_compounds(current_store(), road=road)})


@blueprint.get("/compounds/<key>")
@auth.requires(PLACENAME_OFFICER)
def compound(key: str):
    """One compound by id or name: outline (GeoJSON), gates, buildings with their 楼栋号."""
    from placenames.numbering import compounds

    return jsonify(compounds.describe(current_store(), key))


@blueprint.post("/compounds/<key>/buildings/number")
@auth.requires(PLACENAME_OFFICER)
@takes(NumberBody)
def number_buildings(key: str):
    """Give the compound's unnumbered buildings their 楼栋号 (numbers already given stay)."""
    from placenames.numbering import compounds

    body = read_body(NumberBody)
    return jsonify(compounds.number(current_store(), key, order=body.order, actor=auth.actor(), reason=body.reason))


@blueprint.get("/compounds/<key>/address")
@auth.requires(PLACENAME_OFFICER)
def compound_address(key: str):
    """The compound's full standard address down to ?building=3&unit=2&room=501 (3栋 is read as 3幢)."""
    from placenames.numbering import compounds, lookup

    plate = compounds.describe(current_store(), key)["door_plate"]
    finer = {name: request.args.get(name) for name in ("building", "unit", "room")}
    return jsonify(lookup.describe(current_store(), plate, **finer))


@blueprint.get("/buildings/<int:building_id>/address")
@auth.requires(PLACENAME_OFFICER)
def building_address(building_id: int):
    """A building's full address (inside a compound: its number + 楼栋号), down to ?unit=&room=."""
    from placenames.numbering import lookup

    return jsonify(lookup.building_address(current_store(), building_id, unit=request.args.get("unit"), room=request.args.get("room")))
