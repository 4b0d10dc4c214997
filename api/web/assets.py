"""Static assets and page templates of the OGC API pages (vendored Leaflet and Bootstrap, our CSS), served locally.

Mounted under the OGC prefix (``/ogc/assets``) so the page templates can address
them from pygeoapi's ``server.url`` alone; nothing is fetched from the internet.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

STATIC_DIR = Path(__file__).resolve().parent / "static"
# diming's overrides of pygeoapi's page templates (local assets, Chinese by default).
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "ogc"

blueprint = Blueprint("ogc_assets", __name__, static_folder=str(STATIC_DIR), static_url_path="/assets")
