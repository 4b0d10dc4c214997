"""The places where pygeoapi 0.24's own behaviour is adjusted for this service.

* Conformance: pygeoapi advertises the same Features classes for every provider,
  including Part 4 (create/replace/delete), which our read-only collections do not
  offer, and omits CQL2 JSON and the spatial-function classes we do implement. The
  list is pygeoapi's module global, so it is replaced in place.
* CQL2 JSON in a GET: Part 3 allows ``filter-lang=cql2-json&filter={...}``, but
  pygeoapi hands every ``filter`` parameter to the CQL2 *text* parser (only a POST
  body is read as JSON). Its module-level parser name is wrapped so a filter that is
  a JSON object is parsed as CQL2 JSON; everything else goes to the text parser as
  before, and paging links keep the filter because the query string is unchanged.
* A bbox in the storage CRS: pygeoapi still builds two pyproj CRSs and asks each for
  its EPSG code (``to_epsg`` ~18 ms, half of an items request); an identical CRS
  now passes the bbox through unchanged.
* Tile matrix set pages: pygeoapi's tiles module passes the whole configuration where
  the template settings belong, so those two pages ignored our templates and came out
  in English with CDN links. Its template renderer is wrapped to take the configured
  template path, so they use our local, Chinese-by-default pages like every other.
* Error pages: pygeoapi renders ``exception.html`` in its system locale (English),
  whatever the request asked for. Inside a request the renderer now takes the
  language ``language.install`` settled for it, so a 404 page is Chinese by default too.
* The OpenAPI document: the API objects built afterwards are handed the self-contained
  version (``gis.ogc.openapi.self_contained_openapi``: remote ``$ref`` replaced by local
  components).
"""

from __future__ import annotations

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

_applied = False


def apply() -> None:
    """Adjust pygeoapi once per process (idempotent)."""
    global _applied
    if _applied:
        return
    from pygeoapi.api import itemtypes, processes
    from pygeofilter.parsers.cql2_json import parse as parse_json

    itemtypes.CONFORMANCE_CLASSES_FEATURES[:] = CONFORMANCE_CLASSES
    processes.CONFORMANCE_CLASSES[:] = PROCESSES_CONFORMANCE_CLASSES
    parse_text = itemtypes.parse_cql2_text

    def parse_text_or_json(filter_text: str):
        if filter_text.lstrip().startswith("{"):
            return parse_json(filter_text)
        return parse_text(filter_text)

    itemtypes.parse_cql2_text = parse_text_or_json

    transform_bbox = itemtypes.transform_bbox

    def transform_bbox_unless_same(bbox, from_crs, to_crs):
        if str(from_crs) == str(to_crs):
            return list(bbox)
        return transform_bbox(bbox, from_crs, to_crs)

    itemtypes.transform_bbox = transform_bbox_unless_same

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
