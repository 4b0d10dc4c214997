"""Compounds (小区/大院): one door number on the road by the ordinary rules, 楼栋号 from the
main entrance inward, road numbering skipping the buildings inside, and the full address
down to 幢/单元/室 — on both backends."""

from __future__ import annotations

import numbering_world as world
import pytest
import shapely
from sqlalchemy import func, select

from gis.errors import Conflict, InvalidInput, NotFound
from placenames.models import DoorPlate
from placenames.numbering import compounds, lookup, service
from placenames.numbering.building_numbers import order_buildings
from placenames.numbering.geometry import to_storage
from placenames.numbering.models import Compound, CompoundBuilding, CompoundEntrance

PREFIX = "云南省昆明市官渡区关上街道关上社区"
#: Inside the compound north of 春城路 (metres from the world's origin): two on the street
#: front, two behind them, one 70 m back (it has no frontage of its own).
INSIDE = {"K1": (250, 18), "K2": (300, 18), "K3": (250, 45), "K4": (300, 45), "K5": (275, 90)}
GATE = (278, 8)


def metric_point(x, y):
    return to_storage(shapely.Point(world.X0 + x, world.Y0 + y))


def outline(x0=220, y0=8, x1=340, y1=120):
    return to_storage(shapely.box(world.X0 + x0, world.Y0 + y0, world.X0 + x1, world.Y0 + y1))


@pytest.fixture
def site(store):
    ids = world.seed(store)
    for code, (x, y) in INSIDE.items():
        ids[code] = world.add_building(store, code, x, y)
    return ids


def register(store, **overrides):
    args = dict(name="春城花园", polygon=outline(), road="春城路", entrance=metric_point(*GATE), actor="wang")
    return compounds.register(store, **(args | overrides))


def count(store, model):
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_compound_takes_one_number_by_the_road_rules_and_numbers_its_buildings_from_the_gate(store, site):
    view = register(store, side_entrances=[(metric_point(340, 60), "东门")])
    # 春城路 is numbered from its east end (x = 400): the gate at x = 278 is 122 m along, slot 30;
    # the north side is the right of the numbering direction, the even side: 2·30 + 2.
    assert view["number"] == "62" and view["address"] == "官渡区关上街道春城路62号"
    assert [g["kind"] for g in view["entrances"]] == ["main", "side"]
    order = {b["code"]: b["label"] for b in view["buildings"]}
    assert order == {"K2": "1", "K1": "2", "K4": "3", "K3": "4", "K5": "5"}  # nearest the gate first
    assert view["street_numbered"] == []
    # Road numbering afterwards leaves the buildings inside alone, the others get street numbers.
    service.commit(store, None, actor="wang")
    with store.read() as session:
        numbered = set(session.scalars(select(DoorPlate.building_id).where(DoorPlate.building_id.is_not(None))))
    assert numbered.isdisjoint({site[c] for c in INSIDE}) and site["N3"] in numbered


def test_s_order_runs_rows_from_the_left_then_back_from_the_right(store, site):
    view = register(store, order="s_order")
    assert [b["code"] for b in view["buildings"]] == ["K1", "K2", "K4", "K3", "K5"]
    assert view["building_order"] == "s_order"


def test_order_rule_is_pure():
    boxes = [shapely.box(x - 4, y - 6, x + 4, y + 6) for x, y in INSIDE.values()]
    gate, centre = shapely.Point(*GATE), shapely.Point(280, 64)
    assert order_buildings(gate, centre, boxes) == [1, 0, 3, 2, 4]
    assert order_buildings(gate, centre, boxes, order="s_order") == [0, 1, 3, 2, 4]
    with pytest.raises(InvalidInput):
        order_buildings(gate, centre, boxes, order="zigzag")


def test_full_address_down_to_the_room(store, site):
    view = register(store)
    plate = view["door_plate"]
    full = lookup.describe(store, plate, building="3栋", unit="2", room="501室")
    assert full["full_text"] == f"{PREFIX}春城路62号3幢2单元501室"
    assert full["compound"]["name"] == "春城花园" and full["compound"]["building_code"] == "K4"
    assert full["secondary"] is False
    with store.read() as session:
        k4 = session.get(CompoundBuilding, session.scalar(select(CompoundBuilding.id).where(CompoundBuilding.building_id == site["K4"])))
        assert k4.label == "3"
    # the building's own address is its compound's number and 楼栋号
    assert lookup.building_address(store, site["K5"], unit="1", room="101")["full_text"] == f"{PREFIX}春城路62号5幢1单元101室"
    with pytest.raises(NotFound):
        lookup.describe(store, plate, building="9")
    with pytest.raises(InvalidInput):
        lookup.describe(store, plate, building="3", room="5<b>")


def test_street_numbers_of_the_buildings_inside_are_retired_when_asked(store, site):
    service.commit(store, None, actor="wang")  # before the compound: the front buildings got street numbers
    with store.read() as session:
        before = set(session.scalars(select(DoorPlate.building_id).where(DoorPlate.status == "current")))
    assert site["K1"] in before and site["K5"] not in before  # 70 m back: no frontage
    view = register(store, retire_street_numbers=True)
    assert {r["status"] for r in view["retired_street_numbers"]} == {"retired"}
    assert len(view["retired_street_numbers"]) >= 2
    with store.read() as session:
        inside = [site[c] for c in INSIDE]
        current = session.scalars(select(DoorPlate).where(DoorPlate.building_id.in_(inside), DoorPlate.status == "current")).all()
        assert current == []
        plate = session.get(DoorPlate, view["door_plate"])
        assert plate.status == "current" and plate.building_id is None and plate.source == "compound"
    assert service.preview(store, ["春城路"]).rows() == []  # nothing left to number there


def test_bad_input_is_refused_and_nothing_is_written(store, site):
    with pytest.raises(NotFound):
        register(store, road="无名路")
    with pytest.raises(InvalidInput) as far:
        register(store, entrance=metric_point(280, 300))  # 180 m from the outline
    assert "25" in far.value.zh and "25" in far.value.en
    with pytest.raises(InvalidInput):
        register(store, polygon="POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))")
    with pytest.raises(InvalidInput):
        register(store, name=" ")
    with pytest.raises(InvalidInput):
        register(store, entrance=metric_point(220, 110))  # on the outline but 110 m from 春城路
    assert count(store, Compound) == count(store, CompoundEntrance) == count(store, DoorPlate) == 0
    register(store)
    with pytest.raises(Conflict):
        register(store)  # the same name
    with pytest.raises(Conflict):
        register(store, name="另一个大院", polygon=outline(230, 8, 330, 60))  # its buildings are taken
    assert count(store, Compound) == 1 and count(store, DoorPlate) == 1


def test_buildings_added_later_take_the_next_number(store, site):
    register(store)
    late = world.add_building(store, "K6", 320, 100)
    with store.transaction(actor="wang") as session:
        compound = session.scalars(select(Compound)).one()
        session.add(CompoundBuilding(compound_id=compound.id, building_id=late))
    view = compounds.number(store, "春城花园", actor="wang")
    labels = {b["code"]: b["label"] for b in view["buildings"]}
    assert labels["K6"] == "6" and labels["K2"] == "1"
    assert [c["name"] for c in compounds.list_compounds(store)] == ["春城花园"]
    assert compounds.list_compounds(store, road="春城路")[0]["numbered"] == 6


def test_the_command_line(store, site):
    import json

    from click.testing import CliRunner

    from cli import main

    runner = CliRunner()
    gate = metric_point(*GATE)
    db = ["--db", store.url, "numbers", "compound"]
    added = runner.invoke(
        main, [*db, "add", "春城花园", "--road", "春城路", "--entrance", f"{gate.x},{gate.y}", "--around", "K1,K2,K3,K4,K5", "--json"]
    )
    assert added.exit_code == 0, added.output
    view = json.loads(added.output)
    assert view["number"] == "62" and len(view["buildings"]) == 5
    listed = runner.invoke(main, [*db, "list"])
    assert "春城花园" in listed.output and "5/5 幢" in listed.output
    address = runner.invoke(main, [*db, "address", "春城花园", "--building", "3栋", "--unit", "2", "--room", "501"])
    assert address.exit_code == 0 and address.output.strip() == f"{PREFIX}春城路62号3幢2单元501室"
    numbered = runner.invoke(main, [*db, "number-buildings", str(view["id"]), "--order", "s_order"])
    assert numbered.exit_code == 0 and "1幢\tK2" in numbered.output  # numbers given stay
    bad = runner.invoke(main, [*db, "add", "另一个", "--road", "春城路", "--entrance", "east", "--wkt", "POLYGON((0 0,1 0,1 1,0 0))"])
    assert bad.exit_code == 2 and "lon,lat" in bad.output
    missing = runner.invoke(main, [*db, "address", "春城花园", "--building", "9"])
    assert missing.exit_code != 0 and "9幢" in missing.output


def test_search_finds_the_building_in_its_compound(store, site, tmp_path):
    from apitools import make_client

    register(store)
    service.commit(store, None, actor="wang")
    client = make_client(store, tmp_path)
    with store.read() as session:
        from gis.basemap import Building

        k4 = session.get(Building, site["K4"]).geom.representative_point()
    for query, label in (
        ("春城路62号3栋", "官渡区关上街道春城路62号3幢"),
        ("春城路62号3幢", "官渡区关上街道春城路62号3幢"),
        ("关上街道春城路62号3栋2单元501室", "官渡区关上街道春城路62号3幢2单元501室"),
        ("春城路六十二号三栋二单元五零一室", "官渡区关上街道春城路62号3幢2单元501室"),
    ):
        feature = client.get("/api/v1/search", query_string={"q": query, "crs": "EPSG:4490"}).json["features"][0]
        g = feature["properties"]["geocoding"]
        assert g["label"] == g["standard_address"] == label, query
        assert g["compound"] == "春城花园" and g["building_id"] == site["K4"] and g["secondary"] is False
        assert feature["geometry"]["coordinates"] == pytest.approx([k4.x, k4.y])
    # no 9幢 in the compound: the compound's address, not an invented building
    g = client.get("/api/v1/search", query_string={"q": "春城路62号9栋"}).json["features"][0]["properties"]["geocoding"]
    assert g["label"] == "官渡区关上街道春城路62号" and g["requested_building"] == "9" and g["match_type"] == "partial"


def test_reverse_inside_a_compound_answers_its_address_and_the_building(store, site, tmp_path):
    from apitools import make_client

    register(store)
    client = make_client(store, tmp_path)
    with store.read() as session:
        from gis.basemap import Building

        k4 = session.get(Building, site["K4"]).geom.representative_point()  # 楼栋号 3
    between = metric_point(330, 100)  # inside the outline, in no building, further from the gate than from other plates' road
    outside = metric_point(278, -30)  # south of 春城路: not in the compound
    points = [[p.x, p.y] for p in (k4, between, outside)]
    features = client.post("/api/v1/reverse", json={"points": points, "crs": "EPSG:4490", "radius": 1000}).json["features"]
    building, yard, street = (f["properties"]["geocoding"] for f in features)
    assert (building["label"], building["compound"], building["building"]) == ("官渡区关上街道春城路62号3幢", "春城花园", "3")
    assert building["standard_address"] == building["label"] and building["address_id"] == yard["address_id"]
    assert (yard["label"], yard["compound"], "building" in yard) == ("官渡区关上街道春城路62号", "春城花园", False)
    assert yard["distance_m"] > building["distance_m"] > 0  # measured to the gate, however far
    assert "compound" not in street and "building" not in street  # outside: the nearest plate, as everywhere
    single = client.get("/api/v1/reverse", query_string={"lon": k4.x, "lat": k4.y, "crs": "EPSG:4490"}).json["features"][0]
    assert single["properties"]["geocoding"]["label"] == "官渡区关上街道春城路62号3幢"


def test_a_compound_is_found_by_its_name_from_the_moment_it_is_registered(store, site, tmp_path):
    from apitools import make_client

    client = make_client(store, tmp_path)

    def search(q, **more):
        return client.get("/api/v1/search", query_string={"q": q, "crs": "EPSG:4490", **more}).json["features"]

    assert not [f for f in search("春城花园") if f["properties"]["geocoding"]["type"] == "poi"]  # not yet registered
    register(store)  # no reindex, no restart: its keys are written with it
    with store.read() as session:
        gate = session.scalar(select(DoorPlate.geom).join(Compound, Compound.door_plate_id == DoorPlate.id))
    for query in (
        "春城花园",
        "春城花园在哪里",
        "chunchenghuayuan",
        "春城花圆",
        f"{PREFIX[:9]}春城花园",
    ):  # typed, asked, pinyin, a typo, the chain
        feature = search(query)[0]
        g = feature["properties"]["geocoding"]
        assert (g["name"], g["type"], g["label"]) == ("春城花园", "poi", "官渡区关上街道春城路62号（春城花园）"), query
        assert feature["id"].startswith("compound.") and feature["geometry"]["coordinates"] == pytest.approx([gate.x, gate.y])
        assert g["romanization"] == "Chuncheng Huayuan"  # spelled as a 城镇居民点 (住宅区、小区) name
    suggested = client.get("/api/v1/autocomplete", query_string={"q": "春城花"}).json["features"]
    assert "春城花园" in [f["properties"]["geocoding"]["name"] for f in suggested]
    # a building of the compound by the compound's name (with 小区 after it or not; 3栋, 3号楼, 3-2-501): its address down to the room
    for query in ("春城花园3栋2单元501室", "春城花园小区3号楼2单元501室", "春城花园3-2-501"):
        g = search(query)[0]["properties"]["geocoding"]
        assert g["label"] == "官渡区关上街道春城路62号3幢2单元501室" and g["building_id"] == site["K4"], query
    assert search("春城花园小区")[0]["id"].startswith("compound.")
    # as residents call it: 小区 after the beginning of its name (春城小区), in search and in
    # autocomplete, and a building of it; a beginning no compound's name has is no compound
    for query in ("春城小区", "春城花园小区"):
        assert search(query)[0]["id"].startswith("compound."), query
        offered = client.get("/api/v1/autocomplete", query_string={"q": query}).json["features"]
        assert offered and offered[0]["properties"]["geocoding"]["name"] == "春城花园", query
    assert search("春城小区3栋")[0]["properties"]["geocoding"]["label"] == "官渡区关上街道春城路62号3幢"
    # typed whole before anything was offered, a building's address is offered as search finds it
    for query in ("春城花园3栋2单元501室", "春城小区3栋2单元501室"):
        offered = client.get("/api/v1/autocomplete", query_string={"q": query}).json["features"]
        assert [f["properties"]["geocoding"]["label"] for f in offered] == ["官渡区关上街道春城路62号3幢2单元501室"], query
    assert not [f for f in search("春山小区") if f["properties"]["geocoding"]["type"] == "poi"]


def test_the_beginning_of_a_compounds_name_finds_it_beside_the_road(store, site, tmp_path):
    """春城 (the road's name without 路, and how the compound's name begins): the road, then the
    compound; 春城花 (a slip from 春城路, and the beginning of 春城花园 only): the compound first.
    A typo of the road that begins no name (春城璐) is answered by the road alone, as before."""
    from apitools import make_client

    client = make_client(store, tmp_path)
    register(store)

    def names(q):
        found = client.get("/api/v1/search", query_string={"q": q}).json["features"]
        return [(f["properties"]["geocoding"]["name"], f["properties"]["geocoding"]["match_type"]) for f in found]

    assert names("春城")[:2] == [("春城路", "fuzzy"), ("春城花园", "partial")]
    assert names("春城花")[:2] == [("春城花园", "partial"), ("春城路", "fuzzy")]
    assert names("春城璐") == [("春城路", "fuzzy")]
