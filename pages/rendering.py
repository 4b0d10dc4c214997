"""Rendering a page: the language, the merged text table, the shared layout."""

from __future__ import annotations

from pathlib import Path

from flask import render_template, request

from pages.i18n import LANGUAGES, strings

TEMPLATES = str(Path(__file__).resolve().parent / "templates")
STATIC = str(Path(__file__).resolve().parent / "static")


def language() -> str:
    lang = (request.args.get("lang") or request.cookies.get("lang") or "zh")[:2].lower()
    return lang if lang in LANGUAGES else "zh"


def render(template: str, *tables: dict[str, tuple[str, str]], **context):
    """Render ``template`` with ``t`` = the common texts plus the area's ``tables``."""
    lang = language()
    return render_template(template, lang=lang, t=strings(lang, *tables), other_lang="en" if lang == "zh" else "zh", **context)
