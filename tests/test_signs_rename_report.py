"""After an announced road rename the addresses follow, but the signs and plates on the ground
still carry the old name: the report lists every one of them with what it should read."""

from __future__ import annotations

import datetime as dt

import numbering_world as world
from sqlalchemy import select

from gis.basemap import Road
from placenames.models import DoorPlate
from placenames.numbering import lifecycle
from placenames.signs import inventory, reports
from placenames.street_renames import ROAD_CATEGORY, follow_rename

DAY = dt.date(2026, 5, 1)


def test_signs_and_plates_of_a_renamed_road_are_reported_with_their_new_text(store):
    world.seed_inventory(store, installed_on=None)
    with store.read() as session:
        road_id = session.scalar(select(Road.id).where(Road.name == "关上路"))
        plate = session.scalars(select(DoorPlate).where(DoorPlate.road_id == road_id)).first()
        chuncheng_plate = session.scalars(select(DoorPlate).where(DoorPlate.road_id != road_id)).first()
    inventory.add_plate(store, plate.id, "楼牌", actor="wang", label="3")
    assert reports.report(store, today=DAY)["text_mismatch"] == []

    with store.transaction(actor="wang", reason="更名公告 2026-9") as session:
        assert follow_rename(session, "关上路", "关上新路", ROAD_CATEGORY) == {"roads": 1, "addresses": 1}
    stale = reports.report(store, today=DAY)["text_mismatch"]
    found = {(s["kind"], s["text"]): s["expected"] for s in stale}
    number = plate.number_text
    assert found == {
        ("road_sign", "关上路 / GUANSHANG LU"): " / ".join(inventory.sign_text("关上新路")),
        ("plate", f"关上路{number}号"): f"关上新路{number}号",
        ("plate", f"关上路{number}号3幢"): f"关上新路{number}号3幢",
    }
    assert " / ".join(inventory.sign_text("关上新路")).startswith("关上新路 / GUANSHANG")
    assert {s["road"] for s in stale} == {"关上新路"}  # the other road's sign and plates still match

    lifecycle.retire(store, plate_ids=[chuncheng_plate.id], actor="wang", reason="demolished")
    retired = [s for s in reports.report(store, today=DAY)["text_mismatch"] if s["road"] == "春城路"]
    assert [s["expected"] for s in retired] == [f"（已注销 retired）春城路{chuncheng_plate.number_text}号"]
