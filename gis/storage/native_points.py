"""A point table's points kept also in PostgreSQL's own ``point`` type, so that a nearest
search is answered from an index alone.

PostGIS's GiST index of geometries keeps boxes and cannot give a geometry back, so every
row a nearest search finds through it is then fetched from the table: on millions of door
plates, most of a batch reverse lookup's time goes in those fetches (pages all over a
heap of more than a gigabyte). PostgreSQL's own ``point`` has a GiST index that gives the
point back and can carry other columns (``INCLUDE``): a nearest search that asks only for
those is an index-only scan, reading the table's pages only where rows changed since the
last vacuum. The column is generated from the geometry, so every write keeps it right,
in the writing transaction, with nothing to maintain by hand.

PostgreSQL only: SQLite has no nearest search (``nearest``) and has no such column.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Float, literal_column
from sqlalchemy.engine import Connection

from . import partitions

COLUMN = "native_point"


def index_name(table: str) -> str:
    # Ends like the spatial indexes (``ddl.register_spatial_table``), which the models do not list either.
    return f"ix_{table}_{COLUMN}_gist"


def add(conn: Connection, table: str, *, geometry: str = "geom", include: Sequence[str] = (), where: str | None = None) -> None:
    """Give ``table`` the generated point column and its GiST index, carrying ``include``
    and limited to the rows of ``where`` (SQL), as a nearest search will ask for them."""
    conn.exec_driver_sql(
        f'ALTER TABLE "{table}" ADD COLUMN {COLUMN} point GENERATED ALWAYS AS (point(ST_X("{geometry}"), ST_Y("{geometry}"))) STORED'
    )
    carried = f" INCLUDE ({', '.join(f'"{c}"' for c in include)})" if include else ""
    only = f" WHERE {where}" if where else ""
    conn.exec_driver_sql(f'CREATE INDEX "{index_name(table)}" ON "{table}" USING GIST ({COLUMN}){carried}{only}')
    if table in partitions.partitioned_tables(conn):
        partitions.name_partition_indexes(conn, table)


def drop(conn: Connection, table: str) -> None:
    conn.exec_driver_sql(f'DROP INDEX IF EXISTS "{index_name(table)}"')
    conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS {COLUMN}')


def point_of(table: str):
    """The column in a query (``table`` is named in the query's FROM by its other columns)."""
    return literal_column(f'"{table}".{COLUMN}')


def x_of(table: str):
    """The point's x, read from the index (labelled ``x``)."""
    return literal_column(f'"{table}".{COLUMN}[0]', Float).label("x")


def y_of(table: str):
    """The point's y, read from the index (labelled ``y``)."""
    return literal_column(f'"{table}".{COLUMN}[1]', Float).label("y")
