"""Recorded building entrances: numbering projects the entrance, not the outline, and says so."""

from __future__ import annotations

import json

import numbering_world as world
import pytest
import shapely
from click.testing import CliRunner
from sqlalchemy import select

from cli import main
from gis.basemap import Road
from gis.errors import InvalidInput, NotFound
from placenames.models import DoorPlate
from placenames.numbering import entrances, service
from placenames.numbering.geometry import to_storage


def point(x: float, y: float) -> shapely.Point:
    """A storage-CRS point at (x, y) metres in the test world."""
    return to_storage(shapely.Point(world.X0 + x, world.Y0 + y))


def rows_by_building(plan) -> dict[tuple[int, str], dict]:
    return {(row["building"], row["road"]): row for row in plan.rows()}


def test_a_long_building_is_numbered_at_its_entrance_not_its_nearest_corner(store):
    ids = world.seed(store)
    hall = world.add_building(store, "HALL", 140, 12)  # 8 m wide box at x 136..144
    with store.transaction(actor="seed") as session:  # stretch it to x 100..180, still north of 春城路
        from gis.basemap import Building

        session.get(Building, hall).geom = to_storage(shapely.box(world.X0 + 100, world.Y0 + 6, world.X0 + 180, world.Y0 + 20))
    before = rows_by_building(service.preview(store, ["春城路"]))[(hall, "春城路")]
    assert before["placed_by"] == "outline" and "nearest the road" in before["reason"]["en"]

    entrances.set_entrance(store, "HALL", point(176, 6), actor="wang", description="正门")
    after = rows_by_building(service.preview(store, ["春城路"]))[(hall, "春城路")]
    assert after["placed_by"] == "entrance" and "recorded entrance" in after["reason"]["en"] and "入口" in after["reason"]["zh"]
    assert after["chainage"] == pytest.approx(400 - 176, abs=0.2)  # numbered from the east end (x = 400)
    assert after["chainage"] != before["chainage"]
    assert (after["lon"], after["lat"]) == (round(point(176, 6).x, 7), round(point(176, 6).y, 7))  # the plate goes on the door
    service.commit(store, ["春城路"], actor="wang")
    with store.read() as session:
        plate = session.scalars(select(DoorPlate).where(DoorPlate.building_id == hall)).one()
    assert plate.chainage_m == pytest.approx(224, abs=0.2)
    assert ids["N1"] != hall


def test_the_side_follows_the_entrance_when_it_differs_from_the_centroid(store):
    world.seed(store)
    # A building over the road (过街楼) whose bulk lies north of the centreline, door on the south.
    arcade = world.add_building(store, "ARC", 250, 6)
    with store.transaction(actor="seed") as session:
        from gis.basemap import Building

        session.get(Building, arcade).geom = to_storage(shapely.box(world.X0 + 244, world.Y0 - 4, world.X0 + 256, world.Y0 + 16))
    by_centroid = rows_by_building(service.preview(store, ["春城路"]))[(arcade, "春城路")]
    assert by_centroid["side"] == "R" and int(by_centroid["number"]) % 2 == 0  # north = right going west: even
    entrances.set_entrance(store, arcade, point(250, -4), actor="wang")
    by_entrance = rows_by_building(service.preview(store, ["春城路"]))[(arcade, "春城路")]
    assert by_entrance["side"] == "L" and int(by_entrance["number"]) % 2 == 1 and by_entrance["placed_by"] == "entrance"


def test_corner_building_with_its_entrance_on_the_secondary_road_is_numbered_on_that_road(store):
    ids = world.seed(store)
    corner = ids["C1"]  # outline 4 m from 春城路, 10 m from 关上路: numbered on 春城路 by default
    default = rows_by_building(service.preview(store, None))
    assert default[(corner, "春城路")]["kind"] == "main" and default[(corner, "关上路")]["kind"] == "secondary"

    entrances.set_entrance(store, "C1", point(390, 10), actor="wang")  # door on its east face, onto 关上路
    service.commit(store, None, actor="wang")
    with store.read() as session:
        roads = dict(session.execute(select(Road.id, Road.name)).all())
        plates = {roads[p.road_id]: p for p in session.scalars(select(DoorPlate).where(DoorPlate.building_id == corner))}
    assert (plates["关上路"].kind, plates["春城路"].kind) == ("main", "secondary")
    assert shapely.distance(plates["关上路"].geom, point(390, 10)) < 1e-9  # the main plate hangs at the entrance
    assert plates["春城路"].chainage_m == pytest.approx(400 - 390, abs=1)  # secondary: outline point nearest 春城路


def test_cli_records_an_entrance_and_the_dry_run_shows_it(store):
    world.seed(store)
    at = point(390, 10)
    runner = CliRunner()
    done = runner.invoke(main, ["--db", store.url, "numbers", "entrance", "C1", "--lon", str(at.x), "--lat", str(at.y)])
    assert done.exit_code == 0, done.output
    result = runner.invoke(main, ["--db", store.url, "numbers", "assign", "关上路", "--dry-run", "--json"])
    rows = json.loads(result.stdout)
    [corner] = [r for r in rows if r["kind"] == "main"]
    assert corner["placed_by"] == "entrance" and "recorded entrance" in corner["reason"]["en"]
    far = runner.invoke(main, ["--db", store.url, "numbers", "entrance", "C1", "--lon", "102.9", "--lat", "25.2"])
    assert far.exit_code == 2 and "m from building" in far.output
    with pytest.raises(InvalidInput) as refused:
        entrances.set_entrance(store, "N1", point(40, 300), actor="wang")
    assert refused.value.details["offset_m"] > 250
    with pytest.raises(NotFound):
        entrances.set_entrance(store, "NOPE", point(40, 12), actor="wang")
    entrances.set_entrance(store, "C1", point(390, 12), actor="wang")  # moved, not duplicated
    entrances.clear_entrance(store, "C1", actor="wang")
    with pytest.raises(NotFound):
        entrances.clear_entrance(store, "C1", actor="wang")
    cleared = runner.invoke(main, ["--db", store.url, "numbers", "assign", "关上路", "--dry-run", "--json"])
    assert all(r["placed_by"] == "outline" for r in json.loads(cleared.stdout))


def test_entrances_are_imported_from_a_survey_file_all_or_nothing(store, tmp_path):
    world.seed(store)
    runner = CliRunner()
    good, far = point(390, 10), point(390, 400)
    path = tmp_path / "entrances.csv"
    path.write_text(f"building_code,description,lon,lat\nC1,东门,{good.x!r},{good.y!r}\nN1,,{far.x!r},{far.y!r}\n", encoding="utf-8")
    refused = runner.invoke(main, ["--db", store.url, "import", "building_entrances", str(path), "--crs", "EPSG:4490"])
    assert refused.exit_code == 2 and "rows [3]" in refused.output
    path.write_text(f"building_code,description,lon,lat\nC1,东门,{good.x!r},{good.y!r}\n", encoding="utf-8")
    done = runner.invoke(main, ["--db", store.url, "import", "building_entrances", str(path), "--crs", "EPSG:4490"])
    assert done.exit_code == 0, done.output
    rows = rows_by_building(service.preview(store, ["关上路"]))
    assert [r["placed_by"] for r in rows.values() if r["kind"] == "main"] == ["entrance"]
    again = runner.invoke(main, ["--db", store.url, "import", "building_entrances", str(path), "--crs", "EPSG:4490"])
    assert again.exit_code == 2 and "already have an entrance" in again.output


def test_officers_set_and_clear_an_entrance_through_the_api(store, tmp_path):
    from apitools import bearer, make_client

    ids = world.seed(store)
    client = make_client(store, tmp_path)
    officer = bearer(store, "wang", "placename_officer")
    at = point(390, 10)
    url = f"/api/v1/buildings/{ids['C1']}/entrance"
    assert client.put(url, json={"lon": at.x, "lat": at.y}).status_code == 401
    done = client.put(url, json={"lon": at.x, "lat": at.y, "description": "东门"}, headers=officer)
    assert done.status_code == 200 and done.json["code"] == "C1"
    preview = client.get("/api/v1/numbers/preview?road=关上路", headers=officer).json["items"]
    assert [i["placed_by"] for i in preview if i["building"] == ids["C1"]] == ["entrance"]
    assert client.put(url, json={"lon": "x"}, headers=officer).status_code == 400
    assert client.put("/api/v1/buildings/999999/entrance", json={"lon": at.x, "lat": at.y}, headers=officer).status_code == 404
    assert client.delete(url, headers=officer).status_code == 204
    assert client.delete(url, headers=officer).status_code == 404
