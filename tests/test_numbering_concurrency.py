"""Two officers numbering the same road at once on PostgreSQL: never a duplicate number.

Separate threads, separate sessions, a barrier so both start together. The
engine's road lock makes the second wait and then find nothing left to number;
underneath, the database's UNIQUE(road, number, suffix) refuses a duplicate even
from writers that bypass the engine.
"""

from __future__ import annotations

import threading
from collections import Counter

import numbering_world as world
import pytest
from sqlalchemy import select

from gis.errors import Conflict
from placenames.models import DoorPlate
from placenames.numbering import service

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def run_together(*jobs):
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def wrap(k, job):
        barrier.wait()
        try:
            results[k] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each writer got
            results[k] = exc

    threads = [threading.Thread(target=wrap, args=(k, job)) for k, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_officers_numbering_one_road_get_no_duplicates(store):
    ids = world.seed(store)
    results = run_together(
        lambda: service.commit(store, ["春城路"], actor="wang", reason="officer 1"),
        lambda: service.commit(store, ["春城路"], actor="li", reason="officer 2"),
    )
    for result in results:
        assert isinstance(result, (service.Plan, Conflict)), result
    with store.read() as session:
        plates = list(session.scalars(select(DoorPlate)))
    per_number = Counter((p.road_id, p.number, p.suffix) for p in plates)
    assert max(per_number.values()) == 1
    main_on_road = Counter(p.building_id for p in plates if p.kind == "main")
    assert set(main_on_road) == {ids[c] for c in ("N1", "N2", "N3", "S1", "S2", "C1")} and max(main_on_road.values()) == 1
    assert sorted(len(r.rows()) for r in results if isinstance(r, service.Plan)) in ([0, 6], [6])


def test_the_database_itself_refuses_a_concurrent_duplicate(store):
    """Writers that skip the engine's lock: the second insert of 春城路 7 waits for the
    first transaction, then fails with a 409 once the first commits."""
    world.seed(store)
    service.commit(store, ["春城路"], actor="wang")
    with store.read() as session:
        template = session.scalars(select(DoorPlate).order_by(DoorPlate.id)).first()
    road_id, geom = template.road_id, template.geom
    first_inserted = threading.Event()

    def writer(pause: bool):
        with store.transaction(actor="raw") as session:
            session.add(DoorPlate(road_id=road_id, number=7777, suffix="", number_text="7777", address="x", geom=geom))
            session.flush()
            if pause:
                first_inserted.set()
                threading.Event().wait(0.5)  # hold the row uncommitted while the other writer tries

    def second():
        first_inserted.wait(10)
        writer(False)

    results = run_together(lambda: writer(True), second)
    assert results[0] is None
    assert isinstance(results[1], Conflict) and results[1].http_status == 409
    with store.read() as session:
        assert len(list(session.scalars(select(DoorPlate).where(DoorPlate.number == 7777)))) == 1
