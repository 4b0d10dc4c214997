"""条例 Art.9 in the database: among current names a 街路巷 name occurs once, and an
important estate/building name occurs once. The checks explain a clash before a
write; the partial unique index (migration 0007_names_unique) refuses one even from
writers that skip the checks, and decides between two officers announcing at once."""

from __future__ import annotations

import datetime as dt
import importlib.util
import pathlib
import threading

import pytest
import sqlalchemy as sa
from apitools import bearer, make_client

from gis.errors import Conflict, DuplicateName
from gis.storage import migrate, utcnow
from placenames import applications, categories, procedure, register, transitions
from placenames.checks import duplicate_name
from placenames.models import PlaceName

MIGRATION = pathlib.Path(__file__).resolve().parents[1] / "migrations" / "versions" / "0007_names_unique.py"


def add_name(store, name, category, status="current"):
    """A register entry written straight through the ORM, without any check."""
    with store.transaction(actor="import") as session:
        entry = PlaceName(**register.spelling(name, category), status=status)
        session.add(entry)
        session.flush()
        return entry.id


def raw_insert(connection, name, category, status="current"):
    """An INSERT by hand, as a script might write it: no ORM, no unique_class given."""
    now = utcnow()
    connection.execute(
        sa.text(
            "INSERT INTO place_names (name, category_code, category_label, status, classification, version, "
            "created_at, created_by, updated_at, updated_by) "
            "VALUES (:name, :code, 'x', :status, 'public', 1, :now, 'script', :now, 'script')"
        ),
        {"name": name, "code": category, "status": status, "now": now},
    )


def test_a_second_current_road_name_is_refused_by_the_database(store):
    add_name(store, "子君路", "23510")
    with pytest.raises(DuplicateName) as refused:
        add_name(store, "子君路", "23510")
    assert refused.value.http_status == 409
    with pytest.raises(sa.exc.IntegrityError):
        with store.engine.begin() as connection:
            raw_insert(connection, "子君路", "23510")
    with store.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(PlaceName).where(PlaceName.name == "子君路")) == 1


def test_the_rule_follows_the_uniqueness_classes(store):
    add_name(store, "金马城", "22100")  # an estate ...
    with pytest.raises(DuplicateName):
        add_name(store, "金马城", "26100")  # ... and a notable building share one class
    add_name(store, "金马城", "23510")  # a road of that name is another class
    for _ in range(2):
        add_name(store, "金马社区", "21620")  # communities: no district-wide rule
        add_name(store, "子泰路", "23510", status="proposed")  # proposals may repeat
        add_name(store, "官城路", "23510", status="retired")  # so may history
    add_name(store, "官城路", "23510")  # a retired name can become current again
    with store.read() as session:
        classes = dict(session.execute(sa.select(PlaceName.category_code, PlaceName.unique_class).distinct()).all())
    assert classes == {"22100": "estate_building", "23510": "street", "21620": None}


def test_the_checks_and_the_index_agree():
    """The category table and migration 0007 say the same thing; a changed class in
    categories.csv needs a new migration, and this test says so."""
    spec = importlib.util.spec_from_file_location("m0007", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.CLASS == categories.unique_class_sql()
    assert module.WHERE == categories.UNIQUE_INDEX_WHERE
    assert set(categories.unique_classes().values()) == {"street", "estate_building"}


def test_the_code_check_compares_within_the_class(store):
    from placenames.checks import Candidate

    add_name(store, "金马城", "22100")
    with store.read() as session:
        assert duplicate_name.check(session, Candidate("金马城", "26100"))[0].rule == "duplicate-name"
        assert duplicate_name.check(session, Candidate("金马城", "23510")) == []


def test_upgrade_stops_on_an_existing_clash_and_lists_it(empty_store):
    migrate.upgrade(empty_store)
    migrate.downgrade(empty_store, "0003_registry")  # only 0007_names_unique (and 0007b) build on it
    assert "0007" not in migrate.current(empty_store)
    with empty_store.engine.begin() as connection:
        for _ in range(2):
            raw_insert(connection, "子君路", "23510")
        raw_insert(connection, "子君路", "24100")
    with pytest.raises(Conflict) as refused:
        migrate.upgrade(empty_store)
    assert "子君路" in refused.value.zh and refused.value.details["clashes"] == [{"name": "子君路", "class": "street", "count": 2}]
    with empty_store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE place_names SET status = 'retired' WHERE id = 1"))
    migrate.upgrade(empty_store)
    assert "unique_class" in {c["name"] for c in sa.inspect(empty_store.engine).get_columns("place_names")}
    migrate.downgrade(empty_store, "0003_registry")
    assert "unique_class" not in {c["name"] for c in sa.inspect(empty_store.engine).get_columns("place_names")}


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_officers_announcing_the_same_road_name_at_once(store, tmp_path, monkeypatch):
    """Both announcements pass the check (a barrier holds them there until both have),
    so only the database can decide: exactly one road becomes current, the other gets
    a 409 saying why, and its application stays filed."""
    moment = {"now": utcnow()}
    monkeypatch.setattr(procedure, "now", lambda: moment["now"])
    ids = []
    for applicant in ("张三", "李四"):
        app_id = applications.create_application(
            store,
            {"kind": "name", "proposed_name": "子泰东路", "category_code": "23510", "reasons": "新建道路", "applicant_name": applicant},
            actor="wang",
        )
        for action, data in (("accept", {}), ("review", {"officer_opinion": "ok"}), ("start_notice", {})):
            transitions.apply_action(store, app_id, action, {"reason": action, **data}, actor="wang")
        ids.append(app_id)
    moment["now"] += dt.timedelta(days=8)
    for app_id in ids:
        transitions.apply_action(
            store,
            app_id,
            "approve",
            {"reason": "r", "approving_body": "昆明市人民政府", "approval_document": f"文号{app_id}"},
            actor="chen",  # four-eyes: not the officer who filed it
        )
        transitions.apply_action(store, app_id, "file", {"reason": "r", "filed_with": "云南省民政厅"}, actor="wang")

    checked = threading.Barrier(2)
    real_check = duplicate_name.check

    def check_then_wait(session, candidate):
        found = real_check(session, candidate)
        checked.wait(timeout=20)
        return found

    monkeypatch.setattr(duplicate_name, "check", check_then_wait)
    client = make_client(store, tmp_path)
    officers = [bearer(store, "officer1", "placename_officer"), bearer(store, "officer2", "placename_officer")]
    results: list = [None, None]

    def announce(k):
        results[k] = client.post(
            f"/api/v1/applications/{ids[k]}/transitions", json={"action": "announce", "reason": "公告"}, headers=officers[k]
        )

    threads = [threading.Thread(target=announce, args=(k,)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.status_code for r in results) == [200, 409]
    refused = next(r for r in results if r.status_code == 409).get_json()
    assert "子泰东路" in refused["message"]["zh"] and "another announcement" in refused["message"]["en"]
    assert sorted(applications.officer_view(store, i)["state"] for i in ids) == ["announced", "filed"]
    with store.read() as session:
        assert session.scalars(sa.select(PlaceName.status).where(PlaceName.name == "子泰东路").order_by(PlaceName.status)).all() == [
            "current",
            "in_procedure",
        ]


def test_a_refused_upgrade_of_several_branches_leaves_the_schema_as_it_was(empty_store):
    """Scripts of other branches that ran before the refusal are rolled back with it (SQLite too),
    so once the clash is resolved the same upgrade goes through."""
    migrate.upgrade(empty_store, "0003_registry")
    with empty_store.engine.begin() as connection:
        for _ in range(2):
            raw_insert(connection, "子君路", "23510")

    def schema():
        inspector = sa.inspect(empty_store.engine)
        return {t: sorted(c["name"] for c in inspector.get_columns(t)) for t in inspector.get_table_names()}

    before = schema()
    with pytest.raises(Conflict):
        migrate.upgrade(empty_store)
    assert migrate.current(empty_store) == "0003_registry"
    assert schema() == before
    with empty_store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE place_names SET status = 'retired' WHERE id = 1"))
    migrate.upgrade(empty_store)
    assert set(migrate.current(empty_store).split(",")) == set(migrate.heads())
