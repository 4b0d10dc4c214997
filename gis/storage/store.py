"""The one storage layer: sessions, transactions, bulk loads and record history.

Every module reads and writes through a ``Store``. A write happens inside
``store.transaction(actor=..., reason=...)``: it commits as a whole or not at all,
and its changes to registered records are audited. Database failures are turned
into the product's bilingual errors (duplicate -> 409, stale version -> 409,
database down -> 503).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from gis.errors import Conflict, DuplicateName, InvalidInput, Unavailable, VersionConflict

from . import audit, changes, ddl
from .engine import make_engine, normalise_url
from .model import Registered, table_of, utcnow


class Store:
    """The database of one deployment: a primary for everything, and optionally
    read replicas (PostgreSQL streaming replicas) that serve public reads."""

    def __init__(self, url: str, *, pool_size: int = 5, read_urls: Sequence[str] = ()):
        self.url = normalise_url(url)
        self.engine: Engine = make_engine(self.url, pool_size=pool_size)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        audit.install(self._sessions)
        changes.install(self._sessions)
        self.replicas: list[Engine] = [make_engine(u, pool_size=pool_size) for u in read_urls]
        self._next_replica = itertools.count()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def analyze(self, table: str) -> None:
        """Refresh the planner's figures of a table after it was written in bulk, so its
        indexes are used as its new size warrants; on PostgreSQL also vacuum it, which marks
        its pages all-visible, so index-only scans need not visit the new rows (autovacuum
        would do both, a while later)."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            quoted = connection.dialect.identifier_preparer.quote(table)
            connection.exec_driver_sql(f"VACUUM ANALYZE {quoted}" if self.dialect == "postgresql" else f"ANALYZE {quoted}")

    def checkpoint(self) -> None:
        """On SQLite, fold the write-ahead log into the file, so tools that read the
        file directly (GDAL, QGIS, a copy) see every committed change."""
        if self.dialect == "sqlite":
            with self.engine.begin() as connection:
                ddl.refresh_extents(connection)
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def dispose(self) -> None:
        self.engine.dispose()
        for replica in self.replicas:
            replica.dispose()

    @contextlib.contextmanager
    def read(self, *, public: bool = False) -> Iterator[Session]:
        """A session for reading; nothing it does is committed.

        ``public=True`` marks reads that may be slightly stale (the public API):
        they go to a read replica when there is one, round robin, skipping a
        replica that cannot be reached, and fall back to the primary. Closing the
        session (not rolling it back) keeps the loaded objects usable after the
        block, detached.
        """
        with translate_errors():
            if public and self.replicas:
                connection = self._replica_connection()
                try:
                    with Session(bind=connection, expire_on_commit=False) as session:
                        yield session
                finally:
                    connection.close()
                return
            with self._sessions() as session:
                yield session

    def _replica_connection(self):
        start = next(self._next_replica)
        for offset in range(len(self.replicas)):
            engine = self.replicas[(start + offset) % len(self.replicas)]
            try:
                return engine.connect()
            except OperationalError:
                continue
        return self.engine.connect()

    @contextlib.contextmanager
    def transaction(self, *, actor: str, reason: str | None = None) -> Iterator[Session]:
        """One all-or-nothing unit of work, audited under ``actor`` and ``reason``."""
        if reason is not None and not isinstance(reason, str):  # from a request body: a number or list is the client's 400
            raise InvalidInput("理由（reason）应为文本", "'reason' must be text", details={"field": "reason"})
        with translate_errors(), self._sessions() as session:
            session.info["actor"] = actor
            session.info["reason"] = reason
            with session.begin():
                yield session

    def bulk_insert(self, session: Session, model: type[Registered], rows: Sequence[dict[str, Any]], *, batch: int = 2000) -> int:
        """Insert many records of one model fast, each still with its own audit row.

        Used by imports and the demo builder, where ORM objects one by one would be
        too slow. Must run inside ``transaction`` (the caller's session). Tables derived
        from this one (``changes``) are rewritten before the transaction commits.
        """
        actor = session.info["actor"]
        reason = session.info.get("reason")
        table = table_of(model)
        now = utcnow()
        total = 0
        for start in range(0, len(rows), batch):
            chunk = [
                {"version": 1, "created_at": now, "created_by": actor, "updated_at": now, "updated_by": actor, **row}
                for row in rows[start : start + batch]
            ]
            ids = session.execute(insert(table).returning(table.c.id), chunk).scalars().all()
            changes.note(session, table.name, ids)
            session.execute(
                insert(table_of(audit.AuditEntry)),
                [
                    {
                        "occurred_at": now,
                        "actor": actor,
                        "action": "insert",
                        "table_name": table.name,
                        "record_id": record_id,
                        "version": 1,
                        "reason": reason,
                        "before": None,
                        "after": audit.conceal(
                            table.name, {key: audit.to_jsonable(value) for key, value in {**row, "id": record_id}.items()}
                        ),
                    }
                    for record_id, row in zip(ids, chunk, strict=True)
                ],
            )
            total += len(chunk)
        return total

    def history(self, table_name: str, record_id: int) -> list[audit.AuditEntry]:
        """Every audited change of one record, oldest first (secret columns masked, also in old entries)."""
        with self.read() as session:
            query = (
                select(audit.AuditEntry)
                .where(audit.AuditEntry.table_name == table_name, audit.AuditEntry.record_id == record_id)
                .order_by(audit.AuditEntry.id)
            )
            entries = list(session.scalars(query))
            session.expunge_all()  # detached: masking below can never be flushed into the append-only log
        for entry in entries:
            entry.before, entry.after = audit.conceal(table_name, entry.before), audit.conceal(table_name, entry.after)
        return entries


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Turn driver errors into the product's errors, once, for every caller."""
    try:
        yield
    except StaleDataError as exc:
        raise VersionConflict(details=str(exc)) from exc
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "unique" in text or "duplicate" in text:
            raise DuplicateName(details=str(exc.orig).splitlines()[0]) from exc
        raise Conflict(details=str(exc.orig).splitlines()[0]) from exc
    except OperationalError as exc:
        if _is_connection_problem(exc):
            raise Unavailable(details="database unreachable") from exc
        raise
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise Unavailable(details="database connection lost") from exc
        raise


def _is_connection_problem(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    markers = (
        "could not connect",
        "does not exist",
        "connection refused",
        "server closed",
        "terminating connection",
        "the database system is",
        "connection timed out",
        "connection reset",
        "no connection to the server",
        "could not receive data",
        "could not send data",
        "ssl syscall",
    )
    return exc.connection_invalidated or any(m in text for m in markers)
