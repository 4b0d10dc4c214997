"""The web pages: thin HTML shells whose scripts talk to the same JSON and OGC APIs
that any other client uses. Chinese by default, English with ``?lang=en``.

Each area (public look-up, officer workspace, ...) is its own module with its own
blueprint and text table; ``register`` mounts the areas listed in ``AREAS``.
No page loads anything from the internet: Leaflet comes from the vendored copy
under /ogc/assets, and the maps draw the district's own vector tiles (/api/v1/tiles,
static/streetmap.js), not remote tiles.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask, send_from_directory

AREAS: tuple[str, ...] = (
    "pages.public",
    "pages.notices",
    "pages.planner",
    "pages.officer",
    "pages.boundary",
    "pages.certificates",
)


STATIC = Path(__file__).resolve().parent / "static"


def register(app: Flask) -> None:
    for name in AREAS:
        app.register_blueprint(importlib.import_module(name).blueprint)
    app.add_url_rule("/favicon.ico", "favicon", site_icon)


def site_icon():
    """The site's icon where browsers ask for it by default (the OGC pages and printed documents
    link none), so no page logs a missing file; the pages' frame links the same picture."""
    return send_from_directory(STATIC, "favicon.svg", mimetype="image/svg+xml", max_age=7 * 86400)
