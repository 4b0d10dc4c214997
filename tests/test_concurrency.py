"""Parallel officers over HTTP on PostgreSQL: decisions on one application and edits
of one record — exactly one wins, the others get a clear 409, nothing is lost."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from apitools import bearer, make_client
from guandu_units import add_units

from gis.storage.audit import AuditEntry
from placenames.registry_models import NamingTransition as Transition

PARALLEL = 6
APPLICATION = {
    "kind": "name",
    "proposed_name": "子泰东路",
    "category_code": "23510",
    "admin_code": "530111008000",
    "geometry": {"type": "LineString", "coordinates": [[102.75, 25.01], [102.76, 25.012]]},
    "location_description": "东起宝象河，西至子泰路",
    "reasons": "新建道路需要命名",
    "applicant_name": "张三",
    "applicant_contact": "13800000000",
}


def in_parallel(calls):
    """Run the calls at the same moment (a barrier), each in its own thread."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_one_decision_wins_on_one_application(store, tmp_path):
    add_units(store)
    client = make_client(store, tmp_path)
    officers = [bearer(store, f"officer{i}", "placename_officer") for i in range(PARALLEL)]
    created = client.post("/api/v1/applications", json=APPLICATION, headers=officers[0])
    assert created.status_code == 201
    app_id = created.get_json()["id"]

    def accept(headers):
        return lambda: client.post(
            f"/api/v1/applications/{app_id}/transitions", json={"action": "accept", "reason": "受理"}, headers=headers
        )

    responses = in_parallel([accept(h) for h in officers])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (PARALLEL - 1), statuses
    assert all(r.get_json()["message"]["en"] for r in responses if r.status_code == 409)
    with store.read() as session:
        accepted = session.scalars(sa.select(Transition).where(Transition.application_id == app_id, Transition.action == "accept")).all()
    assert len(accepted) == 1


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_parallel_edits_of_one_name_lose_nothing(store, tmp_path):
    from placenames import divisions

    add_units(store)
    client = make_client(store, tmp_path)
    officers = [bearer(store, f"officer{i}", "placename_officer") for i in range(PARALLEL)]
    divisions.import_divisions(store, actor="setup")
    target = next(n for n in client.get("/api/v1/names?category=21500&status=current", headers=officers[0]).get_json()["names"])

    def edit(i, headers):
        patch = {"version": target["version"], "reason": f"edit {i}", "changes": {"meaning": f"含义 {i}"}}
        return lambda: client.patch(f"/api/v1/names/{target['id']}", json=patch, headers=headers)

    responses = in_parallel([edit(i, h) for i, h in enumerate(officers)])
    winners = [i for i, r in enumerate(responses) if r.status_code == 200]
    assert len(winners) == 1 and sorted(r.status_code for r in responses).count(409) == PARALLEL - 1
    stored = client.get(f"/api/v1/names/{target['id']}", headers=officers[0]).get_json()
    assert stored["meaning"] == f"含义 {winners[0]}" and stored["version"] == target["version"] + 1
    with store.read() as session:
        updates = session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.table_name == "place_names", AuditEntry.record_id == target["id"], AuditEntry.action == "update"
            )
        ).all()
    assert [u.reason for u in updates] == [f"edit {winners[0]}"]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_parallel_reorganisations_of_one_unit_close_it_once(store, tmp_path):
    import datetime as dt

    from shapely import MultiPolygon, box
    from shapely.geometry import mapping

    from gis.basemap import AdminUnit

    with store.transaction(actor="setup") as session:
        session.add(
            AdminUnit(
                code="530111002000",
                name="乙街道",
                level="subdistrict",
                parent_code="530111000000",
                valid_from=dt.date(2000, 1, 1),
                geom=MultiPolygon([box(102.74, 25.0, 102.78, 25.05)]),
            )
        )
    client = make_client(store, tmp_path)
    officers = [bearer(store, f"boundary{i}", "boundary_officer") for i in range(PARALLEL)]

    def split(i, headers):
        body = {
            "kind": "boundary-change",
            "effective": "2024-01-01",
            "close": ["530111002000"],
            "reason": f"调整 {i}",
            "add": [
                {
                    "code": "530111002000",
                    "name": f"乙街道{i}",
                    "level": "subdistrict",
                    "parent_code": "530111000000",
                    "geometry": mapping(box(102.74, 25.0, 102.78 + i * 0.001, 25.05)),
                }
            ],
        }
        return lambda: client.post("/api/v1/units/reorganisations", json=body, headers=headers)

    responses = in_parallel([split(i, h) for i, h in enumerate(officers)])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (PARALLEL - 1), statuses
    with store.read() as session:
        versions = session.scalars(sa.select(AdminUnit).where(AdminUnit.code == "530111002000").order_by(AdminUnit.valid_from)).all()
    assert [(v.valid_from, v.valid_to) for v in versions] == [(dt.date(2000, 1, 1), dt.date(2024, 1, 1)), (dt.date(2024, 1, 1), None)]
