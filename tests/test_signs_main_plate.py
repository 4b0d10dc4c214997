"""One main plate (门牌) per address: the API answers 409, a file import names the row."""

from __future__ import annotations

import numbering_world as world
import pytest
from apitools import bearer, make_client
from sqlalchemy import func, select
from test_signs_exchange import read_csv, write_csv

from gis.errors import Conflict, InvalidInput
from placenames.signs import exchange, inventory
from placenames.signs.models import PlateItem


def main_plates(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(PlateItem).where(PlateItem.level == "门牌"))


def first_item(store) -> PlateItem:
    with store.read() as session:
        return session.scalars(select(PlateItem).where(PlateItem.level == "门牌").order_by(PlateItem.id)).first()


def test_a_second_main_plate_through_the_api_is_a_bilingual_409(store, tmp_path):
    world.seed_inventory(store)
    item = first_item(store)
    before = main_plates(store)
    client = make_client(store, tmp_path)
    officer = bearer(store, "wang", "placename_officer")
    second = client.post("/api/v1/plates", json={"door_plate": item.door_plate_id, "level": "门牌"}, headers=officer)
    assert second.status_code == 409
    body = second.get_json()
    text = str(body)
    assert "已有在用门牌" in text and "already has a main plate" in text and str(item.id) in text
    assert main_plates(store) == before
    unit = client.post("/api/v1/plates", json={"door_plate": item.door_plate_id, "level": "单元牌", "label": "1"}, headers=officer)
    assert unit.status_code == 201  # other levels may be many


def test_a_replacement_main_plate_is_accepted_once_the_old_one_is_removed(store):
    world.seed_inventory(store)
    item = first_item(store)
    with pytest.raises(Conflict):
        inventory.add_plate(store, item.door_plate_id, "门牌", actor="wang")
    with store.transaction(actor="wang") as session:
        session.get(PlateItem, item.id).status = "removed"
    assert inventory.add_plate(store, item.door_plate_id, "门牌", actor="wang") > item.id


def test_an_import_adding_a_second_main_plate_names_the_row_and_writes_nothing(store, tmp_path):
    world.seed_inventory(store)
    path = tmp_path / "plates.csv"
    exchange.export_plates(store, path, headers="en")
    rows = read_csv(path)
    extra = {**rows[0], "id": "", "text": rows[0]["text"] + "（新）"}
    write_csv(path, [*rows, extra])
    before = main_plates(store)
    with pytest.raises(InvalidInput) as refused:
        exchange.import_plates(store, path, actor="wang", crs="EPSG:4490")
    errors = {e["row"]: e for e in refused.value.details["errors"]}
    assert set(errors) == {2, len(rows) + 2}  # the stored plate's row and the new row, each naming the other
    assert errors[len(rows) + 2]["field"] == "level" and f"id {rows[0]['id']}" in errors[len(rows) + 2]["en"]
    assert f"第 {len(rows) + 2} 行" in errors[2]["zh"]
    assert main_plates(store) == before
