"""The declarative base every domain model uses, and the columns of a legal record.

Registered data (names, numbers, lines, units) carries who created and last changed
it, when, from which source, and a version number used for optimistic locking: a
writer holding a stale version gets a VersionConflict instead of silently
overwriting someone else's change.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, cast

from sqlalchemy import FromClause, Integer, MetaData, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from .coltypes import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Registered:
    """Mixin for audited records: who/when/source/version columns.

    Subclasses are picked up by the audit hooks in ``audit.py``; every insert,
    update and delete of one writes an append-only audit row.
    """

    if TYPE_CHECKING:  # set on the mapped model the mixin is combined with (typed as in DeclarativeBase)
        __table__: ClassVar[FromClause]

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    source: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False, default="system")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


def table_of(model: type[Base] | type[Registered]) -> Table:
    """The Table a model is mapped to (SQLAlchemy types ``__table__`` as the wider FromClause)."""
    return cast(Table, model.__table__)
