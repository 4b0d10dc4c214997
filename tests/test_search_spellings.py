"""Every kind of search answer carries its spelling in Latin letters (GeocodeJSON
``romanization``), so a foreign reader and the English page see more than Chinese: roads,
door plates (number first), communities, subdistricts, crossings, compounds and reverse
lookups; a name the register holds is spelled as registered, from the moment it is written.
On both backends."""

from __future__ import annotations

from apitools import make_client
from test_search_api import seed

from placenames.models import PlaceName


def geocoding(client, path, **params):
    response = client.get(path, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [f["properties"]["geocoding"] for f in response.get_json()["features"]]


def spelled(client, q, path="/api/v1/search"):
    found = geocoding(client, path, q=q)
    assert found, q
    return found[0].get("romanization")


def test_each_kind_of_answer_is_spelled(store, tmp_path):
    seed(store)
    client = make_client(store, tmp_path)
    # Neither road is in the register: the rules spell them as 街路巷 names (1984 rules: 专名 and 通名 apart).
    assert spelled(client, "子君路") == "Zijun Lu"
    assert spelled(client, "子君路12号") == "No. 12 Zijun Lu"
    assert spelled(client, "子君路12号附1号") == "No. 12-1 Zijun Lu"
    assert spelled(client, "子君路与锦西路交叉口") == "Zijun Lu / Jinxi Lu"
    assert spelled(client, "双桥社区") == "Shuangqiao Shequ Jumin Weiyuanhui"
    assert spelled(client, "关上街道") == "Guanshang Jiedao"
    assert spelled(client, "官渡古镇") == "Guandu Guzhen"  # a registered place, as before
    offered = {g["label"]: g.get("romanization") for g in geocoding(client, "/api/v1/autocomplete", q="子君路1")}
    assert offered["官渡区关上街道子君路12号"] == "No. 12 Zijun Lu", offered
    (near,) = geocoding(client, "/api/v1/reverse", lon=102.7250, lat=25.0201)
    assert (near["housenumber"], near["romanization"]) == ("12", "No. 12 Zijun Lu")


def test_a_registered_spelling_wins_from_the_moment_it_is_written(store, tmp_path):
    seed(store)
    client = make_client(store, tmp_path)
    assert spelled(client, "子君路") == "Zijun Lu"
    with store.transaction(actor="wang", reason="register the street") as session:  # an officer's own spelling
        session.add(
            PlaceName(name="子君路", romanization="Zi Jun Lu", category_code="23510", category_label="街、路、巷", admin_code="530111001")
        )
        session.add(
            PlaceName(
                name="锦西路",
                romanization="Old Spelling",
                category_code="23510",
                category_label="街、路、巷",
                status="retired",
                admin_code="530111001",
            )
        )
    assert spelled(client, "子君路") == "Zi Jun Lu"  # no restart, no reindex
    assert spelled(client, "子君路14号") == "No. 14 Zi Jun Lu"
    assert spelled(client, "子君路", path="/api/v1/autocomplete") == "Zi Jun Lu"
    assert spelled(client, "锦西路") == "Jinxi Lu"  # a cancelled entry's spelling is not the road's
    (near,) = geocoding(client, "/api/v1/reverse", lon=102.7270, lat=25.0201)
    assert near["romanization"] == "No. 14 Zi Jun Lu"
