"""A kind of place asked near a named one (官渡古镇附近的小学, 子君路12号旁边的小学): the
registered places of that kind, nearest the named place first, whatever the map's focus;
a gate word after a name (…南门, 大门口) is the place itself. On both backends, through the API."""

from __future__ import annotations

import pytest
from apitools import make_client
from shapely import Point
from test_search_api import seed

from placenames import register
from placenames.models import PlaceName

SCHOOLS = {"古镇小学": Point(102.7160, 24.9905), "子君小学": Point(102.7255, 25.0210), "远郊小学": Point(102.7600, 25.0500)}


@pytest.fixture
def client(store, tmp_path):
    seed(store)  # 官渡古镇 at (102.715, 24.99); 子君路 12号 at (102.7250, 25.0202)
    with store.transaction(actor="test", reason="三所小学") as session:
        for name, point in SCHOOLS.items():
            session.add(PlaceName(**register.spelling(name, "27300"), status="current", admin_code="530111001", geom=point))
    return make_client(store, tmp_path)


def found(client, q, **more):
    response = client.get("/api/v1/search", query_string={"q": q, **more})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [f["properties"]["geocoding"] for f in response.get_json()["features"]]


@pytest.mark.parametrize(
    "q,first",
    [
        ("官渡古镇附近的小学", "古镇小学"),
        ("官渡古镇周边小学", "古镇小学"),
        ("子君路12号旁边的小学", "子君小学"),  # near an address: not the plate itself
        ("子君路附近的小学", "子君小学"),
    ],
)
def test_the_kind_nearest_the_named_place_comes_first(client, q, first):
    answers = found(client, q, focus="102.7600,25.0500")  # the map looks elsewhere: the query's place wins
    assert [a["name"] for a in answers][:1] == [first], answers
    assert {a["name"] for a in answers} == set(SCHOOLS) and all(a["kind"] == "小学" and a["near"] for a in answers)


def test_a_gate_word_after_a_name_is_the_place_and_an_unknown_anchor_is_no_answer(client):
    for q in ("官渡古镇南门", "官渡古镇大门口", "官渡古镇东门"):
        assert found(client, q)[0]["name"] == "官渡古镇", q
    assert found(client, "无此地附近的小学") == [] or all("near" not in a for a in found(client, "无此地附近的小学"))


def test_a_word_for_several_kinds_asks_for_them_all(client, store):
    with store.transaction(actor="test", reason="一所中学") as session:
        session.add(
            PlaceName(**register.spelling("古镇中学", "27300"), status="current", admin_code="530111001", geom=Point(102.7151, 24.9901))
        )
    answers = found(client, "官渡古镇附近的学校")
    assert [a["name"] for a in answers][:2] == ["古镇中学", "古镇小学"] and {a["kind"] for a in answers} == {"学校"}
    assert {a["name"] for a in answers} == {"古镇中学", *SCHOOLS}


def test_a_named_place_written_like_a_unit_is_the_place_and_an_unregistered_number_is_its_neighbour(client, store):
    with store.transaction(actor="test", reason="街道办事处") as session:
        session.add(
            PlaceName(
                **register.spelling("关上街道办事处", "27100"), status="current", admin_code="530111001", geom=Point(102.7590, 25.0495)
            )
        )
    answers = found(client, "关上街道办事处附近的小学")  # not the subdistrict 关上街道: the office, near 远郊小学
    assert answers[0]["name"] == "远郊小学" and answers[0]["near"] == "关上街道办事处"
    answers = found(client, "子君路16号附近的小学")  # no 16号: its registered neighbour stands for it
    assert answers[0]["name"] == "子君小学" and answers[0]["near"].startswith("子君路")


def test_near_a_road_is_measured_from_the_road_not_its_middle(client, store):
    """子君路 runs from 102.72 to 102.74 along 25.02: a school 30 m off its east end is nearer the
    road than one 550 m north of its middle, though farther from the middle (about 950 m)."""
    with store.transaction(actor="test", reason="两所小学") as session:
        for name, point in (("路东头小学", Point(102.7395, 25.0203)), ("路中段北小学", Point(102.7300, 25.0250))):
            session.add(PlaceName(**register.spelling(name, "27300"), status="current", admin_code="530111001", geom=point))
    for q in ("子君路附近的小学", "子君路附近的学校"):  # one kind, and a family of kinds
        names = [a["name"] for a in found(client, q)]
        assert names[:2] == ["路东头小学", "子君小学"] and names.index("路东头小学") < names.index("路中段北小学"), (q, names)
