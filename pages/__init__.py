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

from flask import Flask

AREAS: tuple[str, ...] = (
    "pages.public",
    "pages.notices",
    "pages.planner",
    "pages.officer",
    "pages.boundary",
    "pages.certificates",
)


def register(app: Flask) -> None:
    for name in AREAS:
        app.register_blueprint(importlib.import_module(name).blueprint)
