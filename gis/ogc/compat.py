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
* The OpenAPI document: pygeoapi refers to ~17 schema fragments on schemas.opengis.net
  (and one on GitHub) by ``$ref``, so an offline validator or code generator cannot
  resolve it. ``self_contained_openapi`` puts our own short definitions of those
  fragments (``REMOTE_SCHEMAS``, written here from the standards' text) under the document's ``components`` and points
  every reference there; the API objects built afterwards are handed that version.
"""

from __future__ import annotations

import copy
from typing import Any

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
    _geojson_media_type(itemtypes)

    from pygeoapi.api import API

    build_api = API.__init__

    def build_api_with_local_schemas(self, config, openapi, *args, **kwargs):
        build_api(self, config, self_contained_openapi(openapi) if isinstance(openapi, dict) else openapi, *args, **kwargs)

    API.__init__ = build_api_with_local_schemas
    _applied = True


def _describe_properties(api_module, itemtypes) -> None:
    """Queryables and schema documents and pages: JSON Schema 2020-12, every property titled."""
    import json

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
    import json

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


def _offset(api_request) -> int:
    try:
        return max(0, int(api_request.params.get("offset") or 0))
    except (TypeError, ValueError):
        return 0


def self_contained_openapi(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with every remote ``$ref`` it knows replaced by a local component.

    A remote reference not in ``REMOTE_SCHEMAS`` stays as it is (the test
    suite fails on it, so a pygeoapi upgrade that adds one is noticed)."""
    document = copy.deepcopy(document)
    components = document.setdefault("components", {})
    used: dict[str, str] = {}

    def local(ref: str) -> str:
        if ref not in used:
            section, name, definition = REMOTE_SCHEMAS[ref]
            components.setdefault(section, {})
            while name in components[section] and components[section][name] != definition:
                name = f"ogc_{name}"
            components[section][name] = copy.deepcopy(definition)
            used[ref] = f"#/components/{section}/{name}"
        return used[ref]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref in REMOTE_SCHEMAS:
                node["$ref"] = local(ref)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({key: value for key, value in document.items() if key != "components"})
    for section in list(components):
        for name in list(components[section]):
            walk(components[section][name])
    return document


# --- local definitions of the schema fragments pygeoapi refers to remotely -------------

_OGC = "https://schemas.opengis.net/ogcapi"
_FEATURES = f"{_OGC}/features/part1/1.0/openapi/ogcapi-features-1.yaml#/components"
_PROCESSES = f"{_OGC}/processes/part1/1.0/openapi"
_LINK = {
    "type": "object",
    "required": ["href", "rel"],
    "properties": {name: {"type": "string"} for name in ("href", "rel", "type", "hreflang", "title")},
}
_LINKS = {"type": "array", "items": _LINK}
_EXCEPTION = {
    "type": "object",
    "required": ["type"],
    "description": "RFC 7807 problem details, as OGC API - Processes defines them",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string"},
        "description": {"type": "string"},
    },
}
_ERROR_JSON = {"application/json": {"schema": _EXCEPTION}, "text/html": {"schema": {"type": "string"}}}
_GEOJSON_FEATURE = {
    "type": "object",
    "required": ["type", "geometry", "properties"],
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "geometry": {"type": "object", "nullable": True},
        "properties": {"type": "object", "nullable": True},
        "links": _LINKS,
    },
}
_FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": _GEOJSON_FEATURE},
        "links": _LINKS,
        "timeStamp": {"type": "string", "format": "date-time"},
        "numberMatched": {"type": "integer", "minimum": 0},
        "numberReturned": {"type": "integer", "minimum": 0},
    },
}


def _response(description: str, schema: dict, media: str = "application/json") -> dict:
    return {"description": description, "content": {media: {"schema": schema}, "text/html": {"schema": {"type": "string"}}}}


# remote $ref -> (components section, local name, definition)
REMOTE_SCHEMAS: dict[str, tuple[str, str, dict]] = {
    f"{_FEATURES}/parameters/featureId": (
        "parameters",
        "featureId",
        {"name": "featureId", "in": "path", "required": True, "description": "local identifier of a feature", "schema": {"type": "string"}},
    ),
    f"{_FEATURES}/responses/LandingPage": (
        "responses",
        "LandingPage",
        _response(
            "The landing page: links to the API definition, the conformance classes and the collections",
            {
                "type": "object",
                "required": ["links"],
                "properties": {"title": {"type": "string"}, "description": {"type": "string"}, "links": _LINKS},
            },
        ),
    ),
    f"{_FEATURES}/responses/Collection": (
        "responses",
        "Collection",
        _response(
            "Information about one feature collection",
            {
                "type": "object",
                "required": ["id", "links"],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                    "links": _LINKS,
                    "extent": {"type": "object"},
                    "itemType": {"type": "string"},
                    "crs": {"type": "array", "items": {"type": "string"}},
                },
            },
        ),
    ),
    f"{_FEATURES}/responses/Features": (
        "responses",
        "Features",
        _response("The features selected by the query, one page of them", _FEATURE_COLLECTION, "application/geo+json"),
    ),
    f"{_FEATURES}/responses/Feature": ("responses", "Feature", _response("One feature", _GEOJSON_FEATURE, "application/geo+json")),
    f"{_FEATURES}/responses/InvalidParameter": (
        "responses",
        "InvalidParameter",
        {"description": "A query parameter has an invalid value", "content": _ERROR_JSON},
    ),
    f"{_FEATURES}/responses/NotFound": (
        "responses",
        "NotFound",
        {"description": "The requested resource does not exist", "content": _ERROR_JSON},
    ),
    f"{_FEATURES}/responses/ServerError": ("responses", "ServerError", {"description": "A server error occurred", "content": _ERROR_JSON}),
    f"{_OGC}/tiles/part1/1.0/openapi/ogcapi-tiles-1.yaml#/components/schemas/link": ("schemas", "link", _LINK),
    "https://raw.githubusercontent.com/opengeospatial/ogcapi-records/master/core/openapi/parameters/sortby.yaml": (
        "parameters",
        "sortby",
        {
            "name": "sortby",
            "in": "query",
            "required": False,
            "style": "form",
            "explode": False,
            "description": "comma-separated properties to sort by, each optionally prefixed + (ascending) or - (descending)",
            "schema": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[+-]?[A-Za-z_].*$"}},
        },
    ),
    "https://schemas.opengis.net/cql2/1.0/cql2.json": (
        "schemas",
        "cql2",
        {
            "type": "object",
            "description": "a CQL2 JSON expression: an operator object {op, args} (OGC 21-065)",
            "required": ["op", "args"],
            "properties": {"op": {"type": "string"}, "args": {"type": "array"}},
        },
    ),
    f"{_PROCESSES}/responses/ProcessList.yaml": (
        "responses",
        "ProcessList",
        _response(
            "The processes this server offers",
            {
                "type": "object",
                "required": ["processes", "links"],
                "properties": {
                    "processes": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "version"],
                            "properties": {
                                "id": {"type": "string"},
                                "version": {"type": "string"},
                                "title": {"type": "string"},
                                "links": _LINKS,
                            },
                        },
                    },
                    "links": _LINKS,
                },
            },
        ),
    ),
    f"{_PROCESSES}/responses/ExecuteAsync.yaml": (
        "responses",
        "ExecuteAsync",
        {
            "description": "The job was created; follow the Location header for its status",
            "headers": {"Location": {"schema": {"type": "string"}, "description": "URL of the job status"}},
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["jobID", "status"],
                        "properties": {
                            "jobID": {"type": "string"},
                            "processID": {"type": "string"},
                            "status": {"type": "string", "enum": ["accepted", "running", "successful", "failed", "dismissed"]},
                            "message": {"type": "string"},
                            "progress": {"type": "integer"},
                            "links": _LINKS,
                        },
                    }
                }
            },
        },
    ),
    f"{_PROCESSES}/responses/NotFound.yaml": (
        "responses",
        "ProcessesNotFound",
        {"description": "The process or job does not exist", "content": _ERROR_JSON},
    ),
    f"{_PROCESSES}/responses/ServerError.yaml": (
        "responses",
        "ProcessesServerError",
        {"description": "A server error occurred", "content": _ERROR_JSON},
    ),
    f"{_PROCESSES}/schemas/exception.yaml": ("schemas", "exception", _EXCEPTION),
    f"{_PROCESSES}/schemas/execute.yaml": (
        "schemas",
        "execute",
        {
            "type": "object",
            "description": "an execute request: the process inputs by identifier, the outputs wanted",
            "properties": {
                "inputs": {"type": "object", "additionalProperties": True},
                "outputs": {"type": "object", "additionalProperties": True},
                "response": {"type": "string", "enum": ["raw", "document"]},
            },
        },
    ),
}
