"""/api/v1 for the place-name register and the naming procedure.

Officers (role placename_officer) read and move applications; anyone may read the
categories, romanize, search current and former names, read open public notices
and comment on them. Thin: parse, call ``placenames``, return JSON.
"""

from __future__ import annotations

import base64
import io
from typing import Annotated

from flask import Blueprint, current_app, jsonify, request, send_file
from pydantic import Field

from accounts.roles import PLACENAME_OFFICER
from api import auth
from api.inputs import Body, RecordId, Text, current_store, int_arg, read_body, takes
from api.ratelimit import limited
from gis.errors import BadRequest

blueprint = Blueprint("names", __name__)

# A record's version for optimistic locking: a JSON integer the version column can hold.
Version = Annotated[int, Field(strict=True, ge=0, le=2**31 - 1)]


# --- public -----------------------------------------------------------------------------


@blueprint.get("/names/categories")
def categories():
    from placenames import categories as table

    return jsonify(categories=[c.to_dict() for c in table.categories().values()])


@blueprint.get("/names/romanize")
def romanize():
    from placenames.romanization import romanize as spell

    text = request.args.get("text", "").strip()
    if not text:
        raise BadRequest("请给出 text 参数", "Give the 'text' parameter")
    category = request.args.get("category") or None
    return jsonify(
        text=text,
        romanization=spell(text, category=category),
        sign=spell(text, category=category, sign=True),
        tones=spell(text, category=category, tones=True),
    )


@blueprint.get("/names/search")
def search():
    from placenames import register

    text = request.args.get("q", "").strip()
    if not text:
        raise BadRequest("请给出 q 参数", "Give the 'q' parameter")
    with current_store().read() as session:
        return jsonify(results=register.search(session, text))


@blueprint.get("/notices")
def notices():
    from placenames import notice_board

    return jsonify(notices=notice_board.open_notices(current_store()))


@blueprint.get("/notices/<int:application_id>")
def notice(application_id: int):
    from placenames import notice_board

    return jsonify(notice_board.notice(current_store(), application_id))


class CommentBody(Body):
    """A public comment on a notice; name and contact are optional and never published."""

    body: Text | None = None
    author_name: Text | None = None
    author_contact: Text | None = None


@blueprint.post("/notices/<int:application_id>/comments")
@limited(10, 600)
@takes(CommentBody)
def comment(application_id: int):
    """Anyone may comment while the notice runs; name and contact are optional and private."""
    from placenames import notices as service

    body = read_body(CommentBody)
    comment_id = service.add_comment(
        current_store(), application_id, body.body, author_name=body.author_name, author_contact=body.author_contact
    )
    return jsonify(id=comment_id), 201


# --- officers ---------------------------------------------------------------------------


class NameCheckBody(Body):
    """A proposed name and its category code, checked against the register and the rules."""

    name: Text
    category: Text
    admin_code: Text | None = None


@blueprint.post("/names/check")
@auth.requires(PLACENAME_OFFICER)
@takes(NameCheckBody)
def check():
    from placenames import register

    body = read_body(NameCheckBody)  # an empty name gets the empty-name finding
    return jsonify(register.check_name(current_store(), body.name, body.category, body.admin_code).to_dict())


@blueprint.get("/names")
@auth.requires(PLACENAME_OFFICER)
def list_names():
    """Register entries, one page: ?q= (name or pinyin), ?category=, ?status=, ?subdistrict= (12-digit code),
    ?limit= (1–1000, default 200), ?offset=; with the total that match."""
    from placenames import register_browse

    with current_store().read() as session:
        page = register_browse.browse(
            session,
            q=request.args.get("q"),
            status=request.args.get("status"),
            category=request.args.get("category"),
            subdistrict=request.args.get("subdistrict"),
            limit=min(int_arg("limit", 200, minimum=1), register_browse.MAX_LIMIT),
            offset=int_arg("offset", 0, maximum=2**31 - 1),
        )
    return jsonify(page)


class NameEditBody(Body):
    """A correction of register fields under optimistic locking (``version``)."""

    changes: dict | None = None
    reason: Text | None = None
    version: Version | None = None


@blueprint.patch("/names/<int:name_id>")
@auth.requires(PLACENAME_OFFICER)
@takes(NameEditBody)
def edit_name(name_id: int):
    """{"version": n, "reason": ..., "changes": {field: value}}: census fields and the romanization override."""
    from placenames import register

    body = read_body(NameEditBody)
    if not body.changes or not body.reason or not body.reason.strip():
        raise BadRequest("请给出 changes（字段与新值）和 reason", "Give 'changes' (fields and new values) and 'reason'")
    register.update_name(current_store(), name_id, body.changes, actor=auth.actor(), reason=body.reason.strip(), version=body.version)
    with current_store().read() as session:
        return jsonify(register.officer_dict(session, register.get_name(session, name_id)))


@blueprint.get("/names/<int:name_id>")
@auth.requires(PLACENAME_OFFICER)
def name_record(name_id: int):
    """Every field of the entry, its category and area in words, former names, and the applications about it."""
    from placenames import register_browse

    with current_store().read() as session:
        return jsonify(register_browse.entry_view(session, name_id))


@blueprint.get("/names/<int:name_id>/history")
@auth.requires(PLACENAME_OFFICER)
def name_history(name_id: int):
    entries = current_store().history("place_names", name_id)
    return jsonify(
        history=[
            {
                "at": e.occurred_at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "version": e.version,
                "reason": e.reason,
                "before": e.before,
                "after": e.after,
            }
            for e in entries
        ]
    )


@blueprint.get("/applications")
@auth.requires(PLACENAME_OFFICER)
def list_applications():
    from placenames import applications

    return jsonify(applications=applications.list_applications(current_store(), request.args.get("state"), request.args.get("kind")))


class ApplicationBody(Body):
    """A naming application (申报): ``kind`` name|rename|cancel; required fields are checked by the domain."""

    kind: Text | None = None
    reasons: Text | None = None
    applicant_name: Text | None = None
    applicant_organisation: Text | None = None
    applicant_contact: Text | None = None
    notice_days: Annotated[int, Field(strict=True)] | None = None
    justification: Text | None = None
    geometry: dict | None = None
    proposed_name: Text | None = None
    category_code: Text | None = None
    generic: Text | None = None
    admin_code: Text | None = None
    location_description: Text | None = None
    place_name_id: RecordId | None = None
    meaning: Text | None = None
    origin: Text | None = None
    history: Text | None = None
    entity_description: Text | None = None
    assessment_report: Text | None = None
    expert_report: Text | None = None
    consultation_report: Text | None = None


@blueprint.post("/applications")
@auth.requires(PLACENAME_OFFICER)
@takes(ApplicationBody)
def create_application():
    from placenames import applications

    body = read_body(ApplicationBody)
    application_id = applications.create_application(current_store(), body.model_dump(exclude_unset=True), actor=auth.actor())
    return jsonify(applications.officer_view(current_store(), application_id)), 201


@blueprint.get("/applications/<int:application_id>")
@auth.requires(PLACENAME_OFFICER)
def application(application_id: int):
    from placenames import applications

    return jsonify(applications.officer_view(current_store(), application_id))


class TransitionBody(Body):
    """One step of the naming procedure; which texts and dates a step needs is checked by the domain."""

    action: Text
    version: Version | None = None
    reason: Text | None = None
    justification: Text | None = None
    officer_opinion: Text | None = None
    approving_body: Text | None = None
    approval_document: Text | None = None
    approved_on: Text | None = None
    filed_with: Text | None = None
    filed_on: Text | None = None
    announced_on: Text | None = None


@blueprint.post("/applications/<int:application_id>/transitions")
@auth.requires(PLACENAME_OFFICER)
@takes(TransitionBody)
def transition(application_id: int):
    """{"action": "accept"|"review"|"start_notice"|"approve"|"reject"|"withdraw"|"file"|"announce", "reason": ..., "version": n, ...}"""
    from placenames import applications, transitions

    body = read_body(TransitionBody)
    data = body.model_dump(exclude_unset=True)
    transitions.apply_action(current_store(), application_id, body.action, data, actor=auth.actor(), version=body.version)
    return jsonify(applications.officer_view(current_store(), application_id))


@blueprint.post("/applications/<int:application_id>/attachments")
@auth.requires(PLACENAME_OFFICER)
def add_attachment(application_id: int):
    """multipart/form-data: ``file``, ``kind`` (assessment|expert_opinion|public_consultation|other), ``note``?"""
    from placenames import attachments

    upload = request.files.get("file")
    if upload is None:
        raise BadRequest("请以 multipart/form-data 的 file 字段上传文件", "Upload the file as the multipart/form-data field 'file'")
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 2**31
    body = attachments.add_attachment(
        current_store(),
        application_id,
        kind=request.form.get("kind"),
        filename=upload.filename,
        content=upload.read(limit + 1),
        media_type=upload.mimetype,
        note=request.form.get("note"),
        actor=auth.actor(),
        max_bytes=limit,
    )
    return jsonify(body), 201


@blueprint.get("/applications/<int:application_id>/attachments")
@auth.requires(PLACENAME_OFFICER)
def list_attachments(application_id: int):
    from placenames import attachments

    return jsonify(attachments=attachments.list_attachments(current_store(), application_id))


@blueprint.get("/applications/<int:application_id>/attachments/<int:attachment_id>")
@auth.requires(PLACENAME_OFFICER)
def download_attachment(application_id: int, attachment_id: int):
    from placenames import attachments

    found = attachments.download(current_store(), application_id, attachment_id)
    response = send_file(
        io.BytesIO(found.content), mimetype=found.media_type, as_attachment=True, download_name=found.filename, etag=found.sha256, max_age=0
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Digest"] = f"sha-256={base64.b64encode(bytes.fromhex(found.sha256)).decode()}"
    return response


@blueprint.get("/applications/<int:application_id>/comments")
@auth.requires(PLACENAME_OFFICER)
def application_comments(application_id: int):
    from placenames import applications

    return jsonify(comments=applications.officer_view(current_store(), application_id)["comments"])


@blueprint.get("/deadlines")
@auth.requires(PLACENAME_OFFICER)
def deadlines():
    from placenames import notices as service

    return jsonify(deadlines=service.deadlines(current_store(), int_arg("within", 7, maximum=3650)))
