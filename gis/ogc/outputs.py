"""The other encodings of a page of features (CSV, JSON-LD) and the links between them.

Found by GIS users, fixed where pygeoapi 0.24 writes them (``compat`` routes its calls here):

* Links: pygeoapi drops ``offset`` from the ``self`` and ``alternate`` links of an
  items page, so "this page as CSV" of page 5 was page 1. ``keep_offset`` puts it back.
* CSV: pygeoapi writes the properties only (its geometry option guesses x/y columns
  from the first feature and fails on mixed types). ``features_csv`` writes ``id``,
  the properties and a ``wkt`` column (in the response CRS) for every feature.
* JSON-LD: pygeoapi's items template keeps only each feature's ``@id``;
  ``jsonld_document`` keeps the properties and geometry too, with an ``@vocab`` that
  makes every property a term of the collection's schema.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import shapely.geometry


def keep_offset(links: list[dict[str, Any]], offset: int) -> list[dict[str, Any]]:
    """``self`` and ``alternate`` links of the page at ``offset`` carry that offset."""
    if offset <= 0:
        return links
    for link in links:
        if link.get("rel") not in ("self", "alternate") or "/items" not in str(link.get("href", "")):
            continue
        parts = urlsplit(link["href"])
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "offset"]
        query.append(("offset", str(offset)))
        link["href"] = urlunsplit(parts._replace(query=urlencode(query, safe=",:/")))
    return links


def features_csv(data: dict[str, Any]) -> bytes:
    """A FeatureCollection as CSV: id, every property, geometry as WKT."""
    features = data.get("features") or []
    names: list[str] = []
    for feature in features:
        for name in feature.get("properties") or {}:
            if name not in names:
                names.append(name)
    columns = ["id", *names, "wkt"]
    output = io.StringIO()
    writer = csv.DictWriter(output, columns, extrasaction="ignore")
    writer.writeheader()
    for feature in features:
        row = {name: _cell(value) for name, value in (feature.get("properties") or {}).items()}
        row["id"] = feature.get("id")
        geometry = feature.get("geometry")
        row["wkt"] = shapely.geometry.shape(geometry).wkt if geometry else ""
        writer.writerow(row)
    return output.getvalue().encode("utf-8")


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def jsonld_document(data: dict[str, Any]) -> str:
    """pygeoapi's JSON-LD data (features already merged with their properties) as a document."""
    identifier = str(data.get("@id", ""))
    collection = identifier.split("/items/")[0] if "/items/" in identifier else identifier
    document = dict(data)
    context = [dict(item) if isinstance(item, dict) else item for item in document.get("@context", [])]
    if context and isinstance(context[0], dict):
        context[0].setdefault("@vocab", f"{collection}/schema#")
    document["@context"] = context
    return json.dumps(document, ensure_ascii=False, default=str)
