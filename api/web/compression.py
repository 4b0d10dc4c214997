"""Compressed responses (Brotli, zstd or gzip, as the browser accepts) for text: pages,
scripts, styles, JSON and GeoJSON; and the street map's vector tiles.

The public page's first load was about 630 KB of uncompressed text (Leaflet, the
boundaries); text compresses to a fraction of that, which matters on a phone.
flask-compress does the work. It is installed before the ETag hook (api.web.caching),
so — after-request hooks running last-installed first — the weak ETag is computed on
the uncompressed body and a matching If-None-Match still gets its 304; a compressed
static file keeps a strong ETag with the encoding appended (``"…:br"``).
"""

from __future__ import annotations

from flask import Flask, Response
from flask_compress import Compress
from werkzeug.datastructures import Headers

# What this service sends as text (flask-compress's own list lacks GeoJSON and the OGC JSON types).
TEXT_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/xml",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/schema+json",
    "application/vnd.oai.openapi+json",
    "application/xml",
    "image/svg+xml",
    # Binary, but a vector tile's names and varints pack to about half (the district's zoom-11 tile: 67 KB to 31 KB).
    "application/vnd.mapbox-vector-tile",
]
MIN_SIZE = 500  # bytes; smaller bodies gain nothing


def install(app: Flask, static_endpoints: list[str]) -> None:
    """Compress ``app``'s text responses; ``static_endpoints`` (file downloads, which stream)
    still answer If-None-Match with 304."""
    app.config["COMPRESS_MIMETYPES"] = TEXT_TYPES
    app.config["COMPRESS_MIN_SIZE"] = MIN_SIZE
    app.config["COMPRESS_STREAMING_ENDPOINT_CONDITIONAL"] = static_endpoints
    # Files and pygeoapi's answers stream; every browser takes gzip, so offer it there too.
    app.config["COMPRESS_ALGORITHM_STREAMING"] = ["zstd", "br", "gzip", "deflate"]
    Compress(app)
    app.after_request(_real_headers)  # runs before compression (hooks run last-installed first)


def _real_headers(response: Response) -> Response:
    """pygeoapi's Flask view replaces ``response.headers`` with a plain dict, in which
    ``Content-Type`` is not found case-blind: the response's type would read as none
    and nothing of the OGC API would be compressed. Make them Headers again."""
    if not isinstance(response.headers, Headers):
        response.headers = Headers(response.headers)
    return response
