"""The web application: OGC API - Features and Processes under /ogc, health at /healthz.

``create_app(settings)`` does all the work at call time; importing this module reads
no configuration. pygeoapi is the one exception we cannot avoid: its Flask module
reads its configuration from files named by environment variables when first
imported, so those files are written (and the variables set) before the import,
inside ``api.ogc.mount``.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Flask
from flask_cors import CORS

import api
import pages
from api import input_guard, ogc_read_only, security_headers
from api.ogc import compat, language, limits, mount, processes
from api.web import assets, caching, compression, errors, health
from boundaries import publish as boundaries_publish
from gis import crs
from gis import profile as district_profile
from gis.ogc import config as ogc_config
from gis.ogc import stores
from gis.ogc.collections import Collection
from gis.ogc.extents import ExtentCache
from gis.profile import DistrictProfile
from gis.settings import Settings
from gis.storage import Store
from placenames import publish as placenames_publish


def service_metadata(profile: DistrictProfile) -> dict:
    """The OGC API's title, provider and contact: the district's bureau, from its profile."""
    return {
        **ogc_config.DEFAULT_METADATA,
        "identification": {**ogc_config.DEFAULT_METADATA["identification"], "title": profile.service_title.as_dict()},
        "provider": {"name": profile.bureau.as_dict(), "url": ""},
        "contact": {
            **ogc_config.DEFAULT_METADATA["contact"],
            "name": profile.bureau.as_dict(),
            "city": profile.city.as_dict(),
            "stateorprovince": profile.province.as_dict(),
            "country": {"zh": "中国", "en": "China"},
        },
        "diming": {"map_approval_number": profile.map_approval_number},  # 审图号 on the OGC pages' maps
    }


# Headers a browser script may read on a cross-origin response.
EXPOSED_HEADERS = ["Content-Crs", "Content-Language", "ETag", "Link"]


def public_collections() -> list[Collection]:
    """Every collection the OGC API serves, from each domain package."""
    return placenames_publish.collections() + boundaries_publish.collections()


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    profile = district_profile.of(settings)  # a bad profile stops here, before anything is served
    store = stores.adopt(Store(settings.database_url, pool_size=settings.pool_size, read_urls=settings.read_urls))

    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # the default provider has it
    app.extensions[health.STORE_KEY] = store
    app.extensions["diming.settings"] = settings
    app.extensions[district_profile.PROFILE_KEY] = profile
    input_guard.install(app)

    # sensitive positions (boundary markers) on the profile's public grid, in items and extents alike
    collections = [replace(c, public_grid_deg=profile.public_marker_precision_deg) if c.coarse else c for c in public_collections()]
    crs.prepare_transformations("OGC:CRS84", profile.measure_crs)  # what nearly every request uses
    extents = ExtentCache(store, collections, profile.extent)
    config = ogc_config.build_config(
        collections,
        settings,
        default_bbox=profile.extent,  # the district with a margin, CGCS2000 lon/lat: for a collection with no rows yet
        extents=extents.refresh(),
        metadata=service_metadata(profile),
        processes=processes.processes(),
        manager=processes.MANAGER,
        templates_dir=assets.TEMPLATES_DIR,
    )
    config_path, openapi_path, openapi = ogc_config.write_files(config, settings.work_dir, is_protected=processes.is_protected)
    compat.apply()
    mount.mount(app, config, openapi, config_path, openapi_path, url_prefix=ogc_config.MOUNT_PATH)
    ogc_read_only.install(app, ogc_config.MOUNT_PATH)
    language.install(app, ogc_config.MOUNT_PATH)
    limits.install(
        app,
        ogc_config.MOUNT_PATH,
        {c.id: frozenset(c.properties) for c in collections},
        limits.QueryLimits(settings.max_bbox_km2, settings.max_filter_chars),
        extents=extents,
    )

    CORS(app, methods=["GET", "HEAD", "OPTIONS"], expose_headers=EXPOSED_HEADERS)
    compression.install(app, ["static", "pages.static", "ogc_assets.static"])  # before caching: tags the uncompressed body
    caching.install(app, ogc_config.MOUNT_PATH)
    processes.install(app, ogc_config.MOUNT_PATH)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(assets.blueprint, url_prefix=ogc_config.MOUNT_PATH)
    api.register(app)
    pages.register(app)
    errors.install(app)
    security_headers.install(app)
    return app
