"""Nearest rows asked of the spatial index (gis.storage.nearest): each point's k nearest rows
are those shapely finds, read from the index of native points alone and following every
write, the planner's estimate is of the right size, and SQLite says it cannot (callers then
read the batch's box)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import sqlalchemy as sa
from conftest import BACKENDS, make_store

from gis.storage import Geometry, ddl, native_points
from gis.storage.nearest import estimated_rows, has_nearest_search, nearest_each
from gis.storage.spatial import index_match, point_coordinate

points_table = sa.Table(
    "nearest_points", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("geom", Geometry("POINT"))
)
ROWS = 3_000
X0, Y0, SPAN = 102.70, 25.00, 0.05


@pytest.fixture(scope="module", params=BACKENDS)
def stored(request, tmp_path_factory):
    """A store holding ROWS random points in a 0.05° square (seeded), and those points."""
    store = make_store(request, request.param, tmp_path_factory.mktemp("nearest"))
    with store.engine.begin() as connection:
        points_table.create(connection)
        ddl.register_spatial_table(connection, points_table.name, "geom", "POINT")
        if store.dialect == "postgresql":
            native_points.add(connection, points_table.name, include=("id",))
    rng = np.random.default_rng(4490)
    xy = np.column_stack([X0 + rng.uniform(0, SPAN, ROWS), Y0 + rng.uniform(0, SPAN, ROWS)])
    with store.engine.begin() as connection:
        connection.execute(points_table.insert(), [{"id": i + 1, "geom": shapely.Point(x, y)} for i, (x, y) in enumerate(xy)])
        if store.dialect == "postgresql":
            connection.exec_driver_sql("ANALYZE nearest_points")
    return store, xy


def test_each_points_nearest_rows_are_shapelys(stored):
    store, xy = stored
    with store.read() as session:
        if not has_nearest_search(session):
            assert store.dialect == "sqlite"
            pytest.skip("SQLite's R*Tree has no nearest-neighbour search; callers read the box instead")
        rng = np.random.default_rng(7)
        qx, qy = X0 + rng.uniform(-0.01, SPAN + 0.01, 200), Y0 + rng.uniform(-0.01, SPAN + 0.01, 200)
        qx[0], qy[0] = 103.5, 26.0  # far from every row: nothing within reach
        columns = (points_table.c.id,)
        rows = session.execute(nearest_each(points_table.name, columns, (), qx, qy, k=5, reach_deg=0.004)).all()
    got: dict[int, list[int]] = {}
    for point, row_id in rows:
        got.setdefault(point - 1, []).append(row_id)
    for i in range(len(qx)):
        d = np.hypot(xy[:, 0] - qx[i], xy[:, 1] - qy[i])
        inside = (np.abs(xy[:, 0] - qx[i]) <= 0.004) & (np.abs(xy[:, 1] - qy[i]) <= 0.004)
        expected = [int(j) + 1 for j in np.argsort(d) if inside[j]][:5]
        assert got.get(i, []) == expected, i


def test_every_row_within_reach_and_rows_matching_each_point(stored):
    """``k=None`` gives every row within reach, nearest first; ``matching`` keeps to each point
    the rows whose column holds the point's value."""
    store, xy = stored
    if store.dialect == "sqlite":
        pytest.skip("no nearest search on SQLite")
    qx, qy, reach = xy[:20, 0] + 0.0005, xy[:20, 1], 0.002
    wanted = np.where(np.arange(20) % 2 == 0, np.arange(1, 21), np.arange(1, 21)[::-1])  # even: its own row; odd: row 20 - i
    with store.read() as session:
        every = session.execute(nearest_each(points_table.name, (points_table.c.id,), (), qx, qy, k=None, reach_deg=reach)).all()
        matched = session.execute(
            nearest_each(points_table.name, (points_table.c.id,), (), qx, qy, k=None, reach_deg=reach, matching=(points_table.c.id, wanted))
        ).all()
    for i in range(20):
        inside = np.flatnonzero((np.abs(xy[:, 0] - qx[i]) <= reach) & (np.abs(xy[:, 1] - qy[i]) <= reach))
        by_distance = inside[np.argsort(np.hypot(xy[inside, 0] - qx[i], xy[inside, 1] - qy[i]), kind="stable")] + 1
        assert [row_id for point, row_id in every if point == i + 1] == by_distance.tolist()
        expected = [int(wanted[i])] if wanted[i] - 1 in inside else []
        assert [row_id for point, row_id in matched if point == i + 1] == expected
    assert {point for point, _ in matched} >= set(range(1, 21, 2))  # every even point (1-based odd) found its own row


def test_the_search_reads_the_index_alone_and_follows_writes(stored):
    """The probes are index-only scans of the native points (no row fetched from the table
    once it is vacuumed), and a moved row is found at its new place in the same transaction."""
    store, xy = stored
    if store.dialect == "sqlite":
        pytest.skip("no nearest search on SQLite")
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE nearest_points")
    query = nearest_each(points_table.name, (points_table.c.id,), (), xy[:50, 0], xy[:50, 1], k=3, reach_deg=0.004)
    with store.engine.connect() as connection:  # rolled back at the end: the module's rows stay as they were
        compiled = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
        plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {compiled}").scalar_one()
        scans = [node for node in _nodes(plan[0]["Plan"]) if "Scan" in node["Node Type"] and node.get("Relation Name") == points_table.name]
        assert scans and all(node["Node Type"] == "Index Only Scan" for node in scans), scans
        assert sum(node["Heap Fetches"] for node in scans) == 0
        far_x, far_y = X0 + SPAN + 0.5, Y0 + SPAN + 0.5
        connection.execute(points_table.update().where(points_table.c.id == 1).values(geom=shapely.Point(far_x, far_y)))
        moved = connection.execute(nearest_each(points_table.name, (points_table.c.id,), (), [far_x], [far_y], k=1, reach_deg=0.001)).all()
        assert moved == [(1, 1)]
        connection.rollback()


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def test_the_planners_estimate_is_of_the_right_size(stored):
    store, xy = stored
    x, y = point_coordinate(points_table.c.geom, 0), point_coordinate(points_table.c.geom, 1)
    for bounds in ((X0, Y0, X0 + SPAN, Y0 + SPAN), (X0, Y0, X0 + SPAN / 4, Y0 + SPAN / 4)):
        query = sa.select(points_table.c.id, x, y).where(index_match(points_table.c.geom, *bounds))
        with store.read() as session:
            estimate = estimated_rows(session, query)
            actual = len(session.execute(query).all())
        if store.dialect == "sqlite":
            assert estimate is None
        else:
            assert actual / 3 <= estimate <= actual * 3, (bounds, estimate, actual)
