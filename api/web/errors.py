"""Every error leaves the app as the same bilingual JSON (``DimingError.to_dict``).

One handler renders the ``DimingError`` tree; Flask's own HTTP errors (unknown URL,
wrong method, crash) are mapped onto that tree first, so clients parse one shape.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from gis.errors import DimingError, MethodNotAllowed, NotFound, PayloadTooLarge

LOGGER = logging.getLogger(__name__)


def render(error: DimingError):
    response = jsonify(error.to_dict())
    response.status_code = error.http_status
    return response


def _from_http(error: HTTPException) -> DimingError:
    if error.code == 404:
        return NotFound()
    if error.code == 405:
        return MethodNotAllowed()
    if error.code == 413:
        return PayloadTooLarge()
    generic = DimingError(en=error.name, zh=f"请求失败（HTTP {error.code}）")
    generic.http_status = error.code or 500
    generic.code = (error.name or "error").lower().replace(" ", "-")
    return generic


def _http_error(error: HTTPException):
    response = render(_from_http(error))
    allowed = getattr(error, "valid_methods", None)  # only werkzeug's MethodNotAllowed has them
    if error.code == 405 and allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


def _crash(error):
    LOGGER.error("unhandled error", exc_info=getattr(error, "original_exception", None) or error)
    return render(DimingError())


def install(app: Flask) -> None:
    """Register the handlers on ``app``."""
    app.register_error_handler(DimingError, render)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _crash)
