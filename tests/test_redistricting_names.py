"""Codes and proposed names of new communities: next free codes, names from the main road, checked by the naming rules."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from apitools import bearer
from redistricting_grids import ORIGIN, STEP, store_grid_blocks

from boundaries.redistricting import jobs
from boundaries.redistricting.naming import specific_of_road
from gis.basemap import AdminUnit, Road
from gis.settings import Settings
from server import create_app

S = "530111001000"
W1, E1 = "530111001001", "530111001002"


def road(name, road_class, col):
    """A north-south road through the middle of grid column ``col``."""
    x = ORIGIN[0] + (col + 0.5) * STEP
    return Road(name=name, road_class=road_class, geom=shapely.MultiLineString([[(x, ORIGIN[1]), (x, ORIGIN[1] - 4 * STEP)]]))


@pytest.fixture
def client(store, tmp_path):
    store_grid_blocks(store, [[100] * 4] * 4, subdistricts=[[S] * 4] * 4, communities=[[W1, W1, E1, E1]] * 4)
    with store.transaction(actor="test", reason="units and roads") as session:
        since = dt.date(2020, 1, 1)
        session.add(AdminUnit(code=S, name="关上街道", level="subdistrict", parent_code="530111", valid_from=since))
        session.add(AdminUnit(code=W1, name="双桥社区居民委员会", level="community", parent_code=S, valid_from=since))
        session.add(AdminUnit(code=E1, name="春城社区居民委员会", level="community", parent_code=S, valid_from=since))
        session.add_all(
            [road("春城路", "arterial", 3), road("毛泽东路", "arterial", 0), road("关上中路", "secondary", 0), road("关上东路", "local", 3)]
        )
    return create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run"))).test_client()


@pytest.mark.parametrize(
    ("road_name", "specific"),
    [
        ("春城路", "春城"),
        ("关上中路", "关上"),
        ("民航大道", "民航"),
        ("纬三路", "纬三"),
        ("东路", None),
        ("北京东路", "北京"),
        ("毛泽东路", "毛泽东"),
    ],
)
def test_the_specific_name_of_a_road(road_name, specific):
    family = ["关上东路", "北京路", "毛泽东路"]  # directions are dropped only within a family of roads
    assert specific_of_road(road_name, family) == specific


def test_new_communities_get_the_next_codes_and_names_from_their_main_road_that_the_rules_allow(client, store):
    planner = bearer(store, "li", ["planner"])
    job_id = jobs.submit(store, {"new": {S: [2, 2]}, "min": 300, "max": 800, "mode": "adjust"}, actor="li", start=False)
    jobs.run(store, job_id, "li")
    state = jobs.status(store, job_id)
    assert state["status"] == "succeeded", state
    plan = client.get(f"/api/v1/redistricting/plans/{state['plans'][0]}", headers=planner).get_json()
    codes = sorted(f["id"] for f in plan["communities"]["features"])
    assert codes == [W1, E1, "530111001003", "530111001004"]  # today's two keep their codes; new ones follow the highest
    names = plan["proposed_names"]
    assert set(names) == {"530111001003", "530111001004"}
    for proposal in names.values():
        assert proposal["status"] == "proposal"
        for candidate in proposal["candidates"]:
            assert candidate["name"] not in ("春城社区", "双桥社区")  # existing communities' names are not proposed
            if candidate["name"] == "毛泽东社区":
                assert not candidate["usable"] and any(f["rule"] == "leader-name" for f in candidate["findings"])
        assert proposal["name"] is None or proposal["name"] in {c["name"] for c in proposal["candidates"] if c["usable"]}
    west = [p for p in names.values() if any(c["name"] == "关上社区" for c in p["candidates"])]
    assert west and west[0]["name"] == "关上社区"  # the leader's name is passed over for the next road
    feature = next(f for f in plan["communities"]["features"] if f["id"] in names and names[f["id"]]["name"])
    assert feature["properties"]["proposed_name"] == names[feature["id"]]["name"]
