"""Names with markup in the OGC API: the JSON formats carry the stored text, the HTML pages show it as text.

pygeoapi's JSON writer replaced ``<`` and ``>`` by ``&lt;`` and ``&gt;``, so a client read a
different name than the register holds (api/ogc/compat.py). The names are written straight
into the register, as a legacy record would be (the naming rules refuse markup today).
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import sqlalchemy as sa
from ogc_seed import seed

from gis.basemap import Road
from gis.settings import Settings
from placenames.models import PlaceName
from server import create_app

ROAD = '<img src=x onerror="window.__xss=1">春城路 & <b>东</b>'
PLACE = "<script>alert(1)</script>关上"


@pytest.fixture
def client(store, tmp_path):
    seed(store)
    with store.transaction(actor="test", reason="legacy names with markup") as session:
        session.execute(sa.update(Road).where(Road.name == "春城路").values(name=ROAD))
        session.execute(sa.update(PlaceName).where(PlaceName.name == "关上").values(name=PLACE))
    app = create_app(Settings(database_url=store.url, public_url="http://diming.test", work_dir=str(tmp_path / "run"), max_items=50))
    return app.test_client()


def road_id(client) -> int:
    features = client.get("/ogc/collections/roads/items", query_string={"f": "json"}).get_json()["features"]
    return next(f["id"] for f in features if f["properties"]["name"] == ROAD)


def test_json_formats_carry_the_stored_text(client):
    for accept in ("application/geo+json", "application/json"):
        response = client.get("/ogc/collections/roads/items", query_string={"f": "json"}, headers={"Accept": accept})
        body = response.get_data(as_text=True)
        assert "&lt;" not in body and "&gt;" not in body and "&amp;" not in body
        assert "<" not in body and ">" not in body  # written as JSON escapes: no HTML parser sees a tag
        assert ROAD in [f["properties"]["name"] for f in json.loads(body)["features"]]
    item = client.get(f"/ogc/collections/roads/items/{road_id(client)}", query_string={"f": "json"}).get_json()
    assert item["properties"]["name"] == ROAD
    filtered = client.get("/ogc/collections/placenames/items", query_string={"f": "json", "filter": "name LIKE '%关上'"}).get_json()
    assert [f["properties"]["name"] for f in filtered["features"]] == [PLACE]
    searched = client.get("/ogc/collections/roads/items", query_string={"f": "json", "name": ROAD}).get_json()
    assert [f["properties"]["name"] for f in searched["features"]] == [ROAD]
    posted = client.post(
        "/ogc/collections/roads/items?f=json",
        json={"op": "=", "args": [{"property": "name"}, ROAD]},
        headers={"Content-Type": "application/query-cql-json"},
    )
    assert [f["properties"]["name"] for f in posted.get_json()["features"]] == [ROAD]


def test_csv_and_jsonld_carry_the_stored_text(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/ogc/collections/roads/items", query_string={"f": "csv"}).get_data(as_text=True))))
    assert ROAD in [row["name"] for row in rows]
    jsonld = client.get(f"/ogc/collections/roads/items/{road_id(client)}", query_string={"f": "jsonld"}).get_data(as_text=True)
    assert "&lt;" not in jsonld and json.loads(jsonld)["name"] == ROAD


def test_html_pages_show_the_markup_as_text(client):
    for path in ("/ogc/collections/roads/items", f"/ogc/collections/roads/items/{road_id(client)}"):
        html = client.get(path, query_string={"f": "html"}).get_data(as_text=True)
        assert "<img src=x" not in html and "<b>东" not in html, path
        assert "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;春城路 &amp; &lt;b&gt;东&lt;/b&gt;" in html, path  # escaped once
        assert "&amp;lt;" not in html, path  # not twice
        data = re.search(r'<script type="application/json" class="diming-map"[^>]*>(.*?)</script>', html, re.S)
        assert data is not None and "<" not in data.group(1), path  # the map's data block cannot end early
        drawn = json.loads(data.group(1))
        assert ROAD in [f["properties"]["name"] for f in drawn.get("features", [drawn])], path
    places = client.get("/ogc/collections/placenames/items", query_string={"f": "html"}).get_data(as_text=True)
    assert "<script>alert" not in places and "&lt;script&gt;alert(1)&lt;/script&gt;关上" in places


def test_item_maps_are_given_the_collection_extent_and_a_page_size(client):
    """diming-map.js loads the base map by bounding box; the first view of an empty page is the collection's extent."""
    extent = client.get("/ogc/collections/roads", query_string={"f": "json"}).get_json()["extent"]["spatial"]["bbox"][0]
    for path in ("/ogc/collections/roads/items", f"/ogc/collections/roads/items/{road_id(client)}"):
        html = client.get(path, query_string={"f": "html", "bbox": "0,0,0.1,0.1"} if path.endswith("items") else {"f": "html"}).get_data(
            as_text=True
        )
        tag = re.search(r'<script type="application/json" class="diming-map"([^>]*)>', html).group(1)
        attributes = dict(re.findall(r'\s(data-[a-z]+)="([^"]*)"', tag))
        assert json.loads(attributes["data-extent"]) == pytest.approx(extent), path
        assert attributes["data-limit"] == "50", path  # the server's page size, when below 500
        assert attributes["data-base"] == "http://diming.test/ogc/collections/", path
