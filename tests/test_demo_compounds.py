"""The demo's compounds (小区) on both backends: about a dozen, each with one current door
number on its road, every building inside numbered (楼栋号) and without a street number of
its own, and found by search down to 幢/单元/室."""

from __future__ import annotations

import pytest
from apitools import make_client
from conftest import BACKENDS, make_store
from sqlalchemy import select

from cli.data_commands import registry
from data.demo_compounds import COUNT, add_compounds
from data.loader import demo_steps, load_demo
from placenames.models import DoorPlate
from placenames.numbering import compounds, lookup
from placenames.numbering.models import CompoundBuilding

SEED, SCALE = 530111, 0.02


@pytest.fixture(scope="module")
def frames():
    from data.demo import build_demo

    return build_demo(seed=SEED, scale=SCALE)


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, frames, tmp_path_factory):
    store = make_store(request, request.param, tmp_path_factory.mktemp("compounds"))
    counts = load_demo(store, registry(), seed=SEED, scale=SCALE, frames=frames, steps=(add_compounds,))
    return store, counts


def test_the_step_follows_the_history_step():
    names = [step.__name__ for step in demo_steps()]
    assert names.index("add_compounds") == names.index("add_history") + 1


def test_a_dozen_compounds_each_with_one_number_and_numbered_buildings(demo):
    store, counts = demo
    assert counts["compounds"] == COUNT
    listed = compounds.list_compounds(store)
    assert len(listed) == COUNT and len({c["road"] for c in listed}) == COUNT
    assert all(c["status"] == "current" and c["numbered"] == c["buildings"] >= 5 for c in listed)
    assert counts["compound_buildings"] == sum(c["buildings"] for c in listed)
    with store.read() as session:
        inside = list(session.scalars(select(CompoundBuilding.building_id)))
        own = session.scalars(select(DoorPlate).where(DoorPlate.building_id.in_(inside), DoorPlate.status == "current")).all()
        retired = session.scalars(select(DoorPlate).where(DoorPlate.building_id.in_(inside), DoorPlate.status == "retired")).all()
    assert own == [] and len(retired) == counts["compound_retired_numbers"] > 0
    first = compounds.describe(store, listed[0]["id"])
    full = lookup.describe(store, first["door_plate"], building="2", unit="1", room="301")
    assert full["full_text"].startswith("云南省昆明市官渡区") and full["full_text"].endswith(f"{first['number']}号2幢1单元301室")


def test_search_finds_a_demo_compound_building(demo, tmp_path):
    store, _ = demo
    first = compounds.list_compounds(store)[0]
    client = make_client(store, tmp_path)
    query = f"{first['road']}{first['number']}号2栋1单元301室"
    g = client.get("/api/v1/search", query_string={"q": query}).json["features"][0]["properties"]["geocoding"]
    assert g["label"].endswith(f"{first['road']}{first['number']}号2幢1单元301室")
    assert g["compound"] == first["name"] and g["secondary"] is False
