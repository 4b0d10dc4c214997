"""The OGC collections are read-only: a write to their items is 405 with ``Allow``.

pygeoapi routes PUT/PATCH/DELETE (OGC API - Features Part 4 transactions) to the
items of every collection and then fails in its own ways on a read-only provider.
The register changes only through the audited JSON API, so one hook answers every
such request before pygeoapi sees it. POST to ``items`` stays: it is a search with
a CQL2-JSON body (a read), and its body must be a JSON object.
"""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.exceptions import MethodNotAllowed

from gis.errors import BadRequest

READ_METHODS: tuple[str, ...] = ("GET", "HEAD", "OPTIONS")
SEARCH_METHODS: tuple[str, ...] = (*READ_METHODS, "POST")


def install(app: Flask, mount_path: str) -> None:
    prefix = re.escape(mount_path)
    items = re.compile(rf"^{prefix}/collections/[^/]+/items/?$")
    item = re.compile(rf"^{prefix}/collections/[^/]+/items/[^/]+/?$")

    @app.before_request
    def refuse_writes():
        if items.match(request.path):
            allowed = SEARCH_METHODS
        elif item.match(request.path):
            allowed = READ_METHODS
        else:
            return None
        if request.method not in allowed:
            raise MethodNotAllowed(valid_methods=list(allowed))
        if request.method == "POST" and not isinstance(request.get_json(silent=True, force=True), dict):
            raise BadRequest(
                "POST 查询的请求体须为 CQL2-JSON 对象（或用 GET 加 filter= 参数）",
                "a POST search needs a CQL2-JSON object as its body (or use GET with filter=)",
            )
        return None
