"""/api/v1 for the place-name register and the naming procedure.

Officers (role placename_officer) read and move applications; anyone may read the
categories, romanize, search current and former names, read open public notices
and comment on them. Thin: parse, call ``placenames``, return JSON.
"""

from __future__ import annotations

import base64
import io

from flask import Blueprint, current_app, jsonify, request, send_file

from accounts.roles import PLACENAME_OFFICER
from api import auth
from api.inputs import current_store, json_body
from api.ratelimit import limited
from gis.errors import BadRequest

blueprint = Blueprint("names", __name__)


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"参数 {name} 应为整数", f"Parameter '{name}' must be a whole number") from None


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
    from placenames import notices as service

    return jsonify(notices=service.open_notices(current_store()))


@blueprint.get("/notices/<int:application_id>")
def notice(application_id: int):
    from placenames import notices as service

    return jsonify(service.notice(current_store(), application_id))


@blueprint.post("/notices/<int:application_id>/comments")
@limited(10, 600)
def comment(application_id: int):
    """Anyone may comment while the notice runs; name and contact are optional and private."""
    from placenames import notices as service

    body = json_body()
    comment_id = service.add_comment(
        current_store(), application_id, body.get("body"), author_name=body.get("author_name"), author_contact=body.get("author_contact")
    )
    return jsonify(id=comment_id), 201


# --- officers ---------------------------------------------------------------------------


@blueprint.post("/names/check")
@auth.requires(PLACENAME_OFFICER)
def check():
    from placenames import register

    body = json_body()
    name, category = body.get("name"), body.get("category")
    if not isinstance(name, str) or not isinstance(category, str):  # an empty name gets the empty-name finding
        raise BadRequest("请给出 name 与 category", "Give 'name' and 'category'")
    return jsonify(register.check_name(current_store(), name, category, body.get("admin_code")).to_dict())


@blueprint.get("/names")
@auth.requires(PLACENAME_OFFICER)
def list_names():
    from placenames import register

    with current_store().read() as session:
        rows = register.list_names(
            session,
            status=request.args.get("status"),
            category=request.args.get("category"),
            limit=min(_int_arg("limit", 200), 1000),
            offset=_int_arg("offset", 0),
        )
    return jsonify(names=rows)


@blueprint.patch("/names/<int:name_id>")
@auth.requires(PLACENAME_OFFICER)
def edit_name(name_id: int):
    """{"version": n, "reason": ..., "changes": {field: value}}: census fields and the romanization override."""
    from placenames import register

    body = json_body()
    changes, reason = body.get("changes"), body.get("reason")
    if not isinstance(changes, dict) or not changes or not isinstance(reason, str) or not reason.strip():
        raise BadRequest("请给出 changes（字段与新值）和 reason", "Give 'changes' (fields and new values) and 'reason'")
    register.update_name(current_store(), name_id, changes, actor=auth.actor(), reason=reason.strip(), version=body.get("version"))
    with current_store().read() as session:
        return jsonify(register.officer_dict(session, register.get_name(session, name_id)))


@blueprint.get("/names/<int:name_id>")
@auth.requires(PLACENAME_OFFICER)
def name_record(name_id: int):
    from placenames import register

    with current_store().read() as session:
        return jsonify(register.officer_dict(session, register.get_name(session, name_id)))


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

    return jsonify(applications=applications.list_applications(current_store(), request.args.get("state")))


@blueprint.post("/applications")
@auth.requires(PLACENAME_OFFICER)
def create_application():
    from placenames import applications

    application_id = applications.create_application(current_store(), json_body(), actor=auth.actor())
    return jsonify(applications.officer_view(current_store(), application_id)), 201


@blueprint.get("/applications/<int:application_id>")
@auth.requires(PLACENAME_OFFICER)
def application(application_id: int):
    from placenames import applications

    return jsonify(applications.officer_view(current_store(), application_id))


@blueprint.post("/applications/<int:application_id>/transitions")
@auth.requires(PLACENAME_OFFICER)
def transition(application_id: int):
    """{"action": "accept"|"review"|"start_notice"|"approve"|"reject"|"withdraw"|"file"|"announce", "reason": ..., "version": n, ...}"""
    from placenames import applications, transitions

    body = json_body()
    action = body.get("action")
    if not isinstance(action, str):
        raise BadRequest("请给出 action", "Give 'action'")
    version = body.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise BadRequest("version 应为整数", "'version' must be a whole number")
    transitions.apply_action(current_store(), application_id, action, body, actor=auth.actor(), version=version)
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

    return jsonify(deadlines=service.deadlines(current_store(), _int_arg("within", 7)))
