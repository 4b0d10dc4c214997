"""Columns read into numpy arrays (gis.storage.columns): the same values, in the same order,
as the rows the usual read gives, on both backends (PostgreSQL through binary COPY)."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa
from shapely import Point

from gis.storage import Geometry, ddl
from gis.storage import columns as columns_module
from gis.storage.columns import read_columns, read_columns_in_parts
from gis.storage.spatial import index_match, point_coordinate

metadata = sa.MetaData()
things = sa.Table(
    "column_things",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("big", sa.BigInteger),
    sa.Column("ratio", sa.Float),
    sa.Column("label", sa.String(32), nullable=False),
    sa.Column("geom", Geometry("POINT")),
)

ROWS = [
    {"id": 1, "big": 2**40 + 3, "ratio": 0.1, "label": "main", "geom": Point(102.71, 25.01)},
    {"id": 2, "big": -7, "ratio": -1e-300, "label": "secondary", "geom": Point(102.7123456789012, 25.0198765432109)},
    {"id": 3, "big": 0, "ratio": 1.5e300, "label": "it's 50%", "geom": Point(102.79, 25.09)},
    {"id": 4, "big": None, "ratio": None, "label": "main", "geom": Point(103.5, 26.0)},
]


@pytest.fixture
def filled(store):
    with store.engine.begin() as connection:
        things.create(connection)
        ddl.register_spatial_table(connection, things.name, "geom", "POINT")
        connection.execute(things.insert(), ROWS)
    return store


def rows_of(connection, query) -> list[tuple]:
    return [tuple(row) for row in connection.execute(query).all()]


def test_columns_are_the_rows_values_in_their_order(filled):
    x, y = point_coordinate(things.c.geom, 0), point_coordinate(things.c.geom, 1)
    query = (
        sa.select(things.c.id, things.c.big, things.c.ratio, things.c.label == "secondary", x, y)
        .where(things.c.id.in_([3, 2, 1]), index_match(things.c.geom, 102.70, 25.00, 102.80, 25.10))
        .order_by(things.c.id.desc())
    )
    kinds = (np.int32, np.int64, np.float64, np.bool_, np.float64, np.float64)
    with filled.engine.connect() as connection:
        columns = read_columns(connection, query, kinds)
        expected = rows_of(connection, query)
    assert [column.dtype for column in columns] == [np.dtype(k) for k in kinds]
    assert list(zip(*(column.tolist() for column in columns), strict=True)) == expected
    assert columns[0].tolist() == [3, 2, 1]
    assert columns[1].tolist() == [0, -7, 2**40 + 3] and columns[3].tolist() == [False, True, False]
    assert columns[4][1] == 102.7123456789012 and columns[5][1] == 25.0198765432109  # every bit of a double


def test_text_parameters_are_quoted_not_spliced(filled):
    query = sa.select(things.c.id).where(things.c.label.in_(["it's 50%", "x'); DROP TABLE column_things; --"]))
    with filled.engine.begin() as connection:
        assert read_columns(connection, query, (np.int64,))[0].tolist() == [3]
        assert connection.execute(sa.select(sa.func.count()).select_from(things)).scalar_one() == len(ROWS)


def test_a_read_sees_its_own_transaction(filled):
    with filled.engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(things.insert(), [{"id": 9, "big": 9, "ratio": 9.0, "label": "main", "geom": Point(102.75, 25.05)}])
        ids = read_columns(connection, sa.select(things.c.id).order_by(things.c.id), (np.int64,))[0]
        transaction.rollback()
    assert ids.tolist() == [1, 2, 3, 4, 9]


def test_nothing_found_gives_empty_columns_of_their_kinds(filled):
    query = sa.select(things.c.id, things.c.ratio).where(things.c.id > 100)
    with filled.engine.connect() as connection:
        columns = read_columns(connection, query, (np.int64, np.float64))
    assert [(len(c), c.dtype) for c in columns] == [(0, np.dtype(np.int64)), (0, np.dtype(np.float64))]


def test_a_null_or_a_kind_without_fixed_width_is_refused(filled):
    with filled.engine.connect() as connection:
        with pytest.raises(ValueError, match="NULL"):
            read_columns(connection, sa.select(things.c.id, things.c.big).order_by(things.c.id), (np.int64, np.int64))
        with pytest.raises(ValueError, match="fixed-width"):
            read_columns(connection, sa.select(things.c.label), (object,))
        with pytest.raises(ValueError, match="fixed-width"):
            read_columns(connection, sa.select(things.c.id, things.c.big), (np.int64,))


def test_a_parallel_read_gives_the_same_columns(filled):
    query = sa.select(things.c.id, things.c.ratio).where(things.c.ratio.is_not(None)).order_by(things.c.id)
    with filled.engine.connect() as connection:
        plain = read_columns(connection, query, (np.int64, np.float64))
        shared = read_columns(connection, query, (np.int64, np.float64), parallel=True)
    assert [c.tolist() for c in shared] == [c.tolist() for c in plain] and plain[0].tolist() == [1, 2, 3]


def test_a_parallel_read_tells_the_planner_for_its_own_statement_only(filled):
    """On PostgreSQL the planner is told that handing rows from parallel workers costs little
    while the read's statement runs (the setting is read inside it), and as before after it."""
    if filled.dialect != "postgresql":
        pytest.skip("PostgreSQL's planner (SQLite has no parallel scans)")
    told = sa.cast(sa.func.current_setting("parallel_tuple_cost"), sa.Float)
    query = sa.select(things.c.id, told).order_by(things.c.id)
    with filled.engine.connect() as connection:
        before = connection.execute(sa.select(told)).scalar_one()
        during = read_columns(connection, query, (np.int64, np.float64), parallel=True)[1]
        plain = read_columns(connection, query, (np.int64, np.float64))[1]
        after = connection.execute(sa.select(told)).scalar_one()
    assert set(during.tolist()) == {0.001} and set(plain.tolist()) == {before} and after == before == 0.1


def test_parts_read_at_once_are_the_parts_read_in_turn(filled):
    """Parts come back concatenated in their order, whether split over connections or not."""
    parts = [sa.select(things.c.id, things.c.ratio).where(things.c.id.in_(ids)).order_by(things.c.id) for ids in ([3, 1], [2], [], [1])]
    with filled.engine.connect() as connection:
        columns = read_columns_in_parts(connection, parts, (np.int64, np.float64))
        expected = [row for part in parts for row in rows_of(connection, part)]
        assert [c.tolist() for c in read_columns_in_parts(connection, [], (np.int64, np.float64))] == [[], []]
    assert list(zip(*(column.tolist() for column in columns), strict=True)) == expected


def test_the_second_part_runs_on_a_connection_of_its_own_read_only(filled):
    """On PostgreSQL the second part is read by another backend at the same time (its own
    process id), on a read-only transaction; while another read of the process is split, in
    turn on the caller's connection; an error in the lent connection reaches the caller."""
    if filled.dialect != "postgresql":
        pytest.skip("SQLite reads the parts in turn on one connection")
    backend = sa.select(sa.func.pg_backend_pid())
    with filled.engine.connect() as connection:
        own = connection.execute(backend).scalar_one()
        first, second = read_columns_in_parts(connection, [backend, backend], (np.int32,))[0].tolist()
        assert first == own and second != own
        with columns_module._PART_CONNECTIONS:  # another split read under way
            assert read_columns_in_parts(connection, [backend, backend], (np.int32,))[0].tolist() == [own, own]
        writes = sa.select(sa.func.nextval("column_things_id_seq"))  # a write, refused in a read-only transaction
        with pytest.raises(Exception, match="read-only"):
            read_columns_in_parts(connection, [backend, writes], (np.int64,))
    with filled.engine.connect() as connection:  # the lent connection went back, and the next split read lends it again
        first, second = read_columns_in_parts(connection, [backend, backend], (np.int32,))[0].tolist()
        assert first != second
