"""The printable 门牌证 / 地址证明 of an address: /officer/addresses/<id>/certificate?kind=plate|proof.

Officer-only (signed in as a place-name officer); an A4 page with no script, and a
link to the same certificate as .docx from the API.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

from pages.printing import to_html
from pages.rendering import TEMPLATES, language

blueprint = Blueprint("certificates_page", __name__, url_prefix="/officer/addresses", template_folder=TEMPLATES)


@blueprint.get("/<int:plate_id>/certificate")
def certificate(plate_id: int):
    from accounts.roles import PLACENAME_OFFICER
    from api import auth
    from api.certificates import issue_from_request

    @auth.requires(PLACENAME_OFFICER)
    def page():
        doc = issue_from_request(plate_id)
        query: dict[str, Any] = {k: v for k, v in request.args.items() if k in ("kind", "building", "unit", "room")}
        docx = url_for("certificates.certificate", plate_id=plate_id, format="docx", lang=language(), **query)
        other = {**query, "lang": "zh" if language() == "en" else "en"}
        switch = url_for("certificates_page.certificate", plate_id=plate_id, **other)
        return to_html(doc, stylesheet=url_for("pages.static", filename="print.css"), docx_url=docx, lang_switch=switch)

    return page()
