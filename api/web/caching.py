"""Weak ETags and a short public cache lifetime for the read-only OGC API.

Public readers (web maps, QGIS) re-fetch the same pages often; a weak ETag computed
from the body lets them revalidate with a 304 instead of a download, and 60 s of
caching absorbs bursts while keeping edits visible within a minute. pygeoapi stamps
every item list with the time of the response; that stamp is left out of the hash,
or no two responses would ever match. A weak ETag promises only equivalent content,
which a copy differing in that stamp is.
"""

from __future__ import annotations

import hashlib
import re

from flask import Flask, Response, request

MAX_AGE = 60

_RESPONSE_TIME = re.compile(rb'"(?:timeStamp|https://schema\.org/sdDatePublished)"\s*:\s*"[^"]*"')


def body_tag(body: bytes) -> str:
    """Hash of a response body, ignoring pygeoapi's response time stamp."""
    return hashlib.sha256(_RESPONSE_TIME.sub(b"", body)).hexdigest()[:32]


def _tag(response: Response) -> Response:
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.direct_passthrough:
        return response
    if not response.get_etag()[0]:
        response.set_etag(body_tag(response.get_data()), weak=True)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response.make_conditional(request)  # type: ignore[return-value]  # returns the same response


def install(app: Flask, path_prefix: str) -> None:
    """Tag GET responses under ``path_prefix`` and answer If-None-Match with 304."""

    @app.after_request
    def etag(response: Response) -> Response:
        if request.path == path_prefix or request.path.startswith(path_prefix + "/"):
            return _tag(response)
        return response
