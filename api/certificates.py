"""/api/v1/addresses/<id>/certificate: an address's 门牌证 or 地址证明 for officers.

Officer-only: the holder of an address gets it printed by an officer. ``?format=docx``
is the Word file, ``json`` (default) the document as data; the printable page is
/officer/addresses/<id>/certificate (pages/certificates.py).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from accounts.roles import PLACENAME_OFFICER
from api import auth
from api.inputs import current_store
from gis.errors import BadRequest

blueprint = Blueprint("certificates", __name__)

FORMATS = ("json", "docx")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def issue_from_request(plate_id: int):
    """The certificate the query asks for (?kind=plate|proof, lang, building, unit, room), issued by the signed-in officer."""
    from placenames.numbering import certificates

    kind = request.args.get("kind", "plate")
    return certificates.issue(
        current_store(),
        plate_id,
        kind,
        actor=auth.actor(),
        lang=request.args.get("lang", "zh"),
        building=request.args.get("building"),
        unit=request.args.get("unit"),
        room=request.args.get("room"),
    )


@blueprint.get("/addresses/<int:plate_id>/certificate")
@auth.requires(PLACENAME_OFFICER)
def certificate(plate_id: int):
    """门牌证 (?kind=plate) or 地址证明 (?kind=proof): ?format=json|docx, ?lang=zh|en, ?building=&unit=&room=."""
    from gis.documents import to_docx

    fmt = request.args.get("format", "json")
    if fmt not in FORMATS:
        raise BadRequest("format 应为 json 或 docx", "'format' must be json or docx")
    doc = issue_from_request(plate_id)
    if fmt == "json":
        return jsonify(doc.to_dict())
    name = f"certificate-{request.args.get('kind', 'plate')}-{plate_id}.docx"
    return Response(to_docx(doc), mimetype=DOCX, headers={"Content-Disposition": f"attachment; filename={name}"})
