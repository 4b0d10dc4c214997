"""/api/v1/units, /boundary-lines, /boundary-markers, /boundary-inspections: administrative
units through time, boundary lines, markers (界桩) and joint inspections (联检).

Reading the map of units is public; everything about lines, markers and inspections
beyond the public OGC collections is for boundary officers, who alone may write.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import quote

import shapely
from flask import Blueprint, current_app, jsonify, request
from pydantic import Field

from accounts.roles import BOUNDARY_OFFICER
from api import auth
from api.inputs import Body, Number, RecordId, Text, current_store, date_value, int_value, read_body, required_date, takes
from gis.errors import BadRequest
from gis.geojson_input import parse_geometry

blueprint = Blueprint("boundaries", __name__)


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


Count = Annotated[int, Field(strict=True, ge=0, le=2**31 - 1)]


class NewUnitBody(Body):
    """A unit a reorganisation adds; ``geometry`` is GeoJSON in CGCS2000 lon/lat."""

    code: Text
    name: Text
    level: Text
    parent_code: Text | None = None
    geometry: dict[str, Any] | None = None
    households: Count | None = None
    population: Count | None = None


class ReorganisationBody(Body):
    """The API's form of the reorganisation file (``boundaries.reorganisation_file``)."""

    kind: Text
    effective: Text  # YYYY-MM-DD
    close: list[Text] | None = None
    add: list[NewUnitBody] | None = None
    reason: Text | None = None
    document: Text | None = None


@blueprint.post("/units/reorganisations")
@auth.requires(BOUNDARY_OFFICER)
@takes(ReorganisationBody)
def reorganise_units():
    """Save a reorganisation, refused (409) when it introduces gaps, overlaps or units outside
    their parent; ``?preview=1`` only returns the topology findings before and after (200)."""
    from boundaries.reorganisation_file import parse_reorganisation
    from boundaries.units import preview, reorganise

    request_ = parse_reorganisation(read_body(ReorganisationBody).model_dump(exclude_none=True))
    if request.args.get("preview", "").lower() in ("1", "true", "yes"):
        return jsonify(preview(current_store(), **request_.change()).to_dict())
    change = reorganise(
        current_store(),
        **request_.change(),
        actor=auth.actor(),
        reason=request_.reason or "区划调整 reorganisation",
        document=request_.document,
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


Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class BuildLinesBody(Body):
    """Which level's boundary lines to build from the unit polygons, and how closely sides must meet."""

    level: Text = "subdistrict"
    tolerance_m: Positive = 25.0
    reason: Text | None = None


@blueprint.post("/boundary-lines/build")
@auth.requires(BOUNDARY_OFFICER)
@takes(BuildLinesBody)
def build_lines():
    from boundaries.lines.builder import BuildOptions
    from boundaries.lines.service import build_and_save

    body = read_body(BuildLinesBody)
    options = BuildOptions(tolerance_m=body.tolerance_m)
    counts = build_and_save(
        current_store(), body.level, actor=auth.actor(), reason=body.reason or "由区划面生成界线 build lines", options=options
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


class DescriptionBody(Body):
    """A line's written description (null: back to the generated one) and the version it edits."""

    text: Text | None = None
    version: Annotated[int, Field(strict=True, ge=0, le=2**31 - 1)]


@blueprint.put("/boundary-lines/<int:line_id>/description")
@auth.requires(BOUNDARY_OFFICER)
@takes(DescriptionBody)
def put_description(line_id: int):
    from boundaries.lines.service import edit_description, line_summary

    body = read_body(DescriptionBody)
    return jsonify(line_summary(edit_description(current_store(), line_id, body.text, version=body.version, actor=auth.actor())))


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


@blueprint.post("/boundary-lines/<int:line_id>/markers/import")
@auth.requires(BOUNDARY_OFFICER)
def import_markers(line_id: int):
    """multipart/form-data ``file``: a surveyed 界桩成果表 (.csv or .xlsx, the columns of the table export), all or nothing."""
    from boundaries.marker_import import import_table
    from boundaries.markers import marker_dict

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest("请以 multipart/form-data 的 file 字段上传成果表", "Upload the table as the multipart/form-data field 'file'")
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 2**31
    added = import_table(
        current_store(), line_id, upload.read(limit + 1), upload.filename, actor=auth.actor(), reason=request.form.get("reason")
    )
    return jsonify({"markers": [marker_dict(m) for m in added]}), 201


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


class CampaignBody(Body):
    """A joint inspection (联检) of one line by both parties; ``tolerance_m`` defaults to the service's."""

    line_id: RecordId
    code: Text
    party_a: Text
    party_b: Text
    started_on: Text
    participants: list[Text] | None = None
    tolerance_m: Positive | None = None
    remarks: Text | None = None
    party_a_code: Text | None = None
    party_b_code: Text | None = None


@blueprint.post("/boundary-inspections")
@auth.requires(BOUNDARY_OFFICER)
@takes(CampaignBody)
def open_campaign():
    from boundaries.inspections import DEFAULT_TOLERANCE_M
    from boundaries.inspections import open_campaign as start

    body = read_body(CampaignBody)
    campaign = start(
        current_store(),
        body.line_id,
        code=body.code,
        party_a=body.party_a,
        party_b=body.party_b,
        actor=auth.actor(),
        started_on=required_date(body.started_on, "started_on"),
        participants=body.participants,
        tolerance_m=body.tolerance_m if body.tolerance_m is not None else DEFAULT_TOLERANCE_M,
        remarks=body.remarks,
        party_a_code=body.party_a_code,
        party_b_code=body.party_b_code,
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

    raw = request.args.get("line_id")
    line_id = None if raw in (None, "") else int_value(raw, "line_id", 0, minimum=1, maximum=2**31 - 1)
    campaigns = campaigns_of(current_store(), line_id)
    return jsonify({"campaigns": campaigns})


@blueprint.get("/boundary-inspections/<int:campaign_id>")
@auth.requires(BOUNDARY_OFFICER)
def campaign_report(campaign_id: int):
    from boundaries.inspection_report import campaign_report as build

    report = build(current_store(), campaign_id)
    report.pop("_geoms")
    return jsonify(report)


class MarkerRecordBody(Body):
    """What the inspection found at one marker; ``lon``/``lat`` the measured position (CGCS2000), if measured."""

    marker_id: RecordId
    status: Text
    lon: Number | None = None
    lat: Number | None = None
    reference_changes: Text | None = None
    photos: list[Text] | None = None
    remarks: Text | None = None
    corrects_id: RecordId | None = None


@blueprint.post("/boundary-inspections/<int:campaign_id>/markers")
@auth.requires(BOUNDARY_OFFICER)
@takes(MarkerRecordBody)
def record_marker(campaign_id: int):
    from boundaries.inspections import record_marker as record

    body = read_body(MarkerRecordBody)
    result = record(
        current_store(),
        campaign_id,
        body.marker_id,
        status=body.status,
        measured=_point({"lon": body.lon, "lat": body.lat}, required=False),
        actor=auth.actor(),
        reference_changes=body.reference_changes,
        photos=body.photos,
        remarks=body.remarks,
        corrects_id=body.corrects_id,
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


class StretchFindingBody(Body):
    """A finding along the line between ``from_m`` and ``to_m`` metres from its start."""

    kind: Text
    description: Text
    from_m: Number
    to_m: Number
    corrects_id: RecordId | None = None


@blueprint.post("/boundary-inspections/<int:campaign_id>/findings")
@auth.requires(BOUNDARY_OFFICER)
@takes(StretchFindingBody)
def record_finding(campaign_id: int):
    from boundaries.inspections import record_finding as record

    body = read_body(StretchFindingBody)
    finding = record(
        current_store(),
        campaign_id,
        kind=body.kind,
        from_m=body.from_m,
        to_m=body.to_m,
        description=body.description,
        actor=auth.actor(),
        corrects_id=body.corrects_id,
    )
    return jsonify({"id": finding.id, "kind": finding.kind, "from_m": finding.from_m, "to_m": finding.to_m}), 201


class SignBody(Body):
    """Which party signs (``a`` or ``b``) and, optionally, the campaign's end date."""

    party: Literal["a", "b"]
    ended_on: Text | None = None


@blueprint.post("/boundary-inspections/<int:campaign_id>/sign")
@auth.requires(BOUNDARY_OFFICER)
@takes(SignBody)
def sign(campaign_id: int):
    from boundaries.signoff import sign as do_sign

    body = read_body(SignBody)
    campaign = do_sign(current_store(), campaign_id, party=body.party, actor=auth.actor(), ended_on=date_value(body.ended_on, "ended_on"))
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


class AddendumBody(Body):
    """Optional: the addendum's code (default: the campaign's with 补N) and remarks."""

    code: Text | None = None
    remarks: Text | None = None


@blueprint.post("/boundary-inspections/<int:campaign_id>/addenda")
@auth.requires(BOUNDARY_OFFICER)
@takes(AddendumBody)
def open_addendum(campaign_id: int):
    """After sign-off, changes are an addendum (补充记录): a new campaign both parties sign again."""
    from boundaries.signoff import open_addendum as start

    body = read_body(AddendumBody) if request.content_length else AddendumBody()
    addendum = start(current_store(), campaign_id, actor=auth.actor(), code=body.code, remarks=body.remarks)
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
