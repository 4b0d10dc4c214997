"""Signs print the register's spelling of a road name, an officer's override included,
not a fresh spelling of the characters."""

from __future__ import annotations

import datetime as dt

import numbering_world as world
import shapely
from apitools import bearer, make_client
from sqlalchemy import select

from placenames import register
from placenames.models import PlaceName
from placenames.numbering import service
from placenames.romanization import romanize
from placenames.signs import exchange, inventory, reports
from placenames.signs.models import RoadSign

OVERRIDE = "Chuncheng Dalu"  # differs from the rules' "Chuncheng Lu"
ON_SIGN = "CHUNCHENG DALU"


def override_chuncheng(store) -> None:
    with store.read() as session:
        entry = session.scalars(select(PlaceName).where(PlaceName.name == "春城路")).one()
    register.update_name(store, entry.id, {"romanization_override": OVERRIDE}, actor="wang", reason="local reading", version=entry.version)


def test_signs_print_the_registers_override_everywhere(store, tmp_path):
    assert romanize("春城路", sign=True) != ON_SIGN
    world.seed(store)
    override_chuncheng(store)
    service.commit(store, None, actor="wang")
    with store.transaction(actor="wang") as session:
        inventory.intersection_signs(store, session, installed_on=dt.date(2020, 1, 1))
        assert inventory.sign_texts(session, ["春城路", "关上路"]) == {"春城路": ("春城路", ON_SIGN), "关上路": ("关上路", "GUANSHANG LU")}
    with store.read() as session:
        texts = {s.text_zh: s.text_roman for s in session.scalars(select(RoadSign))}
    assert texts == {"春城路": ON_SIGN, "关上路": "GUANSHANG LU"}  # the demo's junction signs

    on_road = world.line((200, 0), (201, 0)).geoms[0].coords[0]
    client = make_client(store, tmp_path)
    officer = bearer(store, "li", "placename_officer")
    added = client.post("/api/v1/signs", json={"road": "春城路", "lon": on_road[0], "lat": on_road[1]}, headers=officer)
    with store.read() as session:
        assert session.get(RoadSign, added.get_json()["id"]).text_roman == ON_SIGN  # the API's signs

    assert reports.report(store, today=dt.date(2026, 5, 1))["text_mismatch"] == []  # the report expects the override

    path = tmp_path / "signs.csv"
    exchange.export_signs(store, path)
    text = path.read_text(encoding="utf-8-sig")
    assert ON_SIGN in text and "CHUNCHENG LU" not in text


def test_a_sign_printed_with_the_rules_spelling_is_reported_as_wrong_text(store):
    world.seed(store)
    on_road = world.line((200, 0), (201, 0)).geoms[0].coords[0]
    sign = inventory.add_road_sign(store, "春城路", shapely.Point(*on_road), actor="wang")
    override_chuncheng(store)
    [stale] = reports.report(store, today=dt.date(2026, 5, 1))["text_mismatch"]
    assert stale["id"] == sign and stale["expected"] == f"春城路 / {ON_SIGN}" and stale["text"] == "春城路 / CHUNCHENG LU"
