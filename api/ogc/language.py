"""One language per OGC request, chosen before pygeoapi sees it.

pygeoapi 0.24 passes ``lang`` and ``Accept-Language`` to Babel, which raises on
tags it cannot resolve (``zh``, ``fr``, ``zh-TW``, garbage) — a 500 on every page
for a French browser. The service speaks Chinese and English only: English when
asked for (any ``en`` tag), Chinese otherwise, so both inputs are rewritten to one
of the two tags pygeoapi is configured with.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.datastructures import ImmutableMultiDict

CHINESE, ENGLISH = "zh-CN", "en-US"


def choose(lang_param: str | None, accept_language: str | None) -> str:
    if lang_param:
        return ENGLISH if lang_param.strip().lower().startswith("en") else CHINESE
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return ENGLISH
        if tag.startswith("zh"):
            return CHINESE
    return CHINESE


def install(app: Flask, mount_path: str) -> None:
    @app.before_request
    def settle_language():
        if not request.path.startswith(mount_path):
            return None
        chosen = choose(request.args.get("lang"), request.headers.get("Accept-Language"))
        request.environ["HTTP_ACCEPT_LANGUAGE"] = chosen
        if "lang" in request.args:
            args = request.args.copy()
            args["lang"] = chosen
            request.args = ImmutableMultiDict(args)
        return None
