"""/api/v1/units, /boundary-lines, /boundary-markers, /boundary-inspections: administrative
units through time, boundary lines, markers (界桩) and joint inspections (联检).

Reading the map of units is public; everything about lines, markers and inspections
beyond the public OGC collections is for boundary officers, who alone may write.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated
from urllib.parse import quote

import shapely
from flask import Blueprint, current_app, jsonify, request
from pydantic import Field

from accounts.roles import BOUNDARY_OFFICER
from api import auth
from api.inputs import Body, Number, Text, current_store, date_value, json_body, read_body, takes
from gis.errors import BadRequest
from gis.geojson_input import parse_geometry

blueprint = Blueprint("boundaries", __name__)


def _number(body: dict, name: str, default=None, *, positive: bool = False):
    value = body.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or (positive and value <= 0):
        raise BadRequest(f"{name} 应为{'正' if positive else ''}数", f"'{name}' must be a {'positive ' if positive else ''}number")
    return float(value)


def _point(body: dict, required: bool = True):
    lon, lat = body.get("lon"), body.get("lat")
    if lon is None and lat is None and not required:
        return None
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lon, lat))
    if not numbers:
        raise BadRequest("须给出经纬度 lon、lat（CGCS2000）", "Give the position as 'lon', 'lat' (CGCS2000)")
    return parse_geometry({"type": "Point", "coordinates": [lon, lat]})


def _unit(unit) -> dict:
    return {
        "id": unit.id,
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "parent_code": unit.parent_code,
        "valid_from": unit.valid_from.isoformat(),
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "version": unit.version,
    }


def _feature(unit) -> dict:
    return {
        "type": "Feature",
        "id": unit.id,
        "geometry": shapely.geometry.mapping(unit.geom) if unit.geom is not None else None,
        "properties": _unit(unit),
    }


# --- units -------------------------------------------------------------------------


@blueprint.get("/units")
def units_map():
    """The map of a date (today by default): GeoJSON of the unit versions in force."""
    from boundaries.units import units_at

    date = date_value(request.args.get("date"), "date") or dt.date.today()
    units = units_at(current_store(), date, request.args.get("level") or None)
    return jsonify({"type": "FeatureCollection", "date": date.isoformat(), "features": [_feature(u) for u in units]})


@blueprint.get("/units/<code>/history")
def unit_history(code: str):
    from boundaries.units import history

    record = history(current_store(), code)
    changes = [
        {
            "id": c.id,
            "kind": c.kind,
            "effective": c.effective.isoformat(),
            "closed": c.closed_codes,
            "added": c.added_codes,
            "document": c.document,
        }
        for c in record["changes"]
    ]
    return jsonify({"code": code, "versions": [_unit(v) for v in record["versions"]], "changes": changes})


@blueprint.post("/units/reorganisations")
@auth.requires(BOUNDARY_OFFICER)
def reorganise_units():
    from boundaries.units import NewUnit, reorganise

    body = json_body()
    added = []
    if not isinstance(body.get("add") or [], list):
        raise BadRequest("add 应为新单元列表", "'add' must be a list of new units", details={"field": "add"})
    for item in body.get("add") or []:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("code", "name", "level")):
            raise BadRequest("add 的每项须有 code、name、level", "Each item of 'add' needs code, name and level")
        geom = parse_geometry(item["geometry"]) if item.get("geometry") else None
        added.append(NewUnit(item["code"], item["name"], item["level"], item.get("parent_code"), geom))
    close = body.get("close") or []
    if not isinstance(close, list) or not all(isinstance(c, str) for c in close) or not isinstance(body.get("kind"), str):
        raise BadRequest("须给出 kind 及 close（代码列表）", "Give 'kind' and 'close' (a list of codes)")
    change = reorganise(
        current_store(),
        kind=body["kind"],
        effective=date_value(body.get("effective"), "effective", required=True),
        close=close,
        add=added,
        actor=auth.actor(),
        reason=body.get("reason") or "区划调整 reorganisation",
        document=body.get("document"),
    )
    return jsonify(
        {
            "id": change.id,
            "kind": change.kind,
            "effective": change.effective.isoformat(),
            "closed": change.closed_codes,
            "added": change.added_codes,
        },
    ), 201


@blueprint.get("/units/check")
@auth.requires(BOUNDARY_OFFICER)
def check_units():
    from boundaries.topology.stored import check_stored

    report = check_stored(current_store(), date=date_value(request.args.get("date"), "date"))
    return jsonify(report.to_dict())


# --- lines -------------------------------------------------------------------------


@blueprint.post("/boundary-lines/build")
@auth.requires(BOUNDARY_OFFICER)
def build_lines():
    from boundaries.lines.builder import BuildOptions
    from boundaries.lines.service import build_and_save

    body = json_body()
    level = body.get("level", "subdistrict")
    if not isinstance(level, str):
        raise BadRequest("level 应为字符串", "'level' must be a string")
    options = BuildOptions(tolerance_m=_number(body, "tolerance_m", 25.0, positive=True))
    counts = build_and_save(
        current_store(), level, actor=auth.actor(), reason=body.get("reason") or "由区划面生成界线 build lines", options=options
    )
    return jsonify(counts), 201


@blueprint.get("/boundary-lines")
def list_lines():
    from boundaries.lines.service import line_summary, list_lines

    lines = list_lines(current_store(), request.args.get("level"))
    return jsonify({"lines": [line_summary(line) for line in lines]})


@blueprint.get("/boundary-lines/<int:line_id>")
@auth.requires(BOUNDARY_OFFICER)
def get_line(line_id: int):
    from boundaries.lines.description import stretches
    from boundaries.lines.service import get_line as load
    from boundaries.lines.service import line_summary

    with current_store().read() as session:
        line = load(session, line_id)
    body = line_summary(line, full=True)
    body["course"] = stretches(line.geom)
    return jsonify(body)


@blueprint.put("/boundary-lines/<int:line_id>/description")
@auth.requires(BOUNDARY_OFFICER)
def put_description(line_id: int):
    from boundaries.lines.service import edit_description, line_summary

    body = json_body()
    text, version = body.get("text"), body.get("version")
    if (text is not None and not isinstance(text, str)) or not isinstance(version, int) or isinstance(version, bool):
        raise BadRequest(
            "须给出 text（字符串，null 表示恢复自动生成）和 version", "Give 'text' (a string, or null for the generated one) and 'version'"
        )
    return jsonify(line_summary(edit_description(current_store(), line_id, text, version=version, actor=auth.actor())))


# --- markers -----------------------------------------------------------------------


@blueprint.get("/boundary-lines/<int:line_id>/markers")
@auth.requires(BOUNDARY_OFFICER)
def line_markers(line_id: int):
    from boundaries.markers import marker_dict, markers_of

    return jsonify({"markers": [marker_dict(m) for m in markers_of(current_store(), line_id)]})


class MarkerBody(Body):
    """A marker to register on a line (GB/T 17797 界桩): position in CGCS2000 lon/lat."""

    serial: Annotated[int, Field(strict=True, ge=0, le=2**31 - 1)]
    marker_type: Text
    letter: Text
    lon: Number
    lat: Number
    responsible_code: Text | None = None
    material: Text | None = None
    erected_on: Text | None = None
    reference_objects: list[dict] | None = None
    photos: list[Text] | None = None
    remarks: Text | None = None
    elevation_m: Number | None = None


@blueprint.post("/boundary-lines/<int:line_id>/markers")
@auth.requires(BOUNDARY_OFFICER)
@takes(MarkerBody)
def add_marker(line_id: int):
    """Register a marker: see ``MarkerBody``."""
    from boundaries.markers import marker_dict, register_marker

    body = read_body(MarkerBody)
    marker = register_marker(
        current_store(),
        line_id,
        serial=body.serial,
        marker_type=body.marker_type,
        letter=body.letter,
        geom=parse_geometry({"type": "Point", "coordinates": [body.lon, body.lat]}),
        actor=auth.actor(),
        responsible_code=body.responsible_code,
        material=body.material,
        erected_on=date_value(body.erected_on, "erected_on"),
        reference_objects=body.reference_objects,
        photos=body.photos or [],
        remarks=body.remarks,
        elevation_m=body.elevation_m,
    )
    return jsonify(marker_dict(marker)), 201


@blueprint.get("/boundary-lines/<int:line_id>/markers/table")
@auth.requires(BOUNDARY_OFFICER)
def marker_register(line_id: int):
    """界桩成果表 of one line: ``?format=json`` (default), ``csv``, ``gpkg`` or ``html`` (printable)."""
    import tempfile
    from pathlib import Path

    from flask import Response

    from boundaries.marker_table import FORMATS, marker_table, to_csv, to_html, write_gpkg

    kind = request.args.get("format", "json")
    if kind not in (*FORMATS, "json"):
        raise BadRequest("format 应为 json、csv、gpkg 或 html", "'format' must be json, csv, gpkg or html")
    table = marker_table(current_store(), line_id)
    if kind == "json":
        table.pop("_points")
        return jsonify(table)
    name = f"markers-{table['header']['line_code']}.{kind}"
    if kind == "csv":
        body, mimetype = to_csv(table), "text/csv; charset=utf-8"
    elif kind == "html":
        return Response(to_html(table), mimetype="text/html")
    else:
        with tempfile.TemporaryDirectory() as folder:
            body, mimetype = write_gpkg(table, Path(folder) / name).read_bytes(), "application/geopackage+sqlite3"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


class SyntheticMarkersBody(Body):
    """Where to place a plain marker set (all optional): spacing, turn angle, width of paired markers."""

    spacing_km: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 1.0
    turn_deg: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 30.0
    pair_width_m: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 20.0


@blueprint.post("/boundary-lines/<int:line_id>/markers/synthetic")
@auth.requires(BOUNDARY_OFFICER)
@takes(SyntheticMarkersBody)
def synthetic_markers(line_id: int):
    from boundaries.markers import add_synthetic_markers, marker_dict

    body = read_body(SyntheticMarkersBody) if request.content_length else SyntheticMarkersBody()
    placed = add_synthetic_markers(
        current_store(), line_id, actor=auth.actor(), spacing_km=body.spacing_km, turn_deg=body.turn_deg, pair_width_m=body.pair_width_m
    )
    return jsonify({"markers": [marker_dict(m) for m in placed]}), 201


# --- joint inspections --------------------------------------------------------------


@blueprint.post("/boundary-inspections")
@auth.requires(BOUNDARY_OFFICER)
def open_campaign():
    from boundaries.inspections import DEFAULT_TOLERANCE_M
    from boundaries.inspections import open_campaign as start

    body = json_body()
    if not isinstance(body.get("line_id"), int) or not all(isinstance(body.get(k), str) for k in ("code", "party_a", "party_b")):
        raise BadRequest("须给出 line_id、code、party_a、party_b", "Give 'line_id', 'code', 'party_a' and 'party_b'")
    if any(body.get(k) is not None and not isinstance(body.get(k), str) for k in ("party_a_code", "party_b_code")):
        raise BadRequest("party_a_code、party_b_code 应为单位代码文本", "'party_a_code' and 'party_b_code' must be unit codes as text")
    campaign = start(
        current_store(),
        body["line_id"],
        code=body["code"],
        party_a=body["party_a"],
        party_b=body["party_b"],
        actor=auth.actor(),
        started_on=date_value(body.get("started_on"), "started_on", required=True),
        participants=body.get("participants"),
        tolerance_m=_number(body, "tolerance_m", DEFAULT_TOLERANCE_M, positive=True),
        remarks=body.get("remarks"),
        party_a_code=body.get("party_a_code"),
        party_b_code=body.get("party_b_code"),
    )
    return jsonify(
        {
            "id": campaign.id,
            "code": campaign.code,
            "status": campaign.status,
            "tolerance_m": campaign.tolerance_m,
            "party_a_code": campaign.party_a_code,
            "party_b_code": campaign.party_b_code,
        }
    ), 201


@blueprint.get("/boundary-inspections")
@auth.requires(BOUNDARY_OFFICER)
def list_campaigns():
    """Campaigns, newest first; ``?line_id=`` keeps one line's (the boundary workspace picks from these)."""
    from boundaries.inspections import list_campaigns as campaigns_of

    line_id = request.args.get("line_id")
    if line_id is not None and not line_id.isdigit():
        raise BadRequest("line_id 应为界线编号", "'line_id' must be a line id")
    campaigns = campaigns_of(current_store(), int(line_id) if line_id is not None else None)
    return jsonify({"campaigns": campaigns})


@blueprint.get("/boundary-inspections/<int:campaign_id>")
@auth.requires(BOUNDARY_OFFICER)
def campaign_report(campaign_id: int):
    from boundaries.inspection_report import campaign_report as build

    report = build(current_store(), campaign_id)
    report.pop("_geoms")
    return jsonify(report)


@blueprint.post("/boundary-inspections/<int:campaign_id>/markers")
@auth.requires(BOUNDARY_OFFICER)
def record_marker(campaign_id: int):
    from boundaries.inspections import record_marker as record

    body = json_body()
    if not isinstance(body.get("marker_id"), int) or not isinstance(body.get("status"), str):
        raise BadRequest("须给出 marker_id 和 status", "Give 'marker_id' and 'status'")
    corrects = body.get("corrects_id")
    if corrects is not None and (not isinstance(corrects, int) or isinstance(corrects, bool)):
        raise BadRequest("corrects_id 应为整数", "'corrects_id' must be an integer")
    result = record(
        current_store(),
        campaign_id,
        body["marker_id"],
        status=body["status"],
        measured=_point(body, required=False),
        actor=auth.actor(),
        reference_changes=body.get("reference_changes"),
        photos=body.get("photos"),
        remarks=body.get("remarks"),
        corrects_id=corrects,
    )
    return jsonify(
        {
            "id": result.id,
            "status": result.status,
            "displacement_m": result.displacement_m,
            "flagged": result.flagged,
            "corrects_id": result.corrects_id,
        },
    ), 201


@blueprint.post("/boundary-inspections/<int:campaign_id>/findings")
@auth.requires(BOUNDARY_OFFICER)
def record_finding(campaign_id: int):
    from boundaries.inspections import record_finding as record

    body = json_body()
    if not isinstance(body.get("kind"), str) or not isinstance(body.get("description"), str):
        raise BadRequest("须给出 kind、description、from_m、to_m", "Give 'kind', 'description', 'from_m' and 'to_m'")
    from_m, to_m = _number(body, "from_m"), _number(body, "to_m")
    if from_m is None or to_m is None:
        raise BadRequest("须给出 from_m、to_m（米）", "Give 'from_m' and 'to_m' (metres)")
    corrects = body.get("corrects_id")
    if corrects is not None and (not isinstance(corrects, int) or isinstance(corrects, bool)):
        raise BadRequest("corrects_id 应为整数", "'corrects_id' must be an integer")
    finding = record(
        current_store(),
        campaign_id,
        kind=body["kind"],
        from_m=from_m,
        to_m=to_m,
        description=body["description"],
        actor=auth.actor(),
        corrects_id=corrects,
    )
    return jsonify({"id": finding.id, "kind": finding.kind, "from_m": finding.from_m, "to_m": finding.to_m}), 201


@blueprint.post("/boundary-inspections/<int:campaign_id>/sign")
@auth.requires(BOUNDARY_OFFICER)
def sign(campaign_id: int):
    from boundaries.signoff import sign as do_sign

    body = json_body()
    if body.get("party") not in ("a", "b"):
        raise BadRequest("party 应为 a 或 b", "'party' must be 'a' or 'b'")
    campaign = do_sign(
        current_store(), campaign_id, party=body["party"], actor=auth.actor(), ended_on=date_value(body.get("ended_on"), "ended_on")
    )
    return jsonify(_signatures(campaign))


def _signatures(campaign) -> dict:
    return {
        "id": campaign.id,
        "status": campaign.status,
        "signed_a_by": campaign.signed_a_by,
        "signed_b_by": campaign.signed_b_by,
        "ended_on": campaign.ended_on.isoformat() if campaign.ended_on else None,
    }


@blueprint.post("/boundary-inspections/<int:campaign_id>/signature-documents")
@auth.requires(BOUNDARY_OFFICER)
def file_signature(campaign_id: int):
    """multipart/form-data: ``file`` (the neighbour's signed paper), ``party``, ``signatory``, ``document_no``, ``ended_on``?"""
    from boundaries.signoff import file_signature as file_paper

    upload = request.files.get("file")
    if upload is None:
        raise BadRequest("请以 multipart/form-data 的 file 字段上传文件", "Upload the file as the multipart/form-data field 'file'")
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 2**31
    campaign = file_paper(
        current_store(),
        campaign_id,
        party=request.form.get("party", ""),
        signatory=request.form.get("signatory", ""),
        document_no=request.form.get("document_no", ""),
        filename=upload.filename,
        content=upload.read(limit + 1),
        media_type=upload.mimetype,
        actor=auth.actor(),
        ended_on=date_value(request.form.get("ended_on"), "ended_on"),
    )
    return jsonify(_signatures(campaign)), 201


@blueprint.post("/boundary-inspections/<int:campaign_id>/addenda")
@auth.requires(BOUNDARY_OFFICER)
def open_addendum(campaign_id: int):
    """After sign-off, changes are an addendum (补充记录): a new campaign both parties sign again."""
    from boundaries.signoff import open_addendum as start

    body = json_body() if request.content_length else {}
    code, remarks = body.get("code"), body.get("remarks")
    if any(v is not None and not isinstance(v, str) for v in (code, remarks)):
        raise BadRequest("code、remarks 应为文本", "'code' and 'remarks' must be text")
    addendum = start(current_store(), campaign_id, actor=auth.actor(), code=code, remarks=remarks)
    return jsonify({"id": addendum.id, "code": addendum.code, "status": addendum.status, "addendum_of": addendum.addendum_of}), 201


@blueprint.get("/boundary-inspections/<int:campaign_id>/agreement")
@auth.requires(BOUNDARY_OFFICER)
def campaign_agreement(campaign_id: int):
    """联检协议书 of a campaign signed by both parties: ``?format=html`` (printable, default) or ``docx``."""
    from flask import Response

    from boundaries.agreement import FORMATS, agreement, render

    kind = request.args.get("format", "html")
    if kind not in FORMATS:
        raise BadRequest("format 应为 html 或 docx", "'format' must be html or docx")
    doc = agreement(current_store(), campaign_id)
    if kind == "html":
        return Response(render(doc, kind), mimetype="text/html")
    name = f"agreement-{doc['campaign']}.docx"
    return Response(
        render(doc, kind),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )
