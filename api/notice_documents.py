"""/api/v1 for the public notice board's announcements and the printable documents.

Anyone may list the names announced (公告) and read one; anyone may download a
running notice's 公示 and an announcement's 公告 as .docx (or their text as JSON);
a signed-in place-name officer may also print a notice after it has ended.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from accounts.roles import PLACENAME_OFFICER, allows
from api import auth
from api.inputs import current_store
from gis.errors import BadRequest

blueprint = Blueprint("notice_documents", __name__)

FORMATS = ("json", "docx")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def is_officer() -> bool:
    who = auth.principal()
    return who is not auth.ANONYMOUS and allows(who.roles, (PLACENAME_OFFICER,))


def comment_url(application_id: int) -> str:
    """Where the public comments on a notice: the notice's page at the service's public URL (DIMING_PUBLIC_URL)."""
    return f"{current_app.extensions['diming.settings'].public_url.rstrip('/')}/notices/{application_id}"


@blueprint.get("/announcements")
def announcements():
    from placenames import notice_board

    return jsonify(announcements=notice_board.announcements(current_store()))


@blueprint.get("/announcements/<int:application_id>")
def announcement(application_id: int):
    from placenames import notice_board

    return jsonify(notice_board.announcement(current_store(), application_id))


@blueprint.get("/notices/<int:application_id>/documents/<document>")
def document(application_id: int, document: str):
    """The 公示 (``notice``) or 公告 (``announcement``): ``?format=json`` (default) or ``docx``, ``?lang=zh|en``."""
    from gis.documents import to_docx
    from placenames import documents

    kind = request.args.get("format", "json")
    if kind not in FORMATS:
        raise BadRequest("format 应为 json 或 docx", "'format' must be json or docx")
    lang = request.args.get("lang", "zh")
    doc = documents.build(
        current_store(), application_id, document, lang=lang, officer=is_officer(), comment_url=comment_url(application_id)
    )
    if kind == "json":
        return jsonify(doc.to_dict())
    name = f"{document}-{application_id}.docx"
    return Response(to_docx(doc), mimetype=DOCX, headers={"Content-Disposition": f"attachment; filename={name}"})
