"""Rendering a page: the language, the merged text table, the shared layout, and the
district's deployment profile (site title; names, extent and start view for the scripts)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, make_response, render_template, request

from api.ogc import language as ogc_language
from gis.profile import PROFILE_KEY
from pages.i18n import LANGUAGES, strings

TEMPLATES = str(Path(__file__).resolve().parent / "templates")
STATIC = str(Path(__file__).resolve().parent / "static")


def language() -> str:
    """``lang=`` if given, else the ``lang`` cookie, else the browser's Accept-Language as the
    OGC side reads it (English for an ``en`` tag before any ``zh``; Chinese otherwise)."""
    asked = request.args.get("lang") or request.cookies.get("lang")
    if asked:
        lang = asked[:2].lower()
        return lang if lang in LANGUAGES else "zh"
    return "en" if ogc_language.choose(None, request.headers.get("Accept-Language")) == ogc_language.ENGLISH else "zh"


def render(template: str, *tables: dict[str, tuple[str, str]], **context):
    """Render ``template`` with ``t`` = the common texts plus the area's ``tables``, and
    ``profile`` = what the scripts need of the district (``window.DIMING.profile``)."""
    lang = language()
    profile = current_app.extensions[PROFILE_KEY]
    t = strings(lang, *tables) | {"site_title": profile.site_title(lang)}
    other = "en" if lang == "zh" else "zh"
    response = make_response(render_template(template, lang=lang, t=t, other_lang=other, profile=profile.public(), **context))
    response.vary.add("Accept-Language")  # the same URL answers in the browser's language
    response.vary.add("Cookie")
    return response
