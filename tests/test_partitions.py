"""Door plates and place names partitioned by district (migration 0017_partition20_districts).

On PostgreSQL both tables are LIST-partitioned by ``district_code``; every unique rule
and foreign key holds the key, and must still refuse what it refused before. SQLite has
no partitions: the key is a plain column there, and the same rules are checked on it.
"""

from __future__ import annotations

import datetime as dt

import old_rows
import pytest
import shapely
import sqlalchemy as sa
from sqlalchemy import select, text

from gis.basemap import Road
from gis.errors import Conflict, DuplicateName
from gis.storage import migrate, partitions
from placenames import register
from placenames.models import DoorPlate, PlaceName
from placenames.numbering.models import AddressCertificate, Compound, NumberChange
from placenames.registry_models import NameAlias, NamingApplication
from placenames.search import engine
from placenames.search.gazetteer import build
from placenames.search.reverse import reverse
from placenames.signs.models import PlateItem

HOME, OTHER = "530111", "530102"  # the default profile's 官渡区, and 五华区 next door
LINE = shapely.MultiLineString([[(102.70, 25.0), (102.72, 25.0)]])
BEFORE = ("0013_census16_name_codes", "0014_compounds17_compounds")  # what 0017 revises


def needs_partitions(store) -> None:
    if store.dialect != "postgresql":
        pytest.skip("SQLite has no partitions: there district_code is a plain column")


def add_road(store, name: str, district: str | None = None) -> int:
    with store.transaction(actor="t") as session:
        road = Road(name=name, road_class="secondary", geom=LINE, **({"district_code": district} if district else {}))
        session.add(road)
        session.flush()
        return road.id


def add_plate(store, road_id: int, number: int, suffix: str = "") -> int:
    """A plate written as every caller writes one: no district given."""
    with store.transaction(actor="t") as session:
        plate = DoorPlate(
            road_id=road_id,
            number=number,
            suffix=suffix,
            number_text=f"{number}{suffix}",
            address=f"{number}{suffix}号",
            geom=shapely.Point(102.705 + number * 1e-5, 25.0002),
        )
        session.add(plate)
        session.flush()
        return plate.id


def add_item(store, plate_id: int, level: str = "门牌") -> int:
    with store.transaction(actor="t") as session:
        item = PlateItem(door_plate_id=plate_id, level=level, text="牌", status="in_service")
        session.add(item)
        session.flush()
        return item.id


def add_name(store, name: str, category: str = "23510", district: str | None = None, **extra) -> int:
    with store.transaction(actor="t") as session:
        entry = PlaceName(
            **register.spelling(name, category), status="current", **extra, **({"district_code": district} if district else {})
        )
        session.add(entry)
        session.flush()
        return entry.id


def partition_of(store, table: str, row_id: int) -> str:
    with store.read() as session:
        return session.scalar(text(f"SELECT tableoid::regclass::text FROM {table} WHERE id = :id"), {"id": row_id})


def district_of(store, model, row_id: int) -> str:
    with store.read() as session:
        return session.get(model, row_id).district_code


# --- the tables ---------------------------------------------------------------------------


def test_plates_and_names_are_list_partitioned_by_district(store):
    needs_partitions(store)
    with store.engine.connect() as connection:
        assert partitions.partitioned_tables(connection) == ["door_plates", "place_names"]
        strategy = connection.exec_driver_sql(
            "SELECT c.relname, p.partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid ORDER BY 1"
        ).all()
        assert strategy == [("door_plates", "l"), ("place_names", "l")]
        children = connection.exec_driver_sql(
            "SELECT parent.relname, child.relname FROM pg_inherits i JOIN pg_class parent ON parent.oid = i.inhparent "
            "JOIN pg_class child ON child.oid = i.inhrelid WHERE parent.relkind = 'p' ORDER BY 1, 2"
        ).all()
        assert children == [
            ("door_plates", "door_plates_530111"),
            ("door_plates", "door_plates_default"),
            ("place_names", "place_names_530111"),
            ("place_names", "place_names_default"),
        ]
        keys = dict(
            connection.exec_driver_sql(
                "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'p' AND conrelid IN ('door_plates'::regclass, 'place_names'::regclass)"
            ).all()
        )
        assert keys == {"door_plates": "PRIMARY KEY (id, district_code)", "place_names": "PRIMARY KEY (id, district_code)"}
        # each partition's index is named after the table's, which is how a refusal is recognised
        names = {n for (n,) in connection.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'door_plates_530111'")}
        assert {"uq_door_plates_road_id_number_suffix_530111", "ix_door_plates_geom_gist_530111", "door_plates_pkey_530111"} <= names


def test_rows_land_in_their_districts_partition_without_callers_naming_it(store):
    road = add_road(store, "春城路")
    plate = add_plate(store, road, 1)
    item = add_item(store, plate)
    name = add_name(store, "春城路")
    assert district_of(store, Road, road) == district_of(store, DoorPlate, plate) == HOME  # the profile's
    assert district_of(store, PlateItem, item) == district_of(store, PlaceName, name) == HOME
    if store.dialect == "postgresql":
        assert partition_of(store, "door_plates", plate) == "door_plates_530111"
        assert partition_of(store, "place_names", name) == "place_names_530111"


def test_children_take_their_parents_district(store):
    road = add_road(store, "春城路", OTHER)
    plate = add_plate(store, road, 1)
    name = add_name(store, "春城路", district=OTHER)
    with store.transaction(actor="t") as session:
        rows = [
            PlateItem(door_plate_id=plate, level="门牌", text="牌", status="in_service"),
            NumberChange(door_plate_id=plate, road_id=road, change="assigned"),
            AddressCertificate(
                door_plate_id=plate, kind="plate", number="X-1", year=2026, serial=1, address_text="1号", issued_on=dt.date(2026, 1, 5)
            ),
            Compound(name="春城小区", road_id=road, door_plate_id=plate, geom=shapely.box(102.70, 25.0, 102.701, 25.001)),
            NameAlias(place_name_id=name, alias="春城大道", kind="former"),
        ]
        session.add_all(rows)
        session.flush()
        assert {row.district_code for row in rows} == {OTHER}
        lone = Compound(name="无号小区", road_id=road, geom=shapely.box(102.70, 25.0, 102.701, 25.001))  # no door number yet
        session.add(lone)
        session.flush()
        assert lone.district_code == HOME
    assert district_of(store, DoorPlate, plate) == OTHER  # its road's


def test_bulk_inserts_take_the_parents_district_too(store):
    home, other = add_road(store, "春城路"), add_road(store, "人民路", OTHER)
    with store.transaction(actor="import") as session:
        rows = [
            {
                "road_id": road,
                "number": n,
                "suffix": "",
                "number_text": str(n),
                "address": f"{n}号",
                "status": "current",
                "geom": shapely.Point(102.71, 25.0),
            }
            for road in (home, other)
            for n in range(1, 40)
        ]
        assert store.bulk_insert(session, DoorPlate, rows, batch=25) == 78
    with store.read() as session:
        found = dict(session.execute(select(DoorPlate.road_id, sa.func.min(DoorPlate.district_code)).group_by(DoorPlate.road_id)).all())
        spread = session.scalar(select(sa.func.count(sa.distinct(DoorPlate.district_code))).where(DoorPlate.road_id == other))
    assert found == {home: HOME, other: OTHER} and spread == 1


# --- the rules ----------------------------------------------------------------------------


def test_every_unique_rule_still_refuses_a_duplicate(store):
    road = add_road(store, "春城路")
    plate = add_plate(store, road, 1)
    with pytest.raises(DuplicateName):  # one number per road
        add_plate(store, road, 1)
    add_plate(store, road, 1, "附1")  # an infill number is another number
    add_item(store, plate, "门牌")
    with pytest.raises(Conflict):  # one main plate per address
        add_item(store, plate, "门牌")
    add_item(store, plate, "单元牌")
    add_name(store, "子君路", name_code="53011100123510000001")
    with pytest.raises(DuplicateName):  # one current 街路巷 name in the district
        add_name(store, "子君路")
    with pytest.raises(DuplicateName):  # one name per 地名代码
        add_name(store, "子君东路", name_code="53011100123510000001")


def test_a_refused_duplicate_names_its_rule_as_before(store):
    """Callers tell a clash from other refusals by the index named in the error; PostgreSQL
    names the partition's index, which carries the table's index name."""
    add_name(store, "子君路")
    with pytest.raises(sa.exc.IntegrityError) as refused, store.engine.begin() as connection:
        old_rows.insert(
            connection,
            "place_names",
            name="子君路",
            category_code="23510",
            category_label="街路巷",
            status="current",
            classification="public",
        )  # as a script writes it: no district, which the column's default gives
    message = str(refused.value.orig)
    assert "uq_place_names_current_unique_name" in message or "place_names.unique_class" in message


def test_foreign_keys_still_refuse_a_dangling_reference(store):
    road = add_road(store, "春城路")
    plate = add_plate(store, road, 1)
    add_item(store, plate)
    name = add_name(store, "春城路")
    with pytest.raises(Conflict):
        add_item(store, 999_999)
    with pytest.raises(Conflict), store.transaction(actor="t") as session:
        session.add(NameAlias(place_name_id=999_999, alias="无", kind="alias"))
    with pytest.raises(Conflict):
        add_plate(store, 999_999, 1)
    with pytest.raises(Conflict), store.transaction(actor="t") as session:  # a plate with items cannot go
        session.delete(session.get(DoorPlate, plate))
    with pytest.raises(Conflict), store.transaction(actor="t") as session:
        session.add(
            NamingApplication(
                kind="name", state="filed", place_name_id=999_999, category_code="23510", reasons="r", applicant_name="a", notice_days=7
            )
        )
    with store.read() as session:
        assert session.get(PlaceName, name) is not None and session.get(DoorPlate, plate) is not None


def test_a_plate_is_in_its_roads_district_and_an_item_in_its_plates(store):
    needs_partitions(store)  # on SQLite the rules do not hold the key, so there is nothing to contradict
    road = add_road(store, "春城路")
    with pytest.raises(Conflict), store.transaction(actor="t") as session:
        session.add(
            DoorPlate(
                road_id=road, number=1, suffix="", number_text="1", address="1号", geom=shapely.Point(102.71, 25.0), district_code=OTHER
            )
        )
    plate = add_plate(store, road, 1)
    with pytest.raises(Conflict), store.transaction(actor="t") as session:
        session.add(PlateItem(door_plate_id=plate, level="门牌", text="牌", status="in_service", district_code=OTHER))


# --- a second district --------------------------------------------------------------------


def test_a_second_district_waits_in_default_then_gets_its_own_partition(store):
    needs_partitions(store)
    home_name = add_name(store, "子君路")
    road = add_road(store, "人民路", OTHER)
    plates = [add_plate(store, road, n) for n in (1, 2, 3)]
    item = add_item(store, plates[0])
    alias_name = add_name(store, "子君路", district=OTHER)  # the rule is per district: 五华区 may have its 子君路
    with pytest.raises(DuplicateName):
        add_name(store, "子君路", district=OTHER)  # but only one
    with pytest.raises(DuplicateName):
        add_plate(store, road, 2)  # one number per road in DEFAULT too
    assert {partition_of(store, "door_plates", p) for p in plates} == {"door_plates_default"}
    assert partition_of(store, "place_names", alias_name) == "place_names_default"
    with store.engine.connect() as connection:
        waiting = [p for p in partitions.describe(connection) if p["district"] == partitions.DEFAULT]
        assert [p["districts"] for p in waiting] == [{OTHER: 3}, {OTHER: 1}]

    with store.engine.begin() as connection:
        assert partitions.add_district(connection, OTHER) == ["door_plates_530102", "place_names_530102"]
    with store.engine.begin() as connection:
        assert partitions.add_district(connection, OTHER) == []  # once is enough
    assert {partition_of(store, "door_plates", p) for p in plates} == {"door_plates_530102"}
    assert partition_of(store, "place_names", alias_name) == "place_names_530102"
    assert partition_of(store, "place_names", home_name) == "place_names_530111"
    with store.read() as session:  # the item still refers to its plate, which kept its id
        assert session.get(PlateItem, item).door_plate_id == plates[0]
    assert partition_of(store, "door_plates", add_plate(store, road, 4)) == "door_plates_530102"
    with pytest.raises(Conflict):  # the foreign keys made again after the move still refuse
        add_item(store, 999_999)
    with pytest.raises(Conflict), store.transaction(actor="t") as session:
        session.delete(session.get(DoorPlate, plates[0]))
    with pytest.raises(DuplicateName):
        add_plate(store, road, 3)
    with store.engine.connect() as connection:
        index_names = {n for (n,) in connection.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'door_plates_530102'")}
        described = {(p["partition"], p["rows"]) for p in partitions.describe(connection)}
    assert "uq_door_plates_road_id_number_suffix_530102" in index_names
    assert ("door_plates_530102", 4) in described and ("door_plates_default", 0) in described


def test_a_district_planned_before_its_rows_arrive(store):
    needs_partitions(store)
    with store.engine.begin() as connection:
        assert partitions.add_district(connection, OTHER) == ["door_plates_530102", "place_names_530102"]
    plate = add_plate(store, add_road(store, "人民路", OTHER), 1)
    assert partition_of(store, "door_plates", plate) == "door_plates_530102"
    with pytest.raises(ValueError), store.engine.begin() as connection:
        partitions.add_district(connection, "5301; DROP TABLE roads")


def test_a_road_given_to_another_district_takes_its_plates_and_their_items_along(store):
    """A reorganisation (区划调整) moves a road: ON UPDATE CASCADE moves its plates, between partitions."""
    needs_partitions(store)
    road = add_road(store, "春城路")
    plate = add_plate(store, road, 1)
    item = add_item(store, plate)
    with store.transaction(actor="t", reason="区划调整") as session:
        session.get(Road, road).district_code = OTHER
    assert district_of(store, DoorPlate, plate) == district_of(store, PlateItem, item) == OTHER
    assert partition_of(store, "door_plates", plate) == "door_plates_default"


def test_a_query_by_district_reads_only_that_districts_partition(store):
    needs_partitions(store)
    with store.engine.begin() as connection:
        partitions.add_district(connection, OTHER)
    with store.read() as session:
        plan = "\n".join(
            session.scalars(text("EXPLAIN (COSTS OFF) SELECT id, address FROM door_plates WHERE district_code = '530111' AND road_id = 7"))
        )
        unpruned = "\n".join(session.scalars(text("EXPLAIN (COSTS OFF) SELECT id FROM door_plates WHERE road_id = 7")))
        names = "\n".join(session.scalars(text("EXPLAIN (COSTS OFF) SELECT id FROM place_names WHERE district_code = '530102'")))
    assert "door_plates_530111" in plan and "door_plates_530102" not in plan and "door_plates_default" not in plan
    assert all(p in unpruned for p in ("door_plates_530111", "door_plates_530102", "door_plates_default"))
    assert "place_names_530102" in names and "place_names_530111" not in names


# --- the migration ------------------------------------------------------------------------


def _seed_before_0017(connection) -> dict[str, list[tuple]]:
    """Roads, plates (ids with a gap), the rows referring to plates and names, in the 0016 schema."""
    point = shapely.Point(102.71, 25.0)
    roads = [
        old_rows.insert(connection, "roads", geometry="MULTILINESTRING", name=n, road_class="secondary", geom=LINE)
        for n in ("春城路", "关上路")
    ]
    plates = []
    for k, (road, number) in enumerate([(roads[0], 1), (roads[0], 3), (roads[1], 2), (roads[1], 4)]):
        fields = {"number": number, "suffix": "", "number_text": str(number), "address": f"{number}号", "status": "current", "kind": "main"}
        plates.append(old_rows.insert(connection, "door_plates", geometry="POINT", road_id=road, geom=point, **fields))
        if k == 1:
            connection.execute(text("DELETE FROM door_plates WHERE id = :id"), {"id": plates.pop()})  # a gap in the ids
    old_rows.insert(connection, "plate_items", geometry="POINT", door_plate_id=plates[0], level="门牌", text="1号", status="in_service")
    old_rows.insert(connection, "door_number_changes", door_plate_id=plates[1], road_id=roads[1], change="assigned")
    old_rows.insert(
        connection,
        "address_certificates",
        door_plate_id=plates[1],
        kind="plate",
        number="C-1",
        year=2026,
        serial=1,
        address_text="2号",
        issued_on=dt.date(2026, 3, 1),
    )
    old_rows.insert(
        connection,
        "compounds",
        geometry="POLYGON",
        name="春城小区",
        road_id=roads[0],
        door_plate_id=plates[2],
        geom=shapely.box(102.70, 25.0, 102.701, 25.001),
    )
    names = [
        old_rows.insert(
            connection,
            "place_names",
            geometry="GEOMETRY",
            name=n,
            category_code=c,
            category_label="x",
            status="current",
            classification="public",
            name_code=code,
        )
        for n, c, code in (("子君路", "23510", "53011100123510000001"), ("金马小区", "22100", None))
    ]
    old_rows.insert(connection, "place_name_aliases", place_name_id=names[0], alias="子君街", kind="former")
    old_rows.insert(
        connection,
        "naming_applications",
        geometry="GEOMETRY",
        kind="name",
        state="filed",
        place_name_id=names[1],
        category_code="22100",
        reasons="r",
        applicant_name="a",
        notice_days=7,
    )
    return _snapshot(connection)


def _snapshot(connection) -> dict[str, list[tuple]]:
    """Every row of the tables 0017 changes, by id, without the new column."""
    columns = {
        "roads": "id, name",
        "door_plates": "id, road_id, number, number_text, address",
        "place_names": "id, name, unique_class, name_code",
        "plate_items": "id, door_plate_id, level",
        "door_number_changes": "id, door_plate_id",
        "address_certificates": "id, door_plate_id, number",
        "compounds": "id, door_plate_id, name",
        "place_name_aliases": "id, place_name_id, alias",
        "naming_applications": "id, place_name_id",
    }
    return {
        table: [tuple(r) for r in connection.execute(text(f"SELECT {cols} FROM {table} ORDER BY id"))] for table, cols in columns.items()
    }


def test_the_upgrade_keeps_every_row_and_id_and_the_ids_go_on(empty_store):
    store = empty_store
    for revision in BEFORE:
        migrate.upgrade(store, revision)
    with store.engine.begin() as connection:
        before = _seed_before_0017(connection)
    migrate.upgrade(store)
    with store.engine.connect() as connection:
        assert _snapshot(connection) == before
        for table in ("roads", "door_plates", "place_names", "plate_items", "compounds", "naming_applications"):
            assert connection.execute(text(f"SELECT DISTINCT district_code FROM {table}")).scalars().all() == [HOME]
        if store.dialect == "postgresql":
            assert partitions.partitioned_tables(connection) == ["door_plates", "place_names"]
            assert connection.execute(text("SELECT count(*) FROM door_plates_530111")).scalar() == len(before["door_plates"])
    newest = max(row[0] for row in before["door_plates"])
    assert add_plate(store, before["roads"][0][0], 9) == newest + 1  # the same sequence goes on
    with pytest.raises(DuplicateName):
        add_plate(store, before["roads"][0][0], 1)
    with pytest.raises(DuplicateName):
        add_name(store, "子君路")

    migrate.downgrade(store, BEFORE[0])  # and back: the rows, ids and rules of 0016
    with store.engine.connect() as connection:
        after = _snapshot(connection)
        assert after["door_plates"][: len(before["door_plates"])] == before["door_plates"]
        assert "district_code" not in {c["name"] for c in sa.inspect(connection).get_columns("door_plates")}
        if store.dialect == "postgresql":
            assert partitions.partitioned_tables(connection) == []
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as connection:
        row = {"number": 1, "suffix": "", "number_text": "1", "address": "1号", "status": "current", "kind": "main"}
        old_rows.insert(connection, "door_plates", geometry="POINT", road_id=before["roads"][0][0], geom=shapely.Point(102.71, 25.0), **row)
    migrate.upgrade(store)
    with store.engine.connect() as connection:
        assert _snapshot(connection)["door_plates"] == after["door_plates"]


def test_the_downgrade_refuses_a_database_of_several_districts(store):
    add_road(store, "春城路")
    add_road(store, "人民路", OTHER)
    with pytest.raises(Conflict) as refused:
        migrate.downgrade(store, BEFORE[0])
    assert refused.value.details["districts"] == [OTHER, HOME]
    assert migrate.current(store) == ",".join(migrate.heads())  # nothing was taken down (0018_search_keys stands on 0017)


def test_the_command_lists_the_partitions_and_adds_a_district(store):
    from click.testing import CliRunner

    from cli import main

    add_plate(store, add_road(store, "人民路", OTHER), 1)
    added = CliRunner().invoke(main, ["--db", store.url, "db", "partitions", "--add", OTHER])
    if store.dialect == "sqlite":
        assert added.exit_code == 2 and "SQLite" in added.output
        return
    assert added.exit_code == 0, added.output
    assert "district 530102: door_plates_530102, place_names_530102" in added.output
    assert "door_plates_530102" in added.output and "1 rows" in added.output
    refused = CliRunner().invoke(main, ["--db", store.url, "db", "partitions", "--add", "5301"])
    assert refused.exit_code == 2 and "6 digits" in refused.output


def test_search_reads_a_roads_plates_from_its_districts_partition_only(store):
    """A province's register: search, autocomplete and reverse read the plates of a road (and
    the plates an answer shows) from that road's district's partition, not from every one."""
    needs_partitions(store)
    with store.engine.begin() as connection:
        partitions.add_district(connection, OTHER)
    road = add_road(store, "人民西路", OTHER)
    for number in (1, 2, 3):
        add_plate(store, road, number)
    add_plate(store, add_road(store, "子君路"), 40)
    g = build(store)
    asked: list[str] = []

    def seen(connection, cursor, statement, parameters, context, executemany):
        if "door_plates" in statement:
            asked.append(cursor.mogrify(statement, parameters).decode())

    sa.event.listen(store.engine, "before_cursor_execute", seen)
    try:
        assert engine.search(g, "人民西路2号")[0].entry.name == "人民西路2号"
        assert engine.search(g, "人民西路9号")[0].entry.name == "人民西路3号"  # not registered: the nearest number
        assert [m.entry.number for m in engine.autocomplete(g, "人民西路") if m.entry.kind == "address"] == [1, 2, 3]
        assert reverse(g, [102.70502], [25.0002])[0].address.number == 2
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", seen)
    by_road_or_id = [s for s in asked if "&&" not in s]  # the box read of reverse is spatial: every district's index
    raw = store.engine.raw_connection()
    try:
        plans = []
        for statement in by_road_or_id:
            cursor = raw.cursor()
            cursor.execute("EXPLAIN (COSTS OFF) " + statement)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    finally:
        raw.close()
    assert len(plans) >= 4
    assert all("door_plates_530102" in plan and "door_plates_530111" not in plan and "door_plates_default" not in plan for plan in plans)
