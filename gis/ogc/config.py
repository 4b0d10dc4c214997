"""pygeoapi's configuration and OpenAPI document, generated at start-up from data.

The configuration is derived, never edited: ``Collection`` descriptions + ``Settings``
-> dict -> YAML files in ``settings.work_dir`` (pygeoapi's Flask module insists on
reading them from files named by environment variables). Every provider declares
CRS84 as its storage CRS; ``provider`` explains why that is right for CGCS2000 data.
"""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from gis.crs import CRS84, STORAGE_CRS, crs_uri, measure_crs
from gis.settings import Settings
from gis.storage.engine import normalise_url

from . import openapi_gaps as openapi_extras
from .collections import Collection
from .openapi import self_contained_openapi

PROVIDER = "gis.ogc.provider.StoreProvider"
MOUNT_PATH = "/ogc"
LANGUAGES = ["zh-CN", "en-US"]
DEFAULT_ITEMS = 10
WORLD = (-180.0, -90.0, 180.0, 90.0)
CONFIG_FILE = "pygeoapi-config.yml"
OPENAPI_FILE = "pygeoapi-openapi.yml"


def output_crs() -> list[str]:
    """CRSs every collection can be returned in: CRS84, CGCS2000 and the measuring zone."""
    return [crs_uri(CRS84), crs_uri(STORAGE_CRS), crs_uri(measure_crs())]


DEFAULT_METADATA: dict[str, Any] = {
    "identification": {
        "title": {"zh": "地名与界线服务", "en": "Place names and boundaries"},
        "description": {
            "zh": "标准地名、门牌地址与社区界线的开放数据接口",
            "en": "Open data API of standard place names, addresses and community boundaries",
        },
        "keywords": {"zh": ["地名", "地址", "界线"], "en": ["place names", "addresses", "boundaries"]},
        "keywords_type": "theme",
        "terms_of_service": "",
        "url": "",
    },
    "license": {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "provider": {"name": "diming", "url": ""},
    "contact": {
        "name": "",  # the provider's name unless the deployment gives a contact
        "position": "",
        "address": "",
        "city": "",
        "stateorprovince": "",
        "postalcode": "",
        "country": "",
        "phone": "",
        "fax": "",
        "email": "",
        "url": "",
        "hours": "",
        "instructions": "",
        "role": "pointOfContact",
    },
}


def build_config(
    collections: Iterable[Collection],
    settings: Settings,
    *,
    default_bbox: tuple[float, float, float, float] = WORLD,
    extents: Mapping[str, tuple[float, float, float, float]] | None = None,
    metadata: dict[str, Any] | None = None,
    processes: Mapping[str, str] | None = None,
    manager: str | None = None,
    templates_dir: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """The pygeoapi configuration dict serving ``collections`` from ``settings.database_url``.

    ``processes`` maps an OGC API – Processes id to the dotted path of its processor
    class, and ``manager`` names the job manager class that runs them (pygeoapi loads
    both by dotted path). The caller supplies them: this module knows no process.
    ``templates_dir`` holds the caller's overrides of pygeoapi's page templates (the
    web face's local-asset, Chinese-by-default pages); without it pygeoapi's own are used.
    ``extents`` gives a collection's spatial extent (see ``extents.ExtentCache``); a
    collection without one advertises its own ``bbox`` or ``default_bbox``.
    """
    data_url = normalise_url(settings.database_url)
    resources = {}
    for collection in collections:
        if collection.id in resources:
            raise ValueError(f"two collections are called {collection.id!r}")
        resources[collection.id] = _resource(collection, data_url, settings, (extents or {}).get(collection.id) or default_bbox)
    for process_id, processor in (processes or {}).items():
        if process_id in resources:
            raise ValueError(f"a collection and a process are both called {process_id!r}")
        resources[process_id] = {"type": "process", "processor": {"name": processor}}
    metadata = copy.deepcopy(metadata or DEFAULT_METADATA)  # pygeoapi may alter what it is given
    if not metadata["identification"].get("url"):
        metadata["identification"]["url"] = settings.public_url
    contact = metadata.setdefault("contact", {})
    if not contact.get("name"):  # the landing page names who answers, never the software
        contact["name"] = metadata.get("provider", {}).get("name") or metadata["identification"]["title"]
    return {
        "server": {
            "bind": {"host": "127.0.0.1", "port": 5000},  # required by pygeoapi's schema; unused when embedded
            "url": settings.public_url.rstrip("/") + MOUNT_PATH,
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": list(LANGUAGES),
            "pretty_print": False,
            "limits": {"default_items": DEFAULT_ITEMS, "max_items": settings.max_items, "on_exceed": "throttle"},
            # No remote tile server: our own templates draw the district's layers as the base map.
            "map": {"url": "", "attribution": ""},
            **({"templates": {"path": str(templates_dir)}} if templates_dir else {}),
            **({"manager": {"name": manager, "output_dir": None}} if manager else {}),
        },
        "logging": {"level": "WARNING"},
        "metadata": metadata,
        "resources": resources,
    }


def _resource(collection: Collection, data_url: str, settings: Settings, default_bbox) -> dict[str, Any]:
    return {
        "type": "collection",
        "title": {"zh": collection.title_zh, "en": collection.title_en},
        "description": collection.description,
        "keywords": list(collection.keywords),
        "links": [],
        "extents": {"spatial": {"bbox": list(collection.bbox or default_bbox), "crs": crs_uri(CRS84)}},
        "providers": [
            {
                "type": "feature",
                "name": PROVIDER,
                "data": data_url,
                "editable": False,
                "id_field": collection.id_field,
                "title_field": collection.title_field,
                "geom_field": collection.geom_field,
                "storage_crs": crs_uri(CRS84),
                "crs": output_crs(),
                "pool_size": settings.pool_size,
                "options": collection.provider_options(),
            }
        ],
    }


def write_files(
    config: dict[str, Any], work_dir: str | os.PathLike, *, is_protected: Callable[[str, str], bool] | None = None
) -> tuple[Path, Path, dict[str, Any]]:
    """Write the config and its OpenAPI document as YAML; return both paths and the OpenAPI dict.

    ``is_protected(path, METHOD)`` names the operations that need a bearer token
    (``openapi.secure`` declares it).

    ``get_oas`` instantiates every provider, so a broken collection fails here, at
    start-up, not on a client's first request. Files are replaced atomically (several
    workers may start at once) and readable only by the owner: they hold the database URL.
    """
    from pygeoapi.openapi import get_oas

    directory = Path(work_dir)
    directory.mkdir(parents=True, exist_ok=True)
    openapi = openapi_extras.declare_datetime(self_contained_openapi(get_oas(config)))
    if is_protected is not None:
        openapi = openapi_extras.secure(openapi, is_protected)
    config_path = _write_yaml(directory / CONFIG_FILE, config)
    openapi_path = _write_yaml(directory / OPENAPI_FILE, openapi)
    return config_path, openapi_path, openapi


def _write_yaml(path: Path, document: dict[str, Any]) -> Path:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            yaml.safe_dump(document, out, allow_unicode=True, sort_keys=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
