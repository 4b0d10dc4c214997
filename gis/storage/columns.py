"""The columns of a large query read straight into numpy arrays.

A row read the usual way becomes a driver tuple, then a SQLAlchemy row, then items of numpy
arrays: about 2 µs a row, which is most of the cost of a reverse batch that reads half a
million door plates. On PostgreSQL (psycopg2) the query runs as ``COPY (…) TO STDOUT WITH
(FORMAT binary)`` instead: every column is cast to the fixed-width type its numpy kind names,
so each row has the same layout and numpy reads all of them in one step (about 4× faster on
500,000 rows). Other databases (SQLite) read the rows and make the arrays from them.

Only fixed-width kinds (integers, floats, booleans) and no NULLs: a NULL would change a row's
length, so it is refused with a message naming the column; coalesce in the query instead.

A read of a large share of a big table (``parallel=True``) may be shared by PostgreSQL's
parallel workers. Its planner assumes by default that handing a row from a worker to the
leader costs a tenth of reading one, which rules a parallel scan out for a query that returns
half a table; these rows are a few numbers each, so for this one statement the planner is told
they cost little to hand over (a scan of 600,000 plates of 1.1 million: 0.52 s alone, 0.32 s
with two workers).

A read made of many small searches (``read_columns_in_parts``: each point's nearest rows of a
large batch) may instead be cut into parts, each run as a statement of its own on a
connection of its own at the same time, so that PostgreSQL works on them with as many
backends, hence cores (a batch of 20,000 nearest searches over 5.5 million door plates on two
cores: 0.57 s on one connection, 0.40 s on two). Each part sees what was committed when it
started, as each statement of a READ COMMITTED session does.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from sqlalchemy import BigInteger, Boolean, Float, Integer, SmallInteger, cast
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select
from sqlalchemy.types import TypeEngine

# numpy kind -> the SQL type whose binary COPY form is that kind, big-endian.
_SQL_TYPES: dict[np.dtype, TypeEngine] = {
    np.dtype(np.int16): SmallInteger(),
    np.dtype(np.int32): Integer(),
    np.dtype(np.int64): BigInteger(),
    np.dtype(np.float64): Float(precision=53),
    np.dtype(np.bool_): Boolean(),
}
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
# What the planner is told for a parallel read: no cost to start the workers (the scan is
# large, hundreds of milliseconds), little to hand a row of a few numbers to the leader.
_PARALLEL_PLANNING = {"parallel_setup_cost": "0", "parallel_tuple_cost": "0.001"}
# Connections a process lends to parts at once: one batch at a time is split (two parts),
# so a worker's requests never wait on each other for the pool.
_PART_CONNECTIONS = threading.BoundedSemaphore(1)


def read_columns(connection: Connection, query: Select, kinds: Sequence, *, bulk: bool = True, parallel: bool = False) -> list[np.ndarray]:
    """One array per selected column of ``query`` (its parameters bound in it), of the given
    numpy kinds (int16/int32/int64, float64, bool), rows in the order the database returns them.
    ``bulk=False`` for a read of a few rows: the rows are read as usual (a statement SQLAlchemy
    compiles once, where a COPY is compiled at each call, about a millisecond). ``parallel``
    for a read of a large share of a big table: PostgreSQL may share its scan among its
    parallel workers (see the module's note); no effect elsewhere."""
    kinds = [np.dtype(k) for k in kinds]
    unknown = [str(k) for k in kinds if k not in _SQL_TYPES]
    if unknown or len(kinds) != len(query.selected_columns):
        raise ValueError(f"one fixed-width kind per column ({', '.join(map(str, _SQL_TYPES))}); got {unknown or len(kinds)}")
    if bulk and connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg2":
        return _copied(connection, query, kinds, parallel)
    rows = connection.execute(query).all()
    if any(value is None for row in rows for value in row):
        raise ValueError("a NULL in a column read as numbers")
    if not rows:
        return [np.zeros(0, kind) for kind in kinds]
    return [np.array(column, dtype=kind) for column, kind in zip(zip(*rows, strict=True), kinds, strict=True)]


def read_columns_in_parts(connection: Connection, parts: Sequence[Select], kinds: Sequence) -> list[np.ndarray]:
    """The columns of ``parts`` (queries of the same columns), concatenated in order: the
    first part on ``connection``, the second at the same time on another connection of its
    engine's pool (PostgreSQL with psycopg2, while no other read of the process is split),
    any further ones after them; otherwise one after another on ``connection``. For reads
    whose parts are each many small searches, not scans (see the module's note)."""
    kinds = [np.dtype(k) for k in kinds]
    if not parts:
        return [np.zeros(0, kind) for kind in kinds]
    splittable = len(parts) > 1 and connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg2"
    if not (splittable and _PART_CONNECTIONS.acquire(blocking=False)):
        return _joined([read_columns(connection, part, kinds) for part in parts])
    try:
        lent: list[list[np.ndarray]] = []
        failed: list[BaseException] = []
        helper = threading.Thread(target=_read_lent, args=(connection, parts[1], kinds, lent, failed))
        helper.start()
        try:
            first = read_columns(connection, parts[0], kinds)
        finally:
            helper.join()
        if failed:
            raise failed[0]
    finally:
        _PART_CONNECTIONS.release()
    return _joined([first, *lent, *(read_columns(connection, part, kinds) for part in parts[2:])])


def _read_lent(connection: Connection, query: Select, kinds: list[np.dtype], out: list, failed: list) -> None:
    """Read ``query`` on a connection of ``connection``'s pool, read-only, and give it back."""
    try:
        lent = connection.engine.raw_connection()
        try:
            lent.rollback()  # a transaction of its own, whatever the pool's check left open
            cursor = lent.cursor()
            cursor.execute("SET TRANSACTION READ ONLY")
            cursor.close()
            out.append(_copied_on(lent, connection.dialect, query, kinds, parallel=False))
        finally:
            lent.rollback()
            lent.close()
    except BaseException as error:  # handed to the calling thread, which raises it
        failed.append(error)


def _joined(parts: list[list[np.ndarray]]) -> list[np.ndarray]:
    return [np.concatenate(columns) for columns in zip(*parts, strict=True)]


def _copied(connection: Connection, query: Select, kinds: list[np.dtype], parallel: bool) -> list[np.ndarray]:
    # The connection's own cursor: same transaction, same snapshot.
    return _copied_on(connection.connection, connection.dialect, query, kinds, parallel)


def _copied_on(dbapi_connection, dialect, query: Select, kinds: list[np.dtype], parallel: bool) -> list[np.ndarray]:
    pairs = enumerate(zip(query.selected_columns, kinds, strict=True))
    typed: Select = query.with_only_columns(
        *(cast(col, _SQL_TYPES[kind]).label(f"c{i}") for i, (col, kind) in pairs), maintain_column_froms=True
    )
    compiled = typed.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    cursor = dbapi_connection.cursor()
    try:
        statement = cursor.mogrify(str(compiled), compiled.params).decode()
        buffer = io.BytesIO()
        with _planner_settings(cursor, _PARALLEL_PLANNING if parallel else {}):
            cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT binary)", buffer)
    finally:
        cursor.close()
    return _parsed(buffer.getvalue(), kinds)


@contextmanager
def _planner_settings(cursor, settings: dict[str, str]) -> Iterator[None]:
    """PostgreSQL settings changed for the statements run inside, then put back as they were.
    Local to the transaction: a statement that fails leaves it to be rolled back, which puts
    them back (nothing more can run in it)."""
    if not settings:
        yield
        return
    names = list(settings)
    cursor.execute("SELECT " + ", ".join("current_setting(%s)" for _ in names), names)
    before = dict(zip(names, cursor.fetchone(), strict=True))
    _set_local(cursor, settings)
    yield
    _set_local(cursor, before)


def _set_local(cursor, settings: dict[str, str]) -> None:
    cursor.execute("SELECT " + ", ".join("set_config(%s, %s, true)" for _ in settings), [v for pair in settings.items() for v in pair])


def _parsed(data: bytes, kinds: list[np.dtype]) -> list[np.ndarray]:
    """The columns of PostgreSQL's binary COPY output whose every field has its kind's width."""
    if not data.startswith(_SIGNATURE):
        raise ValueError("not PostgreSQL binary COPY output")
    extension = int.from_bytes(data[15:19], "big")
    body = data[19 + extension : -2]  # then rows, then a 2-byte trailer (-1)
    layout: list[tuple[str, str | np.dtype]] = [("fields", ">i2")]
    for i, kind in enumerate(kinds):
        layout += [(f"length{i}", ">i4"), (f"value{i}", kind.newbyteorder(">"))]
    row = np.dtype(layout)
    if len(body) % row.itemsize:
        raise ValueError("a NULL in a column read as numbers (rows of unequal length)")
    rows = np.frombuffer(body, dtype=row)
    for i, kind in enumerate(kinds):
        if len(rows) and (rows[f"length{i}"] != kind.itemsize).any():
            raise ValueError(f"column {i}: a NULL or a value of another width than {kind}")
    if len(rows) and (rows["fields"] != len(kinds)).any():
        raise ValueError("rows of another number of columns")
    return [rows[f"value{i}"].astype(kind) for i, kind in enumerate(kinds)]
