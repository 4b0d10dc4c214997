"""The public OGC collections of the inventory: plates and road signs with public fields only."""

from __future__ import annotations

import datetime as dt

import numbering_world as world
from apitools import make_client
from shapely.geometry import shape
from sqlalchemy import select

from placenames.signs import inspections, inventory
from placenames.signs.models import PlateItem


def test_door_plates_and_road_signs_are_public_without_internal_fields(store, tmp_path):
    world.seed_inventory(store)
    with store.read() as session:
        plate = session.scalars(select(PlateItem).order_by(PlateItem.id)).first()
    inventory.add_plate(store, plate.door_plate_id, "单元牌", actor="wang", label="2", installed_on=dt.date(2021, 6, 1))
    round_id = inspections.open_round(store, "2026", inspector="李检查", held_on=dt.date(2026, 4, 1), actor="wang")
    inspections.record(
        store,
        round_id,
        [{"kind": "plate", "item": plate.id, "result": "fail", "defects": ["faded"], "photos": "IMG_SECRET.jpg"}],
        actor="wang",
    )
    client = make_client(store, tmp_path)

    plates = client.get("/ogc/collections/door-plates/items?f=json&limit=50").get_json()
    assert plates["numberReturned"] == 8
    assert all(
        set(f["properties"]) == {"level", "text", "status", "installed_on", "address", "number", "number_text"} for f in plates["features"]
    )
    assert {f["properties"]["level"] for f in plates["features"]} == {"门牌", "单元牌"}
    unit = next(f for f in plates["features"] if f["properties"]["level"] == "单元牌")
    assert unit["properties"]["text"].endswith("2单元") and unit["properties"]["installed_on"].startswith("2021-06-01")
    for feature in plates["features"]:
        lon, lat = shape(feature["geometry"]).coords[0]
        assert 102.6 < lon < 103.1 and 24.85 < lat < 25.2

    signs = client.get("/ogc/collections/road-signs/items?f=json").get_json()
    assert sorted(f["properties"]["road"] for f in signs["features"]) == ["关上路", "春城路"]
    chuncheng = next(f["properties"] for f in signs["features"] if f["properties"]["road"] == "春城路")
    assert chuncheng == {"road": "春城路", "text_zh": "春城路", "text_roman": "CHUNCHENG LU", "sign_type": "街牌", "status": "in_service"}

    only = client.get("/ogc/collections/road-signs/items", query_string={"f": "json", "road": "春城路"}).get_json()
    assert [f["properties"]["road"] for f in only["features"]] == ["春城路"]

    for collection in ("door-plates", "road-signs"):
        text = client.get(f"/ogc/collections/{collection}/items?f=json&limit=50").get_data(as_text=True)
        for secret in ("created_by", "updated_by", "wang", "IMG_SECRET", "李检查", "door_plate_id", "road_id", "faded"):
            assert secret not in text, (collection, secret)
