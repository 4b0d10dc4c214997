"""Rows written as an earlier revision's schema has them, for migration tests.

The models describe the newest schema (door plates and names carry ``district_code``
since 0017), so a database stopped at an earlier revision is seeded through its own
tables, reflected, not through the models.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from gis.storage.coltypes import UTCDateTime
from gis.storage.geometry import Geometry


def insert(connection, table: str, *, geometry: str | None = None, **values) -> int:
    """Insert one row into ``table`` as it is now (``geometry``: the type of its ``geom``); its id."""
    overrides = [sa.Column(name, UTCDateTime()) for name in ("created_at", "updated_at")]
    if geometry:
        overrides.append(sa.Column("geom", Geometry(geometry)))
    reflected = sa.Table(table, sa.MetaData(), *overrides, autoload_with=connection)
    now = dt.datetime.now(dt.UTC)
    stamps = {"version": 1, "created_at": now, "created_by": "seed", "updated_at": now, "updated_by": "seed"}
    return connection.execute(sa.insert(reflected).returning(reflected.c.id), {**stamps, **values}).scalar_one()
