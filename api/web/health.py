"""``/healthz``: is this worker able to serve, and on which database and schema.

Load balancers poll it, so it does one cheap round trip (``SELECT 1``) and answers
503 when the database cannot be reached.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from gis.storage import migrate

STORE_KEY = "diming.store"

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    body: dict[str, Any] = {"status": "ok", "database": migrate.database_health(current_app.extensions[STORE_KEY])}
    if not body["database"]["reachable"]:
        body["status"] = "unavailable"
        return jsonify(body), 503
    if not body["database"]["schema_current"]:
        body["status"] = "schema-outdated"
        return jsonify(body), 503
    return jsonify(body)
