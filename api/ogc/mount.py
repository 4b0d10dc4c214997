"""Embedding pygeoapi's Flask blueprint in our app, once per app, many apps per process.

``pygeoapi.flask_app`` reads PYGEOAPI_CONFIG / PYGEOAPI_OPENAPI when first imported
and builds one module-level ``api_`` that every route of its blueprint uses. A second
app in the same process (tests, or two databases) would silently serve the first
app's collections. So after the import we replace ``api_`` with a proxy that looks
up the ``API`` of the app handling the current request; each app builds its own
``API`` from its own configuration. The blueprint's remaining import-time settings
(static folder, URL rules) come from keys we never set, so they are the same for
every app.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from werkzeug.local import LocalProxy

EXTENSION_KEY = "diming.pygeoapi"


def _current_api():
    return current_app.extensions[EXTENSION_KEY]


def mount(app: Flask, config: dict[str, Any], openapi: dict[str, Any], config_path: Path, openapi_path: Path, *, url_prefix: str) -> None:
    """Serve pygeoapi for ``config`` under ``url_prefix`` of ``app``."""
    os.environ["PYGEOAPI_CONFIG"] = str(config_path)
    os.environ["PYGEOAPI_OPENAPI"] = str(openapi_path)
    from pygeoapi import flask_app  # only now: it reads the two variables on first import
    from pygeoapi.api import API

    app.extensions[EXTENSION_KEY] = API(config, openapi)
    if type(flask_app.api_) is not LocalProxy:  # type(): a proxy answers isinstance for its target
        flask_app.api_ = LocalProxy(_current_api)
    app.register_blueprint(flask_app.BLUEPRINT, url_prefix=url_prefix)
