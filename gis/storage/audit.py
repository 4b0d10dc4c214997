"""The append-only audit log: who changed which record, when, how and why.

Every flush that touches a ``Registered`` record writes one ``AuditEntry`` per
record with the values before and after. The session's ``info`` carries the actor
and the reason (``Store.transaction`` sets them); a write without an actor is
refused, so nothing reaches the register anonymously. The database itself refuses
UPDATE and DELETE on the log (a trigger on both backends, see ``ddl.py``).

Secrets never enter the log: a column declared with ``info=SECRET`` (password and
token hashes, session ids) is recorded as ``"***"`` when set, and ``conceal``
masks the same columns in older entries whenever the log is read or exported.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from typing import Any

import shapely
from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text, event, func, insert, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .coltypes import UTCDateTime
from .geometry import Geometry, promote_to_multi
from .model import Base, Registered, table_of, utcnow

AUDIT_TABLE = "audit_log"


class AuditEntry(Base):
    __tablename__ = AUDIT_TABLE
    __table_args__ = (
        Index("ix_audit_log_record", "table_name", "record_id"),
        Index("ix_audit_log_table_newest", "table_name", "id"),  # newest_change: one index probe per table
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    record_id: Mapped[int] = mapped_column(Integer, nullable=False)
    version: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


def newest_change(session: Session, tables: tuple[str, ...]) -> int:
    """The id of the newest audit entry of any of ``tables`` (0 when none): a version of
    those tables' contents that moves in the very transaction that changes them, so a
    reader that keeps a copy knows, with one index probe per table, when to reread it."""
    return max((int(value or 0) for value in session.execute(_newest_of(tables)).one()), default=0)


@functools.lru_cache(maxsize=64)
def _newest_of(tables: tuple[str, ...]):
    """The statement of ``newest_change``, built once per set of tables (it runs on every query)."""
    return select(*(select(func.max(AuditEntry.id)).where(AuditEntry.table_name == table).scalar_subquery() for table in tables))


#: ``mapped_column(..., info=SECRET)`` declares a column whose values the audit log never holds.
SECRET = {"secret": True}
#: What the log shows instead of a secret value that is set.
MASK = "***"


def secret_columns(table_name: str) -> frozenset[str]:
    """The secret columns of a table, as declared on its model (the one list of them)."""
    table = Base.metadata.tables.get(table_name)
    if table is None:
        return frozenset()
    return frozenset(c.key for c in table.columns if c.info.get("secret"))


def conceal(table_name: str, values: dict[str, Any] | None) -> dict[str, Any] | None:
    """``values`` with every secret column masked (set: ``"***"``, unset: None)."""
    secret = secret_columns(table_name)
    if values is None or not secret & values.keys():
        return values
    return {k: (None if v is None else MASK) if k in secret else v for k, v in values.items()}


#: Byte values above this size are audited by their hash and size, not copied again in hex.
AUDIT_BYTES_INLINE = 4096


def to_jsonable(value: Any) -> Any:
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkt(value, rounding_precision=8)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        if len(value) > AUDIT_BYTES_INLINE:
            return {"sha256": hashlib.sha256(value).hexdigest(), "size": len(value)}
        return value.hex()
    return value


def _stored_form(column, value: Any) -> Any:
    """The value as the database keeps it (a single line in a MULTI column is multi)."""
    if isinstance(value, shapely.Geometry) and isinstance(column.type, Geometry):
        return promote_to_multi(value, column.type.geometry_type)
    return value


def snapshot(record: Registered) -> dict[str, Any] | None:
    """All column values of a record, JSON-ready (geometry as WKT)."""
    state = inspect(record)
    columns = state.mapper.columns
    values = {key: to_jsonable(_stored_form(columns[key], state.dict.get(key))) for key in columns.keys()}
    return conceal(table_of(type(record)).name, values)


def _before_snapshot(record: Registered) -> dict[str, Any] | None:
    state = inspect(record)
    out = {}
    for attr in state.attrs:
        if attr.key not in state.mapper.columns:
            continue
        history = attr.history
        if history.deleted:
            value = history.deleted[0]
        elif history.unchanged:
            value = history.unchanged[0]
        else:
            value = state.dict.get(attr.key)
        out[attr.key] = to_jsonable(_stored_form(state.mapper.columns[attr.key], value))
    return conceal(table_of(type(record)).name, out)


def _actor(session: Session) -> str:
    actor = session.info.get("actor")
    if not actor:
        raise PermissionError("a write to registered data needs an actor (Store.transaction(actor=...))")
    return actor


def _before_flush(session: Session, _ctx, _instances) -> None:
    pending = session.info.setdefault("_audit_pending", [])
    for record in session.new:
        if isinstance(record, Registered):
            actor = _actor(session)
            record.created_by = record.created_by if record.created_by not in (None, "system") else actor
            record.updated_by = actor
            pending.append(("insert", record, None))
    for record in session.dirty:
        if isinstance(record, Registered) and session.is_modified(record, include_collections=False):
            record.updated_by = _actor(session)
            pending.append(("update", record, _before_snapshot(record)))
    for record in session.deleted:
        if isinstance(record, Registered):
            _actor(session)
            pending.append(("delete", record, _before_snapshot(record)))


def _after_flush(session: Session, _ctx) -> None:
    pending = session.info.pop("_audit_pending", [])
    if not pending:
        return
    rows = []
    for action, record, before in pending:
        after = None if action == "delete" else snapshot(record)
        rows.append(
            {
                "occurred_at": utcnow(),
                "actor": session.info["actor"],
                "action": action,
                "table_name": record.__tablename__,
                "record_id": record.id,
                "version": record.version,
                "reason": session.info.get("reason"),
                "before": before,
                "after": after,
            }
        )
    session.execute(insert(table_of(AuditEntry)), rows)


def install(session_factory) -> None:
    """Attach the audit hooks to a sessionmaker."""
    event.listen(session_factory, "before_flush", _before_flush)
    event.listen(session_factory, "after_flush", _after_flush)
