"""Derived tables kept in the very transaction of the writes they derive from.

Some tables are made from registered ones (the search keys of names, for instance). A reader
must never see a name without its keys, and a rollback must take both back, so the derived
rows are rewritten inside the transaction that changes their source, just before it commits.

A *keeper* registers here (``register``) for the tables it follows. The store notes which
records of those tables a transaction inserted, updated or deleted, whichever way it wrote
them (ORM flushes, ``Store.bulk_insert``), and before the commit hands each keeper the
session and ``{table name: ids}`` of its tables' changed records. The keeper reads those
records as they now are (a deleted one is simply gone) and rewrites what it derives from them:
a noted id that turns out unchanged or rolled back to a savepoint costs a rewrite, never a
wrong row.

The storage layer knows no keeper: the domain that owns a derived table registers its keeper
when it is imported, as ``audit`` hooks are installed on every session. A derived table is not
audited (its history is that of its sources); it is declared with ``info=DERIVED`` and written
only through ``rewrite``, the one write around the audited session outside this layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import ColumnElement, Table, delete, event, insert
from sqlalchemy.orm import Session, SessionTransaction

Keeper = Callable[[Session, dict[str, set[int]]], None]

_KEEPERS: list[tuple[frozenset[str], Keeper]] = []
_NOTED = "_changes_noted"
#: ``__table_args__`` info of a table derived from registered ones (not audited: rewritten with them).
DERIVED = {"derived": True}
BATCH = 5000


def register(tables: Iterable[str], keeper: Keeper) -> None:
    """Have ``keeper(session, {table: ids})`` run before each commit that changed ``tables``."""
    entry = (frozenset(tables), keeper)
    if entry not in _KEEPERS:
        _KEEPERS.append(entry)


def watched(table: str) -> bool:
    """Whether a keeper follows ``table``."""
    return any(table in tables for tables, _ in _KEEPERS)


def note(session: Session, table: str, ids: Iterable[int]) -> None:
    """Record that this transaction wrote these records of ``table`` (bulk writes call this)."""
    if watched(table):
        session.info.setdefault(_NOTED, {}).setdefault(table, set()).update(ids)


def rewrite(session: Session, table: Table, where: ColumnElement[bool] | None, rows: Iterable[dict]) -> int:
    """Delete the rows of a derived ``table`` that ``where`` selects (all when None) and insert
    ``rows``, in the session's transaction; the number inserted."""
    assert table.info.get("derived"), f"{table.name} is not a derived table"
    session.execute(delete(table) if where is None else delete(table).where(where))
    written, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            session.execute(insert(table), batch)
            written, batch = written + len(batch), []
    if batch:
        session.execute(insert(table), batch)
        written += len(batch)
    return written


def _after_flush(session: Session, _context) -> None:
    # In after_flush the session still lists what the flush wrote, with the new ids assigned.
    for record in (*session.new, *session.dirty, *session.deleted):
        table = getattr(record, "__tablename__", None)
        if table is not None and watched(table) and (record not in session.dirty or session.is_modified(record)):
            note(session, table, (record.id,))


def _before_commit(session: Session) -> None:
    """Run the keepers (also when a savepoint is released: what they write is then part of it)."""
    session.flush()  # the last changes are noted too
    noted: dict[str, set[int]] = session.info.pop(_NOTED, {})
    for tables, keeper in _KEEPERS:
        mine = {table: ids for table, ids in noted.items() if table in tables and ids}
        if mine:
            keeper(session, mine)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction is over (a savepoint's end keeps the notes)
        session.info.pop(_NOTED, None)


def install(session_factory) -> None:
    """Attach the change notes and the keepers' run to a sessionmaker."""
    event.listen(session_factory, "after_flush", _after_flush)
    event.listen(session_factory, "before_commit", _before_commit)
    event.listen(session_factory, "after_transaction_end", _after_transaction_end)
