"""The web application: OGC API - Features and Processes under /ogc, health at /healthz.

``create_app(settings)`` does all the work at call time; importing this module reads
no configuration. pygeoapi is the one exception we cannot avoid: its Flask module
reads its configuration from files named by environment variables when first
imported, so those files are written (and the variables set) before the import,
inside ``gis.ogc.mount``.
"""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS

import api
import pages
from api import input_guard, ogc_processes, ogc_read_only
from boundaries import publish as boundaries_publish
from gis.ogc import compat, language, limits, mount, stores
from gis.ogc import config as ogc_config
from gis.ogc.collections import Collection
from gis.settings import Settings
from gis.storage import Store
from gis.web import assets, caching, errors, health
from placenames import publish as placenames_publish

# 官渡区 with a margin, CGCS2000 lon/lat: the extent advertised for every collection.
DISTRICT_BBOX = (102.60, 24.85, 103.10, 25.20)

SERVICE_METADATA = {
    **ogc_config.DEFAULT_METADATA,
    "identification": {
        **ogc_config.DEFAULT_METADATA["identification"],
        "title": {"zh": "官渡区地名与社区界线服务", "en": "Guandu District place names and community boundaries"},
    },
    "provider": {"name": {"zh": "官渡区民政局", "en": "Guandu District Civil Affairs Bureau"}, "url": ""},
}

# Headers a browser script may read on a cross-origin response.
EXPOSED_HEADERS = ["Content-Crs", "Content-Language", "ETag", "Link"]


def public_collections() -> list[Collection]:
    """Every collection the OGC API serves, from each domain package."""
    return placenames_publish.collections() + boundaries_publish.collections()


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    store = stores.adopt(Store(settings.database_url, pool_size=settings.pool_size, read_urls=settings.read_urls))

    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.extensions[health.STORE_KEY] = store
    app.extensions["diming.settings"] = settings
    input_guard.install(app)

    collections = public_collections()
    config = ogc_config.build_config(
        collections,
        settings,
        default_bbox=DISTRICT_BBOX,
        metadata=SERVICE_METADATA,
        processes=ogc_processes.processes(),
        manager=ogc_processes.MANAGER,
    )
    config_path, openapi_path, openapi = ogc_config.write_files(config, settings.work_dir)
    compat.apply()
    mount.mount(app, config, openapi, config_path, openapi_path, url_prefix=ogc_config.MOUNT_PATH)
    ogc_read_only.install(app, ogc_config.MOUNT_PATH)
    language.install(app, ogc_config.MOUNT_PATH)
    limits.install(
        app,
        ogc_config.MOUNT_PATH,
        {c.id: frozenset(c.properties) for c in collections},
        limits.QueryLimits(settings.max_bbox_km2, settings.max_filter_chars),
    )

    CORS(app, methods=["GET", "HEAD", "OPTIONS"], expose_headers=EXPOSED_HEADERS)
    caching.install(app, ogc_config.MOUNT_PATH)
    ogc_processes.install(app, ogc_config.MOUNT_PATH)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(assets.blueprint, url_prefix=ogc_config.MOUNT_PATH)
    api.register(app)
    pages.register(app)
    errors.install(app)
    return app
