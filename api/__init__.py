"""The JSON API under /api/v1: thin Flask blueprints over the domain services.

Each domain has its own blueprint module; ``register`` mounts them all and the
authentication hook that tells every view who is asking. The Flask plumbing of the
whole app is ``api.web``; pygeoapi inside Flask is ``api.ogc``.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from api import auth, openapi, proxies, session

BLUEPRINT_MODULES: tuple[str, ...] = (
    "api.numbers",
    "api.compounds",
    "api.signs",
    "api.names",
    "api.notice_documents",
    "api.redistricting",
    "api.boundaries",
    "api.search",
    "api.certificates",
    "api.tiles",
)


class RecordId(IntegerConverter):
    """``<int:...>`` in API paths: a record id fits the database's 32-bit integer;
    a larger number is simply not found (404), not a database overflow (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register(app: Flask) -> None:
    import importlib

    app.url_map.converters["int"] = RecordId
    settings = app.extensions["diming.settings"]
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_mb * 1024 * 1024
    app.wsgi_app = proxies.TrustedProxies(app.wsgi_app, settings.trusted_proxies)  # type: ignore[method-assign]  # Flask's documented way
    session.configure(app, settings)
    auth.install(app)
    app.register_blueprint(session.blueprint, url_prefix="/api/v1")
    app.register_blueprint(openapi.blueprint, url_prefix="/api/v1")
    for name in BLUEPRINT_MODULES:
        module = importlib.import_module(name)
        app.register_blueprint(module.blueprint, url_prefix="/api/v1")
