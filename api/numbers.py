"""/api/v1/numbers, /api/v1/roads and /api/v1/roads/<name>/...: door numbering for officers.

Thin: parse the request, call ``placenames.numbering``, return JSON. Writes need
the place-name officer role; the change history of a road is public (it backs the
public notice of renumberings).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from pydantic import ConfigDict

from accounts.roles import PLACENAME_OFFICER
from api import auth
from api.inputs import Body, Number, RecordId, Text, current_store, flag, int_arg, read_body, takes
from gis.errors import BadRequest

blueprint = Blueprint("numbers", __name__)


def _roads(value, all_roads) -> list[str] | None:
    if all_roads is True and not value:
        return None
    if isinstance(value, str):
        value = [value]
    if not value or not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise BadRequest("请给出道路名称列表 roads，或 all=true", "Give 'roads' (a list of road names) or 'all': true")
    return [v.strip() for v in value]


def _plan_json(plan):
    return {"items": plan.rows(), "summary": plan.summary()}


@blueprint.get("/roads")
@auth.requires(PLACENAME_OFFICER)
def find_roads():
    """Roads whose name contains ?q= (names starting with it first), at most ?limit= (1–50, default 20)."""
    from placenames.numbering import roads

    return jsonify(roads.find(current_store(), request.args.get("q", ""), limit=int_arg("limit", 20, minimum=1, maximum=roads.MAX_LIMIT)))


@blueprint.get("/roads/<int:road_id>")
@auth.requires(PLACENAME_OFFICER)
def road(road_id: int):
    """One road by id: its centreline (GeoJSON, CGCS2000) and the door numbers already on it."""
    from placenames.numbering import roads

    return jsonify(roads.road_view(current_store(), road_id))


@blueprint.get("/numbers/preview")
@auth.requires(PLACENAME_OFFICER)
def preview():
    """Dry run: ?road=春城路&road=... or ?all=true; every number with its reason."""
    from placenames.numbering import service

    roads = _roads(request.args.getlist("road"), flag(request.args.get("all", "false")))
    plan = service.preview(current_store(), roads, allow_retired=flag(request.args.get("allow_retired", "false")))
    return jsonify(_plan_json(plan))


class ReasonBody(Body):
    """The reason recorded in the audit log (optional text)."""

    reason: Text | None = None


class AssignBody(ReasonBody):
    """The roads to number (or ``all``: true), whether retired numbers may be reused, and the reason."""

    roads: list[Text] | Text | None = None
    all: bool | None = None
    allow_retired: bool | Text = False


@blueprint.post("/numbers/assign")
@auth.requires(PLACENAME_OFFICER)
@takes(AssignBody)
def assign():
    from placenames.numbering import service

    body = read_body(AssignBody)
    roads = _roads(body.roads, body.all)
    plan = service.commit(current_store(), roads, actor=auth.actor(), reason=body.reason, allow_retired=flag(body.allow_retired))
    return jsonify(_plan_json(plan)), 201


class RetireBody(Body):
    """Door plates to retire: by id, every current plate of a building, or the current plate of
    an address text (子君路88号 or the full standard address); with the reason."""

    plates: list[RecordId] | None = None
    building: RecordId | None = None
    address: Text | None = None
    reason: Text | None = None


@blueprint.post("/numbers/retire")
@auth.requires(PLACENAME_OFFICER)
@takes(RetireBody)
def retire():
    from placenames.numbering import lifecycle

    body = read_body(RetireBody)
    retired = lifecycle.retire(
        current_store(),
        plate_ids=body.plates,
        building_id=body.building,
        address=body.address,
        actor=auth.actor(),
        reason=body.reason or "",
    )
    return jsonify({"items": retired})


@blueprint.get("/addresses/<int:plate_id>")
@auth.requires(PLACENAME_OFFICER)
def address(plate_id: int):
    """One door-plate address in full, down to ?building=3&unit=2&room=501; main or secondary."""
    from placenames.numbering import lookup

    finer = {key: request.args.get(key) for key in ("building", "unit", "room")}
    return jsonify(lookup.describe(current_store(), plate_id, **finer))


@blueprint.get("/addresses")
@auth.requires(PLACENAME_OFFICER)
def address_by_text():
    """The current door-plate address that ?text=子君路88号 (or a full standard address) names."""
    from placenames.numbering import lookup

    text = request.args.get("text", "")
    if not text.strip():
        raise BadRequest("请给出地址 text（如 子君路88号）", "Give the address as 'text' (e.g. 子君路88号)")
    return jsonify(lookup.find(current_store(), text))


@blueprint.post("/roads/<name>/renumber")
@auth.requires(PLACENAME_OFFICER)
@takes(ReasonBody)
def renumber(name: str):
    from placenames.numbering import lifecycle

    changes = lifecycle.renumber(current_store(), name, actor=auth.actor(), reason=read_body(ReasonBody).reason or "")
    return jsonify({"items": changes})


class RoadNumberingBody(Body):
    """A road's own numbering settings (each optional; allowed values are checked by the domain)."""

    model_config = ConfigDict(extra="allow")

    reason: Text | None = None
    direction: Text | None = None
    odd_side: Text | None = None
    spacing_m: Number | None = None
    suffix_style: Text | None = None
    width_m: Number | None = None
    start_description: Text | None = None
    end_description: Text | None = None


@blueprint.put("/roads/<name>/numbering")
@auth.requires(PLACENAME_OFFICER)
@takes(RoadNumberingBody)
def set_numbering(name: str):
    from placenames.numbering import lifecycle

    body = read_body(RoadNumberingBody)
    values = body.model_dump(exclude_unset=True, exclude={"reason"})  # unknown keys reach the domain, which names them
    return jsonify(lifecycle.set_road_settings(current_store(), name, actor=auth.actor(), reason=body.reason, **values))


@blueprint.get("/roads/<name>/number-changes")
def number_changes(name: str):
    from placenames.numbering import lifecycle

    return jsonify({"items": lifecycle.changes(current_store(), name)})


class EntranceBody(Body):
    """A building's main entrance in CGCS2000 lon/lat, with a description and the reason."""

    lon: Number
    lat: Number
    description: Text | None = None
    reason: Text | None = None


@blueprint.put("/buildings/<int:building_id>/entrance")
@auth.requires(PLACENAME_OFFICER)
@takes(EntranceBody)
def set_entrance(building_id: int):
    """Record or move a building's main entrance: {"lon", "lat", "description", "reason"} (CGCS2000)."""
    import shapely

    from placenames.numbering import entrances

    body = read_body(EntranceBody)
    row = entrances.set_entrance(
        current_store(),
        building_id,
        shapely.Point(body.lon, body.lat),
        actor=auth.actor(),
        reason=body.reason,
        description=body.description,
    )
    return jsonify(row)


@blueprint.delete("/buildings/<int:building_id>/entrance")
@auth.requires(PLACENAME_OFFICER)
def clear_entrance(building_id: int):
    """Forget a building's recorded entrance (numbering falls back to its outline)."""
    from placenames.numbering import entrances

    entrances.clear_entrance(current_store(), building_id, actor=auth.actor(), reason=request.args.get("reason"))
    return "", 204
