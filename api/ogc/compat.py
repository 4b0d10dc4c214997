"""The places where pygeoapi 0.24's own behaviour is adjusted for this service.

* Conformance: pygeoapi advertises the same Features classes for every provider,
  including Part 4 (create/replace/delete), which our read-only collections do not
  offer, and omits CQL2 JSON and the spatial-function classes we do implement. The
  list is pygeoapi's module global, so it is replaced in place.
* Filters and query CRSs: pygeoapi's CQL2 parsers, ``modify_pygeofilter`` and
  ``transform_bbox`` (names in its items module) are replaced by ``filters``: a GET
  ``filter`` that is a JSON object is CQL2 JSON (Part 3 allows
  ``filter-lang=cql2-json&filter={...}``), JSON boxes are read right, boolean
  literals are conditions, and bbox / filter geometries go from ``bbox-crs`` /
  ``filter-crs`` to storage lon/lat with cached transformers, axis order included.
* Tile matrix set pages: pygeoapi's tiles module passes the whole configuration where
  the template settings belong, so those two pages ignored our templates and came out
  in English with CDN links. Its template renderer is wrapped to take the configured
  template path, so they use our local, Chinese-by-default pages like every other.
* Error pages: pygeoapi renders ``exception.html`` in its system locale (English),
  whatever the request asked for. Inside a request the renderer now takes the
  language ``language.install`` settled for it, so a 404 page is Chinese by default too.
* Queryables and schemas: pygeoapi declares JSON Schema draft 2019-09 and titles each
  property with its column name; ``titles.describe`` gives 2020-12 and a Chinese and
  English title (JSON and HTML alike).
* Media type: pygeoapi answers features in JSON as ``application/json``; they are
  GeoJSON, so they go out as ``application/geo+json`` unless the client asked for
  plain application/json only.
* JSON text: pygeoapi's ``to_json`` turns ``<`` and ``>`` into ``&lt;`` and ``&gt;``, so
  a name stored as ``<b>路`` reached every JSON client as ``&lt;b&gt;路``: data changed
  to suit HTML. The JSON answers of its API modules use ``json_text`` instead: the
  literal text, with ``<``, ``>`` and ``&`` written as JSON unicode escapes, which every
  JSON reader decodes back and no HTML parser reads as markup. HTML pages escape on
  their own (Jinja autoescape; their data blocks use ``tojson``); pygeoapi's own
  template filter keeps its escaping.
* Log noise: pygeoapi logs a warning (``int()`` of None) for every items request that
  gives no ``offset``, most of an OGC server's log under load; that one message is dropped,
  every other warning of the module is kept.
* The OpenAPI document: the API objects built afterwards are handed the self-contained
  version (``gis.ogc.openapi.self_contained_openapi``: remote ``$ref`` replaced by local
  components).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from gis.ogc.openapi import self_contained_openapi

FEATURES = "http://www.opengis.net/spec/ogcapi-features"
CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf"

CONFORMANCE_CLASSES = [
    f"{FEATURES}-1/1.0/conf/core",
    f"{FEATURES}-1/1.0/conf/oas30",
    f"{FEATURES}-1/1.0/conf/html",
    f"{FEATURES}-1/1.0/conf/geojson",
    f"{FEATURES}-2/1.0/conf/crs",
    f"{FEATURES}-3/1.0/conf/queryables",
    f"{FEATURES}-3/1.0/conf/queryables-query-parameters",
    f"{FEATURES}-3/1.0/conf/filter",
    f"{FEATURES}-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/ogcapi-common-3/1.0/conf/schemas",
    f"{CQL2}/cql2-text",
    f"{CQL2}/cql2-json",
    f"{CQL2}/basic-cql2",
    f"{CQL2}/advanced-comparison-operators",
    f"{CQL2}/case-insensitive-comparison",
    f"{CQL2}/basic-spatial-functions",
    f"{CQL2}/basic-spatial-functions-plus",
    f"{CQL2}/spatial-functions",
    f"{CQL2}/property-property",
]

#: OGC API Processes classes this server really implements: pygeoapi 0.24 claims
#: ``callback`` (our job manager has none) and omits ``job-list`` and ``dismiss`` (it has both).
PROCESSES = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf"
PROCESSES_CONFORMANCE_CLASSES = [
    f"{PROCESSES}/core",
    f"{PROCESSES}/ogc-process-description",
    f"{PROCESSES}/json",
    f"{PROCESSES}/oas30",
    f"{PROCESSES}/job-list",
    f"{PROCESSES}/dismiss",
]

#: pygeoapi's modules whose answers are JSON built by ``util.to_json``.
JSON_MODULES = (
    "pygeoapi.api",
    "pygeoapi.api.itemtypes",
    "pygeoapi.api.processes",
    "pygeoapi.api.tiles",
    "pygeoapi.api.maps",
    "pygeoapi.api.stac",
    "pygeoapi.api.coverages",
    "pygeoapi.api.environmental_data_retrieval",
)

JSON_HTML_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})

_applied = False


def apply() -> None:
    """Adjust pygeoapi once per process (idempotent)."""
    global _applied
    if _applied:
        return
    from pygeoapi.api import itemtypes, processes

    from gis.ogc import filters

    itemtypes.CONFORMANCE_CLASSES_FEATURES[:] = CONFORMANCE_CLASSES
    processes.CONFORMANCE_CLASSES[:] = PROCESSES_CONFORMANCE_CLASSES
    itemtypes.parse_cql2_text = filters.parse_text_cached
    itemtypes.parse_cql2_json = filters.parse_json

    def modify_filter(tree, *, filter_crs_uri, storage_crs_uri=None, geometry_column_name=None):
        return filters.to_storage(tree, filter_crs_uri=filter_crs_uri, geometry_column_name=geometry_column_name)

    itemtypes.modify_pygeofilter = modify_filter
    itemtypes.transform_bbox = filters.transform_bbox

    from pygeoapi.api import tiles

    render = tiles.render_j2_template

    def render_with_our_templates(config, tpl_config, template, data, locale_=None):
        if isinstance(tpl_config, dict) and "server" in tpl_config:  # handed the whole config
            tpl_config = tpl_config["server"].get("templates")
        return render(config, tpl_config, template, data, locale_)

    tiles.render_j2_template = render_with_our_templates

    import pygeoapi.api as api_module
    from flask import has_request_context, request
    from pygeoapi import l10n

    render_page = api_module.render_j2_template

    def render_in_request_language(config, tpl_config, template, data, locale_=None):
        if template == "exception.html" and has_request_context() and request.headers.get("Accept-Language"):
            # already one of our two tags (language.install); a bad one keeps the system locale
            locale_ = l10n.str2locale(request.headers["Accept-Language"], silent=True) or locale_
        return render_page(config, tpl_config, template, data, locale_)

    api_module.render_j2_template = render_in_request_language
    _describe_properties(api_module, itemtypes)
    logging.getLogger(itemtypes.__name__).addFilter(_no_missing_offset_warning)
    _geojson_media_type(itemtypes)
    _json_text_as_is()

    from pygeoapi.api import API

    build_api = API.__init__

    def build_api_with_local_schemas(self, config, openapi, *args, **kwargs):
        build_api(self, config, self_contained_openapi(openapi) if isinstance(openapi, dict) else openapi, *args, **kwargs)

    API.__init__ = build_api_with_local_schemas

    # pygeoapi caches the translated configuration per locale for the whole process, so a
    # second app (another public URL or district) rendered its HTML with the first app's
    # server URL and titles. Cache per configuration object instead.
    translate = l10n.translate_struct
    translated: dict[tuple[int, str], tuple[Any, Any]] = {}

    def translate_per_config(struct, locale_, is_config=False):
        if not is_config:
            return translate(struct, locale_, is_config)
        key = (id(struct), str(locale_))
        if key not in translated:  # the struct is kept alive beside its result, so its id is not reused
            l10n._cfg_cache.pop(locale_, None)
            translated[key] = (struct, translate(struct, locale_, is_config))
        return translated[key][1]

    l10n.translate_struct = translate_per_config
    _applied = True


def _describe_properties(api_module, itemtypes) -> None:
    """Queryables and schema documents and pages: JSON Schema 2020-12, every property titled."""
    from gis.ogc import titles

    def english(locale) -> bool:
        return str(locale or "").lower().startswith("en")

    for module, name in ((itemtypes, "get_collection_queryables"), (api_module, "get_collection_schema")):
        original = getattr(module, name)

        def described(api, request, dataset=None, *args, _original=original, **kwargs):
            headers, status, content = _original(api, request, dataset, *args, **kwargs)
            if status == 200 and headers.get("Content-Type") == "application/schema+json":
                document = titles.describe(json.loads(content), english(request.locale))
                content = json.dumps(document, ensure_ascii=False)
            return headers, status, content

        setattr(module, name, described)

    for module in (itemtypes, api_module):
        render = module.render_j2_template

        def render_described(config, tpl_config, template, data, locale_=None, _render=render):
            if template in ("collections/queryables.html", "collections/schema.html"):
                data = titles.describe(data, english(locale_))
            return _render(config, tpl_config, template, data, locale_)

        module.render_j2_template = render_described


def _geojson_media_type(itemtypes) -> None:
    """Features and feature collections in JSON are served as application/geo+json;
    an items page's self and alternate links keep its offset; CSV has a WKT column;
    JSON-LD features keep their properties (``outputs``)."""
    from flask import has_request_context, request
    from pygeoapi import linked_data
    from pygeoapi.formatter import csv_

    from gis.ogc import geojson, outputs

    for name in ("get_collection_items", "get_collection_item"):
        original = getattr(itemtypes, name)

        def typed(api, api_request, *args, _original=original, _name=name, **kwargs):
            headers, status, content = _original(api, api_request, *args, **kwargs)
            accept = request.headers.get("Accept") if has_request_context() else None
            if status == 200 and str(headers.get("Content-Type", "")).startswith("application/json"):
                offset = _offset(api_request)
                if _name == "get_collection_items" and offset > 0:
                    page = json.loads(content)
                    outputs.keep_offset(page.get("links", []), offset)
                    content = json.dumps(page, ensure_ascii=False)
                if not geojson.wants_plain_json(accept):
                    headers["Content-Type"] = geojson.MEDIA_TYPE
            return headers, status, content

        setattr(itemtypes, name, typed)

    render = itemtypes.render_j2_template

    def render_items(config, tpl_config, template, data, locale_=None):
        if template == "collections/items/index.html":
            outputs.keep_offset(data.get("links", []), int(data.get("offset") or 0))
        return render(config, tpl_config, template, data, locale_)

    itemtypes.render_j2_template = render_items

    render_ld = linked_data.render_j2_template

    def render_jsonld(config, tpl_config, template, data, locale_=None):
        if template in ("collections/items/index.jsonld", "collections/items/item.jsonld"):
            return outputs.jsonld_document(data)
        return render_ld(config, tpl_config, template, data, locale_)

    linked_data.render_j2_template = render_jsonld
    csv_.CSVFormatter._write_from_geojson = lambda self, options=None, data=None, is_point=False: outputs.features_csv(data)


def _json_text_as_is() -> None:
    """The JSON answers carry the stored text, not an HTML-escaped copy (see the module docstring)."""
    import importlib

    from pygeoapi import util

    def json_text(dict_: Any, pretty: bool = False) -> str:
        text = json.dumps(dict_, default=util.json_serial, indent=4 if pretty else None, separators=(",", ":"))
        return text.translate(JSON_HTML_ESCAPES)  # these three only ever stand inside JSON strings

    for name in JSON_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "to_json", None) is util.to_json:
            module.to_json = json_text  # type: ignore[attr-defined]  # pygeoapi's modules are untyped


def _no_missing_offset_warning(record: logging.LogRecord) -> bool:
    """False for pygeoapi's warning about an absent ``offset`` (it logs the TypeError of int(None))."""
    return not (record.levelno == logging.WARNING and isinstance(record.msg, TypeError) and "NoneType" in str(record.msg))


def _offset(api_request) -> int:
    try:
        return max(0, int(api_request.params.get("offset") or 0))
    except (TypeError, ValueError):
        return 0
