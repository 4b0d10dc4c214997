"""Security headers on every response the app sends: pages, JSON, OGC, static files, errors.

The pages put user and database text into the DOM as text only (pages/static/common.js ``el``);
these headers are the second line if a page ever slips: the Content-Security-Policy lets a page
run only scripts and styles served by this site (no inline script, no ``eval``), so injected
markup cannot run script or send data elsewhere, and the page cannot be framed.

No inline script is left in any template (page data travels as ``<script type="application/json">``,
which is data, not script), so no nonce is needed. The inline ``<style>`` blocks of the
printable marker register and of the joint-inspection agreement are allowed by the hashes
of their constant texts.
"""

from __future__ import annotations

import base64
import hashlib

from flask import Flask, Response

from boundaries.agreement import AGREEMENT_CSS
from boundaries.marker_table import PRINT_CSS


def csp_hash(text: str) -> str:
    """The CSP source expression allowing exactly this inline block."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' {csp_hash(PRINT_CSS)} {csp_hash(AGREEMENT_CSS)}",
        "img-src 'self' data: blob:",  # data: for Bootstrap's form-control icons, blob: for downloads
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # No page asks for the device's position, camera or microphone.
    "Permissions-Policy": "geolocation=(), camera=(), microphone=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers[name] = value
    return response


def install(app: Flask) -> None:
    app.after_request(add_headers)
