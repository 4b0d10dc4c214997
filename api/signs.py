"""/api/v1/signs, /plates, /inspections: the sign and plate inventory and its inspections (officers)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import shapely
from flask import Blueprint, Response, jsonify, request

from accounts.roles import PLACENAME_OFFICER
from api import auth
from api.inputs import Body, Number, RecordId, Text, current_store, date_value, flag, int_arg, read_body, required_date, takes
from gis.errors import BadRequest

blueprint = Blueprint("signs", __name__)

EXPORT_TYPES = {"csv": "text/csv", "gpkg": "application/geopackage+sqlite3", "geojson": "application/geo+json"}
IMPORT_SUFFIXES = (".csv", ".gpkg", ".geojson", ".json", ".zip")


@blueprint.get("/signs/report")
@auth.requires(PLACENAME_OFFICER)
def report():
    from placenames.signs import reports

    days = int_arg("due_days", reports.DUE_AFTER_DAYS, minimum=1, maximum=3650)
    return jsonify(reports.report(current_store(), today=date_value(request.args.get("today"), "today"), due_after_days=days))


def _filters():
    """The inventory filters of a query string: subdistrict, road, status, kind, mismatch, due."""
    from placenames.signs.listing import Filters

    args = request.args
    text = {key: (args.get(key) or "").strip() or None for key in ("subdistrict", "road", "status", "kind")}
    return Filters(**text, mismatch=flag(args.get("mismatch", "")), due=flag(args.get("due", "")))


def _due_days() -> int:
    from placenames.signs import reports

    return int_arg("due_days", reports.DUE_AFTER_DAYS, minimum=1, maximum=3650)


@blueprint.get("/signs")
@auth.requires(PLACENAME_OFFICER)
def list_items():
    """One page of road signs and plates: ?limit=&offset=&subdistrict=&road=&status=&kind=&mismatch=&due=."""
    from placenames.signs import listing

    return jsonify(
        listing.item_page(
            current_store(),
            _filters(),
            limit=int_arg("limit", listing.DEFAULT_LIMIT, minimum=1, maximum=listing.MAX_LIMIT),
            offset=int_arg("offset", 0, maximum=2**31 - 1),
            today=date_value(request.args.get("today"), "today"),
            due_after_days=_due_days(),
        )
    )


@blueprint.get("/signs/summary")
@auth.requires(PLACENAME_OFFICER)
def summary():
    """Counts and pass rates of the filtered items, in all and by subdistrict (same filters as /signs)."""
    from placenames.signs import listing

    today = date_value(request.args.get("today"), "today")
    return jsonify(listing.summary(current_store(), _filters(), today=today, due_after_days=_due_days()))


class SignBody(Body):
    """A road-name sign at a point (CGCS2000 lon/lat) on a named road."""

    road: Text
    lon: Number
    lat: Number
    sign_type: Text | None = None
    size: Text | None = None
    installed_on: Text | None = None


@blueprint.post("/signs")
@auth.requires(PLACENAME_OFFICER)
@takes(SignBody)
def add_sign():
    from placenames.signs import inventory

    body = read_body(SignBody)
    sign_id = inventory.add_road_sign(
        current_store(),
        body.road,
        shapely.Point(body.lon, body.lat),
        actor=auth.actor(),
        sign_type=body.sign_type or inventory.INTERSECTION_SIGN,
        size=body.size,
        installed_on=date_value(body.installed_on, "installed_on"),
    )
    return jsonify({"id": sign_id}), 201


class PlateBody(Body):
    """A plate (门牌/楼牌/单元牌/户牌) of a door number."""

    door_plate: RecordId
    level: Text
    label: Text | None = None
    plate_type: Text | None = None
    installed_on: Text | None = None


@blueprint.post("/plates")
@auth.requires(PLACENAME_OFFICER)
@takes(PlateBody)
def add_plate():
    from placenames.signs import inventory

    body = read_body(PlateBody)
    item = inventory.add_plate(
        current_store(),
        body.door_plate,
        body.level,
        actor=auth.actor(),
        label=body.label,
        plate_type=body.plate_type,
        installed_on=date_value(body.installed_on, "installed_on"),
    )
    return jsonify({"id": item}), 201


class RoundBody(Body):
    """An inspection round: its name, the inspector and the day (YYYY-MM-DD)."""

    name: Text | None = None
    inspector: Text | None = None
    held_on: Text | None = None


@blueprint.post("/inspections")
@auth.requires(PLACENAME_OFFICER)
@takes(RoundBody)
def open_round():
    from placenames.signs import inspections

    body = read_body(RoundBody)
    round_id = inspections.open_round(
        current_store(),
        body.name or "",
        inspector=body.inspector or "",
        held_on=required_date(body.held_on, "held_on"),
        actor=auth.actor(),
    )
    return jsonify({"id": round_id}), 201


class ResultBody(Body):
    """One item's result: ``kind`` road_sign or plate, ``result`` pass (no defects) or fail
    (defect codes); ``on`` YYYY-MM-DD, the round's date when absent."""

    kind: Text
    item: RecordId
    result: Text
    defects: list[Text] | None = None
    photos: Text | None = None
    on: Text | None = None
    note: Text | None = None


class ResultsBody(Body):
    results: list[ResultBody]


@blueprint.post("/inspections/<int:round_id>/results")
@auth.requires(PLACENAME_OFFICER)
@takes(ResultsBody)
def record(round_id: int):
    """One batch of results, all or nothing (``placenames.signs.inspections.record``)."""
    from placenames.signs import inspections

    results = [entry.model_dump(exclude_none=True) for entry in read_body(ResultsBody).results]
    for entry in results:
        entry["on"] = date_value(entry.get("on"), "on")
    return jsonify({"recorded": inspections.record(current_store(), round_id, results, actor=auth.actor())}), 201


@blueprint.post("/inspections/<int:round_id>/close")
@auth.requires(PLACENAME_OFFICER)
def close(round_id: int):
    from placenames.signs import inspections

    return jsonify(inspections.close_round(current_store(), round_id, actor=auth.actor()))


@blueprint.post("/inspections/<int:round_id>/reinspect")
@auth.requires(PLACENAME_OFFICER)
@takes(RoundBody)
def reinspect(round_id: int):
    from placenames.signs import inspections

    body = read_body(RoundBody)
    new_round, due = inspections.reinspect(
        current_store(),
        round_id,
        inspector=body.inspector or "",
        held_on=required_date(body.held_on, "held_on"),
        actor=auth.actor(),
    )
    return jsonify({"id": new_round, "items": [{"kind": kind, "item": item} for kind, item in due]}), 201


@blueprint.get("/signs/export")
@auth.requires(PLACENAME_OFFICER)
def export_signs():
    """The road signs with their inspection state: ?format=csv|gpkg|geojson&crs=&encoding=&headers=zh|en."""
    from placenames.signs import exchange

    return _export(exchange.export_signs, "road_signs")


@blueprint.get("/plates/export")
@auth.requires(PLACENAME_OFFICER)
def export_plates():
    """The plates (门牌/楼牌/单元牌/户牌) with address and inspection state: ?format=csv|gpkg|geojson."""
    from placenames.signs import exchange

    return _export(exchange.export_plates, "plates")


@blueprint.post("/signs/import")
@auth.requires(PLACENAME_OFFICER)
def import_signs():
    """Multipart form: ``file`` (+ ``crs``, ``encoding``, ``reason``); all or nothing, 400 lists every bad row."""
    from placenames.signs import exchange

    return _import(exchange.import_signs)


@blueprint.post("/plates/import")
@auth.requires(PLACENAME_OFFICER)
def import_plates():
    """Multipart form: ``file`` (+ ``crs``, ``encoding``, ``reason``); plates added or updated, all or nothing."""
    from placenames.signs import exchange

    return _import(exchange.import_plates)


def _export(export, stem: str) -> Response:
    fmt = request.args.get("format", "csv")
    if fmt not in EXPORT_TYPES:
        raise BadRequest(f"format 应为 {'、'.join(EXPORT_TYPES)} 之一", f"'format' must be one of {', '.join(EXPORT_TYPES)}")
    crs, encoding = request.args.get("crs") or "EPSG:4490", request.args.get("encoding") or "UTF-8"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stem}.{fmt}"
        export(current_store(), path, crs=crs, encoding=encoding, headers=request.args.get("headers") or "zh")
        data = path.read_bytes()
    return Response(data, mimetype=EXPORT_TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})


def _import(load):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest("请以 multipart 表单字段 file 上传文件", "Upload the file as the multipart form field 'file'")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise BadRequest(f"文件类型应为 {'、'.join(IMPORT_SUFFIXES)}", f"The file must be one of {', '.join(IMPORT_SUFFIXES)}")
    form = request.form
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        upload.save(path)
        summary = load(
            current_store(),
            path,
            actor=auth.actor(),
            reason=form.get("reason") or None,
            encoding=form.get("encoding") or None,
            crs=form.get("crs") or None,
        )
    return jsonify(summary.to_dict())
