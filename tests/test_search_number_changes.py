"""A door number the road no longer carries, searched as it is written on an old certificate or
ID card: renumbered, the plate under its number now comes first, saying so; retired, the
answer says when and why, and the compound (小区) the plate went into comes first. A number
that never was on the road is answered as before. On both backends, through the API."""

from __future__ import annotations

import numbering_world as world
import pytest
from apitools import make_client
from test_numbering_compounds import INSIDE, register

from placenames.numbering import lifecycle, service


def answers(client, q):
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [f["properties"]["geocoding"] for f in response.get_json()["features"]]


@pytest.fixture
def numbered(store):
    ids = world.seed(store)
    service.commit(store, ["春城路"], actor="wang")
    return ids


def test_a_renumbered_number_leads_to_the_plate_under_its_number_now(store, numbered, tmp_path):
    client = make_client(store, tmp_path)
    lifecycle.set_road_settings(store, "春城路", actor="wang", direction="forward", spacing_m=10.0)
    changes = lifecycle.renumber(store, "春城路", actor="wang", reason="改线公告 2026-7")
    now = {c["new"] for c in changes}
    moved = [c for c in changes if c["old"] != c["new"] and c["old"] not in now]
    assert moved, changes  # the new grid left some old numbers unused
    for change in moved:
        first, *rest = answers(client, f"春城路{change['old']}号")
        assert (first["match_type"], first["housenumber"], first["label"]) == ("former_address", change["new"], change["new_address"])
        assert first["former_address"] == change["old_address"] and first["registered"] is False
        assert first["note"]["zh"] == f"{change['old_address']}已于{first['changed_on']}改为{change['new_address']}"
        assert change["old_address"] in first["note"]["en"] and change["new_address"] in first["note"]["en"]
        assert all(a["match_type"] == "partial" for a in rest)  # then the neighbours, as for any missing number


def test_a_retired_number_says_when_and_why(store, numbered, tmp_path):
    client = make_client(store, tmp_path)
    [gone] = lifecycle.retire(store, building_id=numbered["S2"], actor="wang", reason="拆除 demolished")
    found = answers(client, f"春城路{gone['number']}号")
    assert found and all(a["match_type"] == "partial" and a["registered"] is False for a in found)
    assert all(a["retired_on"] == found[0]["retired_on"] for a in found)
    assert found[0]["note"]["zh"] == f"{gone['address']}已于{found[0]['retired_on']}注销（拆除 demolished）"
    assert found[0]["housenumber"] != gone["number"]  # a registered neighbour, not the retired plate
    never = answers(client, "春城路9999号")  # never on the road: no note, as before
    assert never and all("note" not in a and "retired_on" not in a for a in never)


def test_a_number_retired_into_a_compound_leads_to_the_compound(store, numbered, tmp_path):
    client = make_client(store, tmp_path)
    for code, (x, y) in INSIDE.items():
        numbered[code] = world.add_building(store, code, x, y)
    service.commit(store, ["春城路"], actor="wang")  # the front buildings take street numbers first
    view = register(store, retire_street_numbers=True)
    assert view["retired_street_numbers"]
    for gone in view["retired_street_numbers"]:
        first, *rest = answers(client, f"春城路{gone['number']}号")
        assert (first["type"], first["name"], first["match_type"]) == ("poi", "春城花园", "former_address")
        assert first["label"] == f"{view['address']}（春城花园）" and first["former_address"] == gone["address"]
        assert "并入小区春城花园" in first["note"]["zh"] and first["note"]["zh"].startswith(f"{gone['address']}已于")
        assert rest and all(a["match_type"] == "partial" for a in rest)
