"""The search index of names, in the database: one row per lookup key of a name.

Made from the register (roads, place names, their aliases and former names, compounds) and rewritten in
the transaction of every write to those tables (``index_upkeep``), so it is never behind what
is committed. Each row comes from one register record (``source``, ``source_id``) and only from
it, so a write rewrites only the rows of the records it changed; how names of different records
bear on each other (a place named like a road is found as the road, a road whose name was
cancelled is found as a cancelled name) is decided when the rows are read (``names``).

``key`` is compared in code point order (``COLLATE "C"`` on PostgreSQL, SQLite's default
BINARY), so the B-tree on (key, kind) answers exact keys and, by a range, their beginnings.
Units (subdistricts, communities) are not here: search keeps them in memory with their
polygons (``gazetteer``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from gis.storage import Base
from gis.storage.changes import DERIVED
from gis.storage.coltypes import UTCDateTime

# What a key row leads to and how.
ROAD, PLACE, ALIAS, COMPOUND = "road", "place", "alias", "compound"  # target / source tables
BY_NAME, BY_ALIAS, BY_FORMER = "name", "alias", "former"  # via: the record's own name, an alias or short name, a former name
CURRENT, RETIRED = "current", "retired"  # state of a name row: a current name, a cancelled one
# The rows of former and cancelled names: a few among the current ones, with their own index.
# Written out, not bound: SQLite uses a partial index only for a query that repeats its condition.
HISTORIC = "(via = 'former' OR state = 'retired')"


class SearchKey(Base):
    __tablename__ = "search_keys"
    __table_args__ = (
        Index("ix_search_keys_key_kind", "key", "kind"),
        Index("ix_search_keys_source", "source", "source_id"),
        Index("ix_search_keys_historic", "key", postgresql_where=text(HISTORIC), sqlite_where=text(HISTORIC)),
        {"info": DERIVED},
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    key: Mapped[str] = mapped_column(Text().with_variant(Text(collation="C"), "postgresql"), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # keys.NAME, DELETION, PINYIN, INITIALS, REVERSED
    name_key: Mapped[str] = mapped_column(Text, nullable=False)  # the normalized name the key is made from
    via: Mapped[str] = mapped_column(String(8), nullable=False)  # BY_NAME, BY_ALIAS, BY_FORMER
    target: Mapped[str] = mapped_column(String(8), nullable=False)  # ROAD, PLACE or COMPOUND: what the key finds
    target_id: Mapped[int] = mapped_column(Integer, nullable=False)
    source: Mapped[str] = mapped_column(String(8), nullable=False)  # ROAD, PLACE, ALIAS or COMPOUND: the record the key is made from
    source_id: Mapped[int] = mapped_column(Integer, nullable=False)
    state: Mapped[str | None] = mapped_column(String(8))  # a road's or place's own name: CURRENT or RETIRED
    until: Mapped[dt.date | None] = mapped_column(Date)  # the day a former name ended / a name was cancelled


class SearchIndexState(Base):
    """Which rules (``keys.KEYS_VERSION``) made the stored keys, and when they were last rebuilt
    in full; one row."""

    __tablename__ = "search_index_state"
    __table_args__ = {"info": DERIVED}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    keys_version: Mapped[int] = mapped_column(Integer, nullable=False)
    rebuilt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
