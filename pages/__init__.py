"""The web pages: thin HTML shells whose scripts talk to the same JSON and OGC APIs
that any other client uses. Chinese by default, English with ``?lang=en``.

No page loads anything from the internet: Leaflet comes from the vendored copy
under /ogc/assets, and the map draws the district's own layers, not remote tiles.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from pages.i18n import LANGUAGES, strings

blueprint = Blueprint("pages", __name__, template_folder="templates", static_folder="static", static_url_path="/static/pages")


def _language() -> str:
    lang = (request.args.get("lang") or request.cookies.get("lang") or "zh")[:2].lower()
    return lang if lang in LANGUAGES else "zh"


def render(template: str, **context):
    lang = _language()
    response = render_template(template, lang=lang, t=strings(lang), other_lang="en" if lang == "zh" else "zh", **context)
    return response


@blueprint.get("/")
def public_search():
    """The public look-up page: search with autocomplete, results, map, reverse lookup."""
    return render("pages/public.html")
