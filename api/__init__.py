"""The JSON API under /api/v1: thin Flask blueprints over the domain services.

Each domain has its own blueprint module; ``register`` mounts them all and the
authentication hook that tells every view who is asking.
"""

from __future__ import annotations

from flask import Flask

from api import auth, session

BLUEPRINT_MODULES: tuple[str, ...] = ("api.numbers", "api.signs", "api.names", "api.redistricting", "api.boundaries", "api.search")


def register(app: Flask) -> None:
    import importlib

    settings = app.extensions["diming.settings"]
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_mb * 1024 * 1024
    session.configure(app, settings)
    auth.install(app)
    app.register_blueprint(session.blueprint, url_prefix="/api/v1")
    for name in BLUEPRINT_MODULES:
        module = importlib.import_module(name)
        app.register_blueprint(module.blueprint, url_prefix="/api/v1")
