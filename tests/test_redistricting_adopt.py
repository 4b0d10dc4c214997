"""Adopting a plan (issue #19, item 7): one dated reorganisation; blocks, buildings, door plates,
community lines and search follow; refusals write nothing. Both backends."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
import sqlalchemy as sa
from apitools import bearer
from click.testing import CliRunner
from redistricting_grids import ORIGIN, STEP, cell, store_grid_blocks

from boundaries.line_models import BoundaryLine, UnitChange
from boundaries.redistricting import jobs
from boundaries.redistricting.models import ProposedCommunity
from gis.basemap import AdminUnit, Block, Building, Road
from gis.settings import Settings
from gis.storage.audit import AuditEntry
from placenames.models import DoorPlate
from server import create_app

S = "530111001000"
W1, E1 = "530111001001", "530111001002"
SINCE = dt.date(2020, 1, 1)
ON = "2026-01-01"
COLUMNS = [W1, W1, E1, E1]


def road(name, road_class, col):
    """A north-south road through the middle of grid column ``col``."""
    x = ORIGIN[0] + (col + 0.5) * STEP
    return Road(name=name, road_class=road_class, geom=shapely.MultiLineString([[(x, ORIGIN[1]), (x, ORIGIN[1] - 4 * STEP)]]))


def union(cols):
    return shapely.MultiPolygon([cell(r, c) for r in range(4) for c in cols]).buffer(0)


def multi(geom):
    return geom if geom.geom_type == "MultiPolygon" else shapely.MultiPolygon([geom])


@pytest.fixture
def world(store):
    """关上街道 on a 4x4 grid of blocks (100 households each): 双桥 in the west half, 春城 in the
    east; one building and one door plate per block."""
    store_grid_blocks(store, [[100] * 4] * 4, subdistricts=[[S] * 4] * 4, communities=[COLUMNS] * 4)
    with store.transaction(actor="test", reason="units, roads, buildings, plates") as session:
        session.add(
            AdminUnit(code=S, name="关上街道", level="subdistrict", parent_code="530111", valid_from=SINCE, geom=multi(union(range(4))))
        )
        session.add(
            AdminUnit(code=W1, name="双桥社区居民委员会", level="community", parent_code=S, valid_from=SINCE, geom=multi(union([0, 1])))
        )
        session.add(
            AdminUnit(code=E1, name="春城社区居民委员会", level="community", parent_code=S, valid_from=SINCE, geom=multi(union([2, 3])))
        )
        roads = [
            road("春城路", "arterial", 3),
            road("毛泽东路", "arterial", 0),
            road("关上中路", "secondary", 0),
            road("关上东路", "local", 3),
        ]
        session.add_all(roads)
        session.flush()
        for r in range(4):
            for c in range(4):
                inner = cell(r, c).buffer(-STEP / 4)
                building = Building(code=f"b{r}{c}", block_code=f"r{r}c{c}", community_code=COLUMNS[c], households=100, geom=inner)
                session.add(building)
                session.flush()
                number = 1 + r * 4 + c
                session.add(
                    DoorPlate(
                        road_id=roads[0].id,
                        number=number,
                        number_text=str(number),
                        building_id=building.id,
                        address=f"官渡区关上街道春城路{number}号",
                        admin_code=COLUMNS[c],
                        geom=inner.centroid,
                    )
                )
    return store


@pytest.fixture
def client(world, tmp_path):
    return create_app(Settings(database_url=world.url, work_dir=str(tmp_path / "run"))).test_client()


def make_plan(store, **body) -> int:
    request = {"new": {S: [2, 2]}, "min": 300, "max": 800, "mode": "adjust", **body}
    job_id = jobs.submit(store, request, actor="li", start=False)
    jobs.run(store, job_id, "li")
    state = jobs.status(store, job_id)
    assert state["status"] == "succeeded", state
    return state["plans"][0]


def snapshot(store) -> dict:
    """Everything an adoption may write, to show a refusal wrote nothing."""
    with store.read() as session:
        return {
            "units": sorted(session.execute(sa.select(AdminUnit.code, AdminUnit.valid_from, AdminUnit.valid_to)).all()),
            "changes": session.scalar(sa.select(sa.func.count()).select_from(UnitChange)),
            "blocks": sorted(session.execute(sa.select(Block.code, Block.community_code, Block.version)).all()),
            "buildings": sorted(session.execute(sa.select(Building.code, Building.community_code)).all()),
            "plates": sorted(session.execute(sa.select(DoorPlate.id, DoorPlate.admin_code, DoorPlate.address)).all()),
            "audit": session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)),
        }


def adopt(client, planner, plan_id, **body):
    return client.post(f"/api/v1/redistricting/plans/{plan_id}/adopt", headers=planner, json={"date": ON, "reason": "区政府批复", **body})


def test_adopting_a_plan_reorganises_the_units_and_the_plates_follow(client, world):
    store = world
    planner = bearer(store, "li", ["planner"])
    plan_id = make_plan(store)
    plan = client.get(f"/api/v1/redistricting/plans/{plan_id}", headers=planner).get_json()
    assert plan["valid"] and plan["adopted"] is None
    assignment = plan["assignment"]
    new_codes = sorted(set(assignment.values()) - {W1, E1})
    assert new_codes == ["530111001003", "530111001004"]
    proposed = {code: plan["proposed_names"][code]["name"] for code in new_codes}
    assert all(proposed.values()), plan["proposed_names"]

    response = adopt(client, planner, plan_id)
    assert response.status_code == 201, response.get_json()
    result = response.get_json()
    assert result["kind"] == "split" and result["effective"] == ON
    assert sorted(result["changed"]) == [W1, E1] and result["kept"] == [] and result["retired"] == []
    assert result["created"] == {code: name + "居民委员会" for code, name in proposed.items()}
    assert result["blocks_moved"] == result["buildings_moved"] == 8
    assert result["followed"]["plates"]["plates"] == 8

    with store.read() as session:
        change = session.get(UnitChange, result["change_id"])
        assert change.effective == dt.date.fromisoformat(ON) and change.document == f"redistricting plan #{plan_id}"
        assert sorted(change.closed_codes) == [W1, E1] and sorted(change.added_codes) == [W1, E1, *new_codes]
        assert change.created_by == "li" and "区政府批复" in change.remarks
        versions = session.execute(sa.select(AdminUnit.code, AdminUnit.valid_from, AdminUnit.valid_to, AdminUnit.name)).all()
        for code in (W1, E1):
            old, new = sorted((v for v in versions if v.code == code), key=lambda v: v.valid_from)
            assert old.valid_to == new.valid_from == dt.date(2026, 1, 1) and new.valid_to is None and old.name == new.name
        for code in new_codes:
            [unit] = [v for v in versions if v.code == code]
            assert unit.valid_from == dt.date(2026, 1, 1) and unit.name == proposed[code] + "居民委员会"
        blocks = dict(session.execute(sa.select(Block.code, Block.community_code)).all())
        assert blocks == assignment
        buildings = dict(session.execute(sa.select(Building.block_code, Building.community_code)).all())
        assert buildings == assignment
        plates = session.execute(sa.select(DoorPlate.admin_code, Building.block_code).join(Building, DoorPlate.building_id == Building.id))
        assert all(code == assignment[block] for code, block in plates)
        audit = session.scalars(sa.select(AuditEntry).where(AuditEntry.table_name == "door_plates", AuditEntry.action == "update")).all()
        assert len(audit) == 8 and all(a.actor == "li" and "区政府批复" in a.reason and f"plan {plan_id}" in a.reason for a in audit)
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.table_name == "unit_changes")) == 1

    again = adopt(client, planner, plan_id)
    assert again.status_code == 409 and "已" in again.get_json()["message"]["zh"] and "adopted" in again.get_json()["message"]["en"]
    adopted = client.get(f"/api/v1/redistricting/plans/{plan_id}", headers=planner).get_json()["adopted"]
    assert adopted["change_id"] == result["change_id"] and adopted["by"] == "li" and adopted["effective"] == ON
    listed = client.get("/api/v1/redistricting/plans", headers=planner).get_json()["plans"]
    assert listed[0]["adopted"]["change_id"] == result["change_id"]

    name = next(iter(proposed.values()))
    found = client.get("/api/v1/search", query_string={"q": name}).get_json()
    hits = [f["properties"]["geocoding"] for f in found["features"]]
    assert hits[0]["community"]["name"] == name + "居民委员会" and hits[0]["community"]["code"] in new_codes, hits


def test_an_invalid_plan_is_refused_and_nothing_is_written(client, world):
    planner = bearer(world, "li", ["planner"])
    plan_id = make_plan(world, min=1000, max=2000)  # 800 households cannot make a community of 1,000
    before = snapshot(world)
    response = adopt(client, planner, plan_id)
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert "违反规则" in message["zh"] and "breaks a rule" in message["en"]
    assert snapshot(world) == before


def test_a_community_without_households_is_refused_and_nothing_is_written(client, world):
    """Adjust mode can propose a sliver without households at small scale; it is never registered."""
    planner = bearer(world, "li", ["planner"])
    plan_id = make_plan(world)
    with world.transaction(actor="test", reason="a sliver, as adjust mode can leave one") as session:
        sliver = session.scalars(
            sa.select(ProposedCommunity).where(ProposedCommunity.plan_id == plan_id, ProposedCommunity.community == "530111001004")
        ).one()
        sliver.households = 0
    before = snapshot(world)
    response = adopt(client, planner, plan_id)
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert "530111001004" in message["zh"] and "without households" in message["en"]
    assert snapshot(world) == before


def test_a_stale_plan_is_refused_and_nothing_is_written(client, world):
    planner = bearer(world, "li", ["planner"])
    plan_id = make_plan(world)
    with world.transaction(actor="test", reason="survey") as session:
        session.scalars(sa.select(Block).where(Block.code == "r0c0")).one().households = 120
    before = snapshot(world)
    response = adopt(client, planner, plan_id)
    assert response.status_code == 409
    message = response.get_json()["message"]
    assert "过时" in message["zh"] and "stale" in message["en"]
    assert snapshot(world) == before


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"date": "2019-12-31"}, 400, "after 2020-01-01"),
        ({"date": "31/12/2026"}, 400, "'date'"),
        ({"reason": ""}, 400, "reason"),
        ({"names": {"530111001009": "某社区"}}, 400, "no such communities"),
    ],
)
def test_bad_input_is_refused_in_two_languages_and_nothing_is_written(client, world, body, status, says):
    planner = bearer(world, "li", ["planner"])
    plan_id = make_plan(world)
    before = snapshot(world)
    response = adopt(client, planner, plan_id, **body)
    assert response.status_code == status, response.get_json()
    message = response.get_json()["message"]
    assert message["zh"] and says in message["en"]
    assert snapshot(world) == before


def test_only_planners_adopt(client, world):
    plan_id = make_plan(world)
    officer = bearer(world, "wang", ["placename_officer"])
    assert client.post(f"/api/v1/redistricting/plans/{plan_id}/adopt", json={"date": ON, "reason": "x"}).status_code == 401
    assert adopt(client, officer, plan_id).status_code == 403
    assert adopt(client, bearer(world, "li", ["planner"]), 999).status_code == 404


def test_stored_community_lines_follow(client, world):
    from boundaries.lines.service import build_and_save

    build_and_save(world, "community", actor="test", reason="community lines")
    planner = bearer(world, "li", ["planner"])
    plan_id = make_plan(world)
    with world.read() as session:
        before = {line.code for line in session.scalars(sa.select(BoundaryLine).where(BoundaryLine.status == "current"))}
    assert before == {f"{W1}-{E1}"}
    result = adopt(client, planner, plan_id).get_json()
    assert result["lines"]["added"] >= 2
    with world.read() as session:
        after = {line.code for line in session.scalars(sa.select(BoundaryLine).where(BoundaryLine.status == "current"))}
    assert {"530111001001-530111001003", "530111001002-530111001004"} <= after


def test_the_command_adopts_and_refuses_a_second_time(world, tmp_path):
    from cli import main

    plan_id = make_plan(world)
    args = ["--db", world.url, "redistrict", "adopt", str(plan_id), "--date", ON, "--reason", "区政府批复", "--actor", "cli:li"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "adopted" in first.output and "door plates 门牌 8" in first.output
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 2 and "adopted" in second.output
    with world.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(UnitChange)) == 1
