"""``/healthz``: is this worker able to serve, and on which database and schema.

Load balancers poll it, so it does one cheap round trip (``SELECT 1``) and answers
503 when the database cannot be reached.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from gis.storage import migrate

STORE_KEY = "diming.store"

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    store = current_app.extensions[STORE_KEY]
    body = {"status": "ok", "database": {"backend": store.dialect, "reachable": True, "revision": None}}
    try:
        with store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        body["database"]["revision"] = migrate.current(store)
    except SQLAlchemyError as exc:
        body["status"] = "unavailable"
        body["database"]["reachable"] = False
        body["database"]["error"] = type(exc).__name__
        return jsonify(body), 503
    schema_current = set((body["database"]["revision"] or "").split(",")) == set(migrate.heads())
    body["database"]["schema_current"] = schema_current
    if not schema_current:
        body["status"] = "schema-outdated"
        return jsonify(body), 503
    return jsonify(body)
