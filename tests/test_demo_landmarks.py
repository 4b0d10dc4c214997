"""The demo's landmarks and public buildings, on both backends: registered through the
place-name layer (naming rules, spelling, category), inside their subdistrict, with
their short names; and found by the public search as residents ask for them — by
name, by short name, with a question or the administrative chain around it, and by
kind alone (机场, 区政府, 附近的公园) nearest the focus."""

from __future__ import annotations

import pytest
import shapely
from conftest import BACKENDS, make_store
from sqlalchemy import select

from cli.data_commands import registry
from data.demo_landmarks import SOURCE, add_landmarks, landmarks
from data.loader import load_demo
from gis.basemap import AdminUnit
from gis.settings import Settings
from placenames import categories
from placenames.models import PlaceName
from placenames.registry_models import NameAlias
from server import create_app

SEED, SCALE = 530111, 0.02


@pytest.fixture(scope="module")
def frames():
    from data.demo import build_demo

    return build_demo(seed=SEED, scale=SCALE)


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, frames, tmp_path_factory):
    store = make_store(request, request.param, tmp_path_factory.mktemp("landmarks"))
    counts = load_demo(store, registry(), seed=SEED, scale=SCALE, frames=frames, steps=(add_landmarks,))
    client = create_app(Settings(database_url=store.url, work_dir=str(tmp_path_factory.mktemp("run")))).test_client()
    return store, counts, client


def names_found(client, query: str, **params) -> list[str]:
    response = client.get("/api/v1/search", query_string={"q": query, **params})
    assert response.status_code == 200, response.get_json()
    return [f["properties"]["geocoding"]["name"] for f in response.get_json()["features"]]


def test_each_subdistrict_gets_its_office_clinic_school_and_park_inside_it(demo):
    store, counts, _ = demo
    with store.read() as session:
        subdistricts = session.scalars(select(AdminUnit).where(AdminUnit.level == "subdistrict", AdminUnit.valid_to.is_(None))).all()
        wanted = landmarks("官渡区", [(s.code, s.name) for s in sorted(subdistricts, key=lambda s: s.code)])
        stored = {p.name: p for p in session.scalars(select(PlaceName).where(PlaceName.name.in_([m.name for m in wanted])))}
        shorts = {a.alias: a.place_name_id for a in session.scalars(select(NameAlias).where(NameAlias.kind == "short"))}
    assert counts["landmarks"] == len(wanted) == len(stored)
    outline = {s.code: s.geom for s in subdistricts}
    for landmark in wanted:
        entry = stored[landmark.name]
        assert entry.category_code == landmark.category_code and entry.status == "current"
        assert entry.category_label == categories.get(landmark.category_code).label_zh
        assert entry.romanization == landmark.romanization and entry.source == SOURCE  # word by word: Guanshang Jiedao Banshichu
        assert outline[landmark.subdistrict_code].buffer(1e-6).contains(shapely.Point(entry.geom.x, entry.geom.y))
        assert all(shorts[short] == entry.id for short in landmark.short_names)
    kinds = {m.category_code for m in wanted}
    assert {"27100", "27300", "25200", "25100", "23410"} <= kinds  # offices, schools/clinics, parks, the old town, the airport
    assert len({(round(p.geom.x, 7), round(p.geom.y, 7)) for p in stored.values()}) == len(stored)  # one building each


@pytest.mark.parametrize(
    "query, expected",
    [
        ("官渡古镇", "官渡古镇"),
        ("长水机场", "昆明长水国际机场"),  # 简称
        ("官渡区政府", "官渡区人民政府"),
        ("关上街道办事处在哪里", "关上街道办事处"),  # a question around a name written like the unit
        ("请问关上街道办", "关上街道办事处"),
        ("云南省昆明市官渡区关上公园", "关上公园"),
        ("太和小学怎么走", "太和小学"),
        ("guandu guzhen", "官渡古镇"),
        ("机场", "昆明长水国际机场"),  # only the kind
        ("区政府", "官渡区人民政府"),
    ],
)
def test_public_search_finds_landmarks_as_residents_ask(demo, query, expected):
    _, _, client = demo
    assert names_found(client, query)[0] == expected


def test_a_kind_alone_lists_its_places_nearest_the_focus_first(demo):
    store, _, client = demo
    with store.read() as session:
        parks = {p.name: p.geom for p in session.scalars(select(PlaceName).where(PlaceName.category_code == "25200"))}
    name, point = sorted(parks.items())[3]
    found = names_found(client, "附近的公园", focus=f"{point.x},{point.y}")
    assert found[0] == name and set(found) <= set(parks) and len(found) == min(10, len(parks))
    assert names_found(client, "路") == []  # a generic of roads alone is no answer: too many to list
