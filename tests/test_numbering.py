"""Door-number assignment: the pure rule, then preview/commit/infill/retire/renumber on both backends."""

from __future__ import annotations

import json
import math

import numbering_world as world
import pytest
import shapely
from click.testing import CliRunner
from sqlalchemy import select

from cli import main
from gis.basemap import Road
from gis.errors import Conflict, DuplicateName, InvalidInput, NotFound
from placenames.models import DoorPlate
from placenames.numbering import geometry, lifecycle, service
from placenames.numbering.address import AdminNames
from placenames.numbering.plan import Candidate, Existing, assign
from placenames.numbering.settings import NumberingSettings

SETTINGS = NumberingSettings(direction="forward", odd_side="L", spacing_m=4.0)


def numbers(assignments):
    return [(a.building_id, a.number_text, a.side) for a in assignments]


# --- the rule, without a database -------------------------------------------------


def test_odd_left_even_right_in_chainage_order_with_gaps_kept_in_reserve():
    candidates = [Candidate(1, 30.0, "L"), Candidate(2, 2.0, "L"), Candidate(3, 9.0, "R"), Candidate(4, 41.0, "R")]
    assert numbers(assign(SETTINGS, [], candidates)) == [(2, "1", "L"), (3, "6", "R"), (1, "15", "L"), (4, "22", "R")]


def test_curved_road_orders_by_distance_along_the_curve_and_sides_follow_the_tangent():
    # A half circle of radius 100 m, anticlockwise.
    arc = shapely.LineString([(100 * math.cos(t / 20 * math.pi), 100 * math.sin(t / 20 * math.pi)) for t in range(21)])
    inside = shapely.points([(80 * math.cos(a), 80 * math.sin(a)) for a in (0.3, 1.5, 2.8)])
    outside = shapely.points([(120 * math.cos(a), 120 * math.sin(a)) for a in (0.5, 2.0)])
    at = geometry.chainage(arc, list(inside) + list(outside))
    side = geometry.sides(arc, at, list(inside) + list(outside))
    assert list(side) == ["L", "L", "L", "R", "R"]  # the centre of an anticlockwise arc is on its left
    assert at[0] < at[1] < at[2] and at[3] < at[4]
    result = assign(SETTINGS, [], [Candidate(k, float(c), str(s)) for k, (c, s) in enumerate(zip(at, side, strict=True))])
    by_building = {a.building_id: a.number for a in result}
    assert by_building[0] < by_building[1] < by_building[2] and all(by_building[k] % 2 for k in (0, 1, 2))
    assert by_building[3] < by_building[4] and not by_building[3] % 2


def test_reverse_direction_numbers_from_the_other_end_and_swaps_sides():
    road = shapely.LineString([(0, 0), (100, 0)])
    north, south = shapely.Point(10, 5), shapely.Point(90, -5)
    forward = geometry.orient(road, "forward")
    backward = geometry.orient(road, "reverse")
    assert list(geometry.sides(forward, geometry.chainage(forward, [north, south]), [north, south])) == ["L", "R"]
    at = geometry.chainage(backward, [north, south])
    assert list(at) == [90.0, 10.0]
    assert list(geometry.sides(backward, at, [north, south])) == ["R", "L"]
    # The from_* conventions pick the end by orientation: east->west for an E-W road.
    assert geometry.orient(road, "from_east_or_south").coords[0] == (100, 0)
    assert geometry.orient(shapely.LineString([(0, 50), (0, 0)]), "from_east_or_south").coords[0] == (0, 0)
    assert geometry.orient(shapely.LineString([(0, 50), (0, 0)]), "from_west_or_north").coords[0] == (0, 50)


def test_infill_takes_the_nearest_reserved_number_between_its_neighbours():
    existing = [Existing(1, 1, "", "L", 2.0, "current"), Existing(2, 21, "", "L", 82.0, "current")]
    [a] = assign(SETTINGS, existing, [Candidate(9, 30.0, "L")])
    assert (a.number_text, a.suffix) == ("15", "")
    # Beyond the next neighbour's slot the number is pulled back into the gap, never past 21.
    [b] = assign(SETTINGS, existing, [Candidate(9, 81.0, "L")])
    assert b.number_text == "19" and "reserved" in b.reason_en


def test_infill_without_a_reserved_number_gets_a_suffix_in_the_districts_style():
    existing = [Existing(1, 1, "", "L", 2.0, "current"), Existing(2, 3, "", "L", 5.0, "current")]
    first, second = assign(SETTINGS, existing, [Candidate(8, 3.0, "L"), Candidate(9, 3.5, "L")])
    assert (first.number, first.suffix, first.number_text) == (1, "1", "1-1")
    assert second.number_text == "1-2" and "suffix" in second.reason_en
    styled = assign(NumberingSettings(direction="forward", suffix_style="附"), existing, [Candidate(8, 3.0, "L")])
    assert styled[0].number_text == "1附1"
    assert NumberingSettings(suffix_style="之").format(12, "1") == "12之1"


def test_a_retired_number_stays_blocked_unless_reuse_is_allowed():
    existing = [Existing(1, 1, "", "L", 2.0, "current"), Existing(5, 3, "", "L", 5.0, "retired"), Existing(2, 5, "", "L", 9.0, "current")]
    [blocked] = assign(SETTINGS, existing, [Candidate(9, 5.0, "L")])
    assert blocked.number_text == "1-1" and blocked.reuses_plate_id is None  # hung on the current 1, not the retired 3
    [reused] = assign(SETTINGS, existing, [Candidate(9, 5.0, "L")], allow_retired=True)
    assert reused.number_text == "3" and reused.reuses_plate_id == 5


def test_invalid_settings_are_refused():
    with pytest.raises(InvalidInput):
        NumberingSettings(odd_side="left")
    with pytest.raises(InvalidInput):
        NumberingSettings(spacing_m=0)
    with pytest.raises(InvalidInput):
        NumberingSettings(suffix_style="甲")


def test_centreline_segments_are_merged_and_gaps_bridged():
    touching = shapely.MultiLineString([[(50, 0), (100, 0)], [(0, 0), (50, 0)]])
    assert geometry.merge_centreline(touching).length == pytest.approx(100)
    gapped = shapely.MultiLineString([[(0, 0), (40, 0)], [(100, 0), (60, 0)]])
    merged = geometry.merge_centreline(gapped)
    assert merged.geom_type == "LineString" and merged.length == pytest.approx(100)


# --- against the store ------------------------------------------------------------


def plates(store, road="春城路"):
    with store.read() as session:
        road_id = session.scalar(select(Road.id).where(Road.name == road))
        return {p.building_id: p for p in session.scalars(select(DoorPlate).where(DoorPlate.road_id == road_id))}


def test_dry_run_writes_nothing_and_commit_stores_what_it_showed(store):
    ids = world.seed(store)
    preview = service.preview(store, ["春城路"])
    assert plates(store) == {}
    committed = service.commit(store, ["春城路"], actor="wang", reason="2026 numbering")
    assert preview.rows() == committed.rows()
    stored = plates(store)
    assert {ids[c] for c in ("N1", "N2", "N3", "S1", "S2", "C1")} == set(stored)
    north = [stored[ids[c]] for c in ("N3", "N2", "N1")]  # numbered from the east end
    assert [p.side for p in north] == ["R", "R", "R"] and all(p.number % 2 == 0 for p in north)
    assert north[0].number < north[1].number < north[2].number
    assert stored[ids["S1"]].number % 2 == 1 and stored[ids["S1"]].side == "L"
    assert stored[ids["N1"]].address == f"官渡区关上街道春城路{stored[ids['N1']].number_text}号"
    assert service.commit(store, ["春城路"], actor="wang").rows() == []  # nothing left to number


def test_corner_building_numbered_on_its_main_road_with_a_secondary_address(store):
    ids = world.seed(store)
    service.commit(store, None, actor="wang")
    main, other = plates(store, "春城路")[ids["C1"]], plates(store, "关上路")[ids["C1"]]
    assert (main.kind, other.kind) == ("main", "secondary")
    assert ids["N1"] not in plates(store, "关上路")


def test_infill_after_a_new_building_keeps_neighbours_numbers(store):
    ids = world.seed(store)
    service.commit(store, ["春城路"], actor="wang")
    before = {b: p.number_text for b, p in plates(store).items()}
    new = world.add_building(store, "N9", 160, 18)  # between N3 (x=200) and N2 (x=120)
    [row] = service.commit(store, ["春城路"], actor="wang").rows()
    after = plates(store)
    assert {b: after[b].number_text for b in before} == before
    assert row["building"] == new and int(before[ids["N3"]]) < int(row["number"]) < int(before[ids["N2"]])


def test_retired_number_is_not_reused_unless_allowed(store):
    ids = world.seed(store)
    service.commit(store, ["春城路"], actor="wang")
    old = plates(store)[ids["S2"]]
    lifecycle.retire(store, building_id=ids["S2"], actor="wang", reason="demolished 2026-03")
    with pytest.raises(Conflict):
        lifecycle.retire(store, plate_ids=[old.id], actor="wang", reason="again")
    newcomer = world.add_building(store, "S9", 300, -18)  # on the very spot of S2
    [row] = service.preview(store, ["春城路"]).rows()
    assert row["number"] != old.number_text and row["building"] == newcomer
    [reused] = service.commit(store, ["春城路"], actor="wang", allow_retired=True).rows()
    assert reused["number"] == old.number_text and reused["reuses_retired"]
    history = lifecycle.changes(store, "春城路")
    assert [h["change"] for h in history] == ["retire", "reuse"]


def test_renumbering_records_old_and_new_for_every_address(store):
    world.seed(store)
    service.commit(store, ["春城路"], actor="wang")
    lifecycle.set_road_settings(store, "春城路", actor="wang", direction="forward", spacing_m=10.0)
    changes = lifecycle.renumber(store, "春城路", actor="wang", reason="realigned, notice 2026-7")
    assert len(changes) == len(plates(store))
    assert any(c["old"] != c["new"] for c in changes)
    stored = plates(store)
    assert sorted((p.number, p.suffix) for p in stored.values()) == sorted({(p.number, p.suffix) for p in stored.values()})
    assert all(p.number > 0 for p in stored.values())
    assert len([h for h in lifecycle.changes(store, "春城路") if h["change"] == "renumber"]) == len(changes)
    with pytest.raises(InvalidInput):
        lifecycle.set_road_settings(store, "春城路", actor="wang", odd_side="north")


def test_roads_need_a_current_standard_name_and_must_exist(store):
    world.seed(store, register=False)
    with pytest.raises(Conflict):
        service.commit(store, ["春城路"], actor="wang")
    with pytest.raises(NotFound):
        service.preview(store, ["不存在路"])
    assert service.commit(store, None, actor="wang").summary()["skipped_roads"] == ["关上路", "春城路"]
    assert plates(store) == {}


def test_database_refuses_a_duplicate_number(store):
    world.seed(store)
    service.commit(store, ["春城路"], actor="wang")
    taken = next(iter(plates(store).values()))
    with pytest.raises(DuplicateName):
        with store.transaction(actor="someone") as session:
            session.add(DoorPlate(road_id=taken.road_id, number=taken.number, suffix="", number_text="x", address="x", geom=taken.geom))


def test_address_parts_derive_the_administrative_prefix(store):
    ids = world.seed(store)
    service.commit(store, ["春城路"], actor="wang")
    plate = plates(store)[ids["N1"]]
    with store.read() as session:
        parts = AdminNames(session).parts(plate.admin_code, "春城路", plate.number_text, building="3", unit="2", room="501")
    assert parts.text(full=True) == f"云南省昆明市官渡区关上街道关上社区春城路{plate.number_text}号3幢2单元501室"
    assert parts.as_dict()["community"] == "关上社区"


def test_cli_numbers_assign_dry_run_json_then_commit(store):
    ids = world.seed(store)
    runner = CliRunner()
    result = runner.invoke(main, ["--db", store.url, "numbers", "assign", "春城路", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["building"] for r in rows} == {ids[c] for c in ("N1", "N2", "N3", "S1", "S2", "C1")}
    assert all(set(r) >= {"building", "number", "side", "chainage"} and r["side"] in ("L", "R") for r in rows)
    assert plates(store) == {}
    result = runner.invoke(main, ["--db", store.url, "numbers", "assign", "春城路", "--actor", "wang"])
    assert result.exit_code == 0 and len(plates(store)) == 6
    result = runner.invoke(main, ["--db", store.url, "numbers", "assign", "不存在路"])
    assert result.exit_code == 2 and "Unknown road" in result.output
